"""The drill-down pages' charts (channels, satisfaction, completion): frame builders, figures and
summaries in words, plus the small controls the three pages share. No SQL.

As elsewhere, the frame a builder returns is exactly what is plotted, tabulated and exported;
counts from 1 to 4 are "suppressed", and so is any share or rate that would give them away.
"""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from plotly.subplots import make_subplots

from components.chart_card import COUNT_AXIS, base_layout
from components.palette import CATEGORICAL, DARK_BLUE, DARK_GREY, TURQUOISE, channel_colour
from components.year_before import (YEAR_BEFORE, add_year_before, compare_param, is_year_before, overlay_year_before,
                                    percent_text, year_before_summary)
from domain.channels import CHANNELS, channel_name, channel_order
from domain.metrics import format_count
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED, numeric, suppress_columns, suppress_parts_of_total, threshold

PERIOD_COLUMNS = ["Year ending", "Period start", "Period end"]
SERVICES = "Services reporting"

# satisfaction scores resting on fewer responses than this are flagged: with under 100 answers
# a handful of people can move the score by several percentage points
MIN_RESPONSES = 100
RATING_NAMES = {1: "1 Very dissatisfied", 2: "2 Dissatisfied", 3: "3 Neither satisfied nor dissatisfied",
                4: "4 Satisfied", 5: "5 Very satisfied"}
FEW = f"Fewer than {MIN_RESPONSES} responses"

CHANNEL_NOTE = ("Digital and total transactions are as reported. The split of the other transactions between "
                "phone, paper and face to face is illustrative: generated for this demo, not reported.")
RATINGS_NOTE = "Satisfaction ratings in the demo data are illustrative: generated for this demo, not reported."
COMPLETION_NOTE = ("Digital transactions started are illustrative in the demo data (generated around the "
                   "reported digital volumes); completed transactions are the reported digital volumes.")


# --- shared pieces -------------------------------------------------------------------------------

def period_columns(periods) -> dict:
    return {"Year ending": [p.short_label for p in periods],
            "Period start": [p.start.isoformat() for p in periods],
            "Period end": [p.last_day.isoformat() for p in periods]}


def count_cell(value) -> str:
    if value == SUPPRESSED:
        return "Suppressed"
    return "" if value is None or value != value else f"{value:,.0f}"  # NaN != NaN


def percent_cell(value) -> str:
    if value == SUPPRESSED:
        return "Suppressed"
    return "" if value is None or value != value else f"{value:.1f}%"


def points_cell(value) -> str:
    if value == SUPPRESSED:
        return "Suppressed"
    return "" if value is None or value != value else f"{value:+.1f}"


def reporting_text(count) -> str:
    """'49 services reporting', '1 service reporting'."""
    if count is None or count != count:
        return "services reporting not known"
    return f"{count:,.0f} service{'' if count == 1 else 's'} reporting"


def year_phrase(row) -> str:
    """'year to September 2017' for a frame row."""
    end = pd.Timestamp(row["Period end"])
    return f"year to {end:%B %Y}"


def warning_text(text: str, element_id: str) -> html.Div:
    """GOV.UK warning text."""
    return html.Div([
        html.Span("!", className="govuk-warning-text__icon", **{"aria-hidden": "true"}),
        # the space after the hidden "Warning": a screen reader does not read it as one word with the text
        html.Strong([html.Span("Warning", className="govuk-visually-hidden"), " ", text],
                    className="govuk-warning-text__text"),
    ], className="govuk-warning-text", id=element_id)


def unknown_scope_notice(asked_kind: str | None, asked_slug: str | None, kind: str, element_id: str):
    """A warning when the address asked for a scope that does not exist, and the page fell back to
    all of government (a mistyped or old link); None otherwise."""
    if kind != "all" or (asked_kind or "all") == "all":
        return None
    what = asked_kind if asked_kind in ("department", "agency", "service") else "scope"
    return warning_text(f"There is no {what} “{asked_slug or ''}” on the platform: "
                        "these are the figures for all of government.", element_id)


