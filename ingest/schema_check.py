"""A quick pass for the common data-set schemas, so that most records skip the general JSON Schema validator.

`quick_check(schema, date_time)` gives a function `surely_valid(record) -> bool` when the schema uses only
a small set of keywords (the original platform's schemas do: an object with `properties` of a `type`,
`enum`, `minimum`, `maximum` or `format: date-time`, and `required`), else None. It answers True only
where the JSON Schema validator would find no error; anything it is not sure of (a float for an
integer, a number in an enum...) answers False, and the validator then decides and words the errors.
So it changes how fast records are checked, never what is accepted or what the errors say.
"""
from __future__ import annotations

from typing import Callable

TOP_KEYWORDS = {"$schema", "title", "description", "type", "properties", "required"}
PROPERTY_KEYWORDS = {"title", "description", "type", "enum", "minimum", "maximum", "format"}
# the drafts whose `required`, `minimum` and `maximum` mean what is checked here (draft 3 differs)
DRAFT_3 = "http://json-schema.org/draft-03/schema"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# strictly: a float such as 1.0 is an integer for some drafts and not others, so it is left to the validator
TYPES: dict[str, Callable] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
}


def quick_check(schema, date_time: Callable) -> Callable[[dict], bool] | None:
    """`surely_valid(record)` for a schema of the simple kind, else None. `date_time(value)` is the
    validator's own check of `format: date-time`."""
    if not isinstance(schema, dict) or set(schema) - TOP_KEYWORDS:
        return None
    if str(schema.get("$schema", "")).rstrip("#") == DRAFT_3 or schema.get("type", "object") != "object":
        return None
    required = schema.get("required", [])
    properties = schema.get("properties", {})
    if not isinstance(required, list) or not all(isinstance(name, str) for name in required):
        return None
    if not isinstance(properties, dict):
        return None
    checks = {}
    for name, rules in properties.items():
        check = _property_check(rules, date_time)
        if check is None:
            return None
        checks[name] = check

    def surely_valid(record: dict) -> bool:
        for name in required:
            if name not in record:
                return False
        for name, check in checks.items():
            if name in record and not check(record[name]):
                return False
        return True
    return surely_valid


def _property_check(rules, date_time: Callable) -> Callable | None:
    if not isinstance(rules, dict) or set(rules) - PROPERTY_KEYWORDS:
        return None
    parts = []
    if "type" in rules:
        names = rules["type"] if isinstance(rules["type"], list) else [rules["type"]]
        if not names or not all(isinstance(name, str) and name in TYPES for name in names):
            return None
        kinds = [TYPES[name] for name in names]
        parts.append(lambda value: any(kind(value) for kind in kinds))
    if "enum" in rules:
        if not isinstance(rules["enum"], list):
            return None
        texts = frozenset(item for item in rules["enum"] if isinstance(item, str))
        parts.append(lambda value: isinstance(value, str) and value in texts)  # other values: the validator
    for keyword, within in (("minimum", lambda value, bound: value >= bound),
                            ("maximum", lambda value, bound: value <= bound)):
        if keyword in rules:
            bound = rules[keyword]
            if not _is_number(bound):
                return None
            parts.append(lambda value, bound=bound, within=within: not _is_number(value) or within(value, bound))
    if "format" in rules:
        if rules["format"] != "date-time":
            return None
        parts.append(date_time)
    return lambda value: all(part(value) for part in parts)
