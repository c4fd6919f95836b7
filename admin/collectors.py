"""Admin pages for collectors: their runs (failed ones flagged), run now, backfill; and the
freshness of every data set (up to date, due, overdue) for the people who publish them."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from admin import admin, current_user, signed_in
from collectors import runner
from collectors.schedule import freshness as freshness_of
from data_access import collectors as store
from data_access.data_sets import list_data_sets, utc_now


@admin.route("/collectors")
@signed_in("admin")
def collectors():
    return render_template("collectors.html", collectors=store.list_collectors(), runs=store.last_runs(5),
                           failed=store.failed_runs(20))


def _collector_or_404(name: str) -> store.Collector:
    found = store.get_collector(name)
    if found is None:
        abort(404, f"There is no collector {name}.")
    return found


@admin.route("/collectors/<name>/run", methods=["POST"])
@signed_in("admin")
def run_collector(name):
    """Runs in the request: a source answers within the collector's timeout."""
    result = runner.run_now(_collector_or_404(name))
    flash(_said(result))
    return redirect(url_for("admin.collectors"))


@admin.route("/collectors/<name>/backfill", methods=["POST"])
@signed_in("admin")
def backfill_collector(name):
    found = _collector_or_404(name)
    try:
        first = date.fromisoformat(request.form.get("from", "").strip())
        last = date.fromisoformat(request.form.get("to", "").strip())
        results = runner.backfill(found, first, last, progress=False)
    except ValueError as error:
        message = str(error) if "range" in str(error) else "Enter both dates as YYYY-MM-DD, for example 2026-01-31"
        return render_template("collectors.html", collectors=store.list_collectors(), runs=store.last_runs(5),
                               failed=store.failed_runs(20), error=message, error_collector=name), 400
    failed = [r for r in results if r.status != "succeeded"]
    written = sum(r.records_written for r in results)
    flash(f"Backfill of {name} from {first} to {last}: {written} record(s) written in {len(results)} run(s)"
          + (f", {len(failed)} failed: {failed[0].error}" if failed else "."))
    return redirect(url_for("admin.collectors"))


def _said(result: runner.RunResult) -> str:
    if result.status == "succeeded":
        return f"{result.collector}: {result.records_written} record(s) written."
    return f"{result.collector} failed (it will be retried): {result.error}"


@admin.route("/freshness")
@signed_in()
def freshness():
    """Admins see every data set; editors those of the services they publish for."""
    user, now = current_user(), utc_now()
    found = list_data_sets()
    if user["role"] != "admin":
        mine = store.editor_service_ids(user["id"])
        found = [d for d in found if d.service_id in mine]
    next_runs = store.next_runs_by_data_set()
    rows = [{"data_set": d, "next_run_at": next_runs.get(d.id), "fed": d.id in next_runs,
             "status": freshness_of(d.last_written_at, d.max_age_expected, next_runs.get(d.id), now)}
            for d in found]
    order = {"overdue": 0, "due": 1, "up to date": 2, "not monitored": 3}
    rows.sort(key=lambda row: (order[row["status"]], row["data_set"].name))
    return render_template("freshness.html", rows=rows, now=now)