def scope_control(control_id: str, value: str, options: list[dict]) -> html.Div:
    return html.Div([
        html.Label("Show figures for", htmlFor=control_id, className="govuk-label govuk-label--s"),
        html.Div("All of government, a department, an agency or a service: type to search",
                 className="govuk-hint", id=f"{control_id}-hint"),
        dcc.Dropdown(id=control_id, options=options, value=value, clearable=False, searchable=True),
    ], className="govuk-form-group pp-filter pp-scope-filter")


def scope_value(kind: str, slug: str | None) -> str:
    """The scope control's value: 'all', or 'department:dft'."""
    return "all" if kind == "all" else f"{kind}:{slug}"


def split_scope_value(value: str | None) -> tuple[str, str | None]:
    kind, _, slug = (value or "all").partition(":")
    return kind, slug or None


def scope_query(kind: str, slug: str | None) -> dict:
    return {"scope": kind, "slug": slug} if kind != "all" else {}


def drilldown_nav(current: str, kind: str, slug: str | None, year_before: bool = False) -> html.Nav:
    """Links between the three drill-down pages, keeping the scope and the year-before overlay."""
    from urllib.parse import urlencode
    query = {**scope_query(kind, slug), **({"compare": compare_param(True)} if year_before else {})}
    search = f"?{urlencode(query)}" if query else ""
    pages = [("/channels", "Channels"), ("/satisfaction", "Satisfaction"), ("/completion", "Completion")]
    items = []
    for path, text in pages:
        if path == current:
            items.append(html.Li(html.Strong(text), className="pp-drilldown-nav__item", **{"aria-current": "page"}))
        else:
            items.append(html.Li(html.A(text, href=path + search, className="govuk-link"),
                                 className="pp-drilldown-nav__item"))
    return html.Nav(html.Ul(items, className="pp-drilldown-nav__list"), className="pp-drilldown-nav",
                    **{"aria-label": "Drill-down pages"})


# --- channels: volume over time -------------------------------------------------------------------

_CHANNEL_IDS = {name: channel_id for channel_id, name in CHANNELS.items()}


def channel_id(name: str) -> str:
    """The id of a channel column ('Face to face' -> 'face_to_face', 'Phone (%)' -> 'phone')."""
    name = name.removesuffix(" (%)")
    return _CHANNEL_IDS.get(name, name.lower().replace(" ", "_"))


def channel_columns(frame: pd.DataFrame) -> list[str]:
    """The channel columns of a volume or share frame: after the period columns and services."""
    return [c for c in frame.columns if c not in (*PERIOD_COLUMNS, SERVICES, "Total") and not is_year_before(c)]


def volume_year_before_column(frame: pd.DataFrame, percent_mode: bool, selected: str | None) -> str | None:
    """The column drawn a year before on the volume chart: the channel followed, else the total
    (numbers) or the digital share (100%); None when the frame has no such column."""
    if selected:
        column = channel_name(selected) + (" (%)" if percent_mode else "")
    else:
        column = "Digital (%)" if percent_mode else "Total"
    return column if column in frame and not frame.empty else None


def with_volume_year_before(frame: pd.DataFrame, percent_mode: bool, selected: str | None) -> pd.DataFrame:
    column = volume_year_before_column(frame, percent_mode, selected)
    return add_year_before(frame, column) if column else frame


def volume_year_before_summary(frame: pd.DataFrame, percent_mode: bool, selected: str | None) -> str:
    """The year-before sentence of the volume chart ('' without the year before)."""
    column = volume_year_before_column(frame, percent_mode, selected)
    if column is None:
        return ""
    fmt = percent_text if percent_mode else (lambda v: format_count(v, words=True))
    what = column.removesuffix(" (%)").lower() + (" share" if percent_mode else "")
    return year_before_summary(frame, column, fmt, what="transactions" if column == "Total" else what,
                               counted=SERVICES)  # a scope's two years may count different services


