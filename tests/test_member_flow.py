"""Issue 10's member level end to end, through the real service over HTTP with the stand-in as GitHub:
carol (a mentee, not an org member) qualifies; sponsors of one company do not make the rule, a third
company does; `/ladder approve` waits for the sponsors and the checklist; then either an org admin invites
her (no peribolos: `organization.member_added` promotes, thanks, closes) or Ladder opens a byte-exact pull
request adding her to `members` of the peribolos org.yaml, whose merge promotes her."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.demo import sample, story
from app.promotion.readiness_text import title
from app.stand_in import webhooks
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
COMMUNITY = sample.COMMUNITY_REPO
ORG_REPO = f"{ORG}/org"
ORG_YAML = f"config/{ORG}/org.yaml"
FIXTURE = (Path(__file__).parent / "fixtures/peribolos/kubernetes__org__config__kubernetes__org.yaml").read_text()
CAROL = title("carol", "member", ORG)


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def issue(world):
    (found,) = [i for i in world.issues_by_app(COMMUNITY) if i.title == CAROL]
    return found


def reply_to(world, number: int, deliveries) -> list[str]:
    marker = f"<!-- ladder:reply:{COMMUNITY}#{number}:{deliveries[0][1]['comment']['id']} -->"
    return [c.body.removesuffix("\n\n" + marker) for c in world.comments(COMMUNITY, number) if marker in c.body]


async def say(world, number: int, login: str, body: str) -> list[str]:
    comment = world.act.comment(COMMUNITY, number, login, body)
    await world.deliver(comment)
    return reply_to(world, number, comment)


def with_peribolos(world) -> None:
    """The organisation keeps membership in a peribolos org.yaml (kubernetes/org's own file, byte for byte)."""
    world.state.add_repo(ORG_REPO, files={ORG_YAML: FIXTURE})
    yml = sample.ladder_yml(datetime.now(timezone.utc)) + 'peribolos: {repo: org, path: "config/{org}/org.yaml"}\n'
    world.state.commit(sample.CONFIG_REPO, "main", {".github/ladder.yml": yml}, message="Membership in org.yaml")


async def carol_ready(world):
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.others_history(world.act, datetime.now(timezone.utc)))
    return issue(world)


async def sponsored_and_ticked(world, number: int) -> None:
    """Two sponsors of one company (maria and lena, Initech) do not make the rule; omar (Globex) does."""
    assert await say(world, number, "maria", "+1") == []
    assert await say(world, number, "lena", "+1") == []
    body = issue(world).body
    assert "- @maria: ✅ counts · Initech (from the public profile, unverified)" in body
    assert "- @lena: ➖ holds the level, but does not add a company: the same company as @maria · Initech" in body
    assert "**Sponsor rule: not met yet** (1 of 2 sponsors from different companies count so far)." in body
    refused = await say(world, number, "omar", "/ladder approve")
    assert refused == [
        "@omar, this cannot be approved yet, so nothing was changed. Still missing:\n\n"
        "- the sponsor rule: 1 of 2 sponsors from different companies count so far\n"
        "- the checklist item “Two-factor authentication is enabled on the GitHub account” is not ticked on this issue\n"
        "- the checklist item “Subscribed to dev@&#8203;kubernetes.io” is not ticked on this issue\n"
        "- the checklist item “Actively contributing to 1 or more subprojects” is not ticked on this issue\n"
        "- the checklist item “Has read the contributor guide” is not ticked on this issue"
    ]
    assert await say(world, number, "omar", "+1") == []
    body = issue(world).body
    assert "- @omar: ✅ counts · Globex (from the public profile, unverified)" in body
    assert "**Sponsor rule: met.**" in body
    ticked = body.replace("- [ ] Two-factor", "- [x] Two-factor").replace("- [ ] Subscribed", "- [x] Subscribed")
    ticked = ticked.replace("- [ ] Actively", "- [x] Actively")
    await world.deliver(world.act.edit_issue_body(COMMUNITY, number, ticked, by="carol"))
    assert await say(world, number, "omar", "/ladder approve") == [
        "@omar, this cannot be approved yet, so nothing was changed. Still missing:\n\n"
        "- the checklist item “Has read the contributor guide” is not ticked on this issue"
    ]
    ticked = issue(world).body.replace("- [ ] Has read", "- [x] Has read")
    await world.deliver(world.act.edit_issue_body(COMMUNITY, number, ticked, by="carol"))


