"""Recognising commands in comments, and the one table they come from (`/ladder help`, the README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.commands import MAX_TEXT, Command, CommandTable, Where
from app.promotion.commands import COMMANDS
from app.promotion.replies import refusal

README = Path(__file__).resolve().parent.parent / "README.md"


def parse(body, **kw):
    return COMMANDS.parse(body, **kw)


def test_ladder_commands():
    assert parse("/ladder status") == [Command("status")]
    assert parse("/ladder status @alice") == [Command("status", "alice")]
    assert parse("/ladder status alice") == [Command("status", "alice")]
    assert parse("/LADDER Approve") == [Command("approve")]
    assert parse("looks great\n/ladder approve\nthanks") == [Command("approve")]
    assert parse("looks great\r\n/ladder approve\r\nthanks") == [Command("approve")]
    assert parse("/ladder hold\n/ladder unhold") == [Command("hold"), Command("unhold")]
    assert parse("/ladder recheck  ") == [Command("recheck")]
    assert parse("/ladder\thelp") == [Command("help")]
    assert parse("please /ladder approve") == []
    assert parse("/ladder promote") == []
    assert parse("/ladderapprove") == []
    assert parse("/ladder approve now") == []  # nothing may follow a command that takes no argument
    assert parse("/ladder status @alice @bob") == []
    assert parse("/ladder status @-alice") == []
    assert parse("/ladder status !") == []


def test_sponsor_must_be_alone_on_its_line():
    assert parse("+1") == [Command("sponsor")]
    assert parse("/sponsor") == [Command("sponsor")]
    assert parse("Happy to help.\n  +1  \n") == [Command("sponsor")]
    assert parse("+1 from me") == []
    assert parse("+10") == []
    assert parse("I +1 this") == []


def test_a_ladders_own_phrase_is_a_sponsorship():
    phrases = [("I support", "sponsor")]
    assert parse("I support", phrases=phrases) == [Command("sponsor")]
    assert parse("Great work.\ni  SUPPORT\n", phrases=phrases) == [Command("sponsor")]
    assert parse("I support this", phrases=phrases) == []
    assert parse("I support") == []  # only where the ladder says so


def test_checkin_reads_the_lines_after_it_once():
    (command,) = parse("/checkin\nAccomplishments: two reviews\nChallenges: flaky test\n/checkin")
    assert command == Command("checkin")
    assert command.text == "Accomplishments: two reviews\nChallenges: flaky test\n/checkin"
    assert parse("/checkin: done") == [Command("checkin")]
    assert parse("/checkins") == []


def test_refusal_names_who_may_in_one_sentence():
    text = refusal(COMMANDS["approve"], "mallory", ["lena", "maria"])
    assert text == (
        "@mallory, `/ladder approve` can only be used by an approver of the scope or a cohort mentor who holds "
        "at least the target level, so nothing was changed. Who may: @lena, @maria."
    )


def test_every_command_has_help_and_a_handler():
    assert COMMANDS.names() == {
        "help", "status", "approve", "hold", "unhold", "recheck", "sponsor", "checkin", "enroll", "withdraw", "suggest",
        "keep", "optout", "optin",
    }  # fmt: skip
    for spec in COMMANDS:
        assert spec.usage and spec.who.endswith(".") and spec.example and spec.who_short and callable(spec.run)
        # Each example is understood as its own command.
        assert [c.name for c in parse(spec.example)] == [spec.name], spec.name


def test_the_readme_table_is_the_command_table():
    """README.md's "Commands people write" is what `/ladder help` answers with (paste it when this fails)."""
    table = COMMANDS.help_markdown()
    assert table in README.read_text(encoding="utf-8"), "README.md's command table should be:\n" + table


def test_adding_a_command_is_one_entry():
    table = CommandTable()

    @table.command("optout", word="optout", usage="/ladder optout", who="The person.", example="/ladder optout",
                   where=Where.ANYWHERE, who_short="the person")  # fmt: skip
    async def optout(call):
        return None

    assert table.parse("/ladder optout") == [Command("optout")]
    assert table.help_markdown().splitlines()[-1] == (
        "| `/ladder optout` on any issue or pull request | The person. | `/ladder optout` |"
    )
    with pytest.raises(ValueError, match="registered twice"):
        table.command("optout", word="out", usage="u", who="w", example="e", where=Where.ANYWHERE)(optout)


def test_only_the_first_65536_characters_are_read():
    assert parse("x" * MAX_TEXT + "\n/ladder help") == []
    assert parse("x" * (MAX_TEXT - 13) + "\n/ladder help") == [Command("help")]


@given(st.text(max_size=300))
def test_parsing_never_fails_and_names_known_commands(body):
    for command in parse(body, phrases=[("I support", "sponsor")]):
        assert command.name in COMMANDS.names()


@given(st.sampled_from(["/ladder status", "/ladder approve", "+1", "/checkin"]), st.text(" \t", max_size=50))
def test_trailing_blanks_never_change_what_is_understood(line, blanks):
    assert parse(line + blanks) == parse(line)
