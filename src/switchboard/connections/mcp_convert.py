"""MCP types → plain dicts (the SDK boundary for MCP): content blocks as parts, list entries."""

from __future__ import annotations

import json
from typing import Any

import mcp.types as types


def content_part(block: Any) -> dict[str, Any]:
    """One content block as a part dict (the shapes of `updates`, plus `link` and `resource`),
    with its annotations (audience, priority, last modified) when it has any."""
    part = _block_part(block)
    annotations = getattr(block, "annotations", None)
    if annotations is not None and (
        shown := annotations.model_dump(mode="json", exclude_none=True)
    ):
        part["annotations"] = shown
    return part


def _block_part(block: Any) -> dict[str, Any]:
    if isinstance(block, types.TextContent):
        return {"type": "text", "text": block.text, "media_type": "text/markdown"}
    if isinstance(block, types.ImageContent | types.AudioContent):
        return {"type": "file", "bytes": block.data, "media_type": block.mime_type, "filename": ""}
    if isinstance(block, types.ResourceLink):
        return {
            "type": "link",
            "uri": str(block.uri),
            "name": block.title or block.name,
            "media_type": block.mime_type or "",
            "description": block.description or "",
        }
    if isinstance(block, types.EmbeddedResource):
        return {"type": "resource", **resource_contents(block.resource)}
    return {"type": "data", "data": _dump(block)}


def resource_contents(contents: Any) -> dict[str, Any]:
    """Text or blob resource contents: uri, media type, and `text` or base64 `bytes`."""
    common = {"uri": str(contents.uri), "media_type": contents.mime_type or ""}
    if isinstance(contents, types.BlobResourceContents):
        return {**common, "bytes": contents.blob}
    return {**common, "text": getattr(contents, "text", "")}


def tool_result(result: types.CallToolResult, max_bytes: int) -> dict[str, Any]:
    """A tool's result: parts, structured content beside them, and whether it is an error. A
    result larger than `max_bytes` is not kept (it would be stored, exported, drawn): a note
    says so instead."""
    parts = [content_part(block) for block in result.content]
    structured = result.structured_content
    size = sum(len(p.get("text", "")) + len(p.get("bytes", "")) for p in parts)
    if structured is not None:
        size += len(json.dumps(structured, default=str))
    if size > max_bytes:
        note = (
            f"The result was about {size:,} bytes, more than this app keeps "
            f"({max_bytes:,}; limits.maxResultBytes in the config), so it is not shown."
        )
        parts, structured = [{"type": "text", "text": note, "media_type": "text/plain"}], None
    return {"parts": parts, "structured": structured, "is_error": bool(result.is_error)}


def tool_entry(tool: types.Tool) -> dict[str, Any]:
    annotations = tool.annotations.model_dump(exclude_none=True) if tool.annotations else {}
    return {
        "name": tool.name,
        "title": tool.title or (tool.annotations.title if tool.annotations else None) or "",
        "description": tool.description or "",
        "input_schema": tool.input_schema or {"type": "object", "properties": {}},
        "output_schema": tool.output_schema,
        "annotations": annotations,
        "task_only": bool(tool.execution and tool.execution.task_support == "required"),
    }


TASK_ONLY = (
    '{name} runs only as an MCP task (its execution.taskSupport is "required"), and '
    "Switchboard does not run MCP tasks yet, so it was not called."
)
TASK_ONLY_HINT = "Use the server's other tools, or a client that supports MCP tasks, for this one."


def resource_entry(resource: types.Resource) -> dict[str, Any]:
    return {
        "uri": str(resource.uri),
        "name": resource.title or resource.name,
        "description": resource.description or "",
        "media_type": resource.mime_type or "",
    }


def template_entry(template: types.ResourceTemplate) -> dict[str, Any]:
    return {
        "uri_template": template.uri_template,
        "name": template.title or template.name,
        "description": template.description or "",
        "media_type": template.mime_type or "",
    }


def prompt_entry(prompt: types.Prompt) -> dict[str, Any]:
    return {
        "name": prompt.name,
        "title": prompt.title or "",
        "description": prompt.description or "",
        "arguments": [
            {"name": a.name, "description": a.description or "", "required": bool(a.required)}
            for a in prompt.arguments or []
        ],
    }


def prompt_messages(result: types.GetPromptResult) -> list[dict[str, Any]]:
    """A rendered prompt: role and part of each message."""
    return [{"role": m.role, "part": content_part(m.content)} for m in result.messages]


def _dump(model: Any) -> Any:
    dump = getattr(model, "model_dump", None)
    return dump(mode="json", exclude_none=True) if dump else str(model)
