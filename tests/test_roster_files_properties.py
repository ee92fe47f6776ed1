"""Properties of every roster parser and editor, on arbitrary text and on mutated copies of the real files:

- parsing (and trying to edit) raises nothing but the kind's own error type, and always returns;
- on every real fixture, adding a login and removing it again gives back the original bytes, and an edit
  changes exactly the lines it should (one for an add or a removal, two for a move to emeritus).

A parser that hangs fails through pytest-timeout (pyproject.toml), never through a timed assertion."""

from __future__ import annotations

import difflib
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ladder_rules.codeowners import (
    CodeownersError,
    add_owner,
    parse_codeowners,
    pattern_matches,
    remove_owner,
)
from ladder_rules.owners import OwnersError, norm_login, parse_aliases, parse_owners
from ladder_rules.owners_edit import (
    add_to_alias,
    add_to_list,
    move_to_emeritus,
    plan_removal,
    remove_from_alias,
    remove_from_list,
)
from ladder_rules.peribolos import PeribolosError, add_member, read_org, remove_member
from tests.test_owners_edit import FIXTURE_LISTS, assert_moved

FIXTURES = Path(__file__).parent / "fixtures"
OWNERS = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "owners").glob("*.yaml"))}
OWNERS_FILES = {name: text for name, text in OWNERS.items() if "ALIASES" not in name}
ALIAS_FILES = {name: text for name, text in OWNERS.items() if "ALIASES" in name}
CODEOWNERS_REAL = (
    FIXTURES / "codeowners" / "open-telemetry__opentelemetry-collector-contrib__.github__CODEOWNERS"
).read_text(encoding="utf-8")
CODEOWNERS_EDITABLE = CODEOWNERS_REAL.split("\n", 1)[1]  # without the generated header
ORG_FILES = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "peribolos").glob("*.yaml"))}
ALL_REAL = list(OWNERS.values()) + [CODEOWNERS_REAL, CODEOWNERS_EDITABLE] + list(ORG_FILES.values())