async def test_without_peribolos_an_admin_invites_and_member_added_promotes(world):
    found = await carol_ready(world)
    body = found.body
    # kubernetes/org's membership form: the fields and all seven checkboxes (four the people tick).
    for field in ("**GitHub handle:** @carol", f"**Organization(s):** {ORG}", "**Sponsor 1:**", "**Sponsor 2:**"):
        assert field in body
    assert "**List of contributions to the project:**" in body
    assert body.count("- [ ] ") == 7
    assert "- [ ] My sponsors are from different member companies" in body
    assert f"An org admin of {ORG} sends @carol the invitation" in body
    assert "pull request that adds" not in body  # no promise of a pull request Ladder never opens

    await sponsored_and_ticked(world, found.number)
    assert "- [x] My sponsors are from different member companies" in issue(world).body
    assert await say(world, found.number, "omar", "/ladder approve") == [
        f"Approved. An org admin of {ORG} sends @carol the invitation (no peribolos org.yaml is configured, so "
        "Ladder opens no pull request). When @carol joins, Ladder promotes them and closes this issue."
    ]
    assert world.state.count_writes("POST", "/repos/*/pulls") == 0
    assert issue(world).state == "open"

    world.state.add_org_member(ORG, "carol")
    await world.deliver([webhooks.member_added(world.state, ORG, "carol", sender="maria")])
    closed = issue(world)
    assert closed.state == "closed"
    assert closed.body.startswith(f"🎉 @carol is now **Member** in `{ORG}`.")
    assert f"Done: @carol is a member of {ORG}." in closed.body
    thanks = [c.body for c in world.comments(COMMUNITY, found.number) if c.body.startswith("🎉")]
    assert len(thanks) == 1 and thanks[0].startswith(f"🎉 @carol is now a member of {ORG}. Thank you")
    assert world.db.execute("SELECT status FROM readiness WHERE login = 'carol'").fetchone()[0] == "promoted"
    await world.redeliver_everything()
    assert len([c for c in world.comments(COMMUNITY, found.number) if c.body.startswith("🎉")]) == 1


async def test_with_peribolos_approval_opens_a_byte_exact_org_yaml_pull_request(world):
    with_peribolos(world)
    found = await carol_ready(world)
    assert f"Ladder then opens the pull request that adds @carol to `members` in `{ORG_YAML}` of {ORG_REPO}." in (
        found.body
    )
    await sponsored_and_ticked(world, found.number)
    assert await say(world, found.number, "omar", "/ladder approve") == [
        f"Approved. Ladder is opening the pull request that adds @carol to `members` in `{ORG_YAML}` of {ORG_REPO}."
    ]
    (pr,) = world.pulls_by_app(ORG_REPO)
    after = world.state.repo(ORG_REPO).file(ORG_YAML, pr.pull.head_ref).decode()
    assert after == FIXTURE.replace("\n- BenTheElder\n", "\n- BenTheElder\n- carol\n", 1)  # sorted, nothing else
    assert f"The roster pull request is open: https://github.com/{ORG_REPO}/pull/{pr.number}" in issue(world).body

    await world.deliver(world.act.merge_branch(ORG_REPO, pr.number, by="maria"))
    closed = issue(world)
    assert closed.state == "closed"
    assert world.db.execute("SELECT status FROM readiness WHERE login = 'carol'").fetchone()[0] == "promoted"


async def test_a_rename_before_approval_puts_the_new_login_in_org_yaml(world):
    with_peribolos(world)
    found = await carol_ready(world)
    await sponsored_and_ticked(world, found.number)
    world.state.rename_user("carol", "carol-k")
    # Ladder learns the new login from her next delivery; the pull request adds the login she has now.
    await world.deliver(world.act.comment(COMMUNITY, found.number, "carol-k", "Thank you all!"))
    assert await say(world, found.number, "omar", "/ladder approve") == [
        f"Approved. Ladder is opening the pull request that adds @carol-k to `members` in `{ORG_YAML}` of {ORG_REPO}."
    ]
    (pr,) = world.pulls_by_app(ORG_REPO)
    after = world.state.repo(ORG_REPO).file(ORG_YAML, pr.pull.head_ref).decode()
    assert after == FIXTURE.replace("\n- BenTheElder\n", "\n- BenTheElder\n- carol-k\n", 1)
    assert pr.title == f"Add carol-k as member of {ORG}"


async def test_opentelemetry_member_sponsors_say_i_support(world):
    yml = sample.ladder_yml(datetime.now(timezone.utc)).replace("ladder: kubernetes", "ladder: opentelemetry")
    world.state.commit(sample.CONFIG_REPO, "main", {".github/ladder.yml": yml}, message="OpenTelemetry's ladder")
    found = await carol_ready(world)
    assert "they reply `I support` alone on a line" in found.body
    assert await say(world, found.number, "maria", "+1") == [
        "@maria, sponsors of member in the opentelemetry ladder confirm with `I support` or `/sponsor` alone on a "
        "line, so this was not recorded as a sponsorship."
    ]
    assert "No sponsor yet." in issue(world).body
    # recorded, and checked against the rule (nobody holds approver or maintainer here: CODEOWNERS levels are
    # recorded by promotions, not read at installation)
    (reply,) = await say(world, found.number, "maria", "I support")
    assert reply.startswith("Thank you, @maria. Your sponsorship is noted but does not count toward the rule: ")
    assert (
        "- @maria: ❌ does not count: does not hold approver or maintainer anywhere in sample-org" in issue(world).body
    )
