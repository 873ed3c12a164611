"""The facade the pages talk to: the workspace (chat service, read-only views of connections,
request methods), and the names and errors those methods speak in. The UI imports nothing
below this but the chat's view types."""

from switchboard.assistant.host import (
    ASSISTANT,
    DEFAULT_SYSTEM_PROMPT,
    HOW_TO_CONFIGURE,
    NOT_CONFIGURED,
)
from switchboard.chat.conversation import LOCAL_OWNER
from switchboard.chat.export import ConversationImportError, from_json, to_json, to_markdown
from switchboard.chat.service import ConversationBusy
from switchboard.config import (
    APP_SECRET_ENVS,
    BINDINGS,
    ERAS,
    OPENAI_BASE_URL,
    VERSIONS,
    ConfigError,
    Settings,
    load_settings,
    parse_pasted_servers,
    resolve_config_path,
)
from switchboard.connections.a2a_tasks import TaskDetails, TaskPage, states
from switchboard.connections.cards import CardInfo
from switchboard.connections.exchanges import Exchange, Row
from switchboard.connections.mcp_server import LOG_LEVELS
from switchboard.connections.owner import CallError, Status
from switchboard.connections.replay import (
    Draft,
    Replayed,
    curl_command,
    draft_of,
    jsonrpc_text,
    mcp_curl,
)
from switchboard.connections.wire import Direction, WireEntry
from switchboard.connections.wire_checks import findings
from switchboard.workspace.access import NotAllowed
from switchboard.workspace.inspection import Source, source_key
from switchboard.workspace.pending import Pending, StopCheck
from switchboard.workspace.views import AgentView, ModelView, ServerView, Target, WireSource
from switchboard.workspace.workspace import Workspace

__all__ = [
    "APP_SECRET_ENVS",
    "ASSISTANT",
    "BINDINGS",
    "DEFAULT_SYSTEM_PROMPT",
    "ERAS",
    "HOW_TO_CONFIGURE",
    "LOCAL_OWNER",
    "LOG_LEVELS",
    "NOT_CONFIGURED",
    "OPENAI_BASE_URL",
    "VERSIONS",
    "AgentView",
    "CallError",
    "CardInfo",
    "ConfigError",
    "ConversationBusy",
    "ConversationImportError",
    "Direction",
    "Draft",
    "Exchange",
    "ModelView",
    "NotAllowed",
    "Pending",
    "Replayed",
    "Row",
    "ServerView",
    "Settings",
    "Source",
    "Status",
    "StopCheck",
    "Target",
    "TaskDetails",
    "TaskPage",
    "WireEntry",
    "WireSource",
    "Workspace",
    "curl_command",
    "draft_of",
    "findings",
    "from_json",
    "jsonrpc_text",
    "load_settings",
    "mcp_curl",
    "parse_pasted_servers",
    "resolve_config_path",
    "source_key",
    "states",
    "to_json",
    "to_markdown",
]
