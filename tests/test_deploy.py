"""The ways to deploy (PRODUCT.md §5): the container image and Heroku.

No Docker engine or image registry is reachable from this project's machines, so the image is not built
here. Instead its own instructions are carried out as a builder would, in a fresh virtualenv: the COPY
lines copy the same files (minus .dockerignore's), the RUN pip line installs the project for real from
PyPI (only pip's download cache is reused between runs, to keep this fast), ENV sets the same environment
with the image's paths mapped into a temporary folder (/app, /data), the service is started with the
image's CMD as a user who is not root (when the tests run as root: `nobody`, owning only the data folder,
as USER ladder owns only /data), and the image's HEALTHCHECK command must exit 0 against it.

Heroku: the Procfile's process types and commands, requirements.txt resolving to exactly pyproject.toml's
dependencies, `.python-version` and `app.json`.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.stores import on_postgres

# Nothing here opens a store of the tests' (the image's is its own SQLite file): one pass is enough.
pytestmark = pytest.mark.skipif(
    on_postgres(), reason="the deploy files do not depend on the store: see the SQLite pass"
)

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
PIP_CACHE = Path(os.environ.get("LADDER_TEST_PIP_CACHE") or Path.home() / ".cache" / "ladder-tests" / "pip")
NOBODY = 65534


# ---------------------------------------------------------------------------------------- the Dockerfile
@dataclass
class Instruction:
    name: str  # upper case
    args: str  # the rest of the (joined) line


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, comments dropped and continuation lines joined."""
    out, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        name, _, args = whole.partition(" ")
        out.append(Instruction(name.upper(), args.strip()))
    return out


def env_pairs(args: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(args))


@dataclass
class Image:
    base: str
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    volumes: list[str] = field(default_factory=list)
    expose: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    healthcheck_options: dict[str, str] = field(default_factory=dict)
    cmd: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    steps: list[Instruction] = field(default_factory=list)  # in order, for the build


def read_image() -> Image:
    steps = instructions(DOCKERFILE.read_text())
    image = Image(base=next(s.args for s in steps if s.name == "FROM"), steps=steps)
    for step in steps:
        if step.name == "ENV":
            image.env.update(env_pairs(step.args))
        elif step.name == "USER":
            image.user = step.args
        elif step.name == "VOLUME":
            image.volumes += json.loads(step.args) if step.args.startswith("[") else step.args.split()
        elif step.name == "EXPOSE":
            image.expose += step.args.split()
        elif step.name == "HEALTHCHECK":
            options, _, command = step.args.partition("CMD ")
            image.healthcheck_options = dict(o.lstrip("-").split("=", 1) for o in options.split())
            image.healthcheck = json.loads(command)
        elif step.name == "CMD":
            image.cmd = json.loads(step.args)
        elif step.name == "RUN":
            image.runs.append(step.args)
    return image


def python_minor(base: str) -> str:
    found = re.fullmatch(r"python:(3\.\d+)-slim(?:-\w+)?", base)
    assert found, f"the base image {base!r} is not an official slim Python image of one minor version"
    return found.group(1)


def test_the_dockerfile_declares_a_non_root_user_the_data_volume_and_a_health_check():
    image = read_image()
    minor = python_minor(image.base)
    assert (ROOT / ".python-version").read_text().strip() == minor  # Heroku runs the same Python
    assert image.user is not None and image.user.split(":")[0] not in ("root", "0")
    (create_user,) = [r for r in image.runs if "useradd" in r]
    assert re.search(rf"useradd\b.*--uid (\d+).*\b{image.user}\b", create_user)
    assert int(re.search(r"--uid (\d+)", create_user).group(1)) != 0
    assert f"chown {image.user}:{image.user} /data" in create_user  # the one folder it may write
    assert image.volumes == ["/data"]
    assert image.env["DATABASE_PATH"] == "/data/ladder.db"
    assert image.expose == ["3000"] and image.env["PORT"] == "3000"
    assert image.cmd == ["ladder", "serve"]
    assert image.healthcheck[:2] == ["python", "-c"] and "/healthz" in image.healthcheck[2]
    assert "curl" not in " ".join(image.healthcheck) and "wget" not in " ".join(image.healthcheck)
    (install,) = [r for r in image.runs if r.startswith("pip ")]
    assert shlex.split(install) == ["pip", "install", "--no-cache-dir", "."]
    readme = (ROOT / "README.md").read_text()
    run_line = re.search(r"docker run .*?\n\s+ladder\n", readme, re.S).group()
    assert "-v ladder-data:/data" in run_line and "-p 3000:3000" in run_line and "-e WEBHOOK_SECRET=" in run_line
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".env", "tests", "*.pem", "*.db"} <= set(ignored)  # no history, no secret, no data


