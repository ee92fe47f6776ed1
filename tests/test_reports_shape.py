"""The shape of reports/ (issue 11): it holds only the reports people read, its modules import each other
without a cycle, the stored configuration is parsed in one place (through the app's own reader), and the
reporting commands read the database without changing a byte of it."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from app.cli import main
from app.store import open_database
from app.store.migrations import MIGRATIONS, migrate, schema_version
from tests.read_side_db import build
from tests.stores import on_postgres

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"


def imports_of(path: Path) -> set[str]:
    """Every reports.* module `path` imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reports"):
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names if (REPORTS / f"{a.name}.py").exists()}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("reports")}
    return {m for m in out if (ROOT / (m.replace(".", "/") + ".py")).exists()}


def test_reports_modules_import_each_other_without_a_cycle():
    graph = {f"reports.{p.stem}": imports_of(p) for p in REPORTS.glob("*.py")}
    assert "reports.cohort" not in graph["reports.person"] and "reports.person" not in graph["reports.cohort"]

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert [m for m in sorted(graph) if m in reach(m)] == []


def test_the_stored_configuration_is_parsed_in_one_place():
    """No report parses the stored JSON itself: reports/read_model.py asks the app's reader."""
    for path in REPORTS.glob("*.py"):
        text = path.read_text()
        assert "json.loads" not in text, path.name
        assert ("cached_config" in text) == (path.name == "read_model.py"), path.name


def test_reports_hold_no_text_ladder_writes_on_github():
    """The progress comment and the readiness issue are written by app/promotion/*_text.py; reports/
    neither writes markers nor is imported by the code that plans GitHub writes."""
    for path in [*REPORTS.rglob("*.py"), *REPORTS.rglob("*.html")]:
        assert "<!-- ladder:" not in path.read_text(), path.name
    for path in (ROOT / "app" / "promotion").glob("*.py"):
        assert "reports" not in {m.split(".")[0] for m in _modules(path)}, path.name


def _modules(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(on_postgres(), reason="the bytes of a SQLite file (PostgreSQL: default_transaction_read_only)")
def test_ladder_report_leaves_the_database_file_untouched(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = build(tmp_path / "ladder.db")
    before = digest(path)
    for argv in (
        ["report", "cohort", "api-reviewers", "--format", "html"],
        ["report", "cohort", "api-reviewers", "--format", "json"],
        ["report", "person", "bob"],
        ["report", "org", "acme", "--format", "csv"],
        ["report", "org", "acme", "--inactive"],
    ):
        assert main([*argv, "--database", str(path)]) == 0, argv
    capsys.readouterr()
    assert digest(path) == before
    assert not (tmp_path / "ladder.db-wal").exists() or (tmp_path / "ladder.db-wal").stat().st_size == 0


@pytest.mark.skipif(on_postgres(), reason="a SQLite file written by the previous Ladder")
def test_ladder_report_on_an_old_database_says_to_migrate_and_changes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = tmp_path / "old.db"
    old = open_database(path, migrate_schema=False)
    migrate(old, MIGRATIONS[:-1])
    old.close()
    before = digest(path)
    for kind, name in (("cohort", "api-reviewers"), ("person", "bob"), ("org", "acme")):
        assert main(["report", kind, name, "--database", str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"ladder: the database at {path} is at schema version {len(MIGRATIONS) - 1} and this Ladder needs "
            f"{len(MIGRATIONS)}: run `ladder migrate` first\n"
        )
    assert digest(path) == before
    check = open_database(path, migrate_schema=False)
    assert schema_version(check) == len(MIGRATIONS) - 1
    check.close()
