"""Whole callback answers, cached.

A public page's callback answers from its arguments and the published data alone, so its whole answer
is cached on those arguments and the data generation (data_access.cache): every visitor after the
first, on any worker or host sharing the cache, gets it without a query, a frame or a figure built.
The answer is kept as the plain JSON data Dash sends (components, figures and Patch objects turned
into dicts once), so a hit is not built again either. A write makes every answer out of date at once,
as it does every cached figure.

Only for callbacks whose answer depends on nothing else: not on the user, the request, the trigger
(`dash.ctx`) or the clock. An answer that says how long ago something happened takes `per_minute`:
its key holds the current minute, so it is at most a minute behind the clock.
"""
from __future__ import annotations

import functools
import inspect
import json

from plotly.io.json import to_json_plotly  # what Dash serialises answers with

from data_access.cache import cache_ready, cached_call
from data_access.data_sets import utc_now


def cached_answer(callback=None, *, per_minute: bool = False):
    """Decorate a callback (under its @callback) so that its answer comes from the cache when it can;
    outside the app, it answers as it would undecorated."""
    if callback is None:
        return functools.partial(cached_answer, per_minute=per_minute)
    name = f"answer:{callback.__module__}.{callback.__qualname__}"
    signature = inspect.signature(callback)

    @functools.wraps(callback)
    def answer(*args, **kwargs):
        if not cache_ready():  # outside the app (CLI, tests): the callback's own answer
            return callback(*args, **kwargs)
        key_name = f"{name}@{utc_now():%Y-%m-%dT%H:%M}" if per_minute else name
        return cached_call(key_name, signature, args, kwargs, lambda: plain(callback(*args, **kwargs)))

    return answer


def plain(answer):
    """The answer as the JSON data Dash would send for it."""
    return json.loads(to_json_plotly(answer))