def channel_volume_frame(volumes: pd.DataFrame, reporting: pd.DataFrame) -> pd.DataFrame:
    """A row per period: services reporting transactions, a column per channel, Total.
    `volumes`: period, channel, volume rows; `reporting`: period, transactions (services)."""
    if volumes.empty:
        return pd.DataFrame(columns=[*PERIOD_COLUMNS, SERVICES, "Total"])
    wide = volumes.pivot_table(index="period", columns="channel", values="volume", aggfunc="sum")
    wide = wide.reindex(columns=channel_order(wide.columns)).sort_index()
    frame = pd.DataFrame(period_columns(wide.index))
    services = dict(zip(reporting["period"], reporting["transactions"]))
    frame[SERVICES] = [services.get(p) for p in wide.index]
    for channel in wide.columns:
        frame[channel_name(channel)] = wide[channel].values
    frame["Total"] = wide.sum(axis=1, min_count=1).values
    return suppress_parts_of_total(frame, channel_columns(frame), "Total")


def channel_share_frame(volume_frame: pd.DataFrame) -> pd.DataFrame:
    """The same periods with each channel's share of the total in % (suppressed with its count,
    and the whole row when the total is)."""
    frame = volume_frame[[*PERIOD_COLUMNS, SERVICES]].copy()
    total = numeric(volume_frame["Total"])
    for column in channel_columns(volume_frame):
        share = (numeric(volume_frame[column]) / total.where(total != 0) * 100).round(2)
        hidden = (volume_frame[column] == SUPPRESSED) | (volume_frame["Total"] == SUPPRESSED)
        frame[f"{column} (%)"] = share.astype(object).where(~hidden, SUPPRESSED)
    return frame


def channel_volume_figure(frame: pd.DataFrame, percent: bool, selected: str | None,
                          illustrative: set[str] = frozenset()) -> go.Figure:
    """Stacked bars, a trace a channel (its id in `meta` and each point's customdata). A click on a
    legend item shows that channel alone; with `selected`, the other channels start hidden."""
    figure = go.Figure()
    labels = frame["Year ending"]
    for column in channel_columns(frame):
        name = column.removesuffix(" (%)")
        key = channel_id(column)
        label = f"{name} (illustrative)" if name in illustrative else name
        figure.add_bar(x=labels, y=numeric(frame[column]), name=label, meta=key, customdata=[key] * len(frame),
                       marker_color=channel_colour(key),
                       visible=True if selected in (None, key) else "legendonly",
                       hovertemplate=("%{y:.1f}%" if percent else "%{y:,.0f}") + "<extra>" + label + "</extra>")
    for column in [c.removesuffix(YEAR_BEFORE) for c in frame.columns if is_year_before(c)]:
        overlay_year_before(figure, frame, column, x=labels)
    figure.update_layout(barmode="stack")
    base_layout(figure, "Share of transactions" if percent else "Transactions in the year",
                **({} if percent else COUNT_AXIS))
    figure.update_layout(legend={"itemclick": "toggleothers", "itemdoubleclick": False})
    if percent:
        figure.update_yaxes(range=[0, 100], ticksuffix="%")
    return figure


def legend_choice(restyle, channels: list[str], current: str | None) -> str | None:
    """The channel left showing after a legend click (plotly's restyleData: [{'visible': [...]},
    [trace indices]]), or None when every channel shows again (or it can't be told)."""
    try:
        changes, indices = restyle
        visible = changes["visible"]
    except (TypeError, ValueError, KeyError):
        return current
    shown = {c: current in (None, c) for c in channels}
    values = visible if isinstance(visible, list) else [visible] * len(indices)
    for index, value in zip(indices, values):
        if 0 <= index < len(channels):
            shown[channels[index]] = value is True
    showing = [c for c, on in shown.items() if on]
    return showing[0] if len(showing) == 1 else None


def clicked_channel(click) -> str | None:
    """The channel of a clicked bar (its customdata)."""
    try:
        found = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    return found if isinstance(found, str) else None


