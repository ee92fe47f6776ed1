"""Scene 25 (issue 10): a member promotion completed. carol, not an org member, qualifies for Kubernetes'
member level; two sponsors of one company do not make the sponsor rule, a third company does; approval
waits for every box of kubernetes/org's membership form; with no peribolos org.yaml an org admin invites
her, and `organization.member_added` promotes her, thanks her and closes the issue."""

from __future__ import annotations

from app.demo import sample
from app.stand_in import webhooks

TITLE = "A member promotion: sponsors from different companies, the form's checklist, the invitation"


async def play(demo, act, now) -> None:
    repo = demo.state.repo(sample.COMMUNITY_REPO)
    issue = next((i for i in repo.issues.values() if i.title.startswith("carol is ready for member")), None)
    if issue is None:
        demo.say("carol is not ready for member: nothing to show.")
        return
    before = len(issue.comments)
    for login, body in (("maria", "+1"), ("lena", "+1"), ("omar", "/ladder approve"), ("omar", "+1")):
        demo.say(f"  @{login}: {body}")
        await demo.deliver(act.comment(sample.COMMUNITY_REPO, issue.number, login, body))
    demo.say("  carol ticks the membership form's boxes")
    ticked = issue.body.replace("- [ ] ", "- [x] ")
    await demo.deliver(act.edit_issue_body(sample.COMMUNITY_REPO, issue.number, ticked, by="carol"))
    demo.say("  @omar: /ladder approve")
    await demo.deliver(act.comment(sample.COMMUNITY_REPO, issue.number, "omar", "/ladder approve"))
    demo.say(f"  an org admin invites carol; she accepts (organization.member_added for {sample.ORG})")
    demo.state.add_org_member(sample.ORG, "carol")
    await demo.deliver([webhooks.member_added(demo.state, sample.ORG, "carol", sender="maria")])
    demo.say(f"  {sample.COMMUNITY_REPO}#{issue.number} is {issue.state}: carol is a member")
    said = "\n\n".join(f"**@{demo.state.users[c.user_id].login}**: {c.body}" for c in issue.comments[before:])
    demo.write_up(
        f"carol's membership ({sample.COMMUNITY_REPO}#{issue.number}, {issue.state})",
        f"{issue.body}\n\n---\n\n{said}",
    )
