"""The app under gunicorn, over HTTP: once on SQLite with the file cache, once on PostgreSQL with Redis."""
import csv
import io
import json
import urllib.error
import urllib.request

import pytest


def get(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.headers, answer.read().decode("utf-8")


def get_csv(url):
    """The rows of an exported CSV, after its '#' header lines."""
    status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(line for line in io.StringIO(body) if not line.startswith("#")))


def test_status_says_the_database_answers(server):
    status, _, body = get(server + "/_status")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_the_page_shell_is_served_in_english_with_its_title(server):
    status, _, body = get(server + "/services/vehicle-tax-renewals")
    assert status == 200
    assert '<html lang="en-GB" class="govuk-template">' in body
    assert "<title>Vehicle tax renewals – Performance Platform</title>" in body


@pytest.mark.parametrize("path, title", [
    ("/", "Services – Performance Platform"),
    ("/departments/dft", "Department for Transport – Performance Platform"),
    ("/agencies/dvla", "Driver and Vehicle Licensing Agency – Performance Platform"),
])
def test_each_page_is_titled_by_what_it_shows(server, path, title):
    status, _, body = get(server + path)
    assert status == 200 and f"<title>{title}</title>" in body


@pytest.mark.parametrize("path, title", [
    ("/services/no-such-service", "Service not found"),
    ("/departments/no-such-department", "Department not found"),
    ("/agencies/no-such-agency", "Agency or body not found"),
    ("/dashboards/no-such-dashboard", "Dashboard"),
    ("/no-such-page", "Page not found"),
])
def test_what_is_not_there_is_not_found(server, path, title):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(server + path)
    assert error.value.code == 404
    assert f"<title>{title} – Performance Platform</title>" in error.value.read().decode()


def test_channel_csv_holds_the_published_figures_and_adds_up(server):
    rows = {r["Year ending"]: r for r in get_csv(server + "/exports/service-channels.csv?service=vehicle-tax-renewals")}
    latest = rows["Sep 2017"]
    assert (latest["Period start"], latest["Period end"]) == ("2016-10-01", "2017-09-30")
    assert latest["Digital"] == "38522671" and latest["Total"] == "47055169"
    for row in rows.values():
        channels = [float(row[c]) for c in ("Digital", "Phone", "Paper", "Face to face")]
        assert sum(channels) == pytest.approx(float(row["Total"]), abs=1e-6)
    assert len(rows) == 20


def test_take_up_csv(server):
    rows = {r["Year ending"]: r for r in get_csv(server + "/exports/service-take-up.csv?service=vehicle-tax-renewals")}
    assert rows["Sep 2017"]["Digital take-up (%)"] == "81.87"  # 38,522,671 / 47,055,169
    assert rows["Sep 2017"]["Digital transactions"] == "38522671"


def test_services_csv_follows_the_same_query_as_the_page(server):
    rows = get_csv(server + "/exports/services.csv?department=dft&agency=dvla&period=2017-09&sort=name&order=asc")
    assert len(rows) == 36
    names = [r["Service"] for r in rows]
    assert names == sorted(names, key=str.lower)
    renewals = next(r for r in rows if r["Service"] == "Vehicle tax renewals")
    assert renewals["Transactions per year"] == "47055169"
    assert renewals["Cost per transaction (£)"] == "1.1"
    assert renewals["Digital take-up (%)"] == "81.87"


def test_an_unknown_service_has_no_download(server):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(server + "/exports/service-channels.csv?service=no-such-service")
    assert error.value.code == 404


def test_styles_do_not_use_the_gov_uk_only_font(server):
    status, _, css = get(server + "/assets/01-govuk-frontend.min.css")
    assert status == 200 and ".govuk-table" in css
    assert "GDS Transport" not in css


def test_production_server_caches_in_redis(postgresql_server, postgresql_url, redis_url, monkeypatch):
    import redis
    from data_access.cache import cache_config
    monkeypatch.setenv("DATABASE_URL", postgresql_url)
    get_csv(postgresql_server + "/exports/services.csv?department=hmrc")
    prefix = cache_config()["CACHE_KEY_PREFIX"]
    assert redis.Redis.from_url(redis_url).keys(prefix + "*")


def test_small_counts_are_suppressed_in_the_services_csv(server):
    rows = get_csv(server + "/exports/services.csv")
    suppressed = [r for r in rows if r["Transactions per year"] == "suppressed"]
    assert len(suppressed) > 10
    assert {r["Digital take-up (%)"] for r in suppressed} <= {"suppressed", ""}
    shown = [float(r["Transactions per year"]) for r in rows if r["Transactions per year"] not in ("suppressed", "")]
    assert all(v == 0 or v >= 5 for v in shown)
