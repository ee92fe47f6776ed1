"""Recognising commands in comments."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.commands import HELP, Command, parse_commands, refusal


def test_ladder_commands():
    assert parse_commands("/ladder status") == [Command("status")]
    assert parse_commands("/ladder status @alice") == [Command("status", "alice")]
    assert parse_commands("/LADDER Approve") == [Command("approve")]
    assert parse_commands("looks great\n/ladder approve\nthanks") == [Command("approve")]
    assert parse_commands("/ladder hold\n/ladder unhold") == [Command("hold"), Command("unhold")]
    assert parse_commands("/ladder recheck  ") == [Command("recheck")]
    assert parse_commands("please /ladder approve") == []
    assert parse_commands("/ladder promote") == []
    assert parse_commands("/ladderapprove") == []


def test_sponsor_must_be_alone_on_its_line():
    assert parse_commands("+1") == [Command("sponsor")]
    assert parse_commands("/sponsor") == [Command("sponsor")]
    assert parse_commands("Happy to help.\n+1\n") == [Command("sponsor")]
    assert parse_commands("+1 from me") == []
    assert parse_commands("+10") == []
    assert parse_commands("I +1 this") == []


def test_checkin():
    assert parse_commands("/checkin\nDone: two reviews\nStuck: flaky test") == [Command("checkin")]


def test_refusal_names_who_may():
    text = refusal("approve", "mallory")
    assert text.startswith("@mallory, `/ladder approve` can only be used by an approver of the scope")
    assert "nothing was changed" in text


def test_every_command_has_help():
    assert set(HELP) == {"status", "approve", "hold", "unhold", "recheck", "sponsor", "checkin"}


@given(st.text(max_size=300))
def test_parsing_never_fails_and_names_known_commands(body):
    for command in parse_commands(body):
        assert command.name in HELP
