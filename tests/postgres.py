"""PostgreSQL for the tests (a pytest plugin, loaded by tests/conftest.py).

The server: `LADDER_TEST_POSTGRES_URL` (a role that may create databases) when it is set; else, when
Debian's server binaries are installed (`/usr/lib/postgresql/*/bin/initdb`), a throwaway cluster for the
session in a temporary folder (as the `postgres` user when run as root), listening only on a unix socket
there; else the tests that need PostgreSQL skip, with a one-line reason — or fail, with
`LADDER_REQUIRE_POSTGRES=1` (CI).

Each test gets fresh databases: `CREATE DATABASE … TEMPLATE` of one migrated once per session (fast),
dropped when the test ends.

`LADDER_TEST_DATABASE=postgres` runs every test that opens a store on PostgreSQL (tests/stores.py);
otherwise they use SQLite files, and only tests that ask for PostgreSQL by name use it.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENGINE = "postgres" if os.environ.get("LADDER_TEST_DATABASE", "").lower() in ("postgres", "postgresql") else "sqlite"
REQUIRED = os.environ.get("LADDER_REQUIRE_POSTGRES", "") == "1"


class Unavailable(Exception):
    """Why there is no PostgreSQL for the tests (one line)."""


class Server:
    def __init__(self, admin_url: str, cluster: Path | None = None, stop: list[str] | None = None) -> None:
        self.admin_url = admin_url
        self.cluster = cluster  # our throwaway cluster's folder, removed at the end
        self.stop_command = stop
        self.template: str | None = None
        self.kept: list[str] = []  # the session's databases, dropped at the end
        self.leftover: list[str] = []  # databases a test's end could not drop: tried again at the end
        self.prefix = f"ladder_t{os.getpid()}_"
        self.counter = itertools.count(1)

    def url(self, database: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def create(self, *, migrated: bool = True) -> tuple[str, str]:
        """A new database (migrated, or empty); returns (name, URL)."""
        if migrated and self.template is None:
            self.template = self.prefix + "template"
            self.admin(f'DROP DATABASE IF EXISTS "{self.template}"')
            self.admin(f'CREATE DATABASE "{self.template}" TEMPLATE template0')
            from app.store import open_database

            open_database(self.url(self.template)).close()
        name = f"{self.prefix}{next(self.counter)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template if migrated else "template0"}"')
        return name, self.url(name)

    def drop(self, name: str, *, tries: int = 25) -> bool:
        """Drop a test's database; False when it could not be dropped yet (cleanup: never fails a test).

        FORCE ends the test's own leftover connections; a role that is not a superuser cannot end an
        autovacuum worker's, so that case waits a moment and tries again."""
        import psycopg

        for _ in range(tries):
            try:
                self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return True
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
                time.sleep(0.2)
        self.leftover.append(name)
        return False

    def close(self) -> None:
        if self.cluster is None:  # someone else's server: leave it as it was
            for name in [*self.kept, *self.leftover, *([self.template] if self.template else [])]:
                if not self.drop(name, tries=50):
                    print(f"tests/postgres.py: could not drop the test database {name}", file=sys.stderr)
            return
        if self.stop_command:
            subprocess.run(self.stop_command, capture_output=True, timeout=60, cwd=self.cluster)
        shutil.rmtree(self.cluster, ignore_errors=True)


_server: Server | None = None
_unavailable: str | None = None
_this_test: list[str] = []  # databases to drop when the current test ends
_open: list = []  # stores a test opened through tests/stores.py, closed when it ends


def close_at_end(db):
    """Close `db` when the test ends (before its database is dropped): a forgotten pool would hold a
    connection until it is collected."""
    _open.append(db)
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_cluster() -> Server:
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not initdbs:
        raise Unavailable(
            "no PostgreSQL: set LADDER_TEST_POSTGRES_URL or install Debian's postgresql (no /usr/lib/postgresql/*/bin)"
        )
    bindir = Path(initdbs[-1]).parent
    prefix: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="ladder-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as Debian's `postgres` user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("PostgreSQL cannot run as root and there is no `postgres` user") from None
        if shutil.which("runuser") is None:
            raise Unavailable("PostgreSQL cannot run as root and `runuser` is missing")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    run = dict(capture_output=True, text=True, timeout=120, cwd=folder)
    done = subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        + ["--locale=C", "--no-sync"],
        **run,
    )
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"initdb failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    options = (
        f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        " -c full_page_writes=off -c max_connections=300"
    )
    pg_ctl = [*prefix, str(bindir / "pg_ctl"), "-D", str(data)]
    done = subprocess.run([*pg_ctl, "-l", str(folder / "log"), "-w", "-t", "60", "-o", options, "start"], **run)
    if done.returncode != 0:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"the PostgreSQL test cluster did not start: {log.strip().splitlines()[-1:]}")
    return Server(
        f"postgresql://postgres@/postgres?host={folder}&port={port}",
        cluster=folder,
        stop=[*pg_ctl, "-m", "immediate", "stop"],
    )


def server() -> Server:
    """The session's PostgreSQL server; skips the test (fails it with LADDER_REQUIRE_POSTGRES=1) without."""
    global _server, _unavailable
    if _server is None and _unavailable is None:
        try:
            url = os.environ.get("LADDER_TEST_POSTGRES_URL")
            if url:
                try:
                    import psycopg

                    psycopg.connect(url, connect_timeout=10).close()
                except Exception as error:
                    from app.store.location import redact

                    message = " ".join(str(error).split())
                    raise Unavailable(f"LADDER_TEST_POSTGRES_URL ({redact(url)}) does not answer: {message}") from None
                _server = Server(url)
            else:
                _server = _start_cluster()
        except Unavailable as reason:
            _unavailable = str(reason)
    if _server is None:
        if REQUIRED:
            pytest.fail(f"PostgreSQL is required (LADDER_REQUIRE_POSTGRES=1): {_unavailable}", pytrace=False)
        pytest.skip(_unavailable)
    return _server


def database_url(*, migrated: bool = True, keep: bool = False) -> str:
    """A fresh database for this test (or, with `keep`, for the session)."""
    name, url = server().create(migrated=migrated)
    (server().kept if keep else _this_test).append(name)
    return url


@pytest.fixture(autouse=True)
def _drop_databases_of_the_test():
    yield
    while _open:
        _open.pop().close()
    while _this_test:
        name = _this_test.pop()
        if _server is not None:
            _server.drop(name)


def pytest_report_header(config) -> str:
    return f"store: {ENGINE}" + (" (LADDER_TEST_DATABASE=postgres)" if ENGINE == "postgres" else "")


def pytest_sessionfinish(session, exitstatus) -> None:
    global _server
    if _server is not None:
        _server.close()
        _server = None
