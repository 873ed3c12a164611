"""The Assistant page: which model answers (endpoint, model, key, temperature, system prompt)
and which calls it may make without asking. Changes hold for this app process."""

from __future__ import annotations

import streamlit as st

from switchboard.chat.events import StepKind
from switchboard.ui.state import await_connections, owner, stop_check, workspace
from switchboard.workspace import (
    DEFAULT_SYSTEM_PROMPT,
    OPENAI_BASE_URL,
    ConfigError,
    ModelView,
    Workspace,
)

MODELS_WAIT = 10.0
INHERIT = "inherit"


def assistant_page() -> None:
    """Model settings, then approvals."""
    ws = workspace()
    await_connections(ws)
    st.title("Assistant")
    st.caption(
        "A model on any OpenAI-compatible server (OpenAI, Ollama, vLLM, LM Studio, OpenRouter…) "
        "that uses every enabled MCP tool and every connected agent. Changes here are yours "
        "alone and last until the app restarts; the config file's `llm` entry is everyone's "
        "starting point."
    )
    model_form(ws)
    st.divider()
    approvals_form(ws)


def model_form(ws: Workspace) -> None:
    """Endpoint, model (from the endpoint's list when it has one), key, temperature, prompt."""
    settings = ws.model(owner())
    offered = offered_models(ws, settings)
    with st.form("llm-settings"):
        base_url = st.text_input(
            "Base URL",
            value=settings.base_url,
            placeholder=OPENAI_BASE_URL,
            help="Usually ends in /v1, e.g. http://127.0.0.1:11434/v1 for Ollama.",
        )
        model = model_field(settings, offered)
        key = st.text_input(
            "API key",
            type="password",
            placeholder="A key is set (leave empty to keep it)" if settings.has_key else "No key",
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
    if saved:
        save_model(ws, key, base_url, model, temperature, system_prompt, int(rounds))


def model_field(settings: ModelView, offered: list[str]) -> str:
    """A select from the endpoint's model list when it has one, else a text field."""
    if not offered:
        return st.text_input(
            "Model",
            value=settings.model,
            help="The endpoint offers no model list: type the model's name.",
        )
    current = settings.model
    choices = offered if current in offered or not current else [current, *offered]
    return st.selectbox(
        "Model",
        choices,
        index=choices.index(current) if current in choices else 0,
        help="The models this endpoint lists.",
    )


def save_model(
    ws: Workspace,
    key: str,
    base_url: str,
    model: str,
    temperature: float,
    system_prompt: str,
    rounds: int,
) -> None:
    """Apply the form and say how it went (a key for another host is dropped)."""
    try:
        dropped = ws.models.configure(
            owner(),
            key,
            base_url=base_url.strip(),
            model=model.strip(),
            temperature=temperature,
            system_prompt=system_prompt.strip(),
            max_rounds=rounds,
        )
    except ConfigError as exc:
        st.error(str(exc))
        return
    new = ws.model(owner())
    st.session_state.pop("llm-models", None)
    st.success(f"Saved: `{new.model}` at {new.endpoint}." if new.configured else "Saved.")
    if dropped:
        st.warning("The key was for another host, so it was dropped: enter this host's key.")


def offered_models(ws: Workspace, settings: ModelView) -> list[str]:
    """The endpoint's model list, fetched once per endpoint ([] when it has none)."""
    if not settings.base_url and not settings.has_key:
        return []
    cached = st.session_state.get("llm-models")
    if cached and cached[0] == settings.endpoint:
        return cached[1]
    with st.spinner("Asking the endpoint for its models…"):
        models = ws.models.listed(owner(), MODELS_WAIT, stop_check())
    st.session_state["llm-models"] = (settings.endpoint, models)
    return models


def approvals_form(ws: Workspace) -> None:
    """Per server, tool and agent: ask first, or always allow."""
    st.subheader("Approvals")
    st.caption("“Ask first” shows Approve / Deny in the chat before the call runs.")
    approval = ws.model(owner()).approval
    servers: dict[str, list[str]] = {}
    agents: list[str] = []
    for target in ws.offered(owner()):
        if target.kind == StepKind.MCP:
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
        ws.models.approve(owner(), {k: v for k, v in chosen.items() if v != INHERIT})
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
