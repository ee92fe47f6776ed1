"""The roster edit of the way down, decided from the roster entry's source and re-applied by the outbox's
sender to the file's text on the branch (as app/promotion/roster_files.py does for promotions), so that
several people of one file gather on one pull request, each their own commit and line.

- a login listed in an OWNERS list: approvers move to `emeritus_approvers`, reviewers are removed;
- a login that holds the list through an alias group: it leaves the group in OWNERS_ALIASES, and moves to
  the group's emeritus group when the file keeps one (`emeritus_group`).

A login no longer there (removed by hand meanwhile, or a retry of a change already made) leaves the text
as it is: the sender then makes no commit.
"""

from __future__ import annotations

import re

from ladder_rules.owners import norm_login, parse_aliases, parse_owners
from ladder_rules.owners_edit import add_to_alias, emeritus_group, move_to_emeritus, remove_from_alias, remove_from_list

EDITOR = "way_down"


def edit_for(target, login: str, *, emeritus: bool) -> dict:
    """The edit as plain JSON (an outbox effect's content)."""
    if target.kind == "aliases":
        return {"file": "aliases", "path": target.path, "group": target.group, "login": login, "emeritus": emeritus}
    return {"file": "owners", "path": target.path, "list": target.list, "login": login, "emeritus": emeritus}


def branch_for(path: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower() or "root"
    return f"ladder/way-down-{slug}"


def apply_edit(text: str, edit: dict) -> str:
    login, path = edit["login"], edit["path"]
    key = norm_login(login)
    if edit["file"] == "aliases":
        groups = parse_aliases(text, path)
        by_key = {norm_login(name): name for name in groups}
        group = by_key.get(norm_login(edit["group"]))
        members = groups.get(group, []) if group else []
        written = next((m for m in members if norm_login(m) == key), None)
        if written is None:
            return text
        new_text = remove_from_alias(text, group, login, path=path).new_text
        target = emeritus_group(group, groups) if edit["emeritus"] else None
        if target is not None:
            new_text = add_to_alias(new_text, target, written, path=path).new_text
        return new_text
    list_name = edit["list"]
    listed = {norm_login(name) for name in parse_owners(text, path).roster().get(list_name)}
    if key not in listed:
        return text
    if edit["emeritus"]:
        return move_to_emeritus(text, login, list_name=list_name, path=path).new_text
    return remove_from_list(text, list_name, login, path=path).new_text


def _register() -> None:
    from app.outbox import register_file_editor

    register_file_editor(EDITOR, apply_edit)


_register()
