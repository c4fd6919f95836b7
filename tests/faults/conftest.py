import uuid

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import _free_port
from tests.faults.proxy import TcpProxy
from tests.faults.servers import start_server


@pytest.fixture(scope="session")
def proxied_postgresql(postgresql_url):
    """The session's PostgreSQL schema, reached through a TCP proxy the test can stop and restart;
    its connections are named (application_name) so pg_stat_activity shows what they do."""
    url = make_url(postgresql_url)
    proxy = TcpProxy(url.host, url.port or 5432, _free_port())
    proxy.start()
    name = f"pp-faults-{uuid.uuid4().hex[:8]}"
    proxied = url.set(host="127.0.0.1", port=proxy.port).update_query_dict({"application_name": name})
    yield proxy, proxied.render_as_string(hide_password=False), name
    proxy.close()


class Restartable:
    """A server that tests may stop and start again (`.server` is the one running)."""

    def __init__(self, url, workdir):
        self.database_url, self.workdir = url, workdir
        self.server = start_server(url, workdir)

    def restart(self):
        code = self.server.stop()
        self.server = start_server(self.database_url, self.workdir)
        return code


@pytest.fixture(scope="session")
def proxied_server(proxied_postgresql, tmp_path_factory):
    """A server of its own on PostgreSQL through the proxy (its workers are killed, it is restarted)."""
    _, url, _ = proxied_postgresql
    restartable = Restartable(url, tmp_path_factory.mktemp("proxied-server"))
    yield restartable
    restartable.server.stop()