def _interpreter(minor: str) -> str:
    """A Python of the image's minor version that the image's (non-root) user can run, as the image's
    /usr/local/bin/python is: a system one (a pyenv build under /root is not readable by others)."""
    candidates = [f"/usr/local/bin/python{minor}", f"/usr/bin/python{minor}", shutil.which(f"python{minor}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{minor}.*/bin/python{minor}")))
    for candidate in dict.fromkeys(filter(None, candidates)):
        if not os.path.exists(candidate):
            continue
        done = subprocess.run(
            [candidate, "-c", "import venv, ensurepip"], capture_output=True, preexec_fn=_as_image_user()
        )
        if done.returncode == 0:
            return candidate
    pytest.fail(f"no Python {minor} with venv that a user other than root can run (apt-get install python3-venv)")


def _ignored(path: Path, patterns: list[str]) -> bool:
    """As .dockerignore: a pattern names a path from the context's root (or any part, after `**/`)."""
    relative = path.relative_to(ROOT)
    prefixes = ["/".join(relative.parts[: n + 1]) for n in range(len(relative.parts))]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in relative.parts):
                return True
        elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def _copy(source: Path, target: Path, patterns: list[str]) -> None:
    if source.is_dir():
        for item in source.rglob("*"):
            if item.is_file() and not _ignored(item, patterns):
                (target / item.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item, target / item.relative_to(source))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@dataclass
