"""Whether a JSON Schema can be drawn as a form: a server's schema may be malformed, huge, or
a `$ref` bomb (each reference doubling the last), and must never hang or break the page.
What cannot be drawn is edited as raw JSON instead, with a note saying why."""

from __future__ import annotations

from typing import Any

MAX_FIELDS = 200  # widgets on one form
MAX_DEPTH = 8  # objects within objects
MAX_VISITS = 5_000  # schema nodes looked at, `$ref`s expanded


class Undrawable(Exception):
    """Why a schema is not drawn as a form."""


def schema_problem(schema: Any) -> str:
    """ "" when `schema` can be drawn as a form; else why not, in words."""
    if not isinstance(schema, dict):
        return "the schema is not an object"
    walk = _Walk(schema)
    try:
        walk.visit(schema, (), 0)
    except Undrawable as why:
        return str(why)
    except RecursionError:
        return "the schema nests too deeply to read"
    return ""


class _Walk:
    """Counts what drawing a schema would take, stopping at the first bound crossed."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.visits = 0
        self.fields = 0

    def visit(self, schema: Any, refs: tuple[str, ...], depth: int) -> None:
        self.visits += 1
        if self.visits > MAX_VISITS:
            raise Undrawable(f"the schema expands to more than {MAX_VISITS:,} parts")
        if not isinstance(schema, dict):
            return
        schema, refs = self.follow(schema, refs)
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise Undrawable("its 'properties' is not an object")
        if not isinstance(schema.get("required", []), list):
            raise Undrawable("its 'required' is not a list")
        if properties and depth >= MAX_DEPTH:
            raise Undrawable(f"it nests objects more than {MAX_DEPTH} deep")
        self.fields += len(properties)
        if self.fields > MAX_FIELDS:
            raise Undrawable(f"it has more than {MAX_FIELDS} fields")
        for prop in properties.values():
            self.visit(prop, refs, depth + 1)
        for word in ("allOf", "anyOf", "oneOf"):
            options = schema.get(word, [])
            if not isinstance(options, list):
                raise Undrawable(f"its '{word}' is not a list")
            for option in options:
                self.visit(option, refs, depth)
        self.visit(schema.get("items"), refs, depth + 1)

    def follow(self, schema: dict, refs: tuple[str, ...]) -> tuple[dict, tuple[str, ...]]:
        """The schema a local `$ref` points to (a ref met again on this path ends there)."""
        while "$ref" in schema:
            ref = schema["$ref"]
            if not isinstance(ref, str):
                raise Undrawable("a '$ref' is not a string")
            if ref in refs or not ref.startswith("#/"):
                return {}, refs
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
                if not isinstance(target, dict):
                    return {}, refs
            schema, refs = (
                {**target, **{k: v for k, v in schema.items() if k != "$ref"}},
                (
                    *refs,
                    ref,
                ),
            )
        return schema, refs
