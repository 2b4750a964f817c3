"""Remembered design-system components: the same options render the same HTML, so render them once.

Each NHS.UK component is an `include` that imports its helper macros and re-indents nested HTML;
a form of twenty questions spends most of its time there. Remembering is safe by default:
`{{ remembered(button, {"text": "Add"}) }}` is remembered only when its options are constants
written in the template (checked when the template is compiled; any other call renders afresh),
and `{{ remembered_field(radios, params, form.answer) }}` only while the form field holds nothing
typed (no data, or one of its own choices) and no error, checked on every call. So no case content
or submitted text is ever kept, whatever a template passes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

import jinja2
from flask import Flask
from flask.templating import Environment
from jinja2 import nodes
from jinja2.visitor import NodeTransformer
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
        _check_is_macro(macro)
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

    def render_field(
        self, macro: jinja2.runtime.Macro, params: Mapping[str, Any], *fields: Any
    ) -> str:
        """Render form fields' component, remembered only while every field holds nothing typed."""
        if fields and all(_holds_nothing_typed(field) for field in fields):
            return self.render(macro, params)
        return render_now(macro, params)


def render_now(macro: jinja2.runtime.Macro, params: Mapping[str, Any]) -> str:
    """Render a component without remembering it."""
    _check_is_macro(macro)
    return macro(params)


def _check_is_macro(macro: Any) -> None:
    if not isinstance(macro, jinja2.runtime.Macro):
        # a component the template forgot to import is undefined: say so, not draw nothing
        raise TypeError(f"remembered() needs a macro, not {type(macro).__name__}")


def _holds_nothing_typed(field: Any) -> bool:
    """Say whether a WTForms field is blank or holds only one of its own choices, with no error."""
    if field.errors:
        return False
    data = field.data
    if data in (None, "", [], ()) or isinstance(data, bool):
        return True
    choices = _choice_values(field)
    chosen = data if isinstance(data, list | tuple) else [data]
    return bool(choices) and all(str(item) in choices for item in chosen)


def _choice_values(field: Any) -> set[str]:
    """Return the values a choice field offers (WTForms takes pairs, or a mapping of them)."""
    choices = getattr(field, "choices", None) or ()
    if isinstance(choices, Mapping):
        return {str(value) for value in choices}
    return {str(choice[0] if isinstance(choice, tuple | list) else choice) for choice in choices}


class _RenderVariableOptionsAfresh(NodeTransformer):
    """Make `remembered(component, options)` a plain render unless its options are constants."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self.context = nodes.EvalContext(environment)

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)
        if not (isinstance(node.node, nodes.Name) and node.node.name == "remembered"):
            return node
        if len(node.args) == 2 and not node.kwargs and _is_constant(node.args[1], self.context):
            return node
        render = nodes.Name("render_now", "load", lineno=node.lineno)
        return nodes.Call(render, node.args, node.kwargs, node.dyn_args, node.dyn_kwargs)


def _is_constant(expression: nodes.Expr, context: nodes.EvalContext) -> bool:
    try:
        expression.as_const(context)
    except nodes.Impossible:
        return False
    return True


class RememberingEnvironment(Environment):
    """Flask's template environment, checking each `remembered(...)` call as it compiles."""

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        return _RenderVariableOptionsAfresh(self).visit(template)


def _macro_identity(macro: jinja2.runtime.Macro) -> tuple[str, str]:
    # the template file and the macro's name: stable across the module copies Jinja makes
    return (macro._func.__code__.co_filename, macro.name)


def use_remembering_environment(app: Flask) -> None:
    """Build the app's template environment with the compile-time check (before its first use)."""
    app.jinja_environment = RememberingEnvironment


def init_app(app: Flask) -> None:
    """Offer `remembered(...)` to templates; off while templates may change on disk."""
    if not isinstance(app.jinja_env, RememberingEnvironment):
        raise RuntimeError("call use_remembering_environment(app) before the templates are set up")
    memory = ComponentMemory(enabled=not app.jinja_env.auto_reload)
    app.extensions["fts_component_memory"] = memory
    app.jinja_env.globals["remembered"] = memory.render
    app.jinja_env.globals["remembered_field"] = memory.render_field
    app.jinja_env.globals["render_now"] = render_now