# Characters that make YAML and CODEOWNERS structure, so random text reaches past the first line.
STRUCTURE = "[]{}:,-#&*!|>'\"\\/?@%`~. \t\n\r0123456789abcXYZ_"
ARBITRARY = st.one_of(st.text(max_size=300), st.text(alphabet=STRUCTURE, max_size=300))
LOGIN = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,14}", fullmatch=True).filter(lambda s: not s.endswith("-"))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUND = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw, texts=ALL_REAL):
    """A real file with a few random edits: cut or pasted text, duplicated, swapped or re-indented lines."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        op = draw(st.sampled_from(["cut", "paste", "duplicate", "swap", "indent", "char"]))
        if op == "cut":
            start = draw(st.integers(0, len(text)))
            text = text[:start] + text[start + draw(st.integers(0, 60)) :]
        elif op == "paste":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(alphabet=STRUCTURE, max_size=12)) + text[at:]
        elif op == "char":
            at = draw(st.integers(0, max(0, len(text) - 1)))
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        else:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "duplicate":
                lines.insert(j, lines[i])
            elif op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = " " * draw(st.integers(0, 6)) + lines[i].lstrip(" ")
            text = "\n".join(lines)
    return text


TEXTS = st.one_of(ARBITRARY, mutated())


# --- nothing but the kind's own error --------------------------------------------------------------------


@FUZZ
@given(text=TEXTS)
def test_owners_and_aliases_parsers_raise_only_owners_errors(text):
    for parse in (parse_owners, parse_aliases):
        try:
            parse(text)
        except OwnersError:
            pass


@FUZZ
@given(text=TEXTS, login=LOGIN)
def test_owners_editors_raise_only_owners_errors(text, login):
    calls = [
        lambda: add_to_list(text, "reviewers", login),
        lambda: remove_from_list(text, "reviewers", login),
        lambda: move_to_emeritus(text, login),
        lambda: add_to_alias(text, "sig-x-reviewers", login),
        lambda: remove_from_alias(text, "sig-x-reviewers", login),
        lambda: plan_removal(text, text, "approvers", login),
    ]
    for call in calls:
        try:
            call()
        except OwnersError:  # EditError is one
            pass


@FUZZ
@given(text=TEXTS, login=LOGIN, path=st.text(max_size=40))
def test_the_codeowners_parser_and_editor_raise_only_codeowners_errors(text, login, path):
    file = parse_codeowners(text)  # a file under 3 MB always parses: unreadable lines are warnings
    file.owners_for(path)
    for rule in file.rules[:5]:
        for edit in (add_owner, remove_owner):
            try:
                edit(text, rule.pattern, login)
            except CodeownersError:
                pass


@FUZZ
@given(pattern=st.text(alphabet="*?/\\ab.-[]!#", max_size=20), path=st.text(alphabet="ab./-*?", max_size=20))
def test_any_pattern_matches_or_not_without_an_error(pattern, path):
    assert pattern_matches(pattern, path) in (True, False)


@FUZZ
@given(text=TEXTS, login=LOGIN, org=st.sampled_from([None, "tektoncd", "kubernetes", "TektonCD-Catalog"]))
def test_the_peribolos_parser_and_editor_raise_only_peribolos_errors(text, login, org):
    for call in (
        lambda: read_org(text, org),
        lambda: read_org(text, org, required=True),
        lambda: add_member(text, login, org=org),
        lambda: remove_member(text, login, org=org),
    ):
        try:
            call()
        except PeribolosError:
            pass


# --- round trips on every real file --------------------------------------------------------------------------


def changed(old: str, new: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


@ROUND
@given(spot=st.sampled_from(FIXTURE_LISTS), login=LOGIN)
def test_owners_add_then_remove_gives_the_original_bytes(spot, login):
    name, filter_key, list_name = spot
    old = OWNERS_FILES[name]
    config = parse_owners(old, name)
    entries = (config.config if filter_key is None else config.filters[filter_key]).get(list_name)
    assume(norm_login(login) not in {norm_login(entry) for entry in entries})
    added = add_to_list(old, list_name, login, filter_key=filter_key, path=name)
    removed, inserted = changed(old, added.new_text)
    assert (len(removed), len(inserted)) in ((0, 1), (1, 1))  # a line, or a flow list changed within its line
    back = remove_from_list(added.new_text, list_name, login, filter_key=filter_key, path=name)
    assert back.new_text == old


@ROUND
@given(name=st.sampled_from(sorted(OWNERS_FILES)), pick=st.integers(0, 50))
def test_owners_a_move_to_emeritus_changes_two_lines(name, pick):
    old = OWNERS_FILES[name]
    roster = parse_owners(old, name).roster()
    assume(roster.approvers)
    login = roster.approvers[pick % len(roster.approvers)]
    edit = move_to_emeritus(old, login, path=name)
    assert_moved(old, edit, login, created=not roster.emeritus_approvers)


@ROUND
@given(name=st.sampled_from(sorted(ALIAS_FILES)), pick=st.integers(0, 500), login=LOGIN)
def test_alias_groups_add_then_remove_gives_the_original_bytes(name, pick, login):
    old = ALIAS_FILES[name]
    groups = parse_aliases(old, name)
    group = sorted(groups)[pick % len(groups)]
    assume(norm_login(login) not in {norm_login(member) for member in groups[group]})
    added = add_to_alias(old, group, login, path=name)
    removed, inserted = changed(old, added.new_text)
    assert (len(removed), len(inserted)) in ((0, 1), (1, 1))
    assert remove_from_alias(added.new_text, group, login, path=name).new_text == old


EDITABLE_RULES = [rule for rule in parse_codeowners(CODEOWNERS_EDITABLE).rules if rule.users]


@ROUND
@given(rule=st.sampled_from(EDITABLE_RULES), login=LOGIN, crlf=st.booleans())
def test_codeowners_add_then_remove_gives_the_original_bytes(rule, login, crlf):
    assume(not rule.owns(login))
    old = CODEOWNERS_EDITABLE.replace("\n", "\r\n") if crlf else CODEOWNERS_EDITABLE
    added = add_owner(old, rule.pattern, login)
    removed, inserted = changed(old, added.new_text)
    assert len(removed) == len(inserted) == 1  # the line of the pattern, and only it
    assert remove_owner(added.new_text, rule.pattern, login).new_text == old


ORGS = [(name, org) for name, org in [(n, None) for n in ORG_FILES if "kubernetes" in n]] + [
    (name, org) for name in ORG_FILES if "tektoncd" in name for org in ("tektoncd", "tektoncd-catalog")
]


@ROUND
@given(spot=st.sampled_from(ORGS), login=LOGIN)
def test_peribolos_add_then_remove_gives_the_original_bytes(spot, login):
    name, org = spot
    old = ORG_FILES[name]
    assume(read_org(old, org).role_of(login) is None)
    added = add_member(old, login, org=org, path=name)
    removed, inserted = changed(old, added.new_text)
    assert removed == [] and len(inserted) == 1
    assert remove_member(added.new_text, login, org=org, path=name).new_text == old
