"""Property tests of the configuration readers (issue 8: "the `ladder.yml` and ladder-file loaders … no
traceback, no hang"): `check_config_text`, `read_ladder` and the `check-config` command never raise,
finish within a deadline, and every line they report is a line of the file.

Inputs: arbitrary text; YAML-ish documents built from strategies (mappings, lists, scalars, deep nesting,
anchors and aliases, tabs, odd unicode, huge numbers); mutated copies of the real ladder files and of the
documented `ladder.yml`."""

from __future__ import annotations

import argparse
import contextlib
import io
import string
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.cli.check_config import run as check_config
from app.config.schema import check_config_text
from ladder_rules.format import read_ladder
from ladder_rules.located_yaml import LocatedError, line_count

ROOT = Path(__file__).parent.parent
REAL_LADDERS = sorted((ROOT / "ladder_rules" / "ladders").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "fixtures" / "ladders").glob("*.yaml")
)
REAL_CONFIG = (ROOT / "tests" / "fixtures" / "config" / "ladder.yml").read_text()
SEEDS = [REAL_CONFIG] + [p.read_text() for p in REAL_LADDERS]

# A generous bound: a reader that loops or expands aliases without end takes minutes, not seconds; the
# machine is shared, so the bound is far above what one example needs (a few milliseconds).
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_located(problems: list[LocatedError], text: str, filename: str) -> None:
    last = line_count(text)
    for problem in problems:
        assert isinstance(problem, LocatedError)
        assert problem.filename == filename
        assert 1 <= problem.line <= last, (problem, last)
        assert problem.message.strip() and "\n" not in problem.message
        # never the parser's own words
        assert "expected <block end>" not in problem.message and "<stream end>" not in problem.message


def both_readers(text: str) -> None:
    assert_located(check_config_text(text, "ladder.yml"), text, "ladder.yml")
    ladder, errors = read_ladder(text, "ladder.yaml")
    assert_located(errors, text, "ladder.yaml")
    assert (ladder is None) == bool(errors)


# --- arbitrary text ------------------------------------------------------------------------------------

ODD = st.sampled_from(
    ["\t", "\r", "\r\n", "\x00", "\x85", "\u2028", "\ufeff", "\ud800", "é", "𝕏", "\u202e", "：", "﹕", "\x7f", "🙂"]
)


@FUZZ
@given(st.text(max_size=400) | st.lists(st.one_of(st.text(max_size=20), ODD), max_size=40).map("".join))
def test_any_text(text):
    both_readers(text)


# --- YAML-ish documents --------------------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "ladder",
        "levels",
        "member",
        "reviewer",
        "requires",
        "cohorts",
        "mentees",
        "mentors",
        "target",
        "start",
        "end",
        "scope",
        "sponsors",
        "level",
        "roster",
        "kind",
        "timezone",
        "capacity",
        "grace_period",
        "nominate",
        "nominate_limit",
        "_extends",
        "merged_prs",
        "any",
        "of",
        "at_least",
        "tenure",
        "window",
        "source",
        "<<",
        "?",
        "",
    ]
) | st.text(alphabet=string.ascii_letters + "_-@é\t ", min_size=1, max_size=12)

SCALARS = st.one_of(
    st.sampled_from(
        [
            "kubernetes",
            "kubernetez",
            "reviewer",
            "aprover",
            "2026-09-01",
            "2026-13-45",
            "3 months",
            "30 days",
            "Europe/Berlin",
            "../../etc/passwd",
            "file",
            "yes",
            "~",
            "null",
            "true",
            "!!binary aGk=",
            "!!python/object:os.system",
            "*a",
            "&a x",
            "'",
            '"',
            "[",
            "{",
            "|",
            ">",
            "- x",
            ": x",
            "@alice",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.just("9" * 5000),  # more digits than int() converts by default
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=15),
    ODD,
)


def render(value, indent: int, anchors: list[str]) -> list[str]:
    """Block-style YAML lines for a nested value (tuples are mappings, lists are lists)."""
    pad = " " * indent
    if isinstance(value, tuple):
        lines = []
        for key, child in value:
            if isinstance(child, (tuple, list)) and child:
                lines.append(f"{pad}{key}:")
                lines += render(child, indent + 2, anchors)
            else:
                lines.append(f"{pad}{key}: {child if not isinstance(child, (tuple, list)) else '{}'}")
        return lines
    if isinstance(value, list):
        lines = []
        for child in value:
            inner = render(child, indent + 2, anchors) if isinstance(child, (tuple, list)) and child else None
            if inner:
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {child if not isinstance(child, (tuple, list)) else '[]'}")
        return lines
    return [f"{pad}{value}"]


values = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.lists(st.tuples(KEYS, children), max_size=4).map(tuple),
    max_leaves=25,
)


