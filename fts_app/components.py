"""Remembered design-system components: the same options render the same HTML, so render them once.

Each NHS.UK component is an `include` that imports its helper macros and re-indents nested HTML;
a form of twenty questions spends most of its time there. Templates opt in with
`{{ remembered(radios, params) }}` only where the options hold no free text from a person (labels,
choices, a chosen code, a static error message), so no case content or submitted text is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

import jinja2
from flask import Flask
from markupsafe import Markup

#: enough for every blank field and choice state on every page; a few megabytes at most
MAXIMUM_REMEMBERED = 2048


class _NotRememberable(Exception):
    """The options hold something with no stable key; render without remembering."""


def options_key(value: Any) -> Hashable:
    """Return a hashable key that tells apart every option value that renders differently."""
    kind = type(value)
    if kind is str:
        return value
    if kind is dict:
        return ("map", tuple((name, options_key(value[name])) for name in sorted(value)))
    if kind is list or kind is tuple:
        return ("list", tuple(options_key(item) for item in value))
    if value is None or kind is bool or kind is int or kind is float:
        # True == 1 and hash alike, yet render differently
        return (kind.__name__, value)
    if isinstance(value, Markup):
        # markup renders as is and text escaped, so equal strings must not share a key
        return ("markup", str(value))
    if isinstance(value, str):
        # a str subclass, such as a choice: keep its type beside its text
        return (kind.__qualname__, str.__str__(value))
    if isinstance(value, jinja2.Undefined):
        return ("undefined",)
    raise _NotRememberable(kind.__name__)


class ComponentMemory:
    """A bounded, least-recently-used store of rendered components, shared by a worker's threads."""

    def __init__(self, enabled: bool, capacity: int = MAXIMUM_REMEMBERED) -> None:
        self.enabled = enabled
        self.capacity = capacity
        self._rendered: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rendered)

    def holds_text(self, text: str) -> bool:
        """Say whether any remembered component contains `text` (nothing typed should)."""
        with self._lock:
            return any(text in html for html in self._rendered.values())

    def render(self, macro: jinja2.runtime.Macro, params: Mapping[str, Any]) -> str:
        """Return `macro(params)`, from memory when these options were rendered before."""
        if not isinstance(macro, jinja2.runtime.Macro):
            # a component the template forgot to import is undefined: say so, not draw nothing
            raise TypeError(f"remembered() needs a macro, not {type(macro).__name__}")
        if not self.enabled:
            return macro(params)
        try:
            key = (_macro_identity(macro), options_key(dict(params)))
        except (_NotRememberable, TypeError):
            return macro(params)
        with self._lock:
            if key in self._rendered:
                self._rendered.move_to_end(key)
                return self._rendered[key]
        # an autoescaping environment's macros return markup, escaped as they rendered it
        html = macro(params)
        with self._lock:
            self._rendered[key] = html
            if len(self._rendered) > self.capacity:
                self._rendered.popitem(last=False)
        return html


def _macro_identity(macro: jinja2.runtime.Macro) -> tuple[str, str]:
    # the template file and the macro's name: stable across the module copies Jinja makes
    return (macro._func.__code__.co_filename, macro.name)


def init_app(app: Flask) -> None:
    """Offer `remembered(macro, params)` to templates; off while templates may change on disk."""
    memory = ComponentMemory(enabled=not app.jinja_env.auto_reload)
    app.extensions["fts_component_memory"] = memory
    app.jinja_env.globals["remembered"] = memory.render
