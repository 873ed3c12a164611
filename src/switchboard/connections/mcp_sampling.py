"""A server's sampling request (`sampling/createMessage`): the person whose call asked approves
it in the chat, then their model answers it; anything else gets a clear refusal."""

from __future__ import annotations

from typing import Any

import mcp.types as types

from switchboard.connections.mcp_questions import Asking, Call, Sampler
from switchboard.connections.updates import Action, QuestionKind

DECLINED = "Sampling is declined"
NO_ONE = f"{DECLINED}: no one is there to approve it."
APPROVE = "wants the model to answer this request. Approve to send it to the model."


async def answer_sampling(
    asking: Asking, params: types.CreateMessageRequestParams
) -> types.CreateMessageResult | types.ErrorData:
    """Ask the person whose call it came from; if they approve, their model answers."""
    chosen = _sampler_of(asking.askers(), asking.in_flight())
    if isinstance(chosen, types.ErrorData):
        return chosen
    sampler, targets = chosen
    request = sampling_request(params)
    interaction = await asking.ask(QuestionKind.SAMPLING, APPROVE, targets, details=request)
    if interaction is None:
        return types.ErrorData(code=-32600, message=NO_ONE)
    try:
        decision = await interaction.answer
    finally:
        asking.done(interaction)
    if not isinstance(decision, types.ElicitResult) or decision.action != Action.ACCEPT:
        return types.ErrorData(code=-1, message="The person declined the sampling request.")
    try:
        answer = await sampler(request)
    except Exception as exc:  # the model failed: the server gets the reason
        return types.ErrorData(code=-32603, message=f"The model could not answer: {exc}")
    return types.CreateMessageResult(
        role="assistant",
        content=types.TextContent(type="text", text=answer["text"]),
        model=answer["model"],
        stop_reason=answer.get("stop_reason") or "endTurn",
    )


def sampling_request(params: types.CreateMessageRequestParams) -> dict[str, Any]:
    """A sampling request as plain data: messages (role, text), system prompt, limits, hints."""
    messages = []
    for message in params.messages:
        blocks = message.content if isinstance(message.content, list) else [message.content]
        text = "".join(
            b.text if isinstance(b, types.TextContent) else f"[{b.type}]" for b in blocks
        )
        messages.append({"role": message.role, "text": text})
    hints = params.model_preferences.hints if params.model_preferences else None
    return {
        "messages": messages,
        "system_prompt": params.system_prompt or "",
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "stop": list(params.stop_sequences or []),
        "model_hints": [h.name for h in hints or [] if h.name],
    }


def _sampler_of(
    askers: list[Call], in_flight: list[Call]
) -> tuple[Sampler, list[Call]] | types.ErrorData:
    """Whose model answers a sampling request from one of `askers`, and whom to ask: the one
    person whose calls may have asked, else a clear refusal."""
    if not any(call.sampler for call in [*askers, *in_flight]):
        message = f"{DECLINED}: no LLM is configured in Switchboard."
        return types.ErrorData(code=-32600, message=message)
    samplers = list(dict.fromkeys(call.sampler for call in askers))
    if not samplers:
        return types.ErrorData(code=-32600, message=NO_ONE)
    sampler = samplers[0]
    if len(samplers) > 1 or sampler is None:
        message = f"{DECLINED}: calls of several people are in flight and it names none of them."
        return types.ErrorData(code=-32600, message=message)
    return sampler, askers
