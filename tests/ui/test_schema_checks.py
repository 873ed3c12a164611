"""Schemas a server may send that no form should try to draw, and the form's fallback to JSON."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from switchboard.ui.schema_checks import schema_problem
from tests.support.schemas import HOSTILE


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_schema_is_named_not_drawn(name: str) -> None:
    schema, why = HOSTILE[name]
    assert why in schema_problem(schema)


def test_ordinary_schemas_are_drawn() -> None:
    recursive = {
        "$defs": {
            "node": {"properties": {"next": {"$ref": "#/$defs/node"}, "v": {"type": "integer"}}}
        },
        "properties": {"head": {"$ref": "#/$defs/node"}},
    }
    assert schema_problem({"type": "object", "properties": {"a": {"type": "integer"}}}) == ""
    assert schema_problem(recursive) == ""
    assert schema_problem({"properties": {"n": {"type": "number", "minimum": "zero"}}}) == ""


def hostile_forms() -> None:
    import streamlit as st

    from switchboard.ui.schema_form import schema_form
    from tests.support.schemas import HOSTILE

    for index, (schema, _) in enumerate(HOSTILE.values()):
        schema_form(schema, key=f"hostile-{index}")
    odd = {
        "properties": {
            "n": {"type": "integer", "minimum": "zero", "maximum": -5, "multipleOf": "x"}
        }
    }
    st.write(schema_form(odd, key="odd"))
    st.markdown("still drawing")


def test_a_hostile_schema_gets_the_json_editor_and_the_page_draws() -> None:
    at = AppTest.from_function(hostile_forms, default_timeout=30).run()
    assert not at.exception
    notes = [c.value for c in at.caption if "cannot be drawn as a form" in c.value]
    assert len(notes) == len(HOSTILE)
    assert [t.label for t in at.text_area].count("Arguments (JSON)") == len(HOSTILE)
    assert at.markdown[-1].value == "still drawing"
    assert [n.label for n in at.number_input] == ["n"]
