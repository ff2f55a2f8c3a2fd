"""Bounds on every size, count and rate the page accepts, and the shared request types.

Each bound keeps one request (or one streamed session) small enough for a laptop: a few thousand
agent-rounds per frame, a few seconds of work per request, and a few megabytes per session.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_FPS",
    "MAX_MESSAGE_BYTES",
    "MAX_SESSIONS",
    "Fps",
    "Rate",
    "Request",
    "Seed",
]

#: largest websocket message a client may send (parameters only)
MAX_MESSAGE_BYTES = 8192
#: concurrent websocket sessions per server
MAX_SESSIONS = 48
#: frames per second a stream may ask for
MAX_FPS = 60

Seed = Annotated[int, Field(ge=0, le=2**31 - 1, description="The seed (same seed, same view).")]
Rate = Annotated[float, Field(ge=0.0, le=0.5, description="A probability between 0 and 0.5.")]
Fps = Annotated[int, Field(ge=1, le=MAX_FPS, description="Frames per second streamed.")]


class Request(BaseModel):
    """Parameters of one request: strict types, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)
