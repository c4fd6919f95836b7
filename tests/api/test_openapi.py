"""The OpenAPI document describes what the app really serves."""
from api.openapi import document
from query.parse import PARAMETERS


def test_every_read_parameter_is_documented():
    get = document()["paths"]["/data/{data_group}/{data_type}"]["get"]
    assert {p["name"] for p in get["parameters"]} == set(PARAMETERS)


def test_the_app_serves_it_and_routes_every_documented_operation():
    from app import server
    answer = server.test_client().get("/openapi.json")
    assert answer.status_code == 200 and answer.json["openapi"].startswith("3.1")
    rules = {(rule.rule, method) for rule in server.url_map.iter_rules() for method in rule.methods}
    for path, operations in answer.json["paths"].items():
        flask_path = path.replace("{", "<").replace("}", ">").replace("<record_id>", "<path:record_id>")
        for method in operations:
            if method != "parameters":
                assert (flask_path, method.upper()) in rules, (path, method)
