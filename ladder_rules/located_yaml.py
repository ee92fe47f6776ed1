"""YAML that remembers where each value was written, and the readers both of Ladder's files share.

`ladder.yml` (app/config/schema.py) and ladder files (ladder_rules/format.py) are read the same way:

    doc, problems = compose(text, filename)     # Node tree, or one syntax error in plain words
    reader = Reader(filename)
    reader.check_keys(doc, ("ladder", "levels"), "the ladder")   # unknown keys, with "did you mean"
    days = reader.integer(doc.value["days"], "`days`", minimum=1)  # MISSING after reporting a problem
    reader.problems                              # every LocatedError found, errors and warnings

Pure: no network, no database, no files. The YAML is composed into nodes, never constructed into Python
objects, so every value keeps its 1-based line, and a value YAML would refuse to construct (a 13th month,
a tag) becomes an error at its line instead of an exception. Anchors and aliases are expanded with a
budget, so a small file cannot expand into billions of values ("billion laughs").

Lines are counted as an editor counts them: `\\n`, `\\r\\n` and a lone `\\r` each end a line.
"""

from __future__ import annotations

import bisect
import difflib
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import nodes as yaml_nodes

MAX_DEPTH = 50  # deeper than any of Ladder's files needs; guards the readers' recursion
MAX_FLOW_DEPTH = 100  # `[[[…` deeper than this is refused before parsing: ruamel's cost grows as its square
MAX_VALUES = 100_000  # values after expanding aliases; the largest real file has a few hundred
MAX_TEXT = 400  # characters shown of a value in a message
# Every character Python's str.splitlines() (and many terminals and editors) breaks a line at.
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with every line break a space: a file's value quoted in a message never splits the message."""
    return LINE_BREAKS.sub(" ", text)


class LocatedError(Exception):
    """A file is wrong at `line` (1-based) of `filename`, for the reason in `message` (one sentence);
    a warning when `warning` is set (reported, but it does not stop the file from being used)."""

    def __init__(self, filename: str, line: int, message: str, *, warning: bool = False):
        self.filename = filename
        self.line = line
        self.message = one_line(message)  # one problem, one line, whatever the file's text it quotes
        self.warning = warning
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.filename!r}, {self.line}, {self.message!r}, warning={self.warning})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocatedError) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (self.filename, self.line, self.message, self.warning)

    def to_dict(self) -> dict:
        return {"file": self.filename, "line": self.line, "message": self.message, "warning": self.warning}

    @classmethod
    def from_dict(cls, data: Mapping) -> LocatedError:
        return cls(data["file"], data["line"], data["message"], warning=data.get("warning", False))


def sort_problems(problems: Iterable[LocatedError]) -> list[LocatedError]:
    """By file, then line; at one line errors before warnings; each problem once."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.filename, p.line, p.warning))


# --- the node tree -------------------------------------------------------------------------------------


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # what a reader returns after it has reported a problem


@dataclass(slots=True)
class Node:
    """A YAML value and the line it starts on. A mapping holds {key: Node} and each key's line.

    `kind` is one of str int float bool null timestamp map seq other; timestamps stay text."""

    value: Any
    line: int
    kind: str
    key_lines: dict[str, int] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if self.kind == "map" else None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def line_count(text: str) -> int:
    """How many lines an editor shows for `text` (at least 1; a final newline does not start a line)."""
    text = normalise_newlines(text)
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


class _Lines:
    """Character offset → 1-based line, clamped to the file's lines."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.last = line_count(text)
        self.rows = text.split("\n")

    def of(self, index: int) -> int:
        return min(max(1, bisect.bisect_right(self.starts, index)), self.last)

    def mark(self, mark: Any) -> int | None:
        index = getattr(mark, "index", None)
        return self.of(index) if isinstance(index, int) else None

    def row(self, line: int) -> str:
        return self.rows[line - 1] if 0 < line <= len(self.rows) else ""


