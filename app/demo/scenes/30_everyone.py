"""Scene 30 (issue 10): everyone who qualifies is nominated, not only cohort mentees. dev-priya, an org member
in no cohort, is the first to /lgtm 5 pull requests under `pkg/api` of sample-org/widgets and reviews 15
more over the last two months: Kubernetes' reviewer bar, met where the nearest OWNERS file is the
repository's root. The service evaluates her from the deliveries alone and opens her readiness issue there,
as it did for alice in the cohort's folder."""

from __future__ import annotations

from datetime import timedelta

from app.demo import sample, story

TITLE = "Everyone who qualifies: a contributor outside the cohort is nominated"

PATH = "pkg/api/types.go"  # under the root OWNERS only: no OWNERS file in pkg/api
LOGIN = "dev-priya"


async def play(demo, act, now) -> None:
    start = now - timedelta(days=60)
    history = []
    for i in range(20):
        first = [(LOGIN, "lgtm")] if i < 5 else [("lena", "lgtm"), (LOGIN, "review")]
        author = ("dev-tomas", "dev-wen")[i % 2]
        history += story.merged_pull_request(act, author, start + timedelta(days=2 * i), [*first, ("omar", "approve")],
                                             path=PATH)  # fmt: skip
    demo.say(f"  {LOGIN} (in no cohort) gives the first /lgtm on 5 pull requests under {PATH.rsplit('/', 1)[0]}/")
    demo.say(f"  and reviews 15 more: {len(history)} signed webhooks")
    await demo.deliver(history)
    repo = demo.state.repo(sample.COMMUNITY_REPO)
    issue = next((i for i in repo.issues.values() if i.title.startswith(f"{LOGIN} is ready for")), None)
    if issue is None:
        demo.say(f"  {LOGIN} was not nominated.")
        return
    demo.say(f"  {sample.COMMUNITY_REPO}#{issue.number}: {issue.title} ({issue.state})")
    body = issue.body.split("\n<details>", 1)[0].rstrip().splitlines()  # the summary and the requirements
    for line in body:
        demo.say(f"  {line}" if line else "")
    demo.write_up(f"{issue.title} ({sample.COMMUNITY_REPO}#{issue.number}, {issue.state})", issue.body)
