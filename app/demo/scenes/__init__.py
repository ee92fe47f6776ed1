"""The demo's later scenes: one module per feature, played in name order after the main story.

Each feature shows itself in `ladder demo` without touching the others' code: a module here named
`NN_<feature>.py` (the number orders the scenes) defines

    TITLE = "..."                       # printed as the scene's heading
    async def play(demo, act, now) -> None

`demo` is the running `app.demo.runner.Demo`: `demo.deliver([...])` sends signed webhooks and waits until
they are processed, `demo.say(...)` prints, `demo.state` is the GitHub stand-in's state, `demo.db` the
service's database, `demo.write_up(heading, text)` adds a section to the demo's `github.md`, and
`demo.files[name] = path` lists a file the demo wrote. `act` tells people's actions as deliveries.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def scenes() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]
