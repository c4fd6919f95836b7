"""The CSV templates: each parses, validates, and fits its data type's original schema."""
import json
from pathlib import Path

import pytest

from ingest.records import DataSetConfig, validate_records
from ingest.templates import TEMPLATES, template_for
from ingest.uploads import parse_csv

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "govuk-pp-schemas"


def schema_for(data_type: str) -> dict | None:
    path = SCHEMAS / f"{data_type}.json"
    return json.loads(path.read_text()) if path.exists() else None


def test_the_common_data_types_have_templates():
    assert set(TEMPLATES) == {"transactions-by-channel", "cost-per-transaction", "customer-satisfaction"}
    assert template_for("transactions-by-channel").filename == "transactions-by-channel-template.csv"
    assert template_for("no-such-type") is None


@pytest.mark.parametrize("data_type", sorted(TEMPLATES))
def test_a_template_parses_and_validates_against_its_schema(data_type):
    template = TEMPLATES[data_type]
    rows, numbers = parse_csv(template.content)
    assert 1 <= len(rows) <= 2
    config = DataSetConfig("carers-allowance", data_type, json_schema=schema_for(data_type))
    records = validate_records(rows, config, numbers)
    assert all(record.timestamp is not None for record in records)


def test_the_schemas_exist_for_the_types_that_had_one():
    assert schema_for("transactions-by-channel") and schema_for("customer-satisfaction")


@pytest.mark.parametrize("data_type", sorted(TEMPLATES))
def test_every_column_is_explained_in_a_comment_line(data_type):
    lines = TEMPLATES[data_type].text.splitlines()
    header = next(line for line in lines if not line.startswith("#"))
    for name in header.split(","):
        assert any(line.startswith(f"# {name}: ") for line in lines), name


def test_transactions_by_channel_has_the_expected_columns():
    rows, _ = parse_csv(TEMPLATES["transactions-by-channel"].content)
    assert list(rows[0]) == ["_timestamp", "period", "channel", "count"]
    assert rows[0]["channel"] == "digital"


def test_cost_per_transaction_uses_the_original_field_names():
    rows, _ = parse_csv(TEMPLATES["cost-per-transaction"].content)
    assert {"number_of_transactions", "number_of_digital_transactions", "cost_per_transaction"} <= set(rows[0])
    assert isinstance(rows[0]["cost_per_transaction"], float)


def test_satisfaction_ratings_add_up_to_the_total():
    rows, _ = parse_csv(TEMPLATES["customer-satisfaction"].content)
    for row in rows:
        assert sum(row[f"rating_{n}"] for n in range(1, 6)) == row["total"]


def test_titles_are_short_enough_for_a_link_and_open_the_file():
    for template in TEMPLATES.values():
        assert len(template.title) <= 30
        assert template.text.startswith(f"# {template.title}: ")
