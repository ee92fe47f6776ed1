"""The OWNERS edit a promotion makes, decided when it is approved and re-applied when it is sent.

Deciding needs both files (does the list use an alias group?), so it happens at approval time with the
default branch's text. The outbox's sender then re-applies the same edit to the text on its branch, which
is how several promotions gather on one open pull request without conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store.holdings import parse_scope
from ladder_rules.facts import Scope
from ladder_rules.owners_edit import add_to_alias, add_to_list, alias_group_for
from ladder_rules.rosters import roster_kind

EDITOR = "owners"
ROSTER_EDITOR = "roster"  # CODEOWNERS and peribolos org.yaml, through the registry of ladder_rules/rosters.py


@dataclass(frozen=True)
class RosterSpec:
    """A ladder's `roster:` with its path fixed to the file found (ladder_rules.rosters.RosterSpec)."""

    kind: str
    list: str | None = None
    group: str | None = None
    path: str | None = None


def roster_edit(kind: str, path: str, scope: str, login: str) -> dict:
    """The outbox's description of adding `login` to the roster file `path` of `kind` for `scope`."""
    return {"file": "roster", "kind": kind, "path": path, "scope": scope, "login": login}


def apply_roster_edit(text: str, edit: dict) -> str:
    """`edit` (from `roster_edit`) applied to the file's text on the branch, by the kind's own writer."""
    spec = RosterSpec(edit["kind"], path=edit["path"])
    return roster_kind(edit["kind"]).add({edit["path"]: text}, parse_scope(edit["scope"]), spec, edit["login"]).new_text


def owners_path(scope: Scope) -> str:
    return f"{scope.path}/OWNERS" if scope.path else "OWNERS"


ALIASES_PATH = "OWNERS_ALIASES"


def apply_edit(text: str, edit: dict) -> str:
    """The file's new text with `edit` applied (the same text when the login is already there)."""
    if edit["file"] == "aliases":
        return add_to_alias(text, edit["group"], edit["login"], path=ALIASES_PATH).new_text
    return add_to_list(text, edit["list"], edit["login"], path=edit["path"]).new_text


def decide_edit(owners_text: str, aliases_text: str | None, list_name: str, login: str, path: str) -> dict:
    """Where the login goes: the alias group the list uses, else the list itself."""
    group = alias_group_for(owners_text, aliases_text or "", list_name) if aliases_text else None
    if group:
        return {"file": "aliases", "path": ALIASES_PATH, "group": group, "login": login, "list": list_name}
    return {"file": "owners", "path": path, "list": list_name, "login": login}


def _register() -> None:
    from app.outbox import register_file_editor

    register_file_editor(EDITOR, apply_edit)
    register_file_editor(ROSTER_EDITOR, apply_roster_edit)


_register()
