"""Where an organisation's configuration comes from, with Probot's rules, and its cache in `org_configs`.

    loaded = await load_config(gh, "kubernetes", "kubernetes", db=db)
    if loaded is None: ...            # no ladder.yml anywhere: the organisation is in dry-run
    elif not loaded.ok: ...           # loaded.errors: each with file and line, to log and to reply with
    else: loaded.config, loaded.ladder

Probot's rules (@probot/octokit-plugin-config): read `.github/ladder.yml` in the repository; when it is
absent (and the repository is not `.github` itself), read `.github/ladder.yml` in the owner's `.github`
repository instead. A file with `_extends: [owner/]repo[:path.yml]` inherits that file (owner defaults to
this owner, path to `.github/ladder.yml`), which may extend another, without loops. Unlike Probot's
default array concatenation, the extending file's values replace the inherited ones, except the
mappings `substantial`, `members_since` and `definitions`, which are merged key by key.

`ladder: some/path.yaml` is read from the repository whose file set `ladder`, and checked as a ladder
file; its errors name that file.

The configuration that applies organisation-wide (from the `.github` repository) is kept in
`org_configs`, with its errors, so the dashboard, the CLI and command replies can read it without GitHub.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import gidgethub

from app.config.schema import (
    EXTENDS,
    ConfigError,
    OrgConfig,
    Parts,
    build_config,
    merge_parts,
    read_parts,
)
from app.store import orgs
from app.store.database import Database
from ladder_rules.builtin import builtin_ladder, builtin_names
from ladder_rules.format import Ladder, load_ladder, read_ladder

log = logging.getLogger(__name__)

CONFIG_PATH = ".github/ladder.yml"
ORG_REPO = ".github"
MAX_FILES = 10  # a chain of `_extends` longer than this is a mistake


@dataclass(frozen=True)
class LoadedConfig:
    """The configuration that applies to a repository, where it came from, and what is wrong with it."""

    org: str
    config: OrgConfig | None  # None when there is any error
    ladder: Ladder | None
    sources: tuple[str, ...]  # "owner/repo:path" of each file read, the applying one first
    errors: tuple[ConfigError, ...] = ()
    warnings: tuple[ConfigError, ...] = ()
    ladder_file: tuple[str, str] | None = None  # (name, text) of a ladder file read from a repository

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.errors

    @property
    def source(self) -> str:
        return self.sources[0]

    def problems_text(self) -> str:
        """Errors then warnings, one per line, for a log line or a comment where a command was refused."""
        return "\n".join(str(p) for p in (*self.errors, *self.warnings))


def file_name(owner: str, repo: str, path: str) -> str:
    return f"{owner}/{repo}:{path}"


async def fetch_text(gh: Any, owner: str, repo: str, path: str) -> str | None:
    """The text of a file on the default branch; None when the repository or the file does not exist.
    A folder or a file that is not UTF-8 raises `ConfigError` (line 1)."""
    try:
        data = await gh.getitem(
            "/repos/{owner}/{repo}/contents/{+path}", url_vars={"owner": owner, "repo": repo, "path": path}
        )
    except gidgethub.BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    name = file_name(owner, repo, path)
    if not isinstance(data, dict) or data.get("type") != "file":
        raise ConfigError(name, 1, "This is a folder, not a file.")
    try:
        return base64.b64decode(data.get("content") or "").decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ConfigError(name, 1, "The file is not UTF-8 text.") from None


async def load_config(
    gh: Any, owner: str, repo: str, *, db: Database | None = None, installation_id: int | None = None
) -> LoadedConfig | None:
    """The configuration for `owner/repo` by Probot's rules (module docstring); None when there is no
    `ladder.yml` in the repository nor in the owner's `.github` repository. With `db`, a configuration
    that applies organisation-wide is stored in `org_configs` (a missing one too, as no row content)."""
    files: list[tuple[str, str, str, str]] = []  # (owner, repo, path, text)
    org_wide = repo.lower() == ORG_REPO
    problems: list[ConfigError] = []
    try:
        text = await fetch_text(gh, owner, repo, CONFIG_PATH)
        if text is None and not org_wide:
            org_wide = True
            text = await fetch_text(gh, owner, ORG_REPO, CONFIG_PATH)
            found_in = ORG_REPO
        else:
            found_in = repo
    except ConfigError as exc:
        text, found_in, problems = None, repo, [exc]
    if text is None and not problems:
        if db is not None and org_wide:
            store_config(db, owner, None, installation_id)
        return None
    chain = []
    if text is not None:
        files.append((owner, found_in, CONFIG_PATH, text))
        chain = await _follow_extends(gh, owner, files)
    loaded = await _assemble(gh, owner, files, problems + chain, incomplete=bool(chain))
    for problem in (*loaded.errors, *loaded.warnings):
        log.warning("ladder.yml for %s: %s", owner, problem)
    if db is not None and org_wide:
        store_config(db, owner, loaded, installation_id)
    return loaded


async def _follow_extends(gh: Any, owner: str, files: list[tuple[str, str, str, str]]) -> list[ConfigError]:
    """Append every file reached through `_extends` to `files`; the problems met on the way."""
    seen = {(files[0][0].lower(), files[0][1].lower(), files[0][2])}
    while True:
        f_owner, f_repo, f_path, text = files[-1]
        parts, _ = read_parts(text, file_name(f_owner, f_repo, f_path))
        if parts.extends is None:
            return []
        value, line = parts.extends
        here = file_name(f_owner, f_repo, f_path)
        m = EXTENDS.match(value)
        assert m is not None  # read_parts only keeps values that match
        target = (m.group("owner") or owner, m.group("repo"), m.group("path") or CONFIG_PATH)
        key = (target[0].lower(), target[1].lower(), target[2])
        if key in seen:
            return [
                ConfigError(
                    here,
                    line,
                    f"`_extends: {value}` leads back to {file_name(*target)}, "
                    f"which is already part of this configuration (a loop).",
                )
            ]
        if len(files) >= MAX_FILES:
            return [ConfigError(here, line, f"`_extends` chains more than {MAX_FILES} files; shorten the chain.")]
        seen.add(key)
        try:
            extended = await fetch_text(gh, *target)
        except ConfigError as exc:
            return [exc]
        if extended is None:
            return [
                ConfigError(
                    here,
                    line,
                    f"`_extends: {value}` names {file_name(*target)}, which does not "
                    f"exist (or the app cannot read that repository).",
                )
            ]
        files.append((*target, extended))


async def _assemble(
    gh: Any, org: str, files: list[tuple[str, str, str, str]], problems: list[ConfigError], *, incomplete: bool
) -> LoadedConfig:
    """Read each file, merge them (the base first), find the ladder, and check the whole. `incomplete`:
    an `_extends` could not be followed, so keys missing from the files read are not reported as missing
    (the file that was not read may hold them)."""
    merged: Parts | None = None
    for f_owner, f_repo, f_path, text in reversed(files):
        parts, found = read_parts(text, file_name(f_owner, f_repo, f_path))
        problems = problems + found
        merged = parts if merged is None else merge_parts(merged, parts)
    sources = tuple(file_name(o, r, p) for o, r, p, _ in files) or (file_name(org, ORG_REPO, CONFIG_PATH),)
    warnings = tuple(p for p in problems if p.warning)
    errors = [p for p in problems if not p.warning]
    if merged is None or not merged.readable:
        return LoadedConfig(org, None, None, sources, tuple(errors), warnings)
    ladder, ladder_file, ladder_errors = await _ladder_file(gh, merged, files)
    config, more = build_config(merged, sources[0], ladder, incomplete=incomplete)
    errors += ladder_errors + more
    if errors or config is None:
        return LoadedConfig(org, None, None, sources, tuple(errors), warnings)
    ladder = ladder or builtin_ladder(config.ladder)
    return LoadedConfig(org, replace(config, warnings=warnings), ladder, sources, (), warnings, ladder_file)


async def _ladder_file(
    gh: Any, parts: Parts, files: list[tuple[str, str, str, str]]
) -> tuple[Ladder | None, tuple[str, str] | None, list[ConfigError]]:
    """A ladder named by path: read from the repository whose file set `ladder`, and checked."""
    name = parts.values.get("ladder")
    if name is None or name in builtin_names():
        return None, None, []
    set_in, line = parts.origin["ladder"]
    f_owner, f_repo = next((o, r) for o, r, p, _ in files if file_name(o, r, p) == set_in)
    ladder_name = file_name(f_owner, f_repo, name)
    try:
        text = await fetch_text(gh, f_owner, f_repo, name)
    except ConfigError as exc:
        return None, None, [exc]
    if text is None:
        return (
            None,
            None,
            [ConfigError(set_in, line, f"`ladder: {name}` names a file that does not exist in {f_owner}/{f_repo}.")],
        )
    ladder, ladder_errors = read_ladder(text, ladder_name)
    return ladder, (ladder_name, text), ladder_errors


# --- the org_configs cache -----------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stored(loaded: LoadedConfig | None) -> tuple[str | None, str | None, str | None]:
    """(source, text, error) of a loaded configuration as stored."""
    text = error = source = None
    if loaded is not None:
        source = loaded.source
        text = json.dumps(
            {
                "sources": list(loaded.sources),
                "config": None if loaded.config is None else loaded.config.to_dict(),
                "errors": [e.to_dict() for e in loaded.errors],
                "warnings": [w.to_dict() for w in loaded.warnings],
                "ladder_file": None if loaded.ladder_file is None else list(loaded.ladder_file),
            }
        )
        error = "\n".join(str(e) for e in loaded.errors) or None
    return source, text, error


def store_config(db: Database, org: str, loaded: LoadedConfig | None, installation_id: int | None = None) -> None:
    """Keep the organisation-wide configuration as last loaded (None: there is none)."""
    source, text, error = _stored(loaded)
    orgs.save_config(db, org, installation_id=installation_id, source=source, text=text, error=error, loaded_at=_now())


def store_repo_config(db: Database, org: str, repo: str, loaded: LoadedConfig | None) -> None:
    """Keep a repository's own configuration as last loaded (None: the repository has no ladder.yml)."""
    source, text, error = _stored(loaded)
    orgs.save_repo_config(db, org, repo, source=source, text=text, error=error, loaded_at=_now())


