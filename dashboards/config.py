"""A dashboard's configuration, in the GOV.UK Performance Platform's own JSON format (so its real
dashboards import as they were), and its validation.

A dashboard: slug, title, dashboard-type, description, about-the-data (`other-notes` in the
original), related links, and an ordered list of modules. A module: slug, module-type, title,
description, info, data-source {data-group, data-type, query-params}, and options of its type,
validated by that type's JSON Schema in dashboards/module-schemas/ (the original's, draft 3).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft3Validator

SCHEMAS = Path(__file__).resolve().parent / "module-schemas"
DASHBOARD_TYPES = ("transaction", "high-volume-transaction", "service-group", "department", "agency",
                   "content", "other")
# module type -> its schema file; section, availability and realtime have schemas of ours
MODULE_TYPES = {
    "kpi": "kpi_schema.json", "single_timeseries": "single_timeseries_schema.json",
    "grouped_timeseries": "grouped_timeseries_schema.json", "completion_rate": "completion_rate_schema.json",
    "user_satisfaction_graph": "user_satisfaction_graph_schema.json",
    "user_satisfaction": "user_satisfaction_schema.json", "journey": "journey_schema.json",
    "bar_chart_with_number": "bar_chart_with_number_schema.json", "table": "table_schema.json",
    "list": "list_schema.json", "tab": "tab_schema.json", "section": "section_schema.json",
    "realtime": "realtime_schema.json", "availability": "availability_schema.json",
}
CONTAINERS = {"tab": "tabs", "section": "modules"}
COMMON_KEYS = {"slug", "module-type", "title", "description", "info", "data-source", "classes", "modules"}
SLUG = re.compile(r"^[a-z0-9-]{1,120}$")


@dataclass(frozen=True)
class ConfigError:
    """One problem: where in the configuration (a JSON path), and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@lru_cache(maxsize=None)
def module_validator(module_type: str) -> Draft3Validator:
    schema = json.loads((SCHEMAS / MODULE_TYPES[module_type]).read_text(encoding="utf-8"))
    return Draft3Validator(schema)


def options_of(module: dict) -> dict:
    """A module's type-specific options: everything but the keys every module has (a tab's
    schema describes its tabs, so they stay)."""
    return {k: v for k, v in module.items() if k not in COMMON_KEYS or (k == "tabs" and module.get("module-type") == "tab")}


def validate_module(module, path: str) -> list[ConfigError]:
    if not isinstance(module, dict):
        return [ConfigError(path, "a module must be an object")]
    errors = []
    kind = module.get("module-type")
    if kind not in MODULE_TYPES:
        return [ConfigError(f"{path}.module-type", f"must be one of {', '.join(MODULE_TYPES)}, not {kind!r}")]
    if not SLUG.match(str(module.get("slug", ""))):
        errors.append(ConfigError(f"{path}.slug", "must be 1 to 120 of a-z, 0-9 and '-'"))
    if not str(module.get("title", "")).strip():
        errors.append(ConfigError(f"{path}.title", "a module needs a title"))
    errors += _data_source_errors(module, path)
    for problem in module_validator(kind).iter_errors(options_of(module)):
        where = ".".join(str(p) for p in problem.absolute_path)
        errors.append(ConfigError(f"{path}{'.' + where if where else ''}", f"{kind}: {problem.message}"))
    if kind in CONTAINERS:
        children = module.get(CONTAINERS[kind], [])
        if not isinstance(children, list) or not children:
            errors.append(ConfigError(f"{path}.{CONTAINERS[kind]}", f"a {kind} holds a list of modules"))
        else:
            for i, child in enumerate(children):
                errors += validate_module(child, f"{path}.{CONTAINERS[kind]}[{i}]")
    return errors


def _data_source_errors(module: dict, path: str) -> list[ConfigError]:
    source = module.get("data-source")
    if module.get("module-type") in (*CONTAINERS, "list") and source is None:
        return []
    if not isinstance(source, dict):
        return [ConfigError(f"{path}.data-source", "needs data-group, data-type and query-params")]
    errors = [ConfigError(f"{path}.data-source.{key}", "must be 1 to 60 of a-z, 0-9 and '-'")
              for key in ("data-group", "data-type") if not re.match(r"^[a-z0-9-]{1,60}$", str(source.get(key, "")))]
    if not isinstance(source.get("query-params", {}), dict):
        errors.append(ConfigError(f"{path}.data-source.query-params", "must be an object of query parameters"))
    return errors


def validate_dashboard(config) -> list[ConfigError]:
    """Every problem of a dashboard configuration (empty when it is valid)."""
    if not isinstance(config, dict):
        return [ConfigError("$", "a dashboard configuration is a JSON object")]
    errors = []
    if not SLUG.match(str(config.get("slug", ""))):
        errors.append(ConfigError("$.slug", "must be 1 to 120 of a-z, 0-9 and '-'"))
    if not str(config.get("title", "")).strip():
        errors.append(ConfigError("$.title", "a dashboard needs a title"))
    if config.get("dashboard-type", "transaction") not in DASHBOARD_TYPES:
        errors.append(ConfigError("$.dashboard-type", f"must be one of {', '.join(DASHBOARD_TYPES)}"))
    modules = config.get("modules", [])
    if not isinstance(modules, list):
        return errors + [ConfigError("$.modules", "must be a list of modules")]
    for i, module in enumerate(modules):
        errors += validate_module(module, f"$.modules[{i}]")
    slugs = [m.get("slug") for m in modules if isinstance(m, dict)]
    errors += [ConfigError("$.modules", f"two modules are called {s!r}") for s in sorted({s for s in slugs
                                                                                       if slugs.count(s) > 1})]
    return errors


def query_pairs(module: dict) -> list[tuple[str, str]]:
    """The data-API query of a module, as (parameter, value) pairs (lists repeat the parameter)."""
    params = (module.get("data-source") or {}).get("query-params") or {}
    pairs = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, "true" if item is True else "false" if item is False else str(item)))
    return pairs
