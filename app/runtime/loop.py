"""The event loop `ladder serve` and `ladder work` run on: uvloop when it is installed, asyncio's otherwise.

uvloop (libuv) moves the sockets, the callbacks and the timers of the loop that answers webhooks into C;
it is a dependency, but the service never needs it to run: without it (or with LADDER_EVENT_LOOP=asyncio,
to compare) asyncio's own loop does the same work, slower. docs/benchmarks.md has what it pays.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from typing import Any


def loop_kind() -> str:
    """ "uvloop" or "asyncio": the loop `run` uses."""
    if os.environ.get("LADDER_EVENT_LOOP", "").strip().lower() == "asyncio":
        return "asyncio"
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def run(main: Coroutine[Any, Any, Any]) -> Any:
    """`asyncio.run(main)` on the loop `loop_kind` names."""
    if loop_kind() == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(main)
    return asyncio.run(main)
