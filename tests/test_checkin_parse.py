"""`/checkin` text read as accomplishments and challenges (app/promotion/checkin_parse.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.promotion.checkin_parse import CheckinText, parse, render, section_of


def test_labels_and_headings_in_any_case():
    assert parse("Accomplishments: two reviews\nChallenges: a flaky test") == CheckinText("two reviews", "a flaky test")
    assert parse("### ACCOMPLISHMENTS\n- reviewed #12\n- merged #14\n\n## challenges:\nCI is slow\n") == CheckinText(
        "- reviewed #12\n- merged #14", "CI is slow"
    )
    assert parse("challenges: none\naccomplishments: a lot") == CheckinText("a lot", "none")


def test_free_text_is_kept_as_accomplishments():
    assert parse("I reviewed three PRs this week.") == CheckinText("I reviewed three PRs this week.", "")
    assert parse("warm-up\nChallenges: time") == CheckinText("warm-up", "time")
    assert parse("") == CheckinText("", "")
    # a word that only starts like a label is text
    assert parse("Challenges faced: none") == CheckinText("Challenges faced: none", "")


def test_a_section_written_twice_is_joined():
    assert parse("Accomplishments: a\nChallenges: b\nAccomplishments: c") == CheckinText("a\nc", "b")


LINE_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x1c\x1d\x1e\x85")
LINE = st.text(LINE_CHARS, max_size=30).map(str.strip).filter(lambda s: section_of(s) is None)
SECTION = st.lists(LINE, max_size=5).map(lambda lines: "\n".join(lines).strip())


@given(st.text())
def test_never_crashes(text):
    parsed = parse(text)
    assert isinstance(parsed.accomplishments, str) and isinstance(parsed.challenges, str)


@given(SECTION, SECTION)
def test_sections_round_trip(accomplishments, challenges):
    c = CheckinText(accomplishments, challenges)
    assert parse(render(c)) == c


@given(
    SECTION,
    SECTION,
    st.sampled_from(["{}:", "### {}", "## {}:", "#{}"]),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_headings_in_any_case_and_style(accomplishments, challenges, style, case):
    text = (
        f"{style.format(case('accomplishments'))}\n{accomplishments}\n{style.format(case('challenges'))}\n{challenges}"
    )
    assert parse(text) == CheckinText(accomplishments, challenges)


@given(st.lists(LINE, max_size=8))
def test_text_is_preserved(lines):
    """Every line of text written (not a label) is in the check-in, in order."""
    parsed = parse("\n".join(lines))
    kept = [line for line in parsed.accomplishments.splitlines() if line]
    assert kept == [line for line in lines if line]
