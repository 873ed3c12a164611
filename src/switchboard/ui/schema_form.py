"""A form drawn from a JSON Schema: MCP tool arguments, elicitation requests, prompt arguments.

Widget keys are `key` plus the property path, so values survive reruns and two forms on one page
never collide. The result is built from the widgets: empty optional fields are left out; an empty
required field is null if its schema allows null, else left out for `missing_required` to name."""

from __future__ import annotations

import copy
import json
from typing import Any

import streamlit as st

from switchboard.ui.remote_content import safe
from switchboard.ui.schema_checks import schema_problem

FORMAT_HINTS = {
    "email": "An email address.",
    "uri": "A URL, e.g. https://example.com.",
    "date": "A date: YYYY-MM-DD.",
    "date-time": "A date and time: YYYY-MM-DDTHH:MM:SSZ.",
    "time": "A time: HH:MM:SS.",
}
LONG_TEXT = 200  # strings allowed to be longer than this get a text area
PLACEHOLDERS = {
    "string": "",
    "integer": 0,
    "number": 0,
    "boolean": False,
    "array": [],
}


def schema_form(schema: dict, key: str, values: dict | None = None) -> dict | None:
    """Draw a widget per property of an object schema in the current container; return the
    value. A schema that cannot be drawn (malformed, huge, a `$ref` bomb) gets the raw-JSON
    editor instead, with a note: None while that JSON is not valid.

    `values` (e.g. the last submission) pre-fills the widgets the first time they are drawn."""
    problem = schema_problem(schema)
    if problem:
        st.caption(f"This schema cannot be drawn as a form ({problem}): edit it as JSON.")
        value, error = raw_json_editor({}, key)
        if error:
            st.error(error)
        return value
    return _object_fields(schema, schema, (), key, (), values or {})


def missing_required(schema: dict, value: dict) -> list[str]:
    """The dotted paths of required fields that `value` leaves out (or sets to null when the
    schema does not allow null), looking into the nested objects it has (the server judges a
    schema too odd to draw)."""
    if schema_problem(schema):
        return []
    return _missing(schema, schema, (), value, "")


def example_value(schema: dict) -> dict:
    """A value for an object schema: each property's default, else a typed placeholder ({}
    for a schema too odd to draw)."""
    if schema_problem(schema):
        return {}
    value = _example(schema, schema, ())
    return value if isinstance(value, dict) else {}


def raw_json_editor(schema: dict, key: str) -> tuple[dict | None, str]:
    """A JSON text area pre-filled with `example_value`: (the object, "") or (None, why not)."""
    text = st.text_area(
        "Arguments (JSON)",
        json.dumps(example_value(schema), indent=2),
        height=240,
        key=f"{key}:json",
    )
    value, error = _parse_json(text)
    if not error and not isinstance(value, dict):
        return None, f"The arguments must be a JSON object, not {type(value).__name__}."
    return value, error


class _Omit:
    """Marks a field the result leaves out."""


OMIT = _Omit()


def _object_fields(
    schema: Any, root: dict, seen: tuple[str, ...], key: str, path: tuple[str, ...], values: Any
) -> dict:
    """One field per property; the properties that are not left out."""
    schema, _, seen = _normalize(schema, root, seen)
    required = set(schema.get("required", []))
    values = values if isinstance(values, dict) else {}
    result = {}
    for name, prop in schema.get("properties", {}).items():
        value = _field(
            prop, root, seen, key, (*path, name), name in required, values.get(name, OMIT)
        )
        if value is not OMIT:
            result[name] = value
    return result


