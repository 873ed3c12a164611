"""The Assistant page: which model answers (endpoint, model, key, temperature, system prompt)
and which calls it may make without asking. Changes hold for this app process."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from switchboard.assistant.host import DEFAULT_SYSTEM_PROMPT
from switchboard.assistant.tools import Toolbox
from switchboard.chat.workspace import Workspace
from switchboard.config import (
    OPENAI_BASE_URL,
    ConfigError,
    LlmSettings,
    check_http_url,
    same_origin,
)
from switchboard.ui.state import await_connections, stop_check, workspace

MODELS_WAIT = 10.0
INHERIT = "inherit"


def assistant_page() -> None:
    """Model settings, then approvals."""
    ws = workspace()
    await_connections(ws)
    st.title("Assistant")
    st.caption(
        "A model on any OpenAI-compatible server (OpenAI, Ollama, vLLM, LM Studio, OpenRouter…) "
        "that uses every enabled MCP tool and every connected agent. Changes here last until "
        "the app restarts; the config file's `llm` entry is the lasting place."
    )
    model_form(ws)
    st.divider()
    approvals_form(ws)


def model_form(ws: Workspace) -> None:
    """Endpoint, model (from the endpoint's list when it has one), key, temperature, prompt."""
    settings = ws.assistant.settings
    offered = offered_models(ws, settings)
    with st.form("llm-settings"):
        base_url = st.text_input(
            "Base URL",
            value=settings.base_url,
            placeholder=OPENAI_BASE_URL,
            help="Usually ends in /v1, e.g. http://127.0.0.1:11434/v1 for Ollama.",
        )
        if offered:
            choices = (
                offered
                if settings.model in offered or not settings.model
                else [settings.model, *offered]
            )
            model = st.selectbox(
                "Model",
                choices,
                index=choices.index(settings.model) if settings.model in choices else 0,
                help="The models this endpoint lists.",
            )
        else:
            model = st.text_input(
                "Model",
                value=settings.model,
                help="The endpoint offers no model list: type the model's name.",
            )
        key = st.text_input(
            "API key",
            type="password",
            placeholder="A key is set (leave empty to keep it)" if settings.api_key else "No key",
            help="Kept in this process's memory only: never stored, logged or shown. "
            "SWITCHBOARD_LLM_API_KEY or Streamlit secrets set it at start.",
        )
        temperature = st.slider(
            "Temperature",
            0.0,
            2.0,
            value=settings.temperature if settings.temperature is not None else 1.0,
            step=0.1,
        )
        system_prompt = st.text_area(
            "System prompt", value=settings.system_prompt, placeholder=DEFAULT_SYSTEM_PROMPT
        )
        rounds = st.number_input(
            "Model rounds per turn (at most)", 1, 100, value=settings.max_rounds
        )
        saved = st.form_submit_button("Save", type="primary")
    if not saved:
        return
    base_url = base_url.strip()
    try:
        if base_url:
            check_http_url(base_url, "Base URL")
    except ConfigError as exc:
        st.error(str(exc))
        return
    new = replace(
        settings,
        base_url=base_url,
        model=model.strip(),
        temperature=temperature,
        system_prompt=system_prompt.strip(),
        max_rounds=int(rounds),
    )
    # A key stays with the host it was given for; a new host needs its own key.
    kept = settings.api_key if same_origin(new.endpoint, settings.endpoint) else ""
    new = replace(new, api_key=key.strip() or kept)
    ws.assistant.configure(new)
    st.session_state.pop("llm-models", None)
    st.success(f"Saved: `{new.model}` at {new.endpoint}." if new.configured else "Saved.")
    if settings.api_key and not new.api_key:
        st.warning("The key was for another host, so it was dropped: enter this host's key.")


def offered_models(ws: Workspace, settings: LlmSettings) -> list[str]:
    """The endpoint's model list, fetched once per endpoint ([] when it has none)."""
    if not settings.base_url and not settings.api_key:
        return []
    cached = st.session_state.get("llm-models")
    if cached and cached[0] == settings.endpoint:
        return cached[1]
    try:
        with st.spinner("Asking the endpoint for its models…"):
            models = ws.runtime.call(
                ws.assistant.models(), timeout=MODELS_WAIT, stop_check=stop_check()
            )
    except TimeoutError:
        models = []
    st.session_state["llm-models"] = (settings.endpoint, models)
    return models


def approvals_form(ws: Workspace) -> None:
    """Per server, tool and agent: ask first, or always allow."""
    st.subheader("Approvals")
    st.caption("“Ask first” shows Approve / Deny in the chat before the call runs.")
    approval = dict(ws.assistant.settings.approval)
    toolbox = Toolbox.gather(ws.registry)
    servers: dict[str, list[str]] = {}
    agents: list[str] = []
    for target in toolbox.targets.values():
        if target.kind == "mcp":
            servers.setdefault(target.owner, []).append(target.tool)
        else:
            agents.append(target.owner)
    with st.form("approvals"):
        chosen = {"*": policy_box("Everything else", approval.get("*", "ask"), "*")}
        for server, tools in servers.items():
            with st.expander(f"🧰 {server}"):
                chosen[server] = policy_box(
                    "The whole server", approval.get(server, INHERIT), server, "As everything else"
                )
                for tool in tools:
                    key = f"{server}/{tool}"
                    chosen[key] = policy_box(tool, approval.get(key, INHERIT), key, "As its server")
        for agent in agents:
            chosen[agent] = policy_box(
                f"🛰️ {agent}", approval.get(agent, INHERIT), agent, "As everything else"
            )
        saved = st.form_submit_button("Save approvals")
    if saved:
        rules = {k: v for k, v in chosen.items() if v != INHERIT}
        ws.assistant.configure(replace(ws.assistant.settings, approval=rules))
        st.success("Approvals saved.")


def policy_box(label: str, current: str, key: str, inherit: str = "") -> str:
    """A choice of "ask" or "allow", or (with `inherit`, its label) the wider rule's."""
    options = ["ask", "allow", *([INHERIT] if inherit else [])]
    labels = {"ask": "Ask first", "allow": "Always allow", INHERIT: inherit}
    return st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else 0,
        format_func=labels.__getitem__,
        key=f"policy-{key}",
    )