@st.composite
def yamlish(draw) -> str:
    doc = draw(st.lists(st.tuples(KEYS, values), min_size=1, max_size=6).map(tuple))
    lines = render(doc, 0, [])
    how = draw(st.sampled_from(["plain", "anchors", "laughs", "deep", "flow", "tabs"]))
    if how == "anchors":  # anchors and aliases in random places, some undefined
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] += draw(st.sampled_from([" &a", " *a", " &b [*a, *a]", " *b", " &a {x: *a}"]))
    elif how == "laughs":  # aliases that expand exponentially
        n = draw(st.integers(2, 12))
        lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
        lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(n)]
        lines += [f"ladder: *{chr(97 + n)}", f"levels: {{member: {{requires: *{chr(97 + n)}}}}}"]
    elif how == "deep":
        depth = draw(st.sampled_from([10, 49, 51, 60, 200, 2000]))
        lines.append("cohorts: " + "[" * depth + "x" + "]" * depth)
        lines.append("levels:")
        lines += [" " * (2 * (i + 1)) + f"k{i}:" for i in range(min(depth, 300))]
    elif how == "flow":
        lines = ["{" + ", ".join(f"{k}: {draw(SCALARS)}" for k in ("ladder", "levels", "cohorts")) + "}"]
    elif how == "tabs":
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = "\t" + lines[i]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n", "\r\n"]))


@FUZZ
@given(yamlish())
def test_yamlish_documents(text):
    both_readers(text)


# --- mutated copies of the real files --------------------------------------------------------------------

NOISE = st.sampled_from(
    ["", ":", "- ", "  ", "{", "}", "[", "]", "'", '"', "#", "&a ", "*a", "!!str ", "\t", "@", "\x00", "é", "%", "|"]
)


@st.composite
def mutated(draw) -> str:
    lines = draw(st.sampled_from(SEEDS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        how = draw(st.sampled_from(["delete", "duplicate", "insert", "value", "indent", "swap", "unicode"]))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, line)
        elif how == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(NOISE) + line[at:]
        elif how == "value" and ":" in line:
            lines[i] = f"{line.split(':', 1)[0]}: {draw(SCALARS)}\n"
        elif how == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t", "      "])) + line.lstrip(" ")
        elif how == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(ODD) + line[at:]
    return "".join(lines)


@FUZZ
@given(mutated())
def test_mutated_real_files(text):
    both_readers(text)


# --- the command ------------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=60)
@given(st.one_of(mutated(), yamlish(), st.text(max_size=200)))
# Found by this test: a U+2028 LINE SEPARATOR (a line break to Python and many editors, not to YAML) in a
# ladder's name, which the OK line quotes, and in an unknown key, which the error quotes.
@example(
    text=(ROOT / "ladder_rules" / "ladders" / "istio.yaml").read_text().replace("ladder: istio", "ladder: i\u2028stio")
)
@example(text=REAL_CONFIG.replace("ladder: kubernetes", "l\u2028adder: kubernetes"))
def test_the_check_config_command(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "ladder.yml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = check_config(argparse.Namespace(path=str(path), database=None, org=None))
    assert code in (0, 1) and err.getvalue() == ""
    lines = out.getvalue().splitlines()
    if code == 0:
        assert lines[-1].startswith(f"{path}: OK (")
        lines = lines[:-1]
    else:
        assert lines
    last = line_count(text)
    for line in lines:
        assert line.startswith(f"{path}:")
        number = line[len(f"{path}:") :].split(":", 1)[0]
        assert number.isdigit() and 1 <= int(number) <= last, (line, last)
