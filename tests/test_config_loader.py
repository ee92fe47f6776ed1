"""Loading `ladder.yml` from GitHub (the stand-in, over a real socket) with Probot's rules, and the
`org_configs` cache in a real store (a SQLite file, or PostgreSQL with LADDER_TEST_DATABASE=postgres)."""

from __future__ import annotations

from datetime import date

import pytest

from app.config.loader import CONFIG_PATH, cached_config, has_cached_config, load_config
from app.config.schema import ConfigError
from app.store import orgs
from tests.stores import open_test_database

INSTALLATION = 7

ORG_FILE = """\
ladder: kubernetes
community_repo: community
members_since:
  alice: 2026-05-04
cohorts:
  - name: apps-reviewers-2026
    target: reviewer
    scope: {repo: kubernetes, path: pkg/controller}
    start: 2026-09-01
    end: 2026-11-30
    mentors: [mentor-a, mentor-b]
    mentees: [alice, bob, carol]
    tracking_issue: 42
    checkin_day: tuesday
"""

REPO_FILE = """\
ladder: tekton
dry_run: true
"""

OUR_LADDER = """\
ladder: ours
source: https://example.org/ladder
levels:
  member:
    scope: org
    requires:
      - merged_prs: 2
  maintainer:
    scope: repository
    requires:
      - merged_prs: 10
"""


@pytest.fixture
async def gh(stand_in, github_client):
    stand_in.state.add_installation(INSTALLATION, "acme")
    return await github_client.for_installation(INSTALLATION)


@pytest.fixture
def db(tmp_path):
    return open_test_database(tmp_path / "ladder.db")


def content_gets(stand_in) -> list[str]:
    return [r.path for r in stand_in.requests if r.method == "GET" and "/contents/" in r.path]


async def test_repository_file_wins_over_the_org_file(stand_in, gh, db):
    stand_in.state.add_repo("acme/.github", files={CONFIG_PATH: ORG_FILE})
    stand_in.state.add_repo("acme/widgets", files={CONFIG_PATH: REPO_FILE})

    loaded = await load_config(gh, "acme", "widgets", db=db)

    assert loaded is not None and loaded.ok
    assert loaded.sources == ("acme/widgets:.github/ladder.yml",)
    assert loaded.config.ladder == "tekton"
    assert loaded.config.dry_run is True
    assert loaded.config.cohorts == ()  # Probot: the repository's file replaces the org's, no merge
    assert loaded.ladder.name == "tekton"
    assert content_gets(stand_in) == ["/repos/acme/widgets/contents/.github/ladder.yml"]
    # a repository's own file is not the organisation's configuration: nothing cached
    assert not has_cached_config(db, "acme")


async def test_org_dot_github_is_the_fallback_and_is_cached(stand_in, gh, db):
    stand_in.state.add_repo("acme/.github", files={CONFIG_PATH: ORG_FILE})
    stand_in.state.add_repo("acme/widgets", files={"README.md": "hi\n"})

    loaded = await load_config(gh, "acme", "widgets", db=db, installation_id=INSTALLATION)

    assert loaded is not None and loaded.ok
    assert loaded.sources == ("acme/.github:.github/ladder.yml",)
    assert loaded.config.ladder == "kubernetes"
    assert loaded.config.members_since == {"alice": date(2026, 5, 4)}
    assert [c.name for c in loaded.config.cohorts] == ["apps-reviewers-2026"]
    assert content_gets(stand_in) == [
        "/repos/acme/widgets/contents/.github/ladder.yml",
        "/repos/acme/.github/contents/.github/ladder.yml",
    ]
    row = orgs.config(db, "acme")
    assert row.source == "acme/.github:.github/ladder.yml"
    assert row.installation_id == INSTALLATION
    assert row.error is None
    cached = cached_config(db, "acme")
    assert cached.config == loaded.config
    assert cached.ladder.name == "kubernetes"


