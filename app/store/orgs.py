"""Organisations: the App's installations, the repositories it follows, each organisation's `ladder.yml`
as last loaded (`org_configs`), and which organisations Ladder knows at all."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.database import Database


@dataclass(frozen=True)
class OrgConfigRow:
    org: str  # as first stored
    installation_id: int | None
    source: str | None  # where it was read from, e.g. "kubernetes/.github:.github/ladder.yml"
    text: str | None  # the merged configuration as JSON; None: there is no ladder.yml
    error: str | None
    loaded_at: str


def save_config(
    db: Database,
    org: str,
    *,
    installation_id: int | None,
    source: str | None,
    text: str | None,
    error: str | None,
    loaded_at: str,
) -> None:
    """Keep the organisation's configuration as last loaded; without an installation id the stored one stays."""
    db.execute(
        "INSERT INTO org_configs (org, installation_id, source, text, error, loaded_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (org) DO UPDATE SET installation_id = coalesce(excluded.installation_id,"
        " org_configs.installation_id), source = excluded.source, text = excluded.text, error = excluded.error,"
        " loaded_at = excluded.loaded_at",
        [org, installation_id, source, text, error, loaded_at],
    )


def config(db: Database, org: str) -> OrgConfigRow | None:
    """The stored configuration of `org` (case-insensitive), or None when it was never looked for."""
    row = db.one("SELECT org, installation_id, source, text, error, loaded_at FROM org_configs WHERE org = ?", [org])
    return None if row is None else OrgConfigRow(*row)


def save_repo_config(
    db: Database, org: str, repo: str, *, source: str | None, text: str | None, error: str | None, loaded_at: str
) -> None:
    """Keep a repository's own configuration as last loaded (text None: it has no ladder.yml)."""
    db.execute(
        "INSERT INTO repo_configs (org, repo, source, text, error, loaded_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (org, repo) DO UPDATE SET source = excluded.source, text = excluded.text,"
        " error = excluded.error, loaded_at = excluded.loaded_at",
        [org, repo, source, text, error, loaded_at],
    )


def repo_config(db: Database, org: str, repo: str) -> OrgConfigRow | None:
    """A repository's stored configuration (installation id: None), or None when never looked for."""
    row = db.one(
        "SELECT org, NULL, source, text, error, loaded_at FROM repo_configs WHERE org = ? AND repo = ?", [org, repo]
    )
    return None if row is None else OrgConfigRow(*row)


def configs(db: Database) -> list[OrgConfigRow]:
    """Every stored configuration that was found (has a text), by organisation."""
    rows = db.query(
        "SELECT org, installation_id, source, text, error, loaded_at FROM org_configs WHERE text IS NOT NULL"
        " ORDER BY org"
    )
    return [OrgConfigRow(*r) for r in rows]


def known_orgs(db: Database) -> list[str]:
    """Organisations with a stored configuration or an evaluation, as stored."""
    rows = db.query("SELECT org FROM org_configs UNION SELECT org FROM evaluations")
    return sorted({r[0] for r in rows}, key=str.lower)


def installed_accounts(db: Database) -> list[str]:
    """The accounts (organisations, or users) with a live installation of the App, as stored."""
    rows = db.query(
        "SELECT DISTINCT account_login FROM installations WHERE deleted_at IS NULL AND account_login IS NOT NULL"
    )
    return sorted({r[0] for r in rows}, key=str.lower)


def installation_of(db: Database, account: str) -> int | None:
    """The live installation on an account (organisation or user), by login, case-insensitive."""
    return db.scalar(
        "SELECT id FROM installations WHERE lower(account_login) = lower(?) AND deleted_at IS NULL ORDER BY id",
        [account],
    )


def followed_repositories(db: Database) -> list[tuple[int, str, int | None]]:
    """(id, full_name, installation id) of the repositories an installation still covers."""
    return [
        tuple(r)
        for r in db.query(
            "SELECT id, full_name, installation_id FROM repositories WHERE removed_at IS NULL"
            " AND installation_id IS NOT NULL ORDER BY full_name"
        )
    ]
