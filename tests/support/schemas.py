"""Tool and elicitation schemas a hostile or broken server may send, with why each is not
drawn as a form."""

from __future__ import annotations


def doubling_bomb(levels: int = 30) -> dict:
    """Each definition is all of the next one, twice: 2**levels parts if expanded."""
    defs = {
        f"d{i}": {"allOf": [{"$ref": f"#/$defs/d{i + 1}"}, {"$ref": f"#/$defs/d{i + 1}"}]}
        for i in range(levels)
    }
    defs[f"d{levels}"] = {"type": "string"}
    return {"type": "object", "$defs": defs, "properties": {"root": {"$ref": "#/$defs/d0"}}}


HOSTILE = {
    "ref is a number": ({"properties": {"x": {"$ref": 5}}}, "a '$ref' is not a string"),
    "properties is a list": ({"properties": ["a", "b"]}, "'properties' is not an object"),
    "required is a number": ({"properties": {}, "required": 3}, "'required' is not a list"),
    "ten thousand fields": (
        {"properties": {f"f{i}": {"type": "string"} for i in range(10_000)}},
        "more than 200 fields",
    ),
    "doubling refs": (doubling_bomb(), "expands to more than"),
    "deep nesting": (
        {
            "properties": {
                "a": {
                    "properties": {
                        "b": {
                            "properties": {
                                "c": {
                                    "properties": {
                                        "d": {
                                            "properties": {
                                                "e": {
                                                    "properties": {
                                                        "f": {
                                                            "properties": {
                                                                "g": {
                                                                    "properties": {
                                                                        "h": {
                                                                            "properties": {
                                                                                "i": {
                                                                                    "type": "string"
                                                                                }
                                                                            }
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
        "more than 8 deep",
    ),
}