async def test_extends_across_repositories_merges_with_the_extending_file_winning(stand_in, gh, db):
    stand_in.state.add_repo(
        "acme/.github",
        files={
            CONFIG_PATH: "_extends: acme/policies:ladders/base.yml\n"
            "dry_run: true\n"
            "substantial:\n  exclude_labels: [kind/cleanup]\n"
        },
    )
    stand_in.state.add_repo(
        "acme/policies",
        files={
            "ladders/base.yml": (
                "_extends: common\n"  # same owner, default path
                "ladder: istio\n"
                "substantial:\n  min_lines: 50\n"
                "owners_pr: when_ready\n"
            )
        },
    )
    stand_in.state.add_repo("acme/common", files={CONFIG_PATH: "community_repo: people\nladder: kubeflow\n"})

    loaded = await load_config(gh, "acme", ".github", db=db)

    assert loaded is not None and loaded.ok, loaded.problems_text()
    assert loaded.sources == (
        "acme/.github:.github/ladder.yml",
        "acme/policies:ladders/base.yml",
        "acme/common:.github/ladder.yml",
    )
    config = loaded.config
    assert (config.ladder, config.community_repo, config.dry_run, config.owners_pr) == (
        "istio",
        "people",
        True,
        "when_ready",
    )
    # mappings merge key by key across files
    assert (config.substantial.min_lines, config.substantial.exclude_labels) == (50, ("kind/cleanup",))
    assert loaded.ladder.name == "istio"
    assert orgs.config(db, "acme").source == "acme/.github:.github/ladder.yml"


async def test_extends_into_a_repository_the_installation_cannot_read(stand_in, gh):
    # GitHub answers 404 for a repository outside the installation, as for a missing one
    stand_in.state.add_repo("acme/.github", files={CONFIG_PATH: "ladder: kubernetes\n_extends: other/base\n"})
    stand_in.state.add_repo("other/base", files={CONFIG_PATH: "dry_run: true\n"})

    loaded = await load_config(gh, "acme", ".github")

    assert [str(e) for e in loaded.errors] == [
        "acme/.github:.github/ladder.yml:2: `_extends: other/base` names other/base:.github/ladder.yml, which "
        "does not exist (or the app cannot read that repository)."
    ]


async def test_extends_loop_and_missing_target_are_errors_with_lines(stand_in, gh, db):
    stand_in.state.add_repo("acme/.github", files={CONFIG_PATH: "ladder: kubernetes\n_extends: base\n"})
    stand_in.state.add_repo("acme/base", files={CONFIG_PATH: "_extends: .github\n"})
    stand_in.state.add_repo("acme/widgets", files={CONFIG_PATH: "# ours\n_extends: nowhere:conf/x.yml\n"})

    loop = await load_config(gh, "acme", ".github", db=db)
    missing = await load_config(gh, "acme", "widgets")

    assert [str(e) for e in loop.errors] == [
        "acme/base:.github/ladder.yml:1: `_extends: .github` leads back to acme/.github:.github/ladder.yml, "
        "which is already part of this configuration (a loop)."
    ]
    # the file that was not found may set `ladder`: only what failed is reported, not "`ladder` is required"
    assert [str(e) for e in missing.errors] == [
        "acme/widgets:.github/ladder.yml:2: `_extends: nowhere:conf/x.yml` names acme/nowhere:conf/x.yml, "
        "which does not exist (or the app cannot read that repository)."
    ]


async def test_no_file_anywhere_is_none_and_remembered(stand_in, gh, db):
    stand_in.state.add_repo("acme/widgets", files={"README.md": "hi\n"})

    assert await load_config(gh, "acme", "widgets", db=db) is None

    assert has_cached_config(db, "acme")
    assert cached_config(db, "acme") is None
    # the repository, then the .github repository (absent: 404), nothing else
    assert content_gets(stand_in) == [
        "/repos/acme/widgets/contents/.github/ladder.yml",
        "/repos/acme/.github/contents/.github/ladder.yml",
    ]


