"""The ladders shipped with the app (`ladder_rules/ladders/<name>.yaml`), by name."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ladder_rules.format import Ladder, load_ladder


def builtin_names() -> list[str]:
    """Names of the built-in ladders, sorted."""
    folder = resources.files("ladder_rules") / "ladders"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def builtin_ladder(name: str) -> Ladder:
    """The built-in ladder `name`; KeyError (listing the known names) when there is none."""
    if name not in builtin_names():
        raise KeyError(f"no built-in ladder {name!r}; built-in ladders: {', '.join(builtin_names())}")
    path = resources.files("ladder_rules") / "ladders" / f"{name}.yaml"
    return load_ladder(path.read_text(encoding="utf-8"), f"ladder_rules/ladders/{name}.yaml")