class Built:
    root: Path  # stands for the image's /
    venv: Path
    env: dict[str, str]  # the image's environment, its paths mapped under root
    image: Image

    def inside(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def mapped(self, value: str) -> str:
        for prefix in ("/data", "/app"):
            if value == prefix or value.startswith(prefix + "/"):
                return str(self.inside(value))
        return value


@pytest.fixture(scope="module")
def built() -> Built:
    """The image's build carried out in a fresh virtualenv under a temporary folder standing for `/`."""
    image = read_image()
    root = Path(tempfile.mkdtemp(prefix="ladder-image-"))
    root.chmod(0o755)  # the service's user must reach the venv (pytest's own folders are root's only)
    venv = root / "venv"
    subprocess.run([_interpreter(python_minor(image.base)), "-m", "venv", str(venv)], check=True)
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    env: dict[str, str] = {}
    workdir = root
    built = Built(root, venv, env, image)
    for step in image.steps:
        if step.name == "WORKDIR":
            workdir = built.inside(step.args)
            workdir.mkdir(parents=True, exist_ok=True)
        elif step.name == "COPY":
            *sources, target = step.args.split()
            for source in sources:
                into = workdir / target / Path(source).name if target.endswith("/") else workdir / target
                _copy(ROOT / source, into, patterns)
        elif step.name == "ENV":
            env.update({k: built.mapped(v) for k, v in env_pairs(step.args).items()})
        elif step.name == "RUN" and step.args.startswith("pip "):
            # The Dockerfile's own command, in the venv; pip's download cache is kept between test runs
            # (the image's layer keeps none), so only what changed on PyPI is downloaded again.
            words = [a if a != "--no-cache-dir" else f"--cache-dir={PIP_CACHE}" for a in shlex.split(step.args)]
            done = subprocess.run(
                [str(venv / "bin" / words[0]), *words[1:]],
                cwd=workdir,
                env=_base_env(venv) | env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = built.inside("/data")
    data.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(data, NOBODY, NOBODY)  # as `chown ladder:ladder /data`
    yield built
    shutil.rmtree(root, ignore_errors=True)


def _base_env(venv: Path) -> dict[str, str]:
    """What a container starts with: PATH (the venv's bin standing for /usr/local/bin) and a locale; none of
    the test session's variables (DATABASE_URL, APP_ID, …) leak in."""
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_image_user():
    """preexec_fn: drop root as the image's USER does (when the tests run as root)."""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)

    return drop


def test_the_images_own_install_and_start_commands_serve_and_pass_its_health_check(built: Built):
    image = built.image
    port = _free_port()
    # `docker run -e WEBHOOK_SECRET=… -v ladder-data:/data -p 3000:3000 ladder`: the port mapped to a free one
    env = _base_env(built.venv) | built.env | {"WEBHOOK_SECRET": "container-test-secret", "PORT": str(port)}
    data = built.inside("/data")
    assert env["DATABASE_PATH"] == str(data / "ladder.db")
    command = [str(built.venv / "bin" / image.cmd[0]), *image.cmd[1:]]
    check = image.healthcheck  # "python" from PATH: the venv's, as /usr/local/bin/python in the image
    service = subprocess.Popen(
        command, cwd=data, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_as_image_user()
    )
    try:
        # Docker's start period: the check is retried until it passes or the service has died.
        deadline = time.monotonic() + 90
        while True:
            probe = subprocess.run(check, env=env, capture_output=True, text=True, preexec_fn=_as_image_user())
            if probe.returncode == 0 or service.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert service.poll() is None, service.stdout.read().decode(errors="replace")[-3000:]
        assert probe.returncode == 0, probe.stderr[-2000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
            health = json.load(resp)
        assert (health["status"], health["database"], health["dry_run"]) == ("ok", "ok", True)
        database = data / "ladder.db"
        assert database.is_file()  # on the volume, where DATABASE_PATH says
        if os.geteuid() == 0:
            assert database.stat().st_uid == NOBODY  # written by the image's user, not root
        # what the COPY lines brought (pip leaves build/ and the egg-info beside them, as in the image)
        copied = {p.name for p in built.inside("/app").iterdir()} - {"build", "ladder.egg-info"}
        assert copied == {"README.md", "app", "ladder_rules", "pyproject.toml", "reports"}
        assert not list(built.inside("/app").rglob("__pycache__/*.pyc"))  # .dockerignore kept them out
    finally:
        service.terminate()
        service.wait(timeout=30)
        service.stdout.close()
    # and the same check fails once the service is gone, so it can tell
    stopped = subprocess.run(check, env=env, capture_output=True, text=True)
    assert stopped.returncode != 0


# ---------------------------------------------------------------------------------------- Heroku
def procfile() -> dict[str, str]:
    out = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            assert name not in out, f"{name} twice in the Procfile"
            out[name.strip()] = command.strip()
    return out


def test_the_procfile_runs_web_worker_and_release():
    assert procfile() == {
        "web": "ladder serve --web-only",
        "worker": "ladder work",
        "release": "ladder migrate",
    }


@pytest.mark.parametrize("process", ["web", "worker", "release"])
def test_each_procfile_command_is_one_the_cli_accepts(process):
    from app.cli import build_parser

    argv = shlex.split(procfile()[process])
    assert argv[0] == "ladder"
    commands = build_parser()._subparsers._group_actions[0].choices
    if argv[1] not in commands:
        pytest.skip(f"`ladder {argv[1]}` is not in this branch yet (the runtime's branch adds it)")
    done = subprocess.run(
        [sys.executable, "-m", "app", argv[1], "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    for flag in argv[2:]:
        if flag.startswith("--") and flag not in done.stdout:
            pytest.skip(f"`ladder {argv[1]} {flag}` is not in this branch yet (the runtime's branch adds it)")
        assert flag in done.stdout


def _resolved(built: Built, *requirement: str) -> dict[str, str]:
    """name → version pip resolves for `requirement` from PyPI (nothing installed)."""
    report = built.root / "report.json"
    done = subprocess.run(
        [str(built.venv / "bin" / "pip"), "install", "--dry-run", "--ignore-installed", "--quiet"]
        + [f"--cache-dir={PIP_CACHE}", "--report", str(report), *requirement],
        cwd=ROOT,
        env=_base_env(built.venv),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    items = json.loads(report.read_text())["install"]
    return {re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower(): i["metadata"]["version"] for i in items}


def test_requirements_txt_installs_exactly_pyprojects_dependencies(built: Built):
    lines = [l for l in (ROOT / "requirements.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines == ["."]  # the project itself
    from_requirements = _resolved(built, "-r", "requirements.txt")
    # the same packages, at the same versions, as the image's `pip install .` put into the venv
    listed = subprocess.run(
        [str(built.venv / "bin" / "pip"), "list", "--format=json", "--exclude", "pip", "--exclude", "setuptools"],
        env=_base_env(built.venv),
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in json.loads(listed.stdout)}
    installers = {"pip", "setuptools"}  # sqlite-utils names pip; the venv's own is the one it came with
    assert {k: v for k, v in from_requirements.items() if k not in installers} == installed
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", d).group()).lower() for d in declared}
    assert names <= set(from_requirements) and "ladder" in from_requirements


def test_app_json_asks_for_postgres_and_only_for_variables_ladder_reads():
    manifest = json.loads((ROOT / "app.json").read_text())
    assert {"plan": "heroku-postgresql", "as": "DATABASE"} in manifest["addons"]  # Heroku sets DATABASE_URL
    assert set(manifest["formation"]) == set(procfile()) - {"release"}
    settings_source = (ROOT / "app" / "settings.py").read_text()
    for name in manifest["env"]:
        assert f'"{name}"' in settings_source, f"app.json sets {name}, which Ladder does not read"
    assert manifest["env"]["WEBHOOK_SECRET"] == {
        "description": "The App's webhook secret: copy this generated value into the App's settings.",
        "generator": "secret",
    }
