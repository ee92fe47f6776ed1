"""The real `ladder` command in a subprocess: start-up refusals, `.env`, `--version`, and the CLI edges of
issue 8 item 17 (bad --limit, a closed pipe, demo --dir on a file, the demo's counts, terminal width)."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app import __version__
from app.store import deliveries, open_database
from tests.read_side_db import build
from tests.stores import location

ROOT = Path(__file__).resolve().parents[1]
# The variables the command reads: the tests set what they mean, nothing leaks in from the machine.
OURS = (
    "APP_ID PRIVATE_KEY PRIVATE_KEY_PATH WEBHOOK_SECRET WEBHOOK_PATH PORT HOST GITHUB_API_URL DATABASE_PATH "
    "DATABASE_URL LOG_LEVEL LOG_FORMAT COLUMNS LINES"
).split()


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's `app`, whatever the working directory
    env.update(values)
    return env


def ladder(*args: str, cwd: Path = ROOT, **values: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=environment(**values),
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(done: subprocess.CompletedProcess, text: str) -> None:
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"ladder: {text}\n")


@pytest.fixture(scope="module")
def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------ item 11: start-up
def test_a_webhook_secret_of_only_whitespace_is_refused(tmp_path):
    done = ladder("serve", WEBHOOK_SECRET=" \t ", DATABASE_PATH=str(tmp_path / "l.db"))
    one_line_error(done, "WEBHOOK_SECRET is only whitespace: set it to the App's webhook secret")


def test_insecure_no_secret_is_refused_for_a_live_app(tmp_path, pem):
    done = ladder("serve", "--insecure-no-secret", APP_ID="12", PRIVATE_KEY=pem, DATABASE_PATH=str(tmp_path / "l.db"))
    one_line_error(
        done,
        "--insecure-no-secret cannot be used while APP_ID is set: a live App must check signatures "
        "(set WEBHOOK_SECRET)",
    )


def test_insecure_no_secret_in_dry_run_says_so_when_it_starts(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--insecure-no-secret"],
        cwd=ROOT,
        env=environment(PORT=str(port), HOST="127.0.0.1", DATABASE_PATH=str(tmp_path / "l.db")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(300):  # up to 30 s for the service to listen
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1) as resp:
                    assert resp.read() == b"PONG"
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the service did not start")
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    warnings = [line for line in err.splitlines() if " WARNING " in line]
    assert len(warnings) == 1
    assert warnings[0].endswith(
        "WARNING ladder: --insecure-no-secret: deliveries are accepted WITHOUT a signature check (local play only)"
    )


# ------------------------------------------------------------------------------ issue 9: version, .env
def test_version():
    done = ladder("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"ladder {__version__}\n", "")


def _queue_with(path: Path, delivery_id: str) -> Path:
    db = open_database(path)
    deliveries.enqueue(db, delivery_id, "ping", b"{}", {})
    db.close()
    return path


def test_dot_env_is_read_from_the_working_directory_and_the_environment_wins(tmp_path):
    a = _queue_with(tmp_path / "a.db", "from-dotenv")
    b = _queue_with(tmp_path / "b.db", "from-environment")
    (tmp_path / ".env").write_text(f"# Ladder's settings\nexport DATABASE_PATH='{a}'\nLOG_LEVEL=warn\n")
    done = ladder("deliveries", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "from-dotenv" in done.stdout and "from-environment" not in done.stdout
    done = ladder("deliveries", cwd=tmp_path, DATABASE_PATH=str(b))
    assert done.returncode == 0, done.stderr
    assert "from-environment" in done.stdout and "from-dotenv" not in done.stdout


def test_a_malformed_dot_env_line_names_the_file_and_line(tmp_path):
    (tmp_path / ".env").write_text("WEBHOOK_SECRET=s\n\nthis is not a setting\nPORT=3000\n")
    one_line_error(ladder("deliveries", cwd=tmp_path), ".env line 3: not a NAME=value line")


@pytest.mark.parametrize("level", ["warn", "trace", "fatal", "WARNING"])
def test_probot_log_levels_are_accepted(tmp_path, level):
    # The start-up gets past LOG_LEVEL and stops at the next problem, the database's folder.
    done = ladder("serve", WEBHOOK_SECRET="s", LOG_LEVEL=level, DATABASE_PATH=str(tmp_path / "no" / "l.db"))
    one_line_error(done, f"DATABASE_PATH's folder does not exist: {str(tmp_path / 'no')!r}")


def test_a_bad_log_level_names_the_variable(tmp_path):
    done = ladder("deliveries", "--database", str(tmp_path / "l.db"), LOG_LEVEL="loud")
    one_line_error(done, "LOG_LEVEL must be one of trace, debug, info, warn, warning, error, fatal, got 'loud'")


# ------------------------------------------------------------------------------ item 17: CLI edges
@pytest.mark.parametrize("limit", ["-3", "0"])
def test_deliveries_limit_must_be_at_least_one(tmp_path, limit):
    db = _queue_with(tmp_path / "l.db", "d")
    one_line_error(
        ladder("deliveries", "--limit", limit, "--database", str(db)), f"--limit must be at least 1, got {limit}"
    )


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    db = open_database(tmp_path / "l.db")
    for i in range(3000):  # far more than a pipe holds, so the writer meets the closed pipe
        deliveries.enqueue(db, f"delivery-{i:05d}", "ping", b"{}", {})
    db.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "deliveries", "--limit", "3000", "--database", str(tmp_path / "l.db")],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline() == b"3000 pending, 0 failed, 0 done\n"
    process.stdout.close()  # `| head -1`
    err = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert err == b""


def test_demo_dir_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "taken").write_text("")
    one_line_error(
        ladder("demo", "--dir", str(tmp_path / "taken")),
        f"--dir {tmp_path / 'taken'} cannot be used: it is a file, not a folder",
    )
    one_line_error(
        ladder("demo", "--dir", str(tmp_path / "taken" / "below")),
        f"--dir {tmp_path / 'taken' / 'below'} cannot be used: Not a directory",
    )


def test_the_demo_counts_what_it_delivers_the_same_way_twice(tmp_path):
    done = ladder("demo", "--dir", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    history = int(re.search(r"^Delivering (\d+) signed webhooks", done.stdout, re.M).group(1))
    recorded = re.search(r"^Recorded from (\d+) deliveries \((\d+) of history and (\d+) more: ", done.stdout, re.M)
    assert recorded, done.stdout
    total, of_history, more = map(int, recorded.groups())
    assert of_history == history and total == history + more
    stored = sqlite3.connect(tmp_path / "demo" / "ladder.db").execute("SELECT count(*) FROM deliveries").fetchone()[0]
    assert total == stored


def test_status_fits_the_terminal_width(tmp_path):
    where = location(build(tmp_path / "ladder.db"))  # the SQLite file, or PostgreSQL's database for it
    store = {"DATABASE_URL": where} if isinstance(where, str) else {"DATABASE_PATH": str(where)}
    done = ladder("status", "bob", COLUMNS="60", **store)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "@bob",
        "Cohort api-reviewers (acme): target reviewer, 1 Jan 2020 to",
        "    31 Mar 2020",
        "Cohort web-members (acme): target member, 1 Jan 2099 to 30",
        "    Jun 2099",
        "",
        "Reviewer in acme/api (kubernetes ladder): ready",
        "  [x] Reviewed at least 5 PRs to acme/api  5/5",
        "      [####################]",
        "  [?] Sponsored by 1 approver",
        "      for people to confirm",
        "  Readiness issue: not opened on GitHub yet (open)",
        "  Evaluated 2 May 2020",
        "",
        "On GitHub (4 writes; planned = dry-run, recorded but not",
        "    sent):",
        "  failed   comment on acme/api#4",
        "             error: 404 Not Found: issue 4 is gone",
        "  done     comment on acme/api#3",
        "             https://github.com/acme/api/issues/3#issuecomment-5",
        '  pending  issue "bob is ready for',
        '           reviewer in acme/api" in',
        "           acme/community",
        "             waiting to be sent (tried 2 times)",
        "  planned  comment on acme/community#7",
        "             dry-run: recorded, not sent",
    ]
    # Narrower than anything readable: the minimum (40) holds, and a URL is never cut.
    done = ladder("status", "bob", COLUMNS="12", **store)
    lines = done.stdout.splitlines()
    assert "             https://github.com/acme/api/issues/3#issuecomment-5" in lines
    assert all(len(line) <= 40 or " " not in line.strip() for line in lines)
    # Without a terminal and without COLUMNS (a file, a pipe), lines stay whole.
    done = ladder("status", "bob", **store)
    assert (
        "  done     comment on acme/api#3                                            "
        "https://github.com/acme/api/issues/3#issuecomment-5"
    ) in done.stdout.splitlines()
