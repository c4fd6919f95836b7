"""The database goes away and comes back: pages, the data API and exports answer 503 with a clear
message and Retry-After meanwhile (never a 500 or a trace), and 200 again by themselves after."""
import time

import requests
from sqlalchemy import text

from data_access.db import make_engine

UNAVAILABLE = "The data is temporarily unavailable"


def _slugs(postgresql_url, count):
    engine = make_engine(postgresql_url)
    with engine.connect() as conn:
        slugs = conn.execute(text("SELECT slug FROM services ORDER BY slug LIMIT :n"), {"n": count}).scalars().all()
    engine.dispose()
    return slugs


def _paths(slug):
    """A page, a data API query and an export; each slug is asked once, so no cached answer hides the outage."""
    return {"page": f"/services/{slug}",
            "api": f"/data/transactional-services/summaries?filter_by=service_id:{slug}&limit=5",
            "export": f"/exports/service-channels.csv?service={slug}"}


def test_503_while_the_database_is_down_then_200_by_itself(proxied_postgresql, proxied_server, postgresql_url):
    proxy, _, _ = proxied_postgresql
    server = proxied_server.server
    before, during, after = _slugs(postgresql_url, 3)
    for name, path in _paths(before).items():
        assert requests.get(server.url + path, timeout=30).status_code == 200, name
    proxy.stop()
    try:
        for name, path in [*_paths(during).items(), ("status", "/_status")]:
            started = time.monotonic()
            answer = requests.get(server.url + path, timeout=30)
            assert answer.status_code == 503, (name, answer.status_code, answer.text[:300])
            assert time.monotonic() - started < 15, name  # a prompt answer, not a hung worker
            if name != "status":
                assert UNAVAILABLE in answer.text and int(answer.headers["Retry-After"]) > 0, name
            assert "Traceback" not in answer.text and "psycopg" not in answer.text, name
    finally:
        proxy.start()
    for name, path in [*_paths(after).items(), *_paths(during).items()]:
        answer = requests.get(server.url + path, timeout=30)
        assert answer.status_code == 200, (name, answer.status_code, answer.text[:300])
    assert "Traceback" not in requests.get(server.url + "/_status", timeout=10).text
