"""What a handler gets besides the event: the store, the settings, and (unless dry-run) GitHub."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from app.settings import Settings
from app.store.database import Database


@dataclass
class Context:
    db: Database
    settings: Settings
    github: Any = None  # app.github.GitHubClient, or None in dry-run
    clock: Callable[[], float] = field(default=time.time)
    delivery_id: str | None = None
    evaluator: Any = None  # app.evaluations.Evaluator: the process's cached indexes

    @property
    def dry_run(self) -> bool:
        return self.github is None