def channel_volume_summary(frame: pd.DataFrame, selected: str | None) -> str:
    known = frame[numeric(frame["Total"]).notna()]
    if known.empty:
        return "No transactions are reported for this scope."
    first, last = known.iloc[0], known.iloc[-1]
    text = (f"In the {year_phrase(last)} there were {format_count(last['Total'], words=True)} transactions "
            f"({reporting_text(last[SERVICES])})")
    if selected and channel_name(selected) in frame:
        column = channel_name(selected)
        text += _channel_sentence(column, first, last)
        return text
    if first["Year ending"] != last["Year ending"]:
        text += (f", against {format_count(first['Total'], words=True)} in the {year_phrase(first)} "
                 f"({reporting_text(first[SERVICES])})")
    return text + "."


def _channel_sentence(column: str, first, last) -> str:
    if last[column] == SUPPRESSED:
        return f". {column}: suppressed (fewer than {threshold()} transactions)."
    share = float(last[column]) / float(last["Total"]) if float(last["Total"]) else float("nan")
    text = f"; {column.lower()}: {format_count(last[column], words=True)} ({share:.1%})"
    if first["Year ending"] != last["Year ending"] and first[column] not in (SUPPRESSED, None):
        text += f", against {format_count(first[column], words=True)} in the {year_phrase(first)}"
    return text + "."


# --- channels: the shift between two years -----------------------------------------------------------

SHIFT = "Change in share (percentage points)"


def shift_frame(volumes: pd.DataFrame, first: YearEnding, second: YearEnding,
                selected: str | None = None) -> pd.DataFrame:
    """A row per channel: transactions and share in each year and the change in share, counting
    the same services in both years (`volumes`: period, channel, volume). With `selected`, only
    that channel's row (its shares are still of all channels)."""
    columns = ["Channel", f"Transactions, {first.short_label}", f"Share, {first.short_label} (%)",
               f"Transactions, {second.short_label}", f"Share, {second.short_label} (%)", SHIFT]
    if volumes.empty or first == second:
        return pd.DataFrame(columns=columns)
    wide = volumes.pivot_table(index="period", columns="channel", values="volume", aggfunc="sum")
    wide = wide.reindex(index=[first, second], columns=channel_order(wide.columns))
    channels = list(wide.columns)
    totals = pd.DataFrame(wide.values, columns=channels)
    totals["Total"] = wide.sum(axis=1, min_count=1).values
    shown = suppress_parts_of_total(totals, channels, "Total")
    rows = []
    for channel in channels:
        shares = [_share(shown.at[i, channel], shown.at[i, "Total"]) for i in (0, 1)]
        change = (SUPPRESSED if SUPPRESSED in shares
                  else round(shares[1] - shares[0], 2) if all(pd.notna(s) for s in shares) else float("nan"))
        rows.append([channel_name(channel), shown.at[0, channel], shares[0], shown.at[1, channel], shares[1], change])
    frame = pd.DataFrame(rows, columns=columns)
    if selected:
        frame = frame[frame["Channel"] == channel_name(selected)].reset_index(drop=True)
    return frame


def _share(part, total):
    if SUPPRESSED in (part, total):
        return SUPPRESSED
    if pd.isna(part) or pd.isna(total) or not total:
        return float("nan")
    return round(float(part) / float(total) * 100, 2)


def shift_figure(frame: pd.DataFrame) -> go.Figure:
    """A bar a channel: its change in share, labelled with the value (colour is not the only cue)."""
    changes = numeric(frame[SHIFT])
    keys = [channel_id(name) for name in frame["Channel"]]
    figure = go.Figure(go.Bar(
        x=frame["Channel"], y=changes, customdata=keys, marker_color=[channel_colour(k) for k in keys],
        text=[points_cell(v) for v in frame[SHIFT]], textposition="outside", name=SHIFT,
        hovertemplate="%{x}: %{y:+.2f} percentage points<extra></extra>"))
    base_layout(figure, "Change in share (percentage points)")
    figure.update_yaxes(rangemode="normal", zeroline=True, zerolinecolor=DARK_GREY, ticksuffix=" pp")
    figure.update_layout(showlegend=False, hovermode="closest")
    return figure


