"""Issue 10's rules of a trustworthy promotion, through the real service over HTTP with the stand-in as
GitHub: a sponsor with no company is never a distinct one; any holder of the level may object; the
checklist gates approval; `owners_pr: never` opens nothing and a human push still promotes; a repository's
own ladder.yml overrides the organisation's; CODEOWNERS is edited byte for byte, and a team line or a
generated file is explained instead."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.demo import sample, story
from app.promotion.readiness_text import title
from app.stand_in import webhooks
from app.stand_in.state import ChangedFile
from app.store import holdings
from tests.conftest_github import check_violations
from tests.world import make_approvable, start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
SCOPE = f"{ORG}/widgets/pkg/controller"
ALICE = title("alice", "reviewer", SCOPE)
CAROL = title("carol", "member", ORG)
CONTRIB = (
    Path(__file__).parent / "fixtures/codeowners/open-telemetry__opentelemetry-collector-contrib__.github__CODEOWNERS"
).read_text()


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def issue(world, wanted: str):
    (found,) = [i for i in world.issues_by_app(COMMUNITY) if i.title == wanted]
    return found


async def say(world, number: int, login: str, body: str) -> list[str]:
    comment = world.act.comment(COMMUNITY, number, login, body)
    await world.deliver(comment)
    marker = f"<!-- ladder:reply:{COMMUNITY}#{number}:{comment[0][1]['comment']['id']} -->"
    return [c.body.removesuffix("\n\n" + marker) for c in world.comments(COMMUNITY, number) if marker in c.body]


def human_push(world, repo: str, files: dict[str, str | None], *, by: str):
    """Someone commits to the default branch themselves: the `push` GitHub sends."""
    state = world.state
    before = state.repo(repo).branches["main"]
    commit = state.commit(repo, "main", files, message="Edit by hand", author=by)
    changed = [ChangedFile(path, status="removed" if text is None else "modified") for path, text in files.items()]
    return [("push", state.push_payload(state.repo(repo), "main", before, commit, changed, state.user(by)))]


def configure(world, extra: str, repo: str = sample.CONFIG_REPO) -> None:
    yml = sample.ladder_yml(datetime.now(timezone.utc)).replace("owners_pr: after_approval\n", extra)
    world.state.commit(repo, "main", {".github/ladder.yml": yml}, message="Ladder configuration")


async def installed(world) -> None:
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])


async def alice_ready(world):
    await installed(world)
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    return issue(world, ALICE)


async def test_a_sponsor_without_a_company_is_never_a_distinct_company(world):
    world.state.user("omar").company = None  # omar's profile names no company
    await installed(world)
    await world.deliver(story.others_history(world.act, datetime.now(timezone.utc)))
    carol = issue(world, CAROL)
    assert await say(world, carol.number, "maria", "+1") == []
    assert await say(world, carol.number, "omar", "+1") == []
    body = issue(world, CAROL).body
    assert "- @omar: ❔ holds the level, but the company is unknown (none on the public profile)" in body
    assert "**Sponsor rule: not met yet** (1 of 2 sponsors from different companies count so far)." in body
    assert "- [ ] My sponsors are from different member companies" in body
    # omar fills in his profile; `/ladder recheck` reads it again: Globex is a second company.
    world.state.user("omar").company = "Globex"
    await say(world, carol.number, "carol", "/ladder recheck")
    body = issue(world, CAROL).body
    assert "- @omar: ✅ counts · Globex" in body and "**Sponsor rule: met.**" in body


async def test_a_third_company_makes_the_rule_that_two_of_one_company_do_not(world):
    await installed(world)
    await world.deliver(story.others_history(world.act, datetime.now(timezone.utc)))
    carol = issue(world, CAROL)
    for login in ("maria", "lena"):  # both Initech
        assert await say(world, carol.number, login, "+1") == []
    assert "**Sponsor rule: not met yet** (1 of 2" in issue(world, CAROL).body
    assert await say(world, carol.number, "sam", "+1") == []  # Umbrella
    body = issue(world, CAROL).body
    assert "- @sam: ✅ counts · Umbrella" in body and "**Sponsor rule: met.**" in body


async def test_a_holder_of_the_level_objects_and_approval_waits_for_unhold(world):
    found = await alice_ready(world)
    await make_approvable(world, COMMUNITY, found.number)
    # sam is a reviewer of pkg/controller: not someone who approves, but a holder of the level, so may object.
    assert await say(world, found.number, "sam", "/ladder hold") == ["On hold. `/ladder unhold` lifts it."]
    assert issue(world, ALICE).body.startswith("⏸️ On hold by @sam.")
    assert await say(world, found.number, "omar", "/ladder approve") == [
        "This readiness issue is on hold (by @sam); `/ladder unhold` first."
    ]
    assert world.pulls_by_app(CODE) == []
    # mallory holds nothing here: her hold is refused and changes nothing.
    (refused,) = await say(world, found.number, "mallory", "/ladder unhold")
    assert refused.startswith("@mallory, `/ladder unhold` can only be used by whoever put it on hold")
    assert await say(world, found.number, "sam", "/ladder unhold") == ["The hold is lifted."]
    await say(world, found.number, "omar", "/ladder approve")
    assert len(world.pulls_by_app(CODE)) == 1


async def test_approval_is_refused_until_the_checklist_is_ticked(world):
    found = await alice_ready(world)
    assert await say(world, found.number, "omar", "+1") == []
    assert await say(world, found.number, "omar", "/ladder approve") == [
        "@omar, this cannot be approved yet, so nothing was changed. Still missing:\n\n"
        "- the checklist item “Knowledgeable about the codebase” is not ticked on this issue"
    ]
    assert world.db.execute("SELECT status FROM readiness").fetchone()[0] == "open"
    assert world.pulls_by_app(CODE) == []


async def test_owners_pr_never_opens_nothing_and_a_human_push_promotes(world):
    configure(world, "owners_pr: never\n")
    found = await alice_ready(world)
    assert "With `owners_pr: never` Ladder opens no pull request" in found.body
    await make_approvable(world, COMMUNITY, found.number)
    assert await say(world, found.number, "omar", "/ladder approve") == [
        "Approved. With `owners_pr: never` Ladder opens no pull request: an approver adds @alice to `reviewers` in "
        f"`pkg/controller/OWNERS` of {CODE}. The push that does it promotes them, and this issue closes."
    ]
    assert world.state.count_writes("POST", "/repos/*/pulls") == 0
    assert "Approved by @omar. With `owners_pr: never`" in issue(world, ALICE).body
    # omar edits OWNERS himself and pushes to the default branch.
    text = world.state.repo(CODE).file("pkg/controller/OWNERS", "main").decode()
    edited = text.replace("reviewers:\n  - omar\n", "reviewers:\n  - alice\n  - omar\n")
    assert edited != text
    await world.deliver(human_push(world, CODE, {"pkg/controller/OWNERS": edited}, by="omar"))
    assert issue(world, ALICE).state == "closed"
    assert world.db.execute("SELECT status FROM readiness WHERE issue_number = ?", (found.number,)).fetchone()[0] == (
        "promoted"
    )


async def test_a_repositorys_own_ladder_yml_overrides_the_organisations(world):
    # widgets says owners_pr: never for itself; the organisation's says after_approval.
    configure(world, "owners_pr: never\n", repo=CODE)
    found = await alice_ready(world)
    await make_approvable(world, COMMUNITY, found.number)
    (reply,) = await say(world, found.number, "omar", "/ladder approve")
    assert reply.startswith("Approved. With `owners_pr: never` Ladder opens no pull request")
    assert world.state.count_writes("POST", "/repos/*/pulls") == 0

    def reads():
        return len([r for r in world.stand_in.requests if r.path == f"/repos/{CODE}/contents/.github/ladder.yml"])

    before = reads()
    await say(world, found.number, "omar", "/ladder status @alice")
    assert reads() == before  # cached like the organisation's: read again only when a push changes it
    # widgets drops its own file: the push is seen, and the organisation's configuration applies again.
    await world.deliver(human_push(world, CODE, {".github/ladder.yml": None}, by="maria"))
    assert world.db.execute("SELECT text FROM repo_configs WHERE repo = 'widgets'").fetchone() == (None,)


# --- CODEOWNERS: the built-in OpenTelemetry ladder ---------------------------------------------------------

WIDGETS_CODEOWNERS = """\
# Owners of widgets: the last matching line wins.
*                   @maria @omar
/docs/              @sample-org/docs-team
"""


async def otel_alice_ready(world, codeowners: str):
    """sample-org on OpenTelemetry's ladder, widgets' owners in .github/CODEOWNERS; omar is a maintainer
    (OpenTelemetry keeps maintainers in teams: recorded here as the roster sync would)."""
    yml = sample.ladder_yml(datetime.now(timezone.utc)).replace("ladder: kubernetes", "ladder: opentelemetry")
    world.state.commit(sample.CONFIG_REPO, "main", {".github/ladder.yml": yml}, message="OpenTelemetry's ladder")
    world.state.commit(CODE, "main", {".github/CODEOWNERS": codeowners}, message="CODEOWNERS")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    omar = world.state.user("omar").id
    holdings.replace_owners(
        world.db, [], [holdings.RosterEntry("omar", omar, ORG, "maintainer", f"{ORG}/widgets", now, "test", now)]
    )
    await installed(world)
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc), primary=1, reviewed=0))
    # dev-priya (not in the cohort) qualifies too and is nominated on her own issue.
    (found,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("alice ")]
    return found


async def approve_otel(world, number: int) -> list[str]:
    # OpenTelemetry's member sponsors say `I support`; this level's rule names no phrase: `+1` (or /sponsor).
    assert await say(world, number, "omar", "I support") == [
        "@omar, sponsors of reviewer in the opentelemetry ladder confirm with `+1` or `/sponsor` alone on a line, "
        "so this was not recorded as a sponsorship."
    ]
    assert await say(world, number, "omar", "+1") == []
    body = world.state.repo(COMMUNITY).issues[number].body
    ticked = "\n".join(line.replace("- [ ] ", "- [x] ", 1) for line in body.split("\n"))
    await world.deliver(world.act.edit_issue_body(COMMUNITY, number, ticked, by="omar"))
    return await say(world, number, "omar", "/ladder approve")


async def test_a_codeowners_promotion_edits_the_scopes_line_byte_for_byte(world):
    found = await otel_alice_ready(world, WIDGETS_CODEOWNERS)
    assert "Ladder then opens the pull request that adds @alice to the scope's CODEOWNERS line, or, where" in (
        found.body
    )
    (reply,) = await approve_otel(world, found.number)
    assert reply.startswith("Approved. Ladder is opening the pull request that adds @alice to")
    (pr,) = world.pulls_by_app(CODE)
    after = world.state.repo(CODE).file(".github/CODEOWNERS", pr.pull.head_ref).decode()
    assert after == WIDGETS_CODEOWNERS.replace(
        "*                   @maria @omar", "*                   @alice @maria @omar"
    )
    await world.deliver(world.act.merge_branch(CODE, pr.number, by="omar"))
    (closed,) = [i for i in world.issues_by_app(COMMUNITY) if i.number == found.number]
    assert closed.state == "closed"
    assert world.db.execute("SELECT status FROM readiness WHERE issue_number = ?", (found.number,)).fetchone()[0] == (
        "promoted"
    )


@pytest.mark.parametrize(
    "codeowners, why",
    [
        (
            "# Owners of widgets.\n* @sample-org/widgets-approvers\n",
            "a team maintainer adds alice to the team; CODEOWNERS itself does not change.",
        ),
        (CONTRIB, "the file is generated by githubgen (its first line says DO NOT EDIT): edit the source instead"),
    ],
    ids=["team line", "generated"],
)
async def test_a_team_line_or_a_generated_codeowners_is_explained_not_edited(world, codeowners, why):
    found = await otel_alice_ready(world, codeowners)
    (reply,) = await approve_otel(world, found.number)
    # the reasons are the editor's words, shown as text (a team named there is never @-mentioned)
    assert reply.startswith("Approved. Ladder does not edit this roster: \\`.github/CODEOWNERS\\`: ")
    assert why in reply and "@sample-org/" not in reply
    assert world.pulls_by_app(CODE) == []
    body = world.state.repo(COMMUNITY).issues[found.number].body
    assert "Approved by @omar. Ladder does not edit this roster" in body
