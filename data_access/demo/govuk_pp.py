"""Read the GOV.UK Performance Platform's published transaction volumes (OGL v3) into tidy frames."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from data_access.db import PROJECT_ROOT
from domain.periods import parse_span

CSV_PATH = PROJECT_ROOT / "data" / "govuk-pp" / "transaction-volumes.csv"
SOURCE = "govuk-pp"

SERVICE_FIELDS = {
    "Service Type": "service_type", "URL": "url", "Description of service": "description",
    "Notes on costs": "notes_on_costs", "Other notes": "other_notes",
    "Customer type": "customer_type", "Business model": "business_model",
}
_FIGURE = re.compile(r"^(?P<span>.+): (?P<kind>volume|digital volume|cost per transaction \(£\))$")
_KINDS = {"volume": "volume", "digital volume": "digital_volume",
          "cost per transaction (£)": "cost_per_transaction"}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100].strip("-")


def read_csv(path: Path = CSV_PATH) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.apply(lambda column: column.str.strip())


def _none_if_blank(value: str):
    return value if value and value != "[not provided]" else None


def services_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per service, with a unique slug and its department and agency."""
    rows, seen = [], set()
    for _, row in raw.iterrows():
        slug = slugify(row["Name of service"])
        for suffix in (row["Agency Abbreviation"], row["Department Abbreviation"], "2", "3", "4"):
            if slug not in seen:
                break
            slug = f"{slugify(row['Name of service'])}-{slugify(suffix or '')}".strip("-")
        seen.add(slug)
        rows.append({
            "slug": slug, "name": row["Name of service"],
            "department": row["Department"], "department_abbreviation": row["Department Abbreviation"],
            # an "agency" named as its department is the department itself
            "agency": _none_if_blank(row["Body/Agency"]) if row["Body/Agency"] != row["Department"] else None,
            "agency_abbreviation": _none_if_blank(row["Agency Abbreviation"]),
            **{field: _none_if_blank(row[column]) for column, field in SERVICE_FIELDS.items()},
        })
    frame = pd.DataFrame(rows).astype(object)
    return frame.where(frame.notna(), None)


def figures_frame(raw: pd.DataFrame, slugs: pd.Series) -> pd.DataFrame:
    """Long frame: slug, period (YearEnding), volume, digital_volume, cost_per_transaction."""
    parts = []
    for column in raw.columns:
        match = _FIGURE.match(column)
        if not match:
            continue
        values = pd.to_numeric(raw[column].str.replace(",", ""), errors="coerce")
        parts.append(pd.DataFrame({"slug": slugs.values, "period": parse_span(match["span"]),
                                   "kind": _KINDS[match["kind"]], "value": values.values}))
    long = pd.concat(parts).dropna(subset=["value"])
    wide = long.pivot_table(index=["slug", "period"], columns="kind", values="value", aggfunc="first")
    return wide.reindex(columns=list(_KINDS.values())).reset_index()