def shift_summary(frame: pd.DataFrame, first: YearEnding, second: YearEnding, services: int) -> str:
    if first == second:
        return "Choose two different years to compare."
    known = frame[numeric(frame[SHIFT]).notna()]
    if known.empty:
        return (f"No channel can be compared between the {first.phrase} and the {second.phrase}: "
                "no service in this scope reported transactions in both.")
    covers = f"Counting the {services:,} services that reported transactions in both years"
    parts = [_shift_words(row, first, second) for row in known.to_dict("records")]
    text = f"{covers}, between the {first.phrase} and the {second.phrase}: " + "; ".join(parts) + "."
    if len(known) > 1:
        largest = known.loc[numeric(known[SHIFT]).abs().idxmax()]
        text += f" The largest shift was in {largest['Channel'].lower()}."
    return text


def _shift_words(row: dict, first: YearEnding, second: YearEnding) -> str:
    before, after, change = row[f"Share, {first.short_label} (%)"], row[f"Share, {second.short_label} (%)"], row[SHIFT]
    if round(change, 1) == 0:
        return f"{row['Channel'].lower()}'s share stayed at {after:.1f}%"
    verb = "rose" if change > 0 else "fell"
    return (f"{row['Channel'].lower()}'s share {verb} by {abs(change):.1f} percentage points, "
            f"from {before:.1f}% to {after:.1f}%")


def channel_kpi_text(frame: pd.DataFrame, period: YearEnding, selected: str | None) -> str:
    """One line for the chosen year: all channels, or the selected channel with its share."""
    rows = frame[frame["Year ending"] == period.short_label]
    if rows.empty:
        return f"No transactions are reported for the {period.phrase}."
    row = rows.iloc[0]
    services = f"{reporting_text(row[SERVICES])}"
    if row["Total"] == SUPPRESSED:
        return f"Transactions in the {period.phrase}: suppressed (fewer than {threshold()}); {services}."
    if not selected or channel_name(selected) not in frame:
        return f"All channels: {row['Total']:,.0f} transactions in the {period.phrase} ({services})."
    column = channel_name(selected)
    if row[column] == SUPPRESSED:
        return f"{column}: suppressed in the {period.phrase} (fewer than {threshold()} transactions; {services})."
    share = float(row[column]) / float(row["Total"]) if float(row["Total"]) else float("nan")
    return (f"{column}: {row[column]:,.0f} transactions in the {period.phrase}, {share:.1%} of all "
            f"{row['Total']:,.0f} ({services}).")


# --- satisfaction ------------------------------------------------------------------------------------

def _rated(figures: pd.DataFrame) -> pd.DataFrame:
    return figures[numeric(figures["responses"]).fillna(0) > 0]


def _ratings_counts(figures: pd.DataFrame, reporting: pd.DataFrame) -> pd.DataFrame:
    rated = _rated(figures)
    frame = pd.DataFrame(period_columns(rated["period"]))
    services = dict(zip(reporting["period"], reporting["ratings"]))
    frame[SERVICES] = [services.get(p) for p in rated["period"]]
    frame["Responses"] = rated["responses"].values
    for rating, name in RATING_NAMES.items():
        frame[name] = rated[f"rating_{rating}"].values
    return suppress_parts_of_total(frame, list(RATING_NAMES.values()), "Responses")


def ratings_frame(figures: pd.DataFrame, reporting: pd.DataFrame) -> pd.DataFrame:
    """A row per period with ratings: services, responses and the share of each rating (%).
    A share is suppressed with its count, or with the responses."""
    counts = _ratings_counts(figures, reporting)
    frame = counts[[*PERIOD_COLUMNS, SERVICES, "Responses"]].copy()
    total = numeric(counts["Responses"])
    for name in RATING_NAMES.values():
        share = (numeric(counts[name]) / total * 100).round(2)
        hidden = (counts[name] == SUPPRESSED) | (counts["Responses"] == SUPPRESSED)
        frame[f"{name} (%)"] = share.astype(object).where(~hidden, SUPPRESSED)
    return frame