def _field(
    schema: Any,
    root: dict,
    seen: tuple[str, ...],
    key: str,
    path: tuple[str, ...],
    required: bool,
    prefill: Any,
) -> Any:
    """Draw one property's widget and return its value, or OMIT."""
    schema, nullable, seen = _normalize(schema, root, seen)
    title = safe(str(schema.get("title") or path[-1]))
    label = title + (" *" if required else "")
    hint = FORMAT_HINTS.get(schema.get("format", ""), "")
    described = " ".join(t for t in (str(schema.get("description", "")), hint) if t)
    wkey = key + ":" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path)
    current = prefill if prefill is not OMIT else schema.get("default", OMIT)
    current = OMIT if current is None else current
    kind = _kind(schema)
    choices = _choices(schema)
    items = _normalize(schema.get("items", {}), root, seen)[0] if kind == "array" else {}

    if choices:
        value = _select(st.selectbox, label, choices, current, wkey)
    elif kind == "boolean":
        value = st.checkbox(label, value=current is True, key=wkey)
        # An unticked optional box says nothing, unless a default or earlier value said False.
        if not value and not required and current is OMIT:
            return OMIT
    elif kind == "string":
        value = _text_input(schema, label, current, wkey)
    elif kind in ("integer", "number"):
        value = _number_input(schema, kind == "integer", label, wkey, current)
    elif kind == "object" and "properties" in schema:
        with st.container(border=True):
            st.markdown(f"**{title}**" + (" \\*" if required else ""))
            if described:
                st.caption(safe(described))
            described = ""
            value = _object_fields(schema, root, seen, key, path, current)
    elif kind == "array" and _choices(items):
        value = _select(st.multiselect, label, _choices(items), current, wkey)
    elif kind == "array" and _kind(items) in ("string", "integer", "number", "boolean"):
        lines = current if isinstance(current, list) else []
        text = "\n".join(_label(v) for v in lines)
        described = " ".join(t for t in (described, "One item per line.") if t)
        value = _items(st.text_area(label, text, key=wkey), _kind(items) or "")
    else:
        described = " ".join(t for t in (described, "As JSON.") if t)
        value = _json_input(label, current, wkey)
    if described:
        st.caption(safe(described))

    if value is OMIT or value is None or value in ("", []) or (value == {} and not required):
        return None if nullable and required else OMIT
    return value


def _text_input(schema: dict, label: str, current: Any, key: str) -> str:
    """A string: one line, or a text area for long or `textarea` strings."""
    max_chars = schema.get("maxLength")
    text = "" if current is OMIT else str(current)[:max_chars]
    long = schema.get("format") == "textarea" or (max_chars or 0) > LONG_TEXT
    widget = st.text_area if long else st.text_input
    return widget(label, text, max_chars=max_chars, key=key)


def _json_input(label: str, current: Any, key: str) -> Any:
    """Anything else, as JSON text; OMIT (with the parse error shown) when it is not JSON."""
    text = "" if current is OMIT else json.dumps(current, indent=2)
    source = st.text_area(label, text, key=key)
    value, error = _parse_json(source) if source.strip() else (None, "")
    if error:
        st.error(error)
        return OMIT
    return value


def _select(widget: Any, label: str, choices: list, current: Any, key: str) -> Any:
    """A selectbox (one choice) or multiselect (a list) showing each choice's label."""
    options = [value for value, _ in choices]
    names = {json.dumps(value): name for value, name in choices}
    if widget is st.multiselect:
        chosen = [v for v in current if v in options] if isinstance(current, list) else []
        preset: dict[str, Any] = {"default": chosen}
    else:
        preset = {"index": options.index(current) if current in options else None}
    return widget(
        label,
        options,
        format_func=lambda v: names.get(json.dumps(v), _label(v)),
        placeholder="Choose an option",
        key=key,
        **preset,
    )


def _number_input(
    schema: dict, integer: bool, label: str, key: str, current: Any
) -> int | float | None:
    """A number input within the schema's bounds, stepping by 1 for integers."""
    cast = int if integer else float
    low, high = _bound(schema, "minimum"), _bound(schema, "maximum")
    exclusive_low, exclusive_high = (
        _bound(schema, "exclusiveMinimum"),
        _bound(schema, "exclusiveMaximum"),
    )
    if exclusive_low is not None:
        low = exclusive_low + 1 if integer else exclusive_low
    if exclusive_high is not None:
        high = exclusive_high - 1 if integer else exclusive_high
    low = None if low is None else cast(low)
    high = None if high is None else cast(high)
    if low is not None and high is not None and low > high:  # nothing fits: no bounds then
        low = high = None
    value = None
    if isinstance(current, int | float) and not isinstance(current, bool):
        value = cast(current)
        value = value if low is None else max(value, low)
        value = value if high is None else min(value, high)
    step = _bound(schema, "multipleOf")
    step = max(int(step or 1), 1) if integer else (step if step and step > 0 else None)
    return st.number_input(
        label,
        min_value=low,
        max_value=high,
        value=value,
        step=step,
        placeholder="",
        key=key,
    )


def _bound(schema: dict, word: str) -> float | None:
    """A numeric keyword (minimum, maximum, multipleOf…) when it is a number, else None: a
    server's "minimum": "zero" is ignored rather than refused."""
    value = schema.get(word)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _items(text: str, kind: str) -> list | _Omit:
    """One item per non-blank line, converted to the item type; an error shown if one is not."""
    items: list = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            if kind == "integer":
                items.append(int(line))
            elif kind == "number":
                items.append(float(line))
            elif kind == "boolean":
                items.append({"true": True, "false": False}[line.lower()])
            else:
                items.append(line)
        except (ValueError, KeyError):
            article = "an" if kind.startswith("i") else "a"
            st.error(f"Line {number}: `{line}` is not {article} {kind}.")
            return OMIT
    return items