def compose(text: str, filename: str) -> tuple[Node | None, list[LocatedError]]:
    """The document as `Node`s (None for an empty one), or its YAML syntax error, explained, at its line."""
    text = normalise_newlines(text)
    lines = _Lines(text)
    too_deep = _flow_too_deep(text)
    if too_deep is not None:
        line = lines.of(too_deep)
        return None, [
            LocatedError(
                filename,
                line,
                f"Line {line} nests `[` or `{{` more than {MAX_FLOW_DEPTH} levels deep, too deep to be read.",
            )
        ]
    try:
        with warnings.catch_warnings():  # a reused anchor is legal YAML; ruamel would print a warning
            warnings.simplefilter("ignore")
            root = YAML(typ="safe", pure=True).compose(text)
    except RecursionError:
        return None, [
            LocatedError(filename, 1, "The file nests lists or mappings hundreds of levels deep, too deep to be read.")
        ]
    except Exception as exc:  # ruamel's reader, scanner, parser and composer errors
        line, message = explain_syntax_error(text, exc, lines)
        return None, [LocatedError(filename, line, message)]
    if root is None:
        return None, []
    builder = _Builder(filename, lines)
    node = builder.build(root, 0, None)
    return node, builder.problems


_FLOW_CHARS = re.compile(r"[\[\]{}'\"#]")


def _flow_too_deep(text: str) -> int | None:
    """Where `[`/`{` nesting first passes MAX_FLOW_DEPTH (skipping quoted text and comments), or None.
    One pass over the text, so a hostile file costs no more than its length."""
    depth = 0
    i = 0
    while True:
        m = _FLOW_CHARS.search(text, i)
        if m is None:
            return None
        char, at = m.group(), m.start()
        before = text[at - 1] if at else "\n"
        if char in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return at
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "#" and before in " \t\n":
            end = text.find("\n", at)
            i = len(text) if end < 0 else end
            continue
        elif char in "'\"" and before in " \t\n[{,:-":  # a quote opens a scalar only where a token starts
            end = text.find(char, at + 1)
            i = len(text) if end < 0 else end + 1
            continue
        i = at + 1