def ratings_figure(frame: pd.DataFrame) -> go.Figure:
    """100% stacked bars, ratings 1 to 5 in the palette's order."""
    figure = go.Figure()
    for colour, name in zip(CATEGORICAL, RATING_NAMES.values()):
        figure.add_bar(x=frame["Year ending"], y=numeric(frame[f"{name} (%)"]), name=name, marker_color=colour,
                       hovertemplate="%{y:.1f}%<extra>" + name + "</extra>")
    figure.update_layout(barmode="stack")
    base_layout(figure, "Share of responses")
    figure.update_yaxes(range=[0, 100], ticksuffix="%")
    return figure


def ratings_summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No satisfaction ratings are reported for this scope."
    last = frame.iloc[-1]
    if last["Responses"] == SUPPRESSED:
        return (f"In the {year_phrase(last)} fewer than {threshold()} people rated the service: "
                "the figures are suppressed to protect privacy.")
    shares = [f"{name[2:].lower()} {last[f'{name} (%)']:.1f}%" for name in RATING_NAMES.values()
              if last[f"{name} (%)"] != SUPPRESSED and pd.notna(last[f"{name} (%)"])]
    hidden = sum(last[f"{name} (%)"] == SUPPRESSED for name in RATING_NAMES.values())
    text = (f"In the {year_phrase(last)}, {last['Responses']:,.0f} people answered "
            f"({reporting_text(last[SERVICES])}): " + ", ".join(shares))
    if hidden:
        text += f"; {hidden} rating{'s' if hidden > 1 else ''} suppressed (too few people to show)"
    return text + "."


def score_frame(figures: pd.DataFrame, reporting: pd.DataFrame) -> pd.DataFrame:
    """A row per period with ratings: services, responses, the score (%) and whether it rests on
    fewer than MIN_RESPONSES responses."""
    counts = _ratings_counts(figures, reporting)
    rated = _rated(figures)
    frame = counts[[*PERIOD_COLUMNS, SERVICES, "Responses"]].copy()
    frame["User satisfaction (%)"] = (rated["user_satisfaction"] * 100).round(2).values
    frame = suppress_columns(frame, ["User satisfaction (%)"], counts=pd.Series(rated["responses"].values))
    # a score whose responses are hidden is hidden too
    frame["User satisfaction (%)"] = frame["User satisfaction (%)"].where(frame["Responses"] != SUPPRESSED, SUPPRESSED)
    frame[FEW] = ["yes" if r < MIN_RESPONSES else "no" for r in rated["responses"]]
    return frame


def few_responses(frame: pd.DataFrame) -> list[str]:
    """The years ('Sep 2017') whose score rests on fewer than MIN_RESPONSES responses."""
    return list(frame.loc[frame[FEW] == "yes", "Year ending"]) if FEW in frame else []


def score_figure(frame: pd.DataFrame) -> go.Figure:
    """The score as a line (hollow markers where responses are few) above a small bar chart of
    the responses, sharing the years."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.08)
    few = frame[FEW] == "yes" if FEW in frame else []
    figure.add_scatter(x=frame["Year ending"], y=numeric(frame["User satisfaction (%)"]), mode="lines+markers",
                       name="User satisfaction", line={"color": DARK_BLUE, "width": 3},
                       marker={"size": 10, "symbol": ["circle-open" if f else "circle" for f in few]},
                       hovertemplate="%{y:.1f}%<extra>User satisfaction</extra>", row=1, col=1)
    if "User satisfaction (%)" + YEAR_BEFORE in frame:
        overlay_year_before(figure, frame, "User satisfaction (%)", x=frame["Year ending"], row=1, col=1)
    figure.add_bar(x=frame["Year ending"], y=numeric(frame["Responses"]), name="Responses",
                   marker_color=TURQUOISE, hovertemplate="%{y:,.0f}<extra>Responses</extra>", row=2, col=1)
    base_layout(figure, "User satisfaction")
    figure.update_layout(height=460)
    figure.update_yaxes(range=[0, 100], ticksuffix="%", title="User satisfaction", row=1, col=1)
    figure.update_yaxes(title="Responses", **COUNT_AXIS, row=2, col=1)
    figure.update_xaxes(type="category")
    return figure


def score_summary(frame: pd.DataFrame) -> str:
    known = frame[numeric(frame["User satisfaction (%)"]).notna()]
    if known.empty:
        return ("No satisfaction score can be shown for this scope" +
                (": too few people answered." if len(frame) else "."))
    first, last = known.iloc[0], known.iloc[-1]
    text = (f"User satisfaction was {last['User satisfaction (%)']:.1f}% in the {year_phrase(last)}, "
            f"from {last['Responses']:,.0f} responses ({reporting_text(last[SERVICES])})")
    if first["Year ending"] != last["Year ending"]:
        text += (f"; it was {first['User satisfaction (%)']:.1f}% in the {year_phrase(first)}, from "
                 f"{first['Responses']:,.0f} responses ({reporting_text(first[SERVICES])})")
    return text + "." + year_before_summary(frame, "User satisfaction (%)", percent_text)


def few_responses_warning(frame: pd.DataFrame) -> str | None:
    """The warning's words when some years rest on too few responses, else None."""
    few = few_responses(frame)
    if not few:
        return None
    years = "every year shown" if len(few) == len(frame) else (
        f"{len(few)} of the {len(frame)} years shown ({', '.join(few)})")
    return (f"Fewer than {MIN_RESPONSES} people answered in {years}. Scores from so few answers can move a "
            "lot by chance: treat them with caution. They are drawn with hollow markers.")


