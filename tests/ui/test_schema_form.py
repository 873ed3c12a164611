"""The JSON Schema form: what a user sees, what typing into it returns, and the raw JSON editor."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from switchboard.ui.schema_form import example_value, missing_required

WEATHER = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "title": "City", "description": "Where to look."},
        "units": {"enum": ["metric", "imperial"], "default": "metric"},
        "days": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
        "verbose": {"type": "boolean"},
        "address": {"$ref": "#/$defs/Address"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
    },
    "required": ["city", "address"],
    "$defs": {
        "Address": {
            "type": "object",
            "title": "Address",
            "properties": {"street": {"type": "string"}, "zip": {"type": "string"}},
            "required": ["street"],
        }
    },
}


def form_page(schema: dict, key: str = "f", values: dict | None = None) -> None:
    import streamlit as st

    from switchboard.ui.schema_form import missing_required, schema_form

    value = schema_form(schema, key, values)
    st.session_state["value"] = value
    st.session_state["missing"] = missing_required(schema, value)


def form(schema: dict, **kwargs: Any) -> AppTest:
    at = AppTest.from_function(form_page, args=(schema,), kwargs=kwargs, default_timeout=10)
    at.run()
    assert not at.exception
    return at


def test_labels_mark_required_fields_and_show_defaults_help_and_nested_fields() -> None:
    at = form(WEATHER)
    assert [t.label for t in at.text_input] == ["City *", "street *", "zip", "note"]
    assert "Where to look." in [c.value for c in at.caption], "shown, not behind an icon"
    assert at.selectbox[0].label == "units"
    assert at.selectbox[0].options == ["metric", "imperial"]
    assert at.selectbox[0].value == "metric"
    assert at.number_input[0].label == "days"
    assert at.number_input[0].value == 3
    assert at.checkbox[0].label == "verbose"
    assert [m.value for m in at.markdown] == ["**Address** \\*"]
    assert [t.label for t in at.text_area] == ["tags"]


def test_untouched_form_returns_defaults_and_names_the_empty_required_fields() -> None:
    at = form(WEATHER)
    assert at.session_state["value"] == {"units": "metric", "days": 3, "address": {}}
    assert at.session_state["missing"] == ["city", "address.street"]


def test_typed_values_come_back_as_a_typed_dict() -> None:
    at = form(WEATHER)
    at.text_input(key="f:city").set_value("Paris")
    at.text_input(key="f:address/street").set_value("1 Rue de Rivoli")
    at.selectbox(key="f:units").set_value("imperial")
    at.number_input(key="f:days").set_value(7)
    at.checkbox(key="f:verbose").check()
    at.text_area(key="f:tags").set_value("sun\n\nrain\n")
    at.run()
    assert not at.exception
    assert at.session_state["value"] == {
        "city": "Paris",
        "units": "imperial",
        "days": 7,
        "verbose": True,
        "address": {"street": "1 Rue de Rivoli"},
        "tags": ["sun", "rain"],
    }
    assert at.session_state["missing"] == []
    at.run()
    assert at.session_state["value"]["city"] == "Paris", "values survive reruns"


def test_optional_fields_cleared_again_are_omitted() -> None:
    at = form(WEATHER)
    at.text_input(key="f:note").set_value("hello").run()
    assert at.session_state["value"]["note"] == "hello"
    at.text_input(key="f:note").set_value("").run()
    assert "note" not in at.session_state["value"]


def test_numbers_keep_their_type_bounds_and_step() -> None:
    schema = {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "exclusiveMinimum": 0},
            "ratio": {"type": "number", "minimum": 0, "maximum": 1, "multipleOf": 0.1},
        },
        "required": ["count"],
    }
    at = form(schema)
    count, ratio = at.number_input
    assert (count.label, count.value, count.min, count.step) == ("count *", None, 1, 1)
    assert (ratio.min, ratio.max, ratio.step) == (0.0, 1.0, 0.1)
    assert at.session_state["missing"] == ["count"]
    count.set_value(4)
    ratio.set_value(0.5)
    at.run()
    value = at.session_state["value"]
    assert value == {"count": 4, "ratio": 0.5}
    assert isinstance(value["count"], int)
    assert isinstance(value["ratio"], float)


def test_elicitation_schema_with_titles_formats_and_labelled_enums() -> None:
    schema = {
        "type": "object",
        "properties": {
            "email": {"type": "string", "title": "Email", "format": "email"},
            "size": {
                "type": "string",
                "title": "Size",
                "enum": ["s", "m"],
                "enumNames": ["Small", "Medium"],
            },
            "plan": {"oneOf": [{"const": "free", "title": "Free"}, {"const": "pro"}]},
            "bio": {"type": "string", "maxLength": 500},
        },
        "required": ["email", "size"],
    }
    at = form(schema)
    assert at.text_input[0].label == "Email *"
    assert any("email address" in c.value for c in at.caption)
    size, plan = at.selectbox
    assert (size.label, size.options, size.value) == ("Size *", ["Small", "Medium"], None)
    assert plan.options == ["Free", "pro"]
    assert [t.label for t in at.text_area] == ["bio"]
    size.set_value("m")
    plan.set_value("free")
    at.run()
    assert at.session_state["value"] == {"size": "m", "plan": "free"}
    assert at.session_state["missing"] == ["email"]


def test_array_of_enums_is_a_multiselect_and_number_lines_are_parsed() -> None:
    schema = {
        "type": "object",
        "properties": {
            "days": {"type": "array", "items": {"enum": ["mon", "tue", "wed"]}},
            "scores": {"type": "array", "items": {"type": "integer"}},
        },
    }
    at = form(schema)
    assert at.multiselect[0].options == ["mon", "tue", "wed"]
    at.multiselect[0].select("tue").select("mon")
    at.text_area(key="f:scores").set_value("1\n2")
    at.run()
    assert at.session_state["value"] == {"days": ["tue", "mon"], "scores": [1, 2]}
    at.text_area(key="f:scores").set_value("1\ntwo").run()
    assert "Line 2" in at.error[0].value
    assert "scores" not in at.session_state["value"]


def test_arrays_of_objects_and_unknown_types_are_json_text_areas() -> None:
    schema = {
        "type": "object",
        "properties": {
            "rows": {"type": "array", "items": {"type": "object"}, "default": [{"a": 1}]},
            "anything": {"description": "Free-form."},
        },
    }
    at = form(schema)
    rows, anything = at.text_area
    assert "Free-form. As JSON." in [c.value for c in at.caption]
    assert at.session_state["value"] == {"rows": [{"a": 1}]}
    anything.set_value('{"x": [1, 2]}')
    rows.set_value('[{"a": 1},\n {"a": }]')
    at.run()
    assert at.error[0].value.startswith("Invalid JSON at line 2, column")
    assert at.session_state["value"] == {"anything": {"x": [1, 2]}}


def test_definitions_refs_and_recursive_refs_resolve_without_looping() -> None:
    schema = {
        "type": "object",
        "properties": {"root": {"$ref": "#/definitions/Node"}},
        "definitions": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "parent": {"$ref": "#/definitions/Node"},
                },
            }
        },
    }
    at = form(schema)
    assert [t.label for t in at.text_input] == ["name"]
    assert [t.label for t in at.text_area] == ["parent"]


def test_pydantic_style_all_of_refs_and_nullable_types() -> None:
    schema = {
        "type": "object",
        "properties": {
            "color": {"allOf": [{"$ref": "#/$defs/Color"}], "description": "Pick one."},
            "limit": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Limit"},
            "label": {"type": ["string", "null"], "default": "x"},
        },
        "required": ["color", "limit"],
        "$defs": {"Color": {"enum": ["red", "green"], "title": "Color", "type": "string"}},
    }
    at = form(schema)
    assert at.selectbox[0].label == "Color *" and "Pick one." in [c.value for c in at.caption]
    assert at.selectbox[0].options == ["red", "green"]
    assert at.number_input[0].label == "Limit *"
    assert at.session_state["value"] == {"limit": None, "label": "x"}
    assert at.session_state["missing"] == ["color"]
    at.selectbox[0].set_value("green")
    at.text_input[0].set_value("")
    at.run()
    assert at.session_state["value"] == {"color": "green", "limit": None}
    assert at.session_state["missing"] == []


def test_values_prefill_and_two_forms_on_one_page_do_not_collide() -> None:
    def page(schema: dict) -> None:
        import streamlit as st

        from switchboard.ui.schema_form import schema_form

        st.session_state["a"] = schema_form(schema, "a", {"city": "Oslo", "days": 5})
        st.session_state["b"] = schema_form(schema, "b")

    at = AppTest.from_function(page, args=(WEATHER,), default_timeout=10).run()
    assert not at.exception
    assert at.text_input(key="a:city").value == "Oslo"
    assert at.session_state["a"]["days"] == 5
    at.text_input(key="b:city").set_value("Rome").run()
    assert at.session_state["a"]["city"] == "Oslo"
    assert at.session_state["b"]["city"] == "Rome"


def test_inside_a_form_the_value_arrives_on_submit() -> None:
    def page(schema: dict) -> None:
        import streamlit as st

        from switchboard.ui.schema_form import schema_form

        with st.form("call"):
            value = schema_form(schema, "call")
            if st.form_submit_button("Call"):
                st.session_state["sent"] = value

    at = AppTest.from_function(page, args=(WEATHER,), default_timeout=10).run()
    at.text_input(key="call:city").set_value("Lima")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["sent"]["city"] == "Lima"


def test_raw_json_editor_is_prefilled_and_reports_where_the_json_breaks() -> None:
    def page(schema: dict) -> None:
        import streamlit as st

        from switchboard.ui.schema_form import raw_json_editor

        value, error = raw_json_editor(schema, "raw")
        st.session_state["raw"] = value
        if error:
            st.error(error)

    at = AppTest.from_function(page, args=(WEATHER,), default_timeout=10).run()
    assert '"units": "metric"' in at.text_area[0].value
    assert at.session_state["raw"]["days"] == 3
    at.text_area[0].set_value('{\n  "city": "Paris",\n  "days": 3,,\n}').run()
    assert at.session_state["raw"] is None
    assert at.error[0].value.startswith("Invalid JSON at line 3, column 13")
    at.text_area[0].set_value("[1, 2]").run()
    assert at.error[0].value == "The arguments must be a JSON object, not list."
    at.text_area[0].set_value('{"city": "Paris"}').run()
    assert at.session_state["raw"] == {"city": "Paris"}
    assert not at.error


def test_missing_required_looks_into_nested_objects_and_respects_null() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "c": {"type": "string"},
            "inner": {
                "type": "object",
                "properties": {"x": {"type": "string"}, "y": {"type": "string"}},
                "required": ["x"],
            },
            "opt": {"$ref": "#/$defs/Opt"},
        },
        "required": ["a", "b", "c", "inner"],
        "$defs": {"Opt": {"type": "object", "properties": {"z": {}}, "required": ["z"]}},
    }
    assert missing_required(schema, {}) == ["a", "b", "c", "inner"]
    assert missing_required(schema, {"a": "1", "b": None, "c": None, "inner": {"y": "2"}}) == [
        "c",
        "inner.x",
    ]
    assert missing_required(schema, {"a": "1", "b": 2, "c": "3", "inner": {"x": ""}}) == []
    assert missing_required(schema, {"a": "", "b": 0, "c": "", "inner": {"x": ""}, "opt": {}}) == [
        "opt.z"
    ]


def test_example_value_uses_defaults_then_typed_placeholders() -> None:
    assert example_value(WEATHER) == {
        "city": "",
        "units": "metric",
        "days": 3,
        "verbose": False,
        "address": {"street": "", "zip": ""},
        "tags": [],
        "note": None,
    }
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "number"},
            "low": {"type": "integer", "minimum": 5},
            "kind": {"enum": ["x", "y"]},
            "plan": {"oneOf": [{"const": "free"}, {"const": "pro"}]},
            "meta": {"type": "object"},
            "ref": {"$ref": "#/definitions/Thing"},
        },
        "definitions": {"Thing": {"type": "array", "items": {"type": "object"}}},
    }
    assert example_value(schema) == {
        "n": 0,
        "low": 5,
        "kind": "x",
        "plan": "free",
        "meta": {},
        "ref": [],
    }
    first, second = example_value(schema), example_value(schema)
    first["ref"].append(1)
    assert second["ref"] == [], "each call gets fresh lists"
