"""Every command people write, one table: each entry is its words, usage, who may use it, an example,
where it works, and the function that carries it out — beside that function (as Prow's plugins register
their help). `/ladder help` answers with this table and the README's "Commands people write" is it.

Adding a command is one more entry here (see app/commands.py for the fields):

    @COMMANDS.command("optout", usage="/ladder optout", who="The person themselves.", who_short="the person",
                      example="/ladder optout", where=Where.ANYWHERE, word="optout")
    async def optout(call: Call) -> str | None:
        ...

A handler gets a `Call` (the command, who wrote it, where, the readiness row of that issue) after its
`permission` allowed it. It keeps to three steps, each in its own module: a lifecycle transition
(app/promotion/lifecycle.py: state, through the store), the writes it plans (readiness.py, approval.py),
and the words of its reply (replies.py). A transition that is not allowed raises `NotAllowed`; the runner
turns it into the reply that says why, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from app.commands import Argument, Command, CommandTable, Permission, Where
from app.context import Context
from app.evaluations import member_level, stored
from app.markdown import parse_time
from app.outbox import Reaction, plan
from app.promotion import (
    approval,
    checkin_parse,
    digest,
    lifecycle,
    mentoring,
    nomination,
    readiness,
    replies,
    rhythm,
    sponsors,
    way_down,
    way_down_text,
)
from app.promotion.lifecycle import Actor, Blocked, NotAllowed, Readiness, Status
from app.promotion.progress import evaluate_people, mentee_targets, progress_view, replan_progress
from app.promotion.progress_text import person, progress_markdown
from app.promotion.setup import OrgSetup, cohorts_of, current_login, named_ids, person_id
from app.store import checkins
from app.store.holdings import by_person as holdings_by_person
from ladder_rules.evaluate import State, evaluate
from ladder_rules.everyone import evaluate_person, is_bot

COMMANDS = CommandTable()


@dataclass(frozen=True)
class Call:
    """One command in one comment, as its handler sees it."""

    ctx: Context
    setup: OrgSetup
    command: Command
    author: Actor
    comment: dict
    repo: str  # owner/name of the issue or pull request commented on
    number: int
    row: Readiness | None  # the readiness row whose issue this is (by the number Ladder stored)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def run(call: Call) -> str | None:
    """Where, who, then the command itself; the reply's words, or None for no reply."""
    spec = COMMANDS[call.command.name]
    login = call.author.login
    if spec.needs_readiness_issue and call.row is None:
        return None if call.command.phrase else replies.wrong_place(spec, login)
    if spec.permission is not None and not await spec.permission.allows(call):
        holders = await spec.permission.holders(call) if spec.permission.holders else []
        return replies.refusal(spec, login, holders)
    try:
        answer = await spec.run(call)
    except NotAllowed as exc:
        if spec.name == "hold" and exc.reason is Blocked.HELD:
            return replies.already_held(readiness.actor_login(call.ctx, exc.row.held_by))
        return replies.blocked(
            exc.reason,
            exc.row,
            login=readiness.view_login(call.ctx, exc.row),
            held_by=readiness.actor_login(call.ctx, exc.row.held_by),
            approved_by=readiness.actor_login(call.ctx, exc.row.approved_by),
        )
    if call.row is not None:  # where the promotion stands shows in the person's progress comment too
        replan_progress(call.ctx, call.setup, lifecycle.get(call.ctx.db, call.row.key))
    return answer


# --- who may --------------------------------------------------------------------------------------------


async def _decides(call: Call) -> bool:
    return approval.may_decide(call.ctx, call.setup, call.row, call.author.id)


async def _deciders(call: Call) -> list[str]:
    return readiness.logins(approval.deciders(call.ctx, call.setup, call.row))


DECIDERS = Permission(_decides, _deciders)


async def _objects(call: Call) -> bool:
    return call.author.id in approval.objectors(call.ctx, call.setup, call.row)


async def _objectors(call: Call) -> list[str]:
    return readiness.logins(approval.objectors(call.ctx, call.setup, call.row))


OBJECTORS = Permission(_objects, _objectors)


async def _lifts(call: Call) -> bool:
    held = call.row.held_by
    return (held is not None and held.id == call.author.id) or approval.may_decide(
        call.ctx, call.setup, call.row, call.author.id
    )


UNHOLDERS = Permission(_lifts, _deciders)


async def _mentee_here(call: Call) -> bool:
    return any(
        c.tracking_issue == call.number and call.repo.lower() == call.setup.community_repo.lower()
        for c in cohorts_of(call.ctx, call.setup, call.author.id)
    )


MENTEES = Permission(_mentee_here)


# --- the table ------------------------------------------------------------------------------------------