# --- completion --------------------------------------------------------------------------------------

RATE = "Completion rate (%)"


def completion_rate_frame(figures: pd.DataFrame, reporting: pd.DataFrame) -> pd.DataFrame:
    """A row per period with digital transactions started: services, started, completed, rate (%)."""
    known = figures[numeric(figures["started"]).fillna(0) > 0]
    frame = pd.DataFrame(period_columns(known["period"]))
    services = dict(zip(reporting["period"], reporting["started"]))
    frame[SERVICES] = [services.get(p) for p in known["period"]]
    frame["Started"] = known["started"].values
    frame["Completed"] = known["completed"].values
    frame[RATE] = (known["completion_rate"] * 100).round(2).values
    frame = suppress_columns(frame, [RATE], counts=pd.Series(known["started"].values))
    return suppress_columns(frame, ["Started", "Completed"])


def completion_figure(frame: pd.DataFrame) -> go.Figure:
    """The rate as a line above grouped bars of transactions started and completed."""
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08)
    labels = frame["Year ending"]
    figure.add_scatter(x=labels, y=numeric(frame[RATE]), mode="lines+markers", name="Completion rate",
                       line={"color": DARK_BLUE, "width": 3}, marker={"size": 9},
                       hovertemplate="%{y:.1f}%<extra>Completion rate</extra>", row=1, col=1)
    if RATE + YEAR_BEFORE in frame:
        overlay_year_before(figure, frame, RATE, x=labels, row=1, col=1)
    for name, colour in (("Started", TURQUOISE), ("Completed", CATEGORICAL[2])):
        figure.add_bar(x=labels, y=numeric(frame[name]), name=name, marker_color=colour,
                       hovertemplate="%{y:,.0f}<extra>" + name + "</extra>", row=2, col=1)
    base_layout(figure, "Completion rate")
    figure.update_layout(height=480, barmode="group")
    figure.update_yaxes(range=[0, 100], ticksuffix="%", title="Completion rate", row=1, col=1)
    figure.update_yaxes(title="Transactions", **COUNT_AXIS, row=2, col=1)
    figure.update_xaxes(type="category")
    return figure


def completion_summary(frame: pd.DataFrame) -> str:
    known = frame[numeric(frame[RATE]).notna()]
    if known.empty:
        return "No completion figures are reported for this scope" + (" that can be shown." if len(frame) else ".")
    first, last = known.iloc[0], known.iloc[-1]
    text = (f"In the {year_phrase(last)}, {last['Completed']:,.0f} of {last['Started']:,.0f} digital "
            f"transactions started were completed: {last[RATE]:.1f}% ({reporting_text(last[SERVICES])})")
    if first["Year ending"] != last["Year ending"]:
        text += f"; in the {year_phrase(first)} it was {first[RATE]:.1f}% ({reporting_text(first[SERVICES])})"
    return text + "." + year_before_summary(frame, RATE, percent_text)


