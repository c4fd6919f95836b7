"""The ministers' summary: the largest services, every department's figures, out-of-date data.

Pure builders from plain frames (data_access.figures.service_index, data_access.services.departments)
and freshness checks (api.status.freshness); each frame is what the page tabulates and exports.
"""
from __future__ import annotations

import pandas as pd
from dash import html

from components.organisation import count_cell, natural, percent_cell, shown
from components.tables import data_table
from domain.metrics import METRICS, suppress_kpis
from domain.movers import group_figure, largest, reporting
from domain.periods import YearEnding
from domain.sentences import count_of, value_text
from domain.suppression import SUPPRESSED


def _link(text, href):
    return html.A(text, href=href, className="govuk-link")


# --- the largest services --------------------------------------------------------------------------

def largest_frame(services: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The services with the most transactions in the year, with their share of all transactions."""
    total = reporting(services, "transactions")["volume"].sum()
    top = suppress_kpis(largest(services, count))
    return pd.DataFrame({
        "Rank": range(1, len(top) + 1),
        "Service": top["name"], "Slug": top["slug"],
        "Department": top["department"], "Department slug": top["department_slug"],
        "Transactions per year": top["transactions"],
        "Share of all transactions (%)": [round(float(v) / total * 100, 2) if total and v != SUPPRESSED else None
                                          for v in top["transactions"]],
        "Digital take-up (%)": [natural("digital_take_up", v) for v in top["digital_take_up"]],
        "Cost per transaction (£)": top["cost_per_transaction"],
    })


def largest_sentence(frame: pd.DataFrame, period: YearEnding) -> str:
    """'The largest service in the year to March 2017 was X (Department), with 1.5 billion
    transactions: 46.5% of all those reported. The 10 largest handled 89.0% between them.'"""
    if frame.empty:
        return f"No service reported transactions for the {period.phrase}."
    first = frame.iloc[0]
    text = (f"The largest service in the {period.phrase} was {first['Service']} ({first['Department']}), with "
            f"{value_text(METRICS['transactions'], first['Transactions per year'])} transactions")
    if pd.notna(first["Share of all transactions (%)"]):
        text += f": {first['Share of all transactions (%)']:.1f}% of all those reported"
    shares = pd.to_numeric(frame["Share of all transactions (%)"], errors="coerce")
    if len(frame) > 1 and shares.notna().all():
        text += f". The {len(frame)} largest handled {shares.sum():.1f}% between them"
    return text + "."


def largest_table(frame: pd.DataFrame, caption: str) -> html.Table:
    table = pd.DataFrame({
        "Rank": frame["Rank"],
        "Service": [_link(n, f"/services/{s}") for n, s in zip(frame["Service"], frame["Slug"])],
        "Department": [_link(n, f"/departments/{s}") for n, s in zip(frame["Department"], frame["Department slug"])],
        "Transactions per year": frame["Transactions per year"],
        "Share of all transactions (%)": frame["Share of all transactions (%)"],
        "Digital take-up (%)": frame["Digital take-up (%)"],
        "Cost per transaction (£)": frame["Cost per transaction (£)"],
    })
    formats = {"Transactions per year": count_cell, "Share of all transactions (%)": percent_cell,
               "Digital take-up (%)": percent_cell,
               "Cost per transaction (£)": lambda v: shown("cost_per_transaction", v)}
    return data_table(table, caption, formats, row_header="Service", table_id="summary-largest-table")


# --- departments -----------------------------------------------------------------------------------

def departments_frame(services: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """A row per department (of `organisations`: slug, name, services): its volume-weighted figures
    for the year, over the services that reported."""
    rows = []
    for org in organisations.to_dict("records"):
        own = services[services["department_slug"] == org["slug"]]
        figure = group_figure(reporting(own, "transactions")).to_frame().T
        figure = suppress_kpis(figure).iloc[0]
        rows.append({
            "Department": org["name"], "Slug": org["slug"], "Services": int(org["services"]),
            "Services reporting": len(reporting(own, "transactions")),
            "Transactions per year": figure["transactions"],
            "Digital take-up (%)": natural("digital_take_up", figure["digital_take_up"]),
            "Cost per transaction (£)": figure["cost_per_transaction"],
        })
    return pd.DataFrame(rows, columns=["Department", "Slug", "Services", "Services reporting", "Transactions per year",
                                       "Digital take-up (%)", "Cost per transaction (£)"])


def departments_table(frame: pd.DataFrame, caption: str) -> html.Table:
    table = frame.drop(columns=["Slug"]).copy()
    table["Department"] = [_link(n, f"/departments/{s}") for n, s in zip(frame["Department"], frame["Slug"])]
    formats = {"Services": count_cell, "Services reporting": count_cell, "Transactions per year": count_cell,
               "Digital take-up (%)": percent_cell,
               "Cost per transaction (£)": lambda v: shown("cost_per_transaction", v)}
    return data_table(table, caption, formats, row_header="Department", table_id="summary-departments-table")


# --- out-of-date data ------------------------------------------------------------------------------

def stale_frame(checked: list[dict], services: pd.DataFrame) -> pd.DataFrame:
    """The out-of-date data sets (api.status.freshness results, each with the `service_id` of its
    data set) with the service each feeds (`services`: id, slug, name)."""
    rows = []
    for check in (c for c in checked if c["stale"]):
        # the service it feeds: the one it is linked to, else the one its data group names
        linked = check.get("service_id")
        service = services[services["id"] == linked] if linked is not None else \
            services[services["slug"] == check["data_group"]]
        rows.append({
            "Data set": check["name"],
            "Service": service.iloc[0]["name"] if not service.empty else None,
            "Slug": service.iloc[0]["slug"] if not service.empty else None,
            "Last updated": check["last_updated"] or "Never",
            "Expected every (seconds)": check["max_age_expected"],
            "Out of date by (seconds)": check["seconds_out_of_date"],
        })
    return pd.DataFrame(rows, columns=["Data set", "Service", "Slug", "Last updated", "Expected every (seconds)",
                                       "Out of date by (seconds)"])


def stale_table(frame: pd.DataFrame, age_in_words) -> html.Table:
    table = pd.DataFrame({
        "Data set": frame["Data set"],
        "Service": [_link(n, f"/services/{s}") if s else "No service" for n, s in zip(frame["Service"], frame["Slug"])],
        "Last updated": frame["Last updated"],
        "Expected every": [age_in_words(v) for v in frame["Expected every (seconds)"]],
        "Out of date by": [age_in_words(v) if pd.notna(v) else "Never updated"
                           for v in frame["Out of date by (seconds)"]],
    })
    return data_table(table, "Out-of-date data sets", row_header="Data set", table_id="summary-stale-table")


def services_covered(services: pd.DataFrame) -> str:
    """'549 of 734 services'."""
    return f"{len(reporting(services, 'transactions')):,} of {count_of(len(services), 'service')}"