@COMMANDS.command(
    "help",
    word="help",
    usage="/ladder help",
    who="Anyone.",
    who_short="anyone",
    example="/ladder help",
    where=Where.ANYWHERE,
)
async def help_(call: Call) -> str:
    return "Ladder's commands:\n\n" + COMMANDS.help_markdown()


@COMMANDS.command(
    "status",
    word="status",
    argument=Argument.OPTIONAL_LOGIN,
    usage="/ladder status [@login]",
    who="Anyone, about themselves or anyone else.",
    who_short="anyone",
    example="/ladder status @alice",
    where=Where.ANYWHERE,
)
async def status(call: Call) -> str:
    return await status_answer(call.ctx, call.setup, call.command.argument or call.author.login, asker=call.author)


@COMMANDS.command(
    "sponsor",
    phrases=("+1", "/sponsor"),
    usage="+1 or /sponsor",
    who="Anyone (a ladder may name its own phrase, e.g. OpenTelemetry's `I support`); it counts when the sponsor "
    "meets the ladder's sponsor rule: the level held and, where the ladder asks, a company other than the other "
    "sponsors' (read from the public profile, unverified).",
    who_short="anyone",
    example="+1",
    where=Where.READINESS_ISSUE,
)
async def sponsor(call: Call) -> str | None:
    return await sponsors.sponsor(
        call.ctx,
        call.setup,
        call.row,
        by=call.author,
        comment_id=call.comment["id"],
        comment_url=call.comment.get("html_url"),
        at=call.comment["created_at"],
        phrase=call.command.text if call.command.phrase else "/sponsor",
    )


DECIDERS_WHO = "An approver of the scope, or a mentor of the person's cohort who holds at least the target level."
DECIDERS_SHORT = "an approver of the scope or a cohort mentor who holds at least the target level"


@COMMANDS.command(
    "approve",
    word="approve",
    usage="/ladder approve",
    who=DECIDERS_WHO + " Accepted once the sponsor rule is met and every checklist box is ticked (the reply lists "
    "what is missing).",
    who_short=DECIDERS_SHORT,
    example="/ladder approve",
    where=Where.READINESS_ISSUE,
    permission=DECIDERS,
)
async def approve(call: Call) -> str:
    row = call.row
    blocked = lifecycle.why_not_approve(row)
    if blocked is not None:
        raise NotAllowed(blocked, row)
    missing = approval.missing(call.ctx, call.setup, row)
    if missing:
        return replies.approval_missing(call.author.login, missing)
    change = await approval.decide(call.ctx, call.setup, row)  # reads GitHub; a failure retries the delivery
    row = lifecycle.approve(call.ctx.db, row, call.author, _now())
    return approval.carry_out(call.ctx, call.setup, row, change)


@COMMANDS.command(
    "hold",
    word="hold",
    usage="/ladder hold",
    who="Anyone who holds the target level or above in the scope, and whoever may approve. It is an objection: "
    "nothing is approved until `/ladder unhold`.",
    who_short="holders of the target level or above in the scope, and whoever may approve",
    example="/ladder hold",
    where=Where.READINESS_ISSUE,
    permission=OBJECTORS,
)
async def hold(call: Call) -> str:
    row = lifecycle.hold(call.ctx.db, call.row, call.author)
    readiness.plan_issue(call.ctx, call.setup, row)
    return replies.HELD


@COMMANDS.command(
    "unhold",
    word="unhold",
    usage="/ladder unhold",
    who="Whoever put it on hold, or " + DECIDERS_WHO[0].lower() + DECIDERS_WHO[1:],
    who_short="whoever put it on hold, or " + DECIDERS_SHORT,
    example="/ladder unhold",
    where=Where.READINESS_ISSUE,
    permission=UNHOLDERS,
)
async def unhold(call: Call) -> str:
    row = lifecycle.unhold(call.ctx.db, call.row)
    readiness.plan_issue(call.ctx, call.setup, row)
    return replies.UNHELD


@COMMANDS.command(
    "recheck",
    word="recheck",
    usage="/ladder recheck",
    who="Anyone.",
    who_short="anyone",
    example="/ladder recheck",
    where=Where.READINESS_ISSUE,
)
async def recheck(call: Call) -> str | None:
    ctx, setup = call.ctx, call.setup
    await sponsors.read_companies_again(ctx, setup, call.row)
    await evaluate_people(ctx, setup, only={call.row.person_id})
    row = lifecycle.get(ctx.db, call.row.key)
    if row.status is Status.APPROVED and (row.not_member_yet or row.membership_hidden or not row.pull_request_url):
        return await approval.start_pull_request(ctx, setup, row)
    readiness.plan_issue(ctx, setup, row)
    return None


