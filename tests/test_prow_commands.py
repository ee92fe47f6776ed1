"""Prow's command recognition for /lgtm and /approve (kubernetes-sigs/prow pkg/plugins/lgtm, approve)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.normalise import approve_signal, lgtm_signal


def test_lgtm_examples():
    assert lgtm_signal("/lgtm") == 1
    assert lgtm_signal("/LGTM") == 1
    assert lgtm_signal("/lgtm   ") == 1
    assert lgtm_signal("/lgtm no-issue") == 1
    assert lgtm_signal("thanks!\r\n/lgtm\r\n") == 1
    assert lgtm_signal(" /lgtm") == 0  # must start the line
    assert lgtm_signal("/lgtm please") == 0
    assert lgtm_signal("/lgtmx") == 0
    assert lgtm_signal("`/lgtm`") == 0
    assert lgtm_signal("/lgtm cancel") == -1
    assert lgtm_signal("/remove-lgtm") == -1
    assert lgtm_signal("/lgtm cancel\n/lgtm") == 1  # Prow checks /lgtm first
    assert lgtm_signal(None) == 0
    assert lgtm_signal("") == 0


def test_approve_examples():
    assert approve_signal("/approve") == 1
    assert approve_signal("/APPROVE no-issue") == 1
    assert approve_signal("/approve cancel") == -1
    assert approve_signal("/remove-approve") == -1
    assert approve_signal("/approve\n/approve cancel") == -1  # the last command wins
    assert approve_signal("/approve cancel\n/approve") == 1
    assert approve_signal("please /approve") == 0
    assert approve_signal("/approver") == 0


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(text, text)
def test_lgtm_alone_on_a_line_anywhere_counts(before, after):
    body = f"{before}\n/lgtm\n{after}"
    assert lgtm_signal(body) == 1


@given(text)
def test_no_line_starting_with_lgtm_means_no_signal(body):
    if not any(line.lower().startswith(("/lgtm", "/remove-lgtm")) for line in body.splitlines() + body.split("\n")):
        assert lgtm_signal(body) == 0


@given(text)
def test_signals_are_always_one_of_three_values(body):
    assert lgtm_signal(body) in (-1, 0, 1)
    assert approve_signal(body) in (-1, 0, 1)


@given(st.sampled_from(["/lgtm", "/LGTM", "/Lgtm no-issue"]), st.sampled_from(["", " ", "\t", "\r"]))
def test_trailing_whitespace_is_allowed(command, space):
    assert lgtm_signal(command + space) == 1
