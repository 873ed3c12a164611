"""The LLM host: an OpenAI-compatible model that calls MCP tools and A2A agents."""

from switchboard.assistant.host import ASSISTANT, Assistant

__all__ = ["ASSISTANT", "Assistant"]