@COMMANDS.command(
    "checkin",
    slash="/checkin",
    argument=Argument.REST,
    usage="/checkin",
    who="A mentee of the cohort, on its tracking issue; the lines after it are the check-in, read as "
    "`Accomplishments:` and `Challenges:` (or `### Accomplishments` / `### Challenges`; other text counts as "
    "accomplishments). One per week: a second one in the week replaces the first. Ladder answers with a 👍.",
    who_short="the cohort's mentees, on its tracking issue",
    example="/checkin\nAccomplishments: two reviews\nChallenges: a flaky test",
    where=Where.TRACKING_ISSUE,
    permission=MENTEES,
)
async def checkin(call: Call) -> None:
    """Kept as the mentee's check-in for the ISO week (in the cohort's timezone), replacing an earlier one
    of that week; acknowledged with a 👍 on the comment; today's digest shows it when today is its day."""
    ctx, setup = call.ctx, call.setup
    cohort = next(c for c in cohorts_of(ctx, setup, call.author.id) if c.tracking_issue == call.number)
    at = call.comment["created_at"]
    text = checkin_parse.parse(call.command.text)
    stored = checkins.save(
        ctx.db,
        checkins.Checkin(
            comment_id=call.comment["id"],
            org=setup.org,
            cohort=cohort.name,
            person_id=call.author.id,
            login=call.author.login,
            at=at,
            body=call.comment.get("body") or "",
            url=call.comment.get("html_url"),
            week=rhythm.iso_week(cohort, parse_time(at)),
            accomplishments=text.accomplishments,
            challenges=text.challenges,
        ),
    )
    plan(
        ctx.db,
        Reaction(
            repo=call.repo,
            comment_id=call.comment["id"],
            installation_id=setup.installation_id,
            org=setup.org,
            person_id=call.author.id,
        ),
        dry_run=setup.dry_run,
    )
    if stored:
        digest.replan_today(ctx, setup, cohort, parse_time(at))  # the day's digest, when it is out
    return None


@COMMANDS.command(
    "enroll",
    word="enroll",
    usage="/ladder enroll",
    who="Anyone who holds the level below the cohort's target in its scope and is a mentee of no other active "
    "cohort; once the cohort is at its `capacity`, they join its waitlist.",
    who_short="contributors who hold the level below the cohort's target",
    example="/ladder enroll",
    where=Where.SIGNUP_ISSUE,
)
async def enroll(call: Call) -> str:
    cohort = mentoring.signup_cohort(call.setup, call.repo, call.number)
    if cohort is None:
        return replies.wrong_place(COMMANDS["enroll"], call.author.login)
    return await mentoring.enroll(call.ctx, call.setup, cohort, call.author, call.comment)


@COMMANDS.command(
    "withdraw",
    word="withdraw",
    usage="/ladder withdraw",
    who="Someone who enrolled (or waits); the first of the waitlist takes their place.",
    who_short="people who enrolled",
    example="/ladder withdraw",
    where=Where.SIGNUP_ISSUE,
)
async def withdraw(call: Call) -> str:
    cohort = mentoring.signup_cohort(call.setup, call.repo, call.number)
    if cohort is None:
        return replies.wrong_place(COMMANDS["withdraw"], call.author.login)
    return await mentoring.withdraw(call.ctx, call.setup, cohort, call.author)


async def _mentor_of_mentee(call: Call) -> bool:
    pid = person_id(call.ctx, call.command.argument or "")
    return pid is not None and call.author.id in mentoring.mentors_of(call.ctx, call.setup, pid).values()


async def _mentee_mentors(call: Call) -> list[str]:
    pid = person_id(call.ctx, call.command.argument or "")
    return sorted(mentoring.mentors_of(call.ctx, call.setup, pid), key=str.lower) if pid is not None else []


MENTORS = Permission(_mentor_of_mentee, _mentee_mentors)


@COMMANDS.command(
    "suggest",
    word="suggest",
    argument=Argument.LOGIN_AND_TEXT,
    usage="/ladder suggest @login <link>",
    who="A mentor of the person's cohort: the pull request or issue comes first in their list of what to review next.",
    who_short="a mentor of the person's cohort",
    example="/ladder suggest @alice https://github.com/kubernetes/kubernetes/pull/1",
    where=Where.ANYWHERE,
    permission=MENTORS,
)
async def suggest(call: Call) -> str:
    login = call.command.argument
    pid = person_id(call.ctx, login)  # the permission found them
    return mentoring.pin(call.ctx, call.setup, pid, current_login(call.ctx, pid, login), call.author, call.command.text)


async def _keeps(call: Call) -> bool:
    pid = person_id(call.ctx, call.command.argument or "")
    return pid is None or way_down.may_keep(call.ctx, call.setup, pid, call.author.id)


