"""The `agents` list: variables expanded, defaults filled, bad entries named precisely."""

from __future__ import annotations

from switchboard.config import Grant, parse_settings


def test_agents_load_with_expanded_variables_and_defaults() -> None:
    document = {
        "agents": [
            {
                "name": "weather",
                "url": "http://127.0.0.1:${PORT}",
                "headers": {"Authorization": "Bearer ${TOKEN}", "X-Team": "${TEAM:-blue}"},
            },
            {
                "name": "legacy",
                "url": "${env:LEGACY_URL}",
                "binding": "HTTP+JSON",
                "version": "0.3",
            },
        ]
    }
    env = {"PORT": "9100", "TOKEN": "s3cr3t-token", "LEGACY_URL": "http://127.0.0.1:9200"}
    settings = parse_settings(document, env=env)
    assert settings.problems == ()
    weather, legacy = settings.agents
    assert weather.url == "http://127.0.0.1:9100"
    assert weather.headers == {"Authorization": "Bearer s3cr3t-token", "X-Team": "blue"}
    assert (legacy.url, legacy.binding, legacy.version) == (
        "http://127.0.0.1:9200",
        "HTTP+JSON",
        "0.3",
    )
    assert "s3cr3t-token" not in repr(weather)


def test_a_bad_entry_is_named_with_its_field_and_the_others_still_load() -> None:
    document = {
        "agents": [
            {"name": "good", "url": "http://127.0.0.1:9000"},
            {"name": "no-url"},
            {"name": "ftp", "url": "ftp://127.0.0.1/"},
            {"name": "secret", "url": "http://127.0.0.1:1", "headers": {"X-Key": "${MISSING}"}},
            {"name": "odd", "url": "http://127.0.0.1:2", "binding": "GRPC"},
            {"name": "good", "url": "http://127.0.0.1:9001"},
            "not an object",
        ]
    }
    settings = parse_settings(document, source="my.json", env={})
    assert [a.name for a in settings.agents] == ["good"]
    problems = "\n".join(settings.problems)
    assert "agents[1] ('no-url'): 'url' is missing" in problems
    assert "agents[2] ('ftp') 'url': 'ftp://127.0.0.1/' is not an http(s) URL" in problems
    assert "agents[3] ('secret') 'headers.X-Key' uses ${MISSING}, which is not set" in problems
    assert "agents[4] ('odd'): 'binding' must be one of" in problems
    assert "agents[5] ('good'): the name is used twice" in problems
    assert "agents[6]: must be an object" in problems


def test_a_url_that_is_not_a_string_or_has_no_valid_port_is_named() -> None:
    document = {
        "agents": [
            {"name": "number", "url": 9999},
            {"name": "port", "url": "http://127.0.0.1:99999"},
            {"name": "fine", "url": "http://127.0.0.1:9999"},
        ]
    }
    settings = parse_settings(document, env={})
    assert [a.name for a in settings.agents] == ["fine"]
    assert "agents[0] ('number') 'url': must be an http(s) URL" in settings.problems[0]
    assert "Port out of range" in settings.problems[1]


def test_scheme_credentials_load_by_scheme_name_and_their_secret_is_masked() -> None:
    auth = {
        "machine": {
            "clientId": "switchboard",
            "clientSecret": "${SECRET}",
            "scopes": "agent.read agent.write",
            "issuer": "http://127.0.0.1:9400",
        }
    }
    document = {"agents": [{"name": "guarded", "url": "http://127.0.0.1:9300", "auth": auth}]}
    settings = parse_settings(document, env={"SECRET": "cl13nt-s3cret"})
    assert settings.problems == ()
    (agent,) = settings.agents
    credentials = agent.auth["machine"]
    assert (credentials.client_id, credentials.client_secret) == ("switchboard", "cl13nt-s3cret")
    assert credentials.scopes == ("agent.read", "agent.write")
    assert credentials.issuer == "http://127.0.0.1:9400"
    assert "cl13nt-s3cret" in agent.secrets and "cl13nt-s3cret" not in repr(agent)


def test_bad_scheme_credentials_are_named() -> None:
    document = {
        "agents": [
            {"name": "a", "url": "http://127.0.0.1:1", "auth": ["not", "a", "map"]},
            {"name": "b", "url": "http://127.0.0.1:2", "auth": {"x": {"clientSecret": "s"}}},
            {
                "name": "c",
                "url": "http://127.0.0.1:3",
                "auth": {"x": {"clientId": "c", "scopes": 3}},
            },
            {"name": "d", "url": "http://127.0.0.1:4", "auth": {"x": {"certFile": "/nope.pem"}}},
            {"name": "e", "url": "http://127.0.0.1:5", "auth": {"x": {"token": "t", "grant": 1}}},
            {"name": "f", "url": "https://127.0.0.1:6", "caFile": "/nope-ca.pem"},
        ]
    }
    problems = "\n".join(parse_settings(document, env={}).problems)
    assert "agents[0] ('a'): 'auth' must map the card's scheme names" in problems
    assert "agents[1] ('b') 'auth.x': give clientId (OAuth2, OpenID Connect), token" in problems
    assert "agents[2] ('c') 'auth.x'.scopes: must be a list of scope names" in problems
    assert "agents[3] ('d') 'auth.x': no file at /nope.pem" in problems
    assert "agents[4] ('e') 'auth.x'.grant: must be one of authorizationCode" in problems
    assert "agents[5] ('f'): 'caFile': no file at /nope-ca.pem" in problems


def test_static_credentials_and_a_grant_are_read_and_masked() -> None:
    auth = {
        "bearer": {"token": "${TOKEN}"},
        "basic": {"username": "ada", "password": "pa55"},
        "key": {"apiKey": "k3y"},
        "person": {"clientId": "switchboard", "grant": "authorizationCode"},
    }
    document = {"agents": [{"name": "many", "url": "http://127.0.0.1:9300", "auth": auth}]}
    settings = parse_settings(document, env={"TOKEN": "t0ken"})
    assert settings.problems == ()
    (agent,) = settings.agents
    assert agent.auth["bearer"].token == "t0ken"
    assert (agent.auth["basic"].username, agent.auth["basic"].password) == ("ada", "pa55")
    assert agent.auth["person"].grant == Grant.AUTHORIZATION_CODE
    assert {"t0ken", "pa55", "k3y"} <= set(agent.secrets)
    assert not any(secret in repr(agent) for secret in ("t0ken", "pa55", "k3y"))