def _parse_json(text: str) -> tuple[Any, str]:
    """The parsed value and "", or None and where and why the JSON is invalid."""
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as error:
        return None, f"Invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}."


def _normalize(
    schema: Any, root: dict, seen: tuple[str, ...]
) -> tuple[dict, bool, tuple[str, ...]]:
    """Follow local `$ref`s, merge `allOf`, take the null option out of `anyOf`/`oneOf`/`type`.

    Returns the schema, whether null is allowed, and the refs followed so far; a ref met again
    (a recursive schema) becomes an empty schema, drawn as a JSON text area."""
    if not isinstance(schema, dict):
        return {}, False, seen
    while "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen or not ref.startswith("#/"):
            return {}, False, seen
        target: Any = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part, {}) if isinstance(target, dict) else {}
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        schema, seen = {**(target if isinstance(target, dict) else {}), **rest}, (*seen, ref)
    if "allOf" in schema:
        merged: dict = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part, _, seen = _normalize(part, root, seen)
            properties = {**part.get("properties", {}), **merged.get("properties", {})}
            required = [*merged.get("required", []), *part.get("required", [])]
            merged = {**part, **merged, "properties": properties, "required": required}
        schema = {k: v for k, v in merged.items() if v or k not in ("properties", "required")}
    nullable = False
    types = schema.get("type")
    if isinstance(types, list):
        nullable = "null" in types
        rest_types = [t for t in types if t != "null"]
        schema = {k: v for k, v in schema.items() if k != "type"}
        if len(rest_types) == 1:
            schema["type"] = rest_types[0]
    for word in ("anyOf", "oneOf"):
        options = schema.get(word)
        if not isinstance(options, list):
            continue
        resolved = [_normalize(o, root, seen) for o in options]
        kept = [o for o, _, _ in resolved if o.get("type") != "null"]
        nullable = nullable or len(kept) < len(options) or any(n for _, n, _ in resolved)
        outer = {k: v for k, v in schema.items() if k != word}
        if len(kept) == 1:
            schema, _, seen = _normalize({**kept[0], **outer}, root, seen)
        else:
            schema = {**outer, word: kept}
    if None in schema.get("enum", []):
        nullable = True
    return schema, nullable, seen


def _kind(schema: dict) -> str | None:
    """The schema's single type, or "object" when it has properties and no type."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    return "object" if "properties" in schema else None


def _choices(schema: dict) -> list[tuple[Any, str]]:
    """(value, label) pairs from `enum` (labelled by `enumNames`), `const` or `oneOf` consts."""
    if isinstance(schema.get("enum"), list):
        names = schema.get("enumNames") or []
        values = [v for v in schema["enum"] if v is not None]
        labels = names if len(names) == len(values) else [_label(v) for v in values]
        return list(zip(values, labels, strict=True))
    if "const" in schema:
        return [(schema["const"], str(schema.get("title") or _label(schema["const"])))]
    options = schema.get("oneOf") or schema.get("anyOf")
    if options and all(isinstance(o, dict) and "const" in o for o in options):
        return [(o["const"], str(o.get("title") or _label(o["const"]))) for o in options]
    return []


def _label(value: Any) -> str:
    """A choice as shown: strings as they are, other values as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _missing(schema: Any, root: dict, seen: tuple[str, ...], value: Any, prefix: str) -> list[str]:
    """`missing_required` for the object at `prefix`."""
    schema, _, seen = _normalize(schema, root, seen)
    value = value if isinstance(value, dict) else {}
    required = schema.get("required", [])
    missing = []
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        prop_schema, nullable, prop_seen = _normalize(prop, root, seen)
        if name in required and (name not in value or (value[name] is None and not nullable)):
            missing.append(path)
        elif isinstance(value.get(name), dict) and "properties" in prop_schema:
            missing += _missing(prop_schema, root, prop_seen, value[name], f"{path}.")
    undeclared = [n for n in required if n not in schema.get("properties", {}) and n not in value]
    return missing + [f"{prefix}{name}" for name in undeclared]


def _example(schema: Any, root: dict, seen: tuple[str, ...]) -> Any:
    """`example_value` for any schema; null when null is allowed and nothing else is given."""
    schema, nullable, seen = _normalize(schema, root, seen)
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    choices = _choices(schema)
    if choices:
        return choices[0][0]
    if nullable:
        return None
    kind = _kind(schema)
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(prop, root, seen) for name, prop in properties.items()}
    if kind in ("integer", "number") and isinstance(schema.get("minimum"), int | float):
        return schema["minimum"]
    return copy.deepcopy(PLACEHOLDERS.get(kind or ""))