async def _keepers(call: Call) -> list[str]:
    pid = person_id(call.ctx, call.command.argument or "")
    notices = way_down.open_notices_of(call.ctx, call.setup, pid) if pid is not None else []
    return readiness.logins({k: v for n in notices for k, v in way_down.keepers(call.ctx, call.setup, n).items()})


@COMMANDS.command(
    "keep",
    word="keep",
    argument=Argument.LOGIN_AND_TEXT,
    usage="/ladder keep @login <reason>",
    who="An approver of the scope of the person's inactivity notice; the reason is shown on the notice.",
    who_short="an approver of the scope of the notice",
    example="/ladder keep @omar on leave until March",
    where=Where.ANYWHERE,
    permission=Permission(_keeps, _keepers),
)
async def keep(call: Call) -> str:
    ctx, setup, login, author = call.ctx, call.setup, call.command.argument, call.author.login
    pid = person_id(ctx, login)
    if pid is None or not way_down.open_notices_of(ctx, setup, pid):
        url = way_down.proposed_url(ctx, setup, pid) if pid is not None else None
        if url is not None:
            return way_down_text.already_proposed(author, login, url)
        return way_down_text.nothing_to_keep(author, login)
    if not call.command.text.strip():
        return way_down_text.reason_needed(author, login)
    count = way_down.keep(ctx, setup, pid, call.author.id, call.command.text.strip())
    return way_down_text.kept(author, current_login(ctx, pid, login), count)


@COMMANDS.command(
    "optout",
    word="optout",
    usage="/ladder optout",
    who="The person themselves: Ladder opens no readiness issue for them any more and closes their open ones.",
    who_short="the person themselves",
    example="/ladder optout",
    where=Where.ANYWHERE,
)
async def optout(call: Call) -> str:
    closed = nomination.opt_out(call.ctx, call.setup, call.author.id, call.author.login, _now())
    return replies.opted_out(call.author.login, closed)


@COMMANDS.command(
    "optin",
    word="optin",
    usage="/ladder optin",
    who="The person themselves, after `/ladder optout`: nominations resume and the issues it closed reopen.",
    who_short="the person themselves",
    example="/ladder optin",
    where=Where.ANYWHERE,
)
async def optin(call: Call) -> str:
    reopened = nomination.opt_in(call.ctx, call.setup, call.author.id)
    await evaluate_people(call.ctx, call.setup, only={call.author.id})
    return replies.opted_in(call.author.login, reopened)


# --- status ---------------------------------------------------------------------------------------------


def may_mention(ctx: Context, setup: OrgSetup, pid: int, asker: Actor | None) -> bool:
    """Whether an answer about person `pid` may @-mention them: when they asked, or when they are of the
    organisation (a member, or holding a level there) or of one of its cohorts. Anyone else is named as
    code: `/ladder status @anyone` notifies nobody who did not ask."""
    if asker is not None and asker.id == pid:
        return True
    if holdings_by_person(ctx.db, setup.org, member_level=member_level(setup.ladder)).get(pid, ("", []))[1]:
        return True
    named = {p for c in setup.config.cohorts for p in named_ids(ctx, setup, [*c.mentees, *c.mentors]).values()}
    return pid in named


async def status_answer(ctx: Context, setup: OrgSetup, login: str, *, asker: Actor | None = None) -> str:
    """What `/ladder status [@login]` says: the stored evaluations, or, when none is stored yet, the
    evaluation computed from the ledger on demand (read-only: stored only by the passes that evaluate)."""
    if is_bot(login):
        return replies.bot_not_evaluated(login)
    pid = person_id(ctx, login)
    if pid is None:
        return replies.never_seen(login, setup.org)
    mention = may_mention(ctx, setup, pid, asker)
    evaluations = [e for e in stored(ctx.db, pid) if e["state"] != State.PROMOTED.value]
    if not evaluations:
        index = ctx.evaluator.index(setup.org, setup.ladder, setup.definitions)
        now = datetime.now(timezone.utc)
        targets = [t for c, t in mentee_targets(ctx, setup, only={pid})]
        if targets:
            found = [evaluate(index, setup.ladder, t.person_id, t.level, t.scope, now) for t in targets]
        else:
            found = [evaluate_person(index, setup.ladder, pid, ctx.evaluator.folders(setup.org), now)]
        evaluations = [e.to_dict() for e in found if e is not None]
        if not evaluations:
            return replies.at_the_top(person(current_login(ctx, pid, login), mention), setup.ladder.name)
    return "\n\n".join(progress_markdown(progress_view(ctx, setup, e, mention=mention)) for e in evaluations)
