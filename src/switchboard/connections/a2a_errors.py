"""A2A SDK errors → `CallError`s a person can act on (what happened, what to do)."""

from __future__ import annotations

import contextlib
import json

import httpx
from a2a.client import A2AClientError, A2AClientTimeoutError
from a2a.utils.errors import (
    A2AError,
    InternalError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)

from switchboard.connections.a2a_oauth import SignInFailed
from switchboard.connections.http import BodyTooLarge
from switchboard.connections.owner import CallError
from switchboard.connections.tls import tls_failure

RETRYABLE_STATUSES = (502, 503, 504)


def call_error(exc: Exception, task_id: str | None, security: str = "") -> CallError:
    """Map an SDK error to a message a person can act on; `security` is what the agent's card
    asks for, in words (named when the agent refuses the credentials)."""
    task = f"task {task_id}" if task_id else "the task"
    if isinstance(exc, A2AClientTimeoutError):
        return CallError("the agent did not answer in time", transient=True)
    if isinstance(exc, TaskNotFoundError):
        return CallError(
            f"The agent no longer knows {task}.",
            hint="It may have restarted without keeping its tasks; send the message again.",
        )
    if isinstance(exc, TaskNotCancelableError):
        return CallError(
            f"{task.capitalize()} has already finished, so there is nothing to cancel."
        )
    if isinstance(exc, UnsupportedOperationError):
        return CallError(
            f"The agent refused: {exc.message or 'unsupported operation'}.",
            hint="A finished task takes no more messages: start a new conversation.",
        )
    if isinstance(exc, InternalError):
        return CallError(f"The agent reported an internal error: {exc.message}")
    if isinstance(exc, A2AClientError):
        return _client_error(exc, security)
    message = getattr(exc, "message", "") or str(exc) or type(exc).__name__
    return CallError(f"{type(exc).__name__}: {message}")


def _client_error(exc: A2AClientError, security: str) -> CallError:
    """An error of the SDK's HTTP layer, by its cause: network, status, or the agent's words."""
    cause = exc.__cause__
    if isinstance(cause, SignInFailed):
        return CallError(f"Signing in again failed: {cause.grant.message}", cause.grant.hint)
    if isinstance(cause, BodyTooLarge):
        return CallError(
            f"The agent sent more than {cause.limit:,} bytes in one answer; it was not read.",
            hint="Raise limits.maxBodyBytes in the config if the agent really sends that much.",
        )
    if isinstance(cause, httpx.TransportError) and (failed := tls_failure(cause)):
        return CallError(f"The agent's TLS: {failed[0]}.", failed[1])
    if isinstance(cause, httpx.TransportError):
        return CallError(f"network error: {cause or type(cause).__name__}", transient=True)
    if not isinstance(cause, httpx.HTTPStatusError):
        return CallError(f"The agent answered with an error: {error_text(exc)}")
    status = cause.response.status_code
    if status in RETRYABLE_STATUSES:
        return CallError(f"HTTP {status}", transient=True)
    if status in (401, 403) and security:
        return CallError(
            f"The agent answered {status}: its card asks for {security}.",
            hint="Give the credentials for it under 'auth' (OAuth2 and OpenID Connect: "
            "clientId, clientSecret) or 'headers' in the agent's config entry.",
        )
    if status in (401, 403):
        return CallError(
            f"The agent answered {status}: it wants credentials.",
            hint="Add or fix its Authorization or API-key header on the Agents page.",
        )
    return CallError(
        f"The agent answered HTTP {status}: {body_message(cause.response) or error_text(exc)}"
    )


def error_text(exc: A2AError) -> str:
    """The agent's own words from an error: the `message` of a JSON error body when there is
    one (REST agents answer `{"error": {"code", "status", "message"}}`), else the SDK's text."""
    text = exc.message or str(exc)
    start = text.find("{")
    if start >= 0:
        with contextlib.suppress(ValueError):
            body = json.loads(text[start:])
            error = body.get("error", body) if isinstance(body, dict) else {}
            if isinstance(error, dict) and error.get("message"):
                status = error.get("status") or error.get("code") or ""
                return f"{error['message']} ({status})" if status else str(error["message"])
    return text


def body_message(response: httpx.Response) -> str:
    """The message in a JSON error body (`{"error": {"message"}}`, `{"message"}`, `{"error"}`)."""
    with contextlib.suppress(Exception):
        body = response.json()
        error = body.get("error", body) if isinstance(body, dict) else body
        if isinstance(error, dict):
            return str(error.get("message") or error.get("detail") or "")
        if isinstance(error, str):
            return error
    return ""