async def load_repo_config(gh: Any, owner: str, repo: str, *, db: Database) -> LoadedConfig | None:
    """A repository's own `.github/ladder.yml` (with its `_extends`), stored; None when it has none (the
    organisation's applies)."""
    try:
        own = await fetch_text(gh, owner, repo, CONFIG_PATH)
    except ConfigError as exc:
        loaded = LoadedConfig(owner, None, None, (file_name(owner, repo, CONFIG_PATH),), (exc,), ())  # type: ignore[arg-type]
        store_repo_config(db, owner, repo, loaded)
        return loaded
    loaded = None if own is None else await load_config(gh, owner, repo)
    store_repo_config(db, owner, repo, loaded)
    return loaded


def cached_repo_config(db: Database, org: str, repo: str) -> tuple[bool, LoadedConfig | None]:
    """(looked for, the configuration) of a repository's own ladder.yml, without asking GitHub."""
    row = orgs.repo_config(db, org, repo)
    return (row is not None), (None if row is None else _loaded(org, row))


def cached_config(db: Database, org: str) -> LoadedConfig | None:
    """The organisation-wide configuration as last loaded, without asking GitHub; None when none was
    found (or it was never loaded: see `has_cached_config`)."""
    return _loaded(org, orgs.config(db, org))


def _loaded(org: str, row) -> LoadedConfig | None:
    if row is None or row.text is None:
        return None
    data = json.loads(row.text)
    errors = tuple(ConfigError.from_dict(e) for e in data["errors"])
    warnings = tuple(ConfigError.from_dict(w) for w in data["warnings"])
    config = None if data["config"] is None else OrgConfig.from_dict(data["config"])
    ladder_file = tuple(data["ladder_file"]) if data.get("ladder_file") else None
    ladder = None
    if config is not None:
        ladder = _parsed_ladder(ladder_file[1], ladder_file[0]) if ladder_file else builtin_ladder(config.ladder)
    return LoadedConfig(org, config, ladder, tuple(data["sources"]), errors, warnings, ladder_file)  # type: ignore[arg-type]


@lru_cache(maxsize=32)
def _parsed_ladder(text: str, name: str) -> Ladder:
    """A repository's ladder file, parsed once per text: the cache is read on every delivery."""
    return load_ladder(text, name)


def has_cached_config(db: Database, org: str) -> bool:
    """Whether the organisation's configuration was ever looked for (found or not)."""
    return orgs.config(db, org) is not None
