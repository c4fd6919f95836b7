"""Whole answers of public pages, cached: callbacks' answers, page layouts and pages' first HTML.

A public page answers from its arguments and the published data alone, so its whole answer is cached
on those arguments and the data generation (data_access.cache): every visitor after the first, on any
worker or host sharing the cache, gets it without a query, a frame or a figure built. An answer is
kept as the plain JSON data Dash sends (components, figures and Patch objects turned into dicts once),
so a hit is not built again either. A write makes every answer out of date at once, as it does every
cached figure.

Only for what depends on nothing else: not on the user, the request, the trigger (`dash.ctx`) or the
clock. An answer that says how long ago something happened takes `per_minute`: its key holds the
current minute, so it is at most a minute behind the clock. Page layouts always do (`cached_layout`).
"""
from __future__ import annotations

import functools
import inspect
import json
import math

from dash.development.base_component import Component
from plotly.io.json import to_json_plotly  # what Dash serialises answers with

from data_access.cache import cache_ready, cached_call, key_of, normalised
from data_access.data_sets import utc_now

SCALARS = (str, int, type(None))  # bool is an int
# a component's attributes that are not props: every other attribute is a prop it was given
NOT_PROPS = frozenset({"_prop_names", "_valid_wildcard_attributes", "available_properties",
                       "available_wildcard_properties"})
MINUTE_TIMEOUT = 120  # seconds: an entry of one minute is never read after the next


def cached_answer(callback=None, *, per_minute: bool = False):
    """Decorate a callback (under its @callback) so that its answer comes from the cache when it can;
    outside the app, it answers as it would undecorated."""
    if callback is None:
        return functools.partial(cached_answer, per_minute=per_minute)
    name = f"answer:{callback.__module__}.{callback.__qualname__}"
    signature = inspect.signature(callback)
    ignored = "_" in signature.parameters  # a layout's **_: query arguments it does not read

    def key(args: tuple, kwargs: dict) -> str:
        if ignored:
            kwargs = {k: v for k, v in kwargs.items() if k in signature.parameters}
        return key_of(answer_name(name, per_minute), normalised(signature, args, kwargs))

    @functools.wraps(callback)
    def answer(*args, **kwargs):
        if not cache_ready():  # outside the app (CLI, tests): the callback's own answer
            return callback(*args, **kwargs)
        return cached_call(key(args, kwargs), lambda: plain(callback(*args, **kwargs)), _timeout(per_minute))

    answer.per_minute, answer.key = per_minute, key
    return answer


def cached_layout(layout):
    """A public page's layout, cached whole: for Dash's router, which asks for it when the browser
    moves to the page (the page's first HTML is cached by pages.server_render)."""
    return cached_answer(layout, per_minute=True)


def remember_layout(layout, kwargs: dict, content) -> None:
    """Keep a public page's layout, built with these arguments for its first HTML, as the answer Dash's
    router asks for next, when the browser draws the page: built once, not twice."""
    if cache_ready() and is_cached(layout):
        cached_call(layout.key((), kwargs), lambda: plain(content), MINUTE_TIMEOUT)


def is_cached(layout) -> bool:
    """Whether a page's layout is cached_layout's (or cached_answer's): its page is a public one."""
    return hasattr(layout, "per_minute")


def cached_html(path: str, query_string: str, render):
    """render() of a public page's HTML, cached on its address, the minute and the data generation."""
    if not cache_ready():
        return render()
    return cached_call(key_of(answer_name("html", True), repr((path, query_string))), render, MINUTE_TIMEOUT)


def _timeout(per_minute: bool) -> int | None:
    return MINUTE_TIMEOUT if per_minute else None


def answer_name(name: str, per_minute: bool) -> str:
    return f"{name}@{utc_now():%Y-%m-%dT%H:%M}" if per_minute else name


def plain(answer):
    """The answer as the JSON data Dash would send for it: what plotly's JSON encoder, which Dash uses,
    makes of it. Components are walked here, their props read from their attributes (2-3 times
    quicker than Component.to_plotly_json); anything else (figures, Patch, numpy, dates, dicts) goes
    through the encoder. tests/pages/test_cached_answers.py holds the two to the same answers."""
    if isinstance(answer, SCALARS):
        return answer
    if isinstance(answer, float):
        return answer if math.isfinite(answer) else None  # the encoder's NaN and Infinity: null
    if isinstance(answer, Component):
        props = {name: plain(value) for name, value in vars(answer).items() if name not in NOT_PROPS}
        return {"props": props, "type": answer._type, "namespace": answer._namespace}
    if isinstance(answer, (list, tuple)):
        return [plain(value) for value in answer]
    return json.loads(to_json_plotly(answer))
