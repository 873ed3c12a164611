"""The demo MCP server's tools whose results show each kind of content a client must render."""

import base64
import io
import math
import struct
import wave
from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp_types import (
    AudioContent,
    BlobResourceContents,
    EmbeddedResource,
    ImageContent,
    ResourceLink,
    TextContent,
    TextResourceContents,
)
from pydantic import BaseModel, Field

from switchboard.demo.mcp_content import config_json
from switchboard.demo.mcp_tools import READ_ONLY
from switchboard.demo.png import render_badge


class Forecast(BaseModel):
    """The structured result of the `structured` tool (a made-up, deterministic forecast)."""

    city: str = Field(description="The city asked about")
    temperature_c: float = Field(description="Temperature now, in degrees Celsius")
    conditions: Literal["sunny", "cloudy", "rainy", "windy"]
    next_hours_c: list[float] = Field(description="Temperatures for the next four hours")


def register_output_tools(server: MCPServer) -> None:
    """Add `structured` (an output schema), `image` (a PNG) and `audio` (a WAV tone)."""

    @server.tool(title="Structured result", annotations=READ_ONLY)
    def structured(
        city: Annotated[str, Field(description="Any city name")] = "Lisbon",
    ) -> Forecast:
        """Return a made-up forecast as structured content with an output schema, plus JSON text."""
        return _forecast(city)

    @server.tool(title="Image", annotations=READ_ONLY)
    def image(
        size: Annotated[int, Field(ge=8, le=512, description="Width and height in pixels")] = 64,
    ) -> list[ImageContent | TextContent]:
        """Return a PNG badge of `size` x `size` pixels (image content) and a text caption."""
        png = base64.b64encode(render_badge(size, size)).decode()
        return [
            ImageContent(type="image", data=png, mime_type="image/png"),
            TextContent(type="text", text=f"A {size}x{size} badge drawn by the demo server."),
        ]

    @server.tool(title="Audio", annotations=READ_ONLY)
    def audio(
        frequency: Annotated[int, Field(ge=50, le=4000, description="Tone in Hz")] = 440,
    ) -> list[AudioContent | TextContent]:
        """Return a 0.2 s sine tone as WAV audio content, with a caption."""
        wav = base64.b64encode(_tone(frequency)).decode()
        return [
            AudioContent(type="audio", data=wav, mime_type="audio/wav"),
            TextContent(type="text", text=f"A 0.2 s, {frequency} Hz tone."),
        ]


def register_resource_tools(server: MCPServer) -> None:
    """Add `resource_link` and `embedded_resource`, which return resources inside the result."""

    @server.tool(title="Resource links", annotations=READ_ONLY)
    def resource_link() -> list[TextContent | ResourceLink]:
        """Return links to the demo://readme and demo://badge.png resources (resource_link)."""
        return [
            TextContent(type="text", text="Two resources you can open or read:"),
            ResourceLink(
                type="resource_link",
                uri="demo://readme",
                name="readme",
                title="Demo README",
                description="What each feature of this server demonstrates",
                mime_type="text/markdown",
            ),
            ResourceLink(
                type="resource_link",
                uri="demo://badge.png",
                name="badge",
                title="Demo badge",
                mime_type="image/png",
            ),
        ]

    @server.tool(title="Embedded resources", annotations=READ_ONLY)
    def embedded_resource() -> list[TextContent | EmbeddedResource]:
        """Return demo://config embedded as text and demo://badge.png embedded as a binary blob."""
        return [
            TextContent(type="text", text="The demo config and badge, embedded in the result:"),
            EmbeddedResource(
                type="resource",
                resource=TextResourceContents(
                    uri="demo://config", mime_type="application/json", text=config_json()
                ),
            ),
            EmbeddedResource(
                type="resource",
                resource=BlobResourceContents(
                    uri="demo://badge.png",
                    mime_type="image/png",
                    blob=base64.b64encode(render_badge(32, 32)).decode(),
                ),
            ),
        ]


def _forecast(city: str) -> Forecast:
    """A forecast derived from the city's name, so the same city always gets the same one."""
    seed = sum(city.encode())
    now = 8 + seed % 22 + (seed % 10) / 10
    conditions = ("sunny", "cloudy", "rainy", "windy")[seed % 4]
    return Forecast(
        city=city,
        temperature_c=now,
        conditions=conditions,
        next_hours_c=[round(now + math.sin(seed + h) * 2, 1) for h in range(1, 5)],
    )


def _tone(frequency: int, seconds: float = 0.2, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV sine tone with 10 ms fades, so it does not click."""
    n, fade = int(rate * seconds), rate // 100
    samples = (
        int(12000 * min(1, i / fade, (n - i) / fade) * math.sin(2 * math.pi * frequency * i / rate))
        for i in range(n)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()
