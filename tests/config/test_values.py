"""Single values: `${VAR}` expansion and the URL checks that decide where secrets may go."""

from __future__ import annotations

import pytest

from switchboard.config import ConfigError, check_http_url, expand, same_origin


def test_variables_expand_in_every_spelling_and_other_values_pass() -> None:
    env = {"HOST": "127.0.0.1", "EMPTY": ""}
    assert expand("http://${HOST}:${PORT:-9000}/${env:HOST}", env) == (
        "http://127.0.0.1:9000/127.0.0.1"
    )
    assert expand("${EMPTY:-fallback}", env) == "fallback", "an empty variable is unset"
    assert expand("${PORT:-}", env) == ""
    assert expand(5, env) == 5 and expand(None, env) is None


def test_an_unset_variable_without_a_default_names_the_value() -> None:
    with pytest.raises(ConfigError, match=r"llm 'model' uses \$\{MODEL\}, which is not set"):
        expand("${MODEL}", {}, "llm 'model'")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "127.0.0.1:9", "http://", "file:///tmp"])
def test_only_absolute_http_urls_with_a_host_pass(url: str) -> None:
    check_http_url("http://127.0.0.1:9/mcp")
    check_http_url("https://example.com")
    with pytest.raises(ConfigError, match="is not an http"):
        check_http_url(url, "where")


def test_same_origin_compares_scheme_host_and_port() -> None:
    assert same_origin("https://api.openai.com/v1", "https://api.openai.com/other")
    assert not same_origin("http://api.openai.com/v1", "https://api.openai.com/v1")
    assert not same_origin("http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1")
    assert not same_origin("http://localhost/v1", "http://127.0.0.1/v1")
