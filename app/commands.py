"""The commands people write in comments, as one table — the way Prow registers each plugin's help.

Every command is one `Spec`: the words that invoke it, its usage, who may use it (a sentence), an example,
where it works, an optional permission, and the function that carries it out. The table itself is
`app.promotion.commands.COMMANDS`, where each entry sits beside its handler; this module holds what every
command shares: the `Spec` and `CommandTable` types, recognising commands in a comment, and the help table
that `/ladder help` answers with and the README's "Commands people write" shows.

Adding a command is one new entry in app/promotion/commands.py, with the function it runs:

    @COMMANDS.command(
        "optout",
        usage="/ladder optout",
        who="The person themselves.",
        example="/ladder optout",
        where=Where.ANYWHERE,
    )
    async def optout(call: Call) -> str | None:
        ...  # a lifecycle transition, then the words of app/promotion/replies.py

`word` is what follows `/ladder`; `slash="/checkin"` makes a command of its own (`/checkin`, Prow's style);
`phrases` are said alone on a line (`+1`; a ladder's own phrases are added by its sponsor rule);
`argument` says what may follow (nothing, an optional @login, an @login and text, or the rest of the
comment). `permission` is checked before the function runs; a person it refuses is told who may, and
nothing changes. The README's table is `COMMANDS.help_markdown()`: tests/test_commands.py compares them
and prints the table to paste when they differ.

Recognising is linear in the comment's length (lines and plain string operations; the one pattern, for
logins, is RE2), and reads at most `MAX_TEXT` characters: GitHub's own limit for a body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import re2

MAX_TEXT = 65536  # GitHub keeps at most this many characters of an issue, comment or pull request body
LADDER = "/ladder"
LOGIN = re2.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")


class Where(Enum):
    """Where a command works (said in the help table)."""

    ANYWHERE = "any issue or pull request"
    READINESS_ISSUE = "a readiness issue"
    TRACKING_ISSUE = "the cohort's tracking issue"
    SIGNUP_ISSUE = "the cohort's sign-up issue"


class Argument(Enum):
    NONE = "none"  # nothing may follow the command on its line
    OPTIONAL_LOGIN = "optional login"  # `/ladder status [@login]`
    LOGIN_AND_TEXT = "login and text"  # `/ladder keep @login <reason>`
    REST = "rest of the comment"  # `/checkin`: the lines after it are its content


@dataclass(frozen=True)
class Command:
    """A command as written in a comment."""

    name: str
    argument: str | None = None  # a login, without `@`
    text: str = field(default="", compare=False)  # what follows: a reason, or a check-in's lines
    phrase: bool = field(default=False, compare=False)  # said as a phrase alone on a line (`+1`)


@dataclass(frozen=True)
class Permission:
    """Who may use a command: `allows(call)` decides, `holders(call)` lists them for the refusal."""

    allows: Callable[[Any], Awaitable[bool]]
    holders: Callable[[Any], Awaitable[list[str]]] | None = None


@dataclass(frozen=True)
class Spec:
    name: str
    usage: str  # "/ladder status [@login]"
    who: str  # a sentence: "Anyone."
    example: str  # "/ladder status @alice"
    where: Where
    run: Callable[[Any], Awaitable[str | None]]  # the handler: a reply, or None for no reply
    word: str | None = None  # after `/ladder`
    slash: str | None = None  # a command of its own: "/checkin"
    phrases: tuple[str, ...] = ()  # alone on a line: "+1", "/sponsor"
    argument: Argument = Argument.NONE
    permission: Permission | None = None
    who_short: str = ""  # the `who` sentence as a phrase, for "can only be used by …"

    @property
    def needs_readiness_issue(self) -> bool:
        return self.where is Where.READINESS_ISSUE


class CommandTable:
    """Every command, in the order the help table lists them."""

    def __init__(self) -> None:
        self._specs: dict[str, Spec] = {}

    def command(self, name: str, **fields: Any) -> Callable:
        """Register the decorated handler as command `name` (see the module docstring)."""

        def register(run: Callable[[Any], Awaitable[str | None]]) -> Callable[[Any], Awaitable[str | None]]:
            self.add(Spec(name=name, run=run, **fields))
            return run

        return register

    def add(self, spec: Spec) -> None:
        if spec.name in self._specs:
            raise ValueError(f"command {spec.name!r} is registered twice")
        if not (spec.word or spec.slash or spec.phrases):
            raise ValueError(f"command {spec.name!r} has no words to invoke it")
        self._specs[spec.name] = spec

    def __getitem__(self, name: str) -> Spec:
        return self._specs[name]

    def __iter__(self) -> Iterator[Spec]:
        return iter(self._specs.values())

    def names(self) -> set[str]:
        return set(self._specs)

    def parse(self, body: str | None, *, phrases: Iterable[tuple[str, str]] = ()) -> list[Command]:
        """Every command in a comment, in order. `phrases`: (phrase, command name) pairs a ladder adds
        (OpenTelemetry's `I support` → sponsor)."""
        return parse_commands(body, list(self), phrases=phrases)

    def help_markdown(self) -> str:
        """The table `/ladder help` answers with, and the README shows."""
        rows = ["| command | who may | example |", "|---|---|---|"]
        for spec in self:
            rows.append(f"| {_cell(_usage(spec))} | {_cell(spec.who)} | {_cell(_code(spec.example))} |")
        return "\n".join(rows)


def _code(text: str) -> str:
    return " · ".join(f"`{part}`" for part in text.split("\n"))


def _usage(spec: Spec) -> str:
    words = " or ".join(f"`{p}`" for p in spec.phrases) + " alone on a line" if spec.phrases else f"`{spec.usage}`"
    return f"{words} on {spec.where.value}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- recognising commands ---------------------------------------------------------------------------------


def lines(body: str | None) -> list[str]:
    """The comment's lines (at most MAX_TEXT characters of it), without line ends."""
    if not body:
        return []
    return [line.rstrip("\r") for line in body[:MAX_TEXT].split("\n")]


def login_argument(text: str) -> str | None:
    """A GitHub login written `@login` or `login` (an App's `name[bot]` too), or None when `text` is not one."""
    login = text[1:] if text.startswith("@") else text
    name = login[: -len("[bot]")] if login.lower().endswith("[bot]") else login
    return login if LOGIN.fullmatch(name) and "--" not in name and not name.endswith("-") else None


def _argument(spec: Spec, rest: str, following: list[str]) -> Command | None:
    if spec.argument is Argument.NONE:
        return Command(spec.name) if not rest else None
    if spec.argument is Argument.OPTIONAL_LOGIN:
        if not rest:
            return Command(spec.name)
        login = login_argument(rest)
        return Command(spec.name, login) if login and len(rest.split()) == 1 else None
    if spec.argument is Argument.LOGIN_AND_TEXT:
        first, _, text = rest.partition(" ")
        login = login_argument(first)
        return Command(spec.name, login, text.strip()) if login else None
    return Command(spec.name, None, "\n".join([rest, *following]).strip())


def parse_commands(body: str | None, specs: list[Spec], *, phrases: Iterable[tuple[str, str]] = ()) -> list[Command]:
    """Every command in `body`, in order of appearance. A command starts its line (`/ladder approve`,
    `/checkin`, Prow's rule); a phrase (`+1`) stands alone on its line; unknown words are not commands."""
    text_lines = lines(body)
    by_word = {spec.word.lower(): spec for spec in specs if spec.word}
    by_slash = {spec.slash.lower(): spec for spec in specs if spec.slash}
    by_phrase = {p.casefold(): spec.name for spec in specs for p in spec.phrases}
    names = {spec.name: spec for spec in specs}
    for phrase, name in phrases:
        if name in names and phrase.strip():
            by_phrase.setdefault(" ".join(phrase.split()).casefold(), name)
    found: list[Command] = []
    taken: set[str] = set()  # commands that read the rest of the comment: once per comment
    for number, line in enumerate(text_lines):
        alone = " ".join(line.split()).casefold()
        if alone in by_phrase:
            found.append(Command(by_phrase[alone], text=alone, phrase=True))
            continue
        if not line.startswith("/"):
            continue
        head, _, rest = line.replace("\t", " ").partition(" ")
        rest = " ".join(rest.split())
        spec = _slash_command(by_slash, head)
        if spec is not None:
            rest = (head[len(spec.slash) :] + " " + rest).strip()
        elif head.lower() == LADDER and rest:
            word, _, rest = rest.partition(" ")
            spec = by_word.get(word.lower())
            rest = rest.strip()
        if spec is None or spec.name in taken:
            continue
        if spec.argument is Argument.REST:
            taken.add(spec.name)
        command = _argument(spec, rest, text_lines[number + 1 :] if spec.argument is Argument.REST else [])
        if command is not None:
            found.append(command)
    return found


def _slash_command(by_slash: dict[str, Spec], head: str) -> Spec | None:
    """The command of its own that `head` starts with (`/checkin`, also `/checkin:`), if any."""
    lowered = head.lower()
    for slash, spec in by_slash.items():
        if lowered.startswith(slash) and (len(head) == len(slash) or not head[len(slash)].isalnum()):
            return spec
    return None