# --- journey funnel ----------------------------------------------------------------------------------

STEP_NUMBER = re.compile(r"^\s*(\d+)")
FUNNEL_COLUMNS = ["Step", "People", "Share of first step (%)", "Drop-off from previous step",
                  "Drop-off from previous step (%)"]


def stage_order(totals: dict[str, float]) -> list[str]:
    """Steps in journey order: by the number their name starts with ('1-start', '2-details',
    '10-done'), then steps without a number, largest first (a funnel narrows)."""
    numbered = sorted((int(STEP_NUMBER.match(s).group(1)), s) for s in totals if STEP_NUMBER.match(s))
    others = sorted((s for s in totals if not STEP_NUMBER.match(s)), key=lambda s: (-totals[s], s))
    return [s for _, s in numbered] + others


def latest_month(counts: pd.DataFrame):
    """The latest month with journey records (a datetime), or None."""
    return None if counts.empty else max(counts["month"])


def funnel_frame(counts: pd.DataFrame, month) -> pd.DataFrame:
    """A row per step of `month`: people, their share of the first step, and the drop-off from the
    step before (people and %). `counts`: stage, month, count rows."""
    rows = counts[counts["month"] == month]
    totals = rows.groupby("stage")["count"].sum(min_count=1).to_dict()
    steps = stage_order(totals)
    frame = pd.DataFrame({"Step": steps, "People": [totals[s] for s in steps]})
    frame = suppress_columns(frame, ["People"])
    people = numeric(frame["People"])
    hidden = frame["People"] == SUPPRESSED
    first = people.iloc[0] if len(people) else float("nan")
    frame["Share of first step (%)"] = _hide((people / first * 100).round(2), hidden | bool(hidden.iloc[:1].any()))
    before = people.shift(1)
    gone_hidden = hidden | hidden.shift(1, fill_value=False)
    frame["Drop-off from previous step"] = _hide(before - people, gone_hidden)
    frame["Drop-off from previous step (%)"] = _hide(((before - people) / before * 100).round(2), gone_hidden)
    return frame[FUNNEL_COLUMNS]


def _hide(values: pd.Series, hidden: pd.Series) -> pd.Series:
    return values.astype(object).where(~hidden, SUPPRESSED)


def funnel_figure(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure(go.Funnel(
        y=frame["Step"], x=numeric(frame["People"]), marker={"color": DARK_BLUE},
        textinfo="value+percent initial", texttemplate="%{value:,.0f} (%{percentInitial:.1%})",
        hovertemplate="%{y}: %{x:,.0f} people<extra></extra>", name="People"))
    base_layout(figure, "")
    figure.update_xaxes(type="linear", title=None)
    figure.update_yaxes(type="category", title=None, rangemode=None)
    figure.update_layout(showlegend=False, hovermode="closest", height=max(300, 70 * len(frame) + 60))
    return figure


def funnel_summary(frame: pd.DataFrame, month_name: str) -> str:
    known = frame[numeric(frame["People"]).notna()]
    if len(known) < 2:
        return f"In {month_name} there are not enough steps with figures to show how many people went on."
    first, last = frame.iloc[0], frame.iloc[-1]
    if SUPPRESSED in (first["People"], last["People"]):
        start = "" if first["People"] == SUPPRESSED else f"{first['People']:,.0f} people reached “{first['Step']}”. "
        return f"In {month_name}, {start}Some steps had fewer than {threshold()} people and are suppressed."
    text = (f"In {month_name}, {first['People']:,.0f} people reached the first step, “{first['Step']}”, and "
            f"{last['People']:,.0f} the last, “{last['Step']}”: {last['Share of first step (%)']:.1f}% of them.")
    drops = numeric(frame["Drop-off from previous step"])
    if drops.notna().any():
        worst = drops.idxmax()
        text += (f" The largest drop-off was between “{frame.at[worst - 1, 'Step']}” and “{frame.at[worst, 'Step']}”: "
                 f"{drops[worst]:,.0f} people ({frame.at[worst, 'Drop-off from previous step (%)']:.1f}%).")
    return text