async def test_a_bad_file_is_refused_and_its_errors_are_kept(stand_in, gh, db):
    stand_in.state.add_repo(
        "acme/.github",
        files={
            CONFIG_PATH: (
                "ladder: kubernetes\n"
                "dry_run: maybe\n"
                "cohorts:\n"
                "  - name: c1\n"
                "    target: chief\n"
                "    start: 2026-09-01\n"
                "    end: 2026-11-30\n"
                "    mentors: [m1]\n"
                "    mentees: [a1, a2, a3, a4, a5]\n"
            )
        },
    )

    loaded = await load_config(gh, "acme", "widgets", db=db)

    assert loaded is not None and not loaded.ok and loaded.config is None
    expected_errors = [
        "acme/.github:.github/ladder.yml:2: `dry_run` must be true or false, not 'maybe'.",
        "acme/.github:.github/ladder.yml:5: `target: chief` of cohort `c1` is not a level of the kubernetes "
        "ladder (levels: member, reviewer, approver).",
    ]
    assert [str(e) for e in loaded.errors] == expected_errors
    assert [w.line for w in loaded.warnings] == [4, 9]  # no tracking issue; 5 mentees for one mentor
    row = orgs.config(db, "acme")
    assert row.error.splitlines() == expected_errors
    cached = cached_config(db, "acme")
    assert cached.config is None and [str(e) for e in cached.errors] == expected_errors
    assert "warning: Cohort `c1` has 5 mentees for 1 mentor: more than 4 per mentor" in cached.problems_text()


async def test_a_ladder_file_in_the_repository_is_read_and_checked(stand_in, gh, db):
    stand_in.state.add_repo(
        "acme/.github",
        files={
            CONFIG_PATH: "ladder: ladders/ours.yaml\ncohorts:\n"
            "  - {name: c, target: maintainer, start: 2026-01-05, end: 2026-03-01, mentors: [m],\n"
            "     mentees: [a], tracking_issue: 3}\n",
            "ladders/ours.yaml": OUR_LADDER,
        },
    )

    loaded = await load_config(gh, "acme", ".github", db=db)

    assert loaded.ok, loaded.problems_text()
    assert [level.name for level in loaded.ladder.levels] == ["member", "maintainer"]
    assert cached_config(db, "acme").ladder == loaded.ladder

    # a broken ladder file: its errors name that file and line
    stand_in.state.commit(
        "acme/.github", "main", {"ladders/ours.yaml": OUR_LADDER.replace("merged_prs: 10", "merged_prs: ten")}
    )
    broken = await load_config(gh, "acme", ".github", db=db)
    assert [str(e) for e in broken.errors] == [
        "acme/.github:ladders/ours.yaml:11: `merged_prs` must be a whole number of at least 1, not 'ten'."
    ]
    assert orgs.config(db, "acme").error == str(broken.errors[0])

    # and a path that is not there
    stand_in.state.commit("acme/.github", "main", {"ladders/ours.yaml": None})
    gone = await load_config(gh, "acme", ".github")
    assert [str(e) for e in gone.errors] == [
        "acme/.github:.github/ladder.yml:1: `ladder: ladders/ours.yaml` names a file that does not exist in "
        "acme/.github."
    ]


async def test_a_folder_where_the_file_should_be(stand_in, gh):
    stand_in.state.add_repo("acme/.github", files={CONFIG_PATH + "/x.yml": "ladder: kubernetes\n"})
    loaded = await load_config(gh, "acme", "widgets")
    assert [str(e) for e in loaded.errors] == ["acme/.github:.github/ladder.yml:1: This is a folder, not a file."]


def test_config_error_round_trips():
    error = ConfigError("a.yml", 3, "Bad.", warning=True)
    assert ConfigError.from_dict(error.to_dict()) == error
    assert str(error) == "a.yml:3: warning: Bad."
