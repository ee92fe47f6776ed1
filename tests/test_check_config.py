"""`ladder check-config PATH`: what a user sees for good and bad ladder.yml and ladder files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "config" / "ladder.yml"
ROOT = Path(__file__).parent.parent


def run(capsys, path) -> tuple[int, list[str], str]:
    code = main(["check-config", str(path)])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_the_documented_example_is_ok(capsys):
    assert run(capsys, EXAMPLE) == (0, [f"{EXAMPLE}: OK (ladder kubernetes, 1 cohort, 3 mentees)"], "")


def test_a_ladder_file_is_recognised_by_its_levels(capsys):
    path = FIXTURES / "ladders" / "cilium.yaml"
    assert run(capsys, path) == (0, [f"{path}: OK (ladder cilium, 3 levels: member, reviewer, committer)"], "")


def test_errors_one_line_each_and_exit_1(tmp_path, capsys):
    path = tmp_path / "ladder.yml"
    path.write_text(
        EXAMPLE.read_text()
        .replace("dry_run: false", "dry_run: sometimes")
        .replace("target: reviewer", "target: reviewr")
    )
    assert run(capsys, path) == (
        1,
        [
            f"{path}:3: `dry_run` must be true or false, not 'sometimes'.",
            f"{path}:13: `target: reviewr` of cohort `apps-reviewers-2026` is not a level of the kubernetes ladder "
            f"(levels: member, reviewer, approver).",
        ],
        "",
    )


def test_warnings_do_not_fail(tmp_path, capsys):
    path = tmp_path / "ladder.yml"
    path.write_text(EXAMPLE.read_text().replace("    tracking_issue: 42 ", "    # no tracking issue "))
    assert run(capsys, path) == (
        0,
        [
            f"{path}:12: warning: Cohort `apps-reviewers-2026` has no `tracking_issue`: no progress comments or weekly "
            f"digests will be posted for it.",
            f"{path}: OK (ladder kubernetes, 1 cohort, 3 mentees)",
        ],
        "",
    )


def test_yaml_syntax_error_has_its_line(tmp_path, capsys):
    path = tmp_path / "ladder.yml"
    path.write_text("ladder: kubernetes\ncohorts:\n  - name: [a\n    target: reviewer\n")
    code, lines, err = run(capsys, path)
    assert (code, err) == (1, "")
    assert lines == [f"{path}:4: This is not valid YAML: expected ',' or ']', but got ':'."]


def test_a_broken_ladder_file(tmp_path, capsys):
    path = tmp_path / "ours.yaml"
    path.write_text((FIXTURES / "ladders" / "cilium.yaml").read_text().replace("scope: org", "scope: galaxy", 1))
    code, lines, _ = run(capsys, path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{path}:") and "galaxy" in lines[0]


def test_a_ladder_file_named_by_path_is_checked_from_the_checkout(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".github" / "ladders").mkdir(parents=True)
    shutil.copy(FIXTURES / "ladders" / "cilium.yaml", repo / ".github" / "ladders" / "cilium.yaml")
    config = repo / ".github" / "ladder.yml"
    config.write_text(
        EXAMPLE.read_text()
        .replace("ladder: kubernetes", "ladder: .github/ladders/cilium.yaml")
        .replace("target: reviewer", "target: committer")
    )
    assert run(capsys, config) == (0, [f"{config}: OK (ladder .github/ladders/cilium.yaml, 1 cohort, 3 mentees)"], "")

    config.write_text(config.read_text().replace("target: committer", "target: maintainer"))
    assert run(capsys, config) == (
        1,
        [
            f"{config}:13: `target: maintainer` of cohort `apps-reviewers-2026` is not a level of the cilium ladder "
            f"(levels: member, reviewer, committer)."
        ],
        "",
    )

    (repo / ".github" / "ladders" / "cilium.yaml").unlink()
    assert run(capsys, config) == (
        0,
        [
            f"{config}:1: warning: The ladder file .github/ladders/cilium.yaml is not in this checkout, so cohort "
            f"targets were not checked against it.",
            f"{config}: OK (ladder .github/ladders/cilium.yaml, 1 cohort, 3 mentees)",
        ],
        "",
    )


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", None])
def test_unreadable_files(tmp_path, capsys, content):
    path = tmp_path / "ladder.yml"
    if content is not None:
        path.write_bytes(content)
    code, lines, err = run(capsys, path)
    assert code == 1 and err == "" and len(lines) == 1
    assert lines[0].startswith(f"{path}:1: The file cannot be read: ")


def test_as_a_process(tmp_path):
    path = tmp_path / "ladder.yml"
    path.write_text("ladder: kubernetes\nowners_pr: always\n")
    done = subprocess.run(
        [sys.executable, "-m", "app", "check-config", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        f"{path}:2: `owners_pr` must be one of after_approval, when_ready, never, not 'always'.\n",
        "",
    )
