"""`manage.py collect ...` through collectors.cli (the lead wires it into manage.py), on both databases."""
import argparse
import io
import json
import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from collectors import cli
from data_access import collectors as store
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.schema import collectors, data_sets
from tests.collectors.http_server import SourceServer, serve_kind


def command(*argv) -> int:
    parser = argparse.ArgumentParser(prog="manage.py")
    cli.add_commands(parser.add_subparsers(dest="command", required=True))
    return cli.handle(parser.parse_args(["collect", *argv]))


@pytest.fixture
def setup(database, monkeypatch, tmp_path, capsys):
    """A data set and a Matomo source; yields (name, data set, server, what create said); deleted after."""
    monkeypatch.setenv("COLLECTOR_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("COLLECTOR_TIMEOUT", "0.5")
    name = f"cli-{uuid.uuid4().hex[:10]}"
    with SourceServer() as server, get_engine().begin() as conn:
        data_set = create_data_set(conn, f"cli-{uuid.uuid4().hex[:10]}", "visits", auto_ids=["_timestamp", "channel"])
        config, credentials, _ids, _n = serve_kind("matomo", server)
        config_file = tmp_path / "matomo.json"
        config_file.write_text(json.dumps(config))
        monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(credentials)))
        conn.commit()
        assert command("create", name, "--kind", "matomo", "--data-set", data_set.name, "--schedule", "daily",
                       "--config", str(config_file), "--credentials-stdin") == 0
        setup_output = capsys.readouterr().err
        yield name, data_set, server, setup_output
    with get_engine().begin() as conn:  # the collector and its runs go with the data set
        conn.execute(data_sets.delete().where(data_sets.c.id == data_set.id))


def test_create_stores_the_credentials_encrypted(setup, capsys):
    name, data_set, _, created = setup
    assert "credentials stored encrypted" in created
    with get_engine().connect() as conn:
        stored = conn.execute(select(collectors.c.credentials).where(collectors.c.name == name)).scalar_one()
    assert stored and "matomo-secret" not in stored
    assert store.get_collector(name).data_set == data_set.name


def test_list_shows_each_collector_with_its_last_run(setup, capsys):
    name, data_set, _, _ = setup
    assert command("list") == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(name))
    assert f"matomo\t{data_set.name}\tdaily\tenabled" in line and "never run" in line


def test_run_says_how_many_records_it_wrote(setup, capsys):
    name, _, server, _ = setup
    assert command("run", name) == 0
    err = capsys.readouterr().err
    assert f"Running {name}" in err and "3 record(s) written" in err  # the configured last 3 days
    assert server.hits("/index.php")[0]["form"]["token_auth"] == ["matomo-secret"]


def test_a_failed_run_says_why_and_exits_1(setup, capsys):
    name, _, server, _ = setup
    server.malformed = True
    assert command("run", name) == 1
    assert "failed: Matomo's answer is not JSON" in capsys.readouterr().err


def test_backfill_shows_progress_and_a_total(setup, capsys):
    name, _, server, _ = setup
    assert command("backfill", name, "--from", "2026-10-01", "--to", "2026-10-14") == 0
    err = capsys.readouterr().err
    assert f"Backfill {name}" in err and "2/2" in err  # tqdm's bar: two weekly chunks
    assert "Done: 12 record(s) written in 2 run(s), 0 failed." in err


def test_an_unknown_collector_is_a_clear_error(database):
    with pytest.raises(ValueError, match="no collector nobody"):
        command("run", "nobody")


def test_dates_must_be_iso(database):
    with pytest.raises(SystemExit):
        command("backfill", "x", "--from", "01/10/2026", "--to", "2026-10-14")
