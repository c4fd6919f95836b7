"""Public users browsing and filtering, for locust (bench/run_load.sh runs it).

Each simulated user, with a pause of 1-5 s between actions as a reader takes, does one of:
- a visit captured from a real browser by bench/capture_payloads.py (PAYLOADS file): the page's HTML,
  /_dash-layout, /_dash-dependencies, then every POST /_dash-update-component the browser sent, with
  its body as sent (index, index with a department or period filter, service pages, a service's year
  changed, the channels drill-down). Static JS/CSS are left out: browsers cache them. A visit to a
  service's pages is made to a service drawn from every service (ALL_SLUGS): its slug replaces the
  captured one in the address and the bodies, so that readers spread over the whole site as they do,
  and the cache meets pages no one has asked for yet.
- a data API grouped query on a service's weekly records (SLUGS), as a dashboard or a script sends.
"""
from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

VISITS = json.loads(open(os.environ["PAYLOADS"]).read())
SLUGS = os.environ.get("SLUGS", "").split()
ALL_SLUGS = os.environ.get("ALL_SLUGS", "").split()
CAPTURED = re.compile(r"(?:/services/|slug=)([a-z0-9-]+)")  # a service's slug in a visit's address
QUERIES = [
    "period=week&group_by=channel&collect=count:sum&duration=52",
    "period=month&group_by=channel&collect=count:sum&flatten=true&duration=12",
    "group_by=channel&collect=count:sum",
]
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


class PublicUser(HttpUser):
    wait_time = between(1, 5)
    count = 0

    def on_start(self):
        # each user is a reader of their own: their own address, as a load balancer forwards it
        # (the server runs with TRUSTED_PROXIES=1), so per-client rate limits count each apart
        PublicUser.count += 1
        self.client.headers["X-Forwarded-For"] = f"10.0.{PublicUser.count // 256}.{PublicUser.count % 256}"

    def _visit(self, kind: str):
        chosen = random.choice([v for v in VISITS if v["name"].startswith(kind)] or VISITS)
        name, path, bodies = chosen["name"], chosen["path"], [post["body"] for post in chosen["posts"]]
        captured = CAPTURED.search(path)
        if captured and ALL_SLUGS:  # the same visit, to another service
            old, slug = re.compile(rf"(?<![a-z0-9-]){re.escape(captured.group(1))}(?![a-z0-9-])"), random.choice(ALL_SLUGS)
            path, bodies = old.sub(slug, path), [old.sub(slug, body) for body in bodies]
        self.client.get(path, name=f"page: {name}")
        self.client.get("/_dash-layout", name="/_dash-layout")
        self.client.get("/_dash-dependencies", name="/_dash-dependencies")
        for post, body in zip(chosen["posts"], bodies):
            with self.client.post(post["path"], data=body, headers=JSON,
                                  name=f"callback: {name}", catch_response=True) as answer:
                if answer.status_code not in (200, 204):
                    answer.failure(f"{answer.status_code}: {answer.text[:200]}")

    @task(3)
    def index(self):
        self._visit("index")

    @task(4)
    def service(self):
        self._visit("service")

    @task(2)
    def drill_down(self):
        self._visit("channels")

    @task(2)
    def data_api(self):
        if SLUGS:
            self.client.get(f"/data/{random.choice(SLUGS)}/transactions-by-channel?{random.choice(QUERIES)}",
                            name="data API: grouped query")