class _Builder:
    def __init__(self, filename: str, lines: _Lines):
        self.filename = filename
        self.lines = lines
        self.problems: list[LocatedError] = []
        self.values = 0
        self.over_budget = False

    def error(self, line: int, message: str) -> None:
        self.problems.append(LocatedError(self.filename, line, message))

    def build(self, node: yaml_nodes.Node, depth: int, key_line: int | None) -> Node:
        line = self.lines.mark(node.start_mark) or 1
        self.values += 1
        if self.values > MAX_VALUES:
            if not self.over_budget:
                self.over_budget = True
                self.error(
                    line,
                    f"The anchors and aliases (`&name`, `*name`) of this file expand to more than {MAX_VALUES:,} "
                    f"values; write the values out instead.",
                )
            return Node(None, line, "null")
        if depth > MAX_DEPTH:
            if depth == MAX_DEPTH + 1:
                self.error(
                    line, f"Lists and mappings nest more than {MAX_DEPTH} levels deep here (a recursive alias?)."
                )
            return Node(None, line, "null")
        tag = str(node.tag)
        if isinstance(node, yaml_nodes.MappingNode):
            return self.mapping(node, line, depth)
        if isinstance(node, yaml_nodes.SequenceNode):
            return Node([self.build(item, depth + 1, None) for item in node.value], line, "seq")
        raw = str(node.value)
        if raw == "" and key_line is not None:
            line = key_line  # an empty value is found at the next token, often lines later
        if tag == "tag:yaml.org,2002:str":
            return Node(raw, line, "str")
        if tag == "tag:yaml.org,2002:null":
            return Node(None, line, "null")
        if tag == "tag:yaml.org,2002:bool":
            return Node(raw.lower() == "true", line, "bool")
        if tag == "tag:yaml.org,2002:int":
            number = _int(raw)
            return Node(raw, line, "str") if number is None else Node(number, line, "int")
        if tag == "tag:yaml.org,2002:float":
            try:
                return Node(float(raw.replace("_", "")), line, "float")
            except ValueError:
                return Node(raw, line, "str")
        if tag == "tag:yaml.org,2002:timestamp":
            return Node(raw, line, "timestamp")
        self.error(line, f"The YAML tag `{_clip(tag, 60)}` is not understood here; remove it.")
        return Node(raw, line, "other")

    def mapping(self, node: yaml_nodes.MappingNode, line: int, depth: int) -> Node:
        items: dict[str, Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = self.lines.mark(key_node.start_mark) or line
            if not isinstance(key_node, yaml_nodes.ScalarNode) or str(key_node.tag) == "tag:yaml.org,2002:merge":
                self.error(key_line, "Keys must be plain names (no merge keys `<<`, no lists or mappings as keys).")
                continue
            key = str(key_node.value)
            if key in items:
                self.error(
                    key_line, f"`{_clip(key)}` is given twice in the same mapping (first on line {key_lines[key]})."
                )
                continue
            items[key] = self.build(value_node, depth + 1, key_line)
            key_lines[key] = key_line
        return Node(items, line, "map", key_lines)


def _int(raw: str) -> int | None:
    text = raw.replace("_", "")
    if len(text) > 100:  # no count, issue number or day is this long (and int() of 5,000 digits refuses)
        return None
    for base in (0, 10):  # 0x10, 0o17 and 017 (YAML 1.2 reads the last as 17)
        try:
            return int(text, base)
        except ValueError:
            continue
    return None


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(node: Node) -> str:
    """A value as the user wrote it, for messages."""
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    if node.kind == "null":
        return "nothing"
    if node.kind == "bool":
        return "true" if node.value else "false"
    shown = _clip(str(node.value), 60)
    return repr(shown) if node.kind in ("str", "other") else shown


# --- YAML syntax errors, in a maintainer's words ---------------------------------------------------------

_GENERIC = (
    "Line {n} cannot be read as YAML; check its indentation, the `:` after each key, the `- ` before each "
    "list item, and that every quote and bracket is closed."
)


def explain_syntax_error(text: str, exc: Exception, lines: _Lines | None = None) -> tuple[int, str]:
    """(line, sentence) for a ruamel error: the line the person must change, said without the parser's words."""
    lines = lines or _Lines(text)
    position = getattr(exc, "position", None)
    if getattr(exc, "problem_mark", None) is None and isinstance(position, int):  # a character YAML forbids
        line = lines.of(position)
        char = getattr(exc, "character", None)
        code = ord(char) if isinstance(char, str) and len(char) == 1 else char if isinstance(char, int) else None
        name = f"U+{code:04X}" if code is not None else "a control character"
        return line, f"Line {line} contains the character {name}, which a YAML file may not hold; remove it."
    problem = str(getattr(exc, "problem", None) or "")
    context = str(getattr(exc, "context", None) or "")
    pmark, cmark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    n = lines.mark(pmark) or lines.mark(cmark) or 1
    c = lines.mark(cmark) or n
    column = getattr(pmark, "column", 0) or 0
    row = lines.row(n)
    indent_text = row[: len(row) - len(row.lstrip(" \t"))]
    if "\t" in indent_text:
        return n, f"Line {n} is indented with a tab; YAML indents with spaces only."
    if row.lstrip().startswith("%"):
        return n, f"Line {n} starts with `%`, which YAML reads as a directive; remove it, or put the value in quotes."
    if "'\\t'" in problem:
        return n, f"Line {n} has a tab where YAML expects a space; use spaces (or put the value in quotes)."
    if "cannot start any token" in problem:
        found = re.search(r"found character '(.+)' that cannot", problem)
        char = found.group(1) if found else "?"
        shown = "a backtick" if char == "`" else f"`{char}`"
        if char == "@":
            return n, (
                f"Line {n}: a value cannot start with `@` in YAML; write logins without it, or put the value in quotes."
            )
        return n, f"Line {n}: a value cannot start with {shown} in YAML; put the value in quotes."
    if "could not find expected ':'" in problem:
        return c, f"A `:` is missing after the key on line {c} (`{_clip(lines.row(c).strip(), 60)}`)."
    if "mapping values are not allowed" in problem:
        return _mapping_value_here(lines, n, column)
    if "quoted scalar" in context and "end of stream" in problem:
        quote = lines.row(c)[getattr(cmark, "column", 0) : getattr(cmark, "column", 0) + 1] or "'"
        return c, f"The quote `{quote}` opened on line {c} is never closed."
    if "flow sequence" in context or "flow mapping" in context:
        opener, closer = ("[", "]") if "sequence" in context else ("{", "}")
        if n == c and "got ':'" in problem:
            return n, (
                f"Line {n} has a `:` inside `{opener}…{closer}` that YAML cannot read; put a value holding `: ` "
                f"in quotes."
            )
        got = re.search(r"got '(.+)'", problem)
        token = got.group(1) if got else ""
        if n == c and token not in ("<stream end>", ""):
            return n, f"Line {n}: a `{_clip(token, 20)}` comes before the `{opener}` is closed with `{closer}`."
        return c, f"The `{opener}` opened on line {c} is not closed; close it with `{closer}` on that line."
    if "found undefined alias" in problem:
        name = re.search(r"alias '(.*)'", problem)
        alias = name.group(1) if name else ""
        return n, (
            f"`*{_clip(alias, 40)}` on line {n} refers to an anchor `&{_clip(alias, 40)}` that is not defined before "
            f"it; put the value in quotes if the `*` is meant as text."
        )
    if "single document" in context:
        return n, f"Line {n} starts a second YAML document (`---` or `...`); a file of Ladder's holds one."
    if "expected <block end>" in problem:
        if "'<scalar>'" in problem:
            return _text_after_quote(lines, n, column)
        return _indentation(lines, n)
    if "expected the node content" in problem:
        found = re.search(r"found '(.+)'", problem)
        token = found.group(1) if found else ""
        if token == "<stream end>":
            opened = max(lines.text.rfind("["), lines.text.rfind("{"))
            if opened >= 0:
                line = lines.of(opened)
                return line, f"The `{lines.text[opened]}` opened on line {line} is never closed."
            return n, f"The file ends at line {n} where a value is expected."
        return n, f"Line {n} has a `{token}` where a value is expected; put the value in quotes if it is text."
    if "unknown escape character" in problem:
        return n, (
            f"Line {n} has a `\\` escape double quotes do not know; use single quotes for text with backslashes."
        )
    if "block scalar" in context:
        return n, (f"Line {n}: after `|` or `>` only `-`, `+` or a digit may follow; start the text on the next line.")
    if "anchor" in context or "alias" in context:
        return n, f"Line {n}: `&` and `*` must be followed by a name (or put the value in quotes)."
    if "mapping keys are not allowed" in problem:
        return n, f"Line {n}: a value cannot start with `? ` in YAML; put the value in quotes."
    return n, _GENERIC.format(n=n)


def _previous_content_line(lines: _Lines, n: int) -> int | None:
    for i in range(n - 1, 0, -1):
        stripped = lines.row(i).strip()
        if stripped and not stripped.startswith("#"):
            return i
    return None


def _key_column(row: str) -> int:
    """Where a line's key starts: after its indentation and any `- ` list markers."""
    m = re.match(r"^((?:\s*-\s+)*)\s*", row)
    return m.end() if m else 0


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


def _has_key(row: str) -> bool:
    """The line holds `key:` (ignoring text in quotes and comments)."""
    plain = re.sub(r"'[^']*'|\"[^\"]*\"", "''", row.split(" #", 1)[0])
    plain = plain[_key_column(plain) :]
    return bool(re.search(r":(\s|$)", plain)) or plain.startswith(("[", "{", "|", ">"))


def _mapping_value_here(lines: _Lines, n: int, column: int) -> tuple[int, str]:
    row = lines.row(n)
    if _has_key(row[:column]):
        return n, (f"Line {n} has a second `: ` in one value; put the value in quotes if the colon belongs to it.")
    p = _previous_content_line(lines, n)
    if p is not None and not _has_key(lines.row(p)):
        return p, f"A `:` is missing after the key on line {p} (`{_clip(lines.row(p).strip(), 60)}`)."
    return _indentation(lines, n)


def _indentation(lines: _Lines, n: int) -> tuple[int, str]:
    p = _previous_content_line(lines, n)
    here = _key_column(lines.row(n))
    if p is None:
        return n, f"Line {n} is indented differently from the lines around it."
    above = _key_column(lines.row(p))
    if lines.row(n).lstrip().startswith("- ") and not lines.row(p).lstrip().startswith("- "):
        return n, (
            f"Line {n} starts a list item (`- `) that does not line up with the lines above it: a list is the value "
            f"of a key, indented under it."
        )
    if here == above:
        return n, f"Line {n} is indented differently from the lines above it; the keys of one mapping line up."
    return n, (
        f"Line {n} is indented differently from the lines above it ({_spaces(here)} where line {p} has {above}); "
        f"the keys of one mapping start in the same column."
    )


def _text_after_quote(lines: _Lines, n: int, column: int) -> tuple[int, str]:
    before = lines.row(n)[:column].rstrip()
    if before.endswith(("'", '"')):
        quote = before[-1]
        closing = lines.starts[n - 1] + len(before) - 1
        opening = lines.text.rfind(quote, 0, closing)
        if opening >= 0 and lines.of(opening) < n:
            return lines.of(opening), (
                f"The quote `{quote}` opened on line {lines.of(opening)} is not closed on that line (YAML reads on "
                f"to the `{quote}` on line {n})."
            )
        return n, f"Line {n} has text after a quoted value; put the whole value inside the quotes."
    return _indentation(lines, n)


# --- spelling help --------------------------------------------------------------------------------------


def _norm(word: str) -> str:
    return word.lower().replace("-", "").replace("_", "").replace(" ", "")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` was probably meant to be: the same ignoring case, `-`, `_` and spaces; one or two
    letters off; or the start of exactly one choice."""
    options = [c for c in dict.fromkeys(choices) if c != word]
    if not options or not isinstance(word, str) or not word.strip() or len(word) > 100:
        return None
    for option in options:
        if _norm(option) == _norm(word):
            return option
    close = difflib.get_close_matches(word.lower(), [o.lower() for o in options], n=1, cutoff=0.75)
    if close:
        return next(o for o in options if o.lower() == close[0])
    if len(word) >= 4:
        starting = [o for o in options if o.lower().startswith(word.lower()) or word.lower().startswith(o.lower())]
        if len(starting) == 1:
            return starting[0]
    return None


def hint(word: str, choices: Iterable[str]) -> str:
    """ " Did you mean `x`?" or nothing."""
    close = did_you_mean(word, choices)
    return f" Did you mean `{close}`?" if close else ""


def listing(words: Sequence[str], conjunction: str = "and") -> str:
    """`a`, `b` and `c`."""
    quoted = [f"`{w}`" for w in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


# --- durations ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    """A span written as "3 months", "1 year", "2 weeks" or "5 days" (weeks are kept as days)."""

    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        if self.months:
            if self.months % 12 == 0:
                years = self.months // 12
                return f"{years} year" + ("s" if years != 1 else "")
            return f"{self.months} month" + ("s" if self.months != 1 else "")
        return f"{self.days} day" + ("s" if self.days != 1 else "")


_DURATION = re.compile(r"(\d{1,6}) ?(day|week|month|year)s?", re.I)


def parse_duration(text: str) -> Duration | None:
    """ "30 days", "2 weeks", "1 month", "3 months", "1 year" → Duration; None for anything else."""
    m = _DURATION.fullmatch(" ".join(text.split())) if isinstance(text, str) and len(text) < 40 else None
    if m is None:
        return None
    n, unit = int(m.group(1)), m.group(2).lower()
    if unit == "year":
        return Duration(months=12 * n)
    if unit == "month":
        return Duration(months=n)
    return Duration(days=7 * n if unit == "week" else n)


# --- the readers ----------------------------------------------------------------------------------------


class Reader:
    """Typed readers over `Node`s. Each reports a problem at the value's line and returns MISSING, or
    returns the value; every problem is kept in `problems`, so one pass reports all of them."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[LocatedError] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(LocatedError(self.filename, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(LocatedError(self.filename, line, message, warning=True))

    def error_count(self) -> int:
        return sum(1 for p in self.problems if not p.warning)

    def check_keys(self, node: Node, allowed: Sequence[str], where: str) -> None:
        """Every key of mapping `node` must be in `allowed`; an unknown one gets a "did you mean"."""
        for key, line in node.key_lines.items():
            if key in allowed:
                continue
            if not key.strip():
                self.error(line, f"A key is missing before the `:` in {where}.")
                continue
            self.error(
                line,
                f"Unknown key `{_clip(key, 80)}` in {where}.{hint(key, allowed)} Known keys: {', '.join(allowed)}.",
            )

    def text(self, node: Node, what: str) -> Any:
        if node.kind not in ("str", "int") or not str(node.value).strip():
            self.error(node.line, f"{what} must be a text, not {show(node)}.")
            return MISSING
        return str(node.value).strip()

    def boolean(self, node: Node, what: str) -> Any:
        if node.kind != "bool":
            self.error(node.line, f"{what} must be true or false, not {show(node)}.")
            return MISSING
        return node.value

    def integer(self, node: Node, what: str, minimum: int = 0, maximum: int | None = None) -> Any:
        ok = node.kind == "int" and node.value >= minimum and (maximum is None or node.value <= maximum)
        if not ok:
            bound = f"of at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
            self.error(node.line, f"{what} must be a whole number {bound}, not {show(node)}.")
            return MISSING
        return node.value

    def number(self, node: Node, what: str, low: float, high: float) -> Any:
        """A number strictly between `low` and `high`."""
        if node.kind not in ("int", "float") or not low < node.value < high:
            self.error(node.line, f"{what} must be a number between {low:g} and {high:g}, not {show(node)}.")
            return MISSING
        return float(node.value)

    def choice(self, node: Node, what: str, choices: Sequence[str]) -> Any:
        if node.kind == "str" and node.value.strip().lower() in choices:
            return node.value.strip().lower()
        close = hint(str(node.value), choices) if node.kind == "str" else ""
        self.error(node.line, f"{what} must be one of {', '.join(choices)}, not {show(node)}.{close}")
        return MISSING

    def day(self, node: Node, what: str) -> Any:
        if node.kind in ("timestamp", "str") and len(str(node.value)) < 40:
            text = str(node.value).strip()
            try:
                return date.fromisoformat(text)
            except ValueError:
                try:
                    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
                except ValueError:
                    pass
        self.error(node.line, f"{what} must be a date written YYYY-MM-DD (e.g. 2026-09-01), not {show(node)}.")
        return MISSING

    def duration(self, node: Node, what: str) -> Any:
        value = parse_duration(node.value) if node.kind == "str" else None
        if value is None:
            self.error(
                node.line,
                f'{what} must be a duration such as "30 days", "2 weeks", "3 months" or "1 year", not {show(node)}.',
            )
            return MISSING
        return value

    def texts(self, node: Node, what: str, *, non_empty: bool = False) -> Any:
        """A list of texts (a single text is a list of one)."""
        if node.kind in ("str", "int") and str(node.value).strip():
            return (str(node.value).strip(),)
        if node.kind != "seq" or (non_empty and not node.value):
            need = "a text or a non-empty list of texts" if non_empty else "a list of texts"
            self.error(node.line, f"{what} must be {need}, not {show(node)}.")
            return MISSING
        out = [self.text(item, f"Each item of {what}") for item in node.value]
        return tuple(out) if MISSING not in out else MISSING

    def mapping(self, node: Node, what: str, shape: str = "") -> bool:
        """Report and return False unless `node` is a mapping (`shape` says what it should hold)."""
        if node.kind == "map":
            return True
        self.error(node.line, f"{what} must be a mapping{shape}, not {show(node)}.")
        return False

    def sequence(self, node: Node, what: str, shape: str = "", *, non_empty: bool = False) -> bool:
        if node.kind == "seq" and (node.value or not non_empty):
            return True
        kind = "a non-empty list" if non_empty else "a list"
        self.error(node.line, f"{what} must be {kind}{shape}, not {show(node)}.")
        return False
