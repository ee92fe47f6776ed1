"""CODEOWNERS files, read and edited the way GitHub reads them.

    file = parse_codeowners(text, ".github/CODEOWNERS")
    rule = file.owners_for("receiver/foo/config.go")      # the LAST matching line wins
    rule.users, rule.teams                                 # ("alice",), ("open-telemetry/approvers",)
    edit = add_owner(text, "cmd/golden/", "newperson")     # one line changes, every other byte kept

GitHub's rules (docs.github.com, "About code owners"):

- The file used is the first of ``.github/CODEOWNERS``, ``CODEOWNERS``, ``docs/CODEOWNERS``; a file over
  3 MB is not loaded.
- Each line is a pattern followed by owners: ``@user``, ``@org/team`` or an e-mail address. ``#`` at the
  start of a line, or at the start of a word after the pattern, begins a comment. A pattern with no owners
  is valid: the files it matches have no code owner. A line GitHub cannot read is skipped (we keep a
  warning), the rest of the file still applies.
- Patterns follow most ``.gitignore`` rules: ``*.js`` at any depth; ``/docs/`` anchored at the root;
  ``docs/`` (one name and a trailing slash) a ``docs`` folder at any depth; ``docs/*`` the files directly in
  ``docs`` only; ``**`` any number of folders; ``\\`` escapes the next character (``\\ `` a space in a
  name). What GitHub documents as not working is skipped with a warning: ``!`` negation, ``[ ]`` ranges,
  and escaping a leading ``#`` (``\\#file``).
- Paths are case sensitive; logins and team names are not.

Generated files (first line ``# Code generated … DO NOT EDIT.``, as in opentelemetry-collector-contrib,
which generates it with githubgen from each component's ``metadata.yaml``) are read but never edited.
Pattern expressions are compiled with RE2 (patterns come from repositories: no backtracking blow-ups).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Container

import re2

from ladder_rules.yaml_lines import Edit

# Where GitHub looks, in order; the first file found is the one it uses.
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_CHARS = 3 * 1024 * 1024  # GitHub does not load a CODEOWNERS file of 3 MB or more

_USER = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_-]*)\Z")
_TEAM = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_-]*/[A-Za-z0-9_][A-Za-z0-9_.-]*)\Z")
_EMAIL = re.compile(r"[^@\s#]+@[^@\s#]+\.[^@\s#]+\Z")
# A login Ladder writes: GitHub's own alphabet (letters, digits, hyphens; "_" for managed users).
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})\Z")
_GENERATED = re.compile(r"\ufeff?#\s*Code generated\b(?P<what>.*?)\s*\bDO NOT EDIT\b\.?\s*\Z")
_GENERATOR = re.compile(r"\s*by\s+(?P<tool>\S+?)[.,;:]?\s*\Z")
_BLANKS = " \t"


class CodeownersError(ValueError):
    """A CODEOWNERS file that cannot be read or edited: which file, which line, and why."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        where = path if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {message}")


class Refusal(enum.Enum):
    """Why an edit of CODEOWNERS is not made (the service words its reply by this)."""

    GENERATED = "generated"  # the file says DO NOT EDIT: its source is elsewhere
    TEAM_LINE = "team line"  # only teams own the line: a team maintainer changes the team
    NO_FILE = "no file"
    NO_LINE = "no line"  # no line for that pattern
    NOT_LISTED = "not listed"  # removing someone the line does not name
    LAST_OWNER = "last owner"  # removing them would leave the line with no owner at all
    NOT_A_LOGIN = "not a login"


class CodeownersEditError(CodeownersError):
    """An edit Ladder will not make; ``reason`` says which kind, ``teams`` the teams of a team line."""

    def __init__(self, path: str, line: int | None, message: str, reason: Refusal, teams: tuple[str, ...] = ()):
        super().__init__(path, line, message)
        self.reason = reason
        self.teams = teams


class OwnerKind(enum.Enum):
    USER = "user"
    TEAM = "team"
    EMAIL = "email"


@dataclass(frozen=True)
class Owner:
    """One owner as the file writes it (``@Erog38``, ``@open-telemetry/approvers``, ``a@b.org``)."""

    text: str
    kind: OwnerKind

    @property
    def name(self) -> str:
        """The login or ``org/team`` without its ``@`` (an e-mail as written)."""
        return self.text[1:] if self.kind is not OwnerKind.EMAIL else self.text

    @property
    def key(self) -> str:
        """The compared form: GitHub logins, team names and e-mail addresses ignore case."""
        return self.name.lower()


@dataclass(frozen=True)
class Rule:
    """One line of CODEOWNERS GitHub reads: its pattern as written and its owners in file order."""

    line: int  # 1-based
    pattern: str
    owners: tuple[Owner, ...] = ()

    @property
    def users(self) -> tuple[str, ...]:
        """The logins of the line, as written, without ``@``."""
        return tuple(owner.name for owner in self.owners if owner.kind is OwnerKind.USER)

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams of the line as ``org/team``."""
        return tuple(owner.name for owner in self.owners if owner.kind is OwnerKind.TEAM)

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(owner.name for owner in self.owners if owner.kind is OwnerKind.EMAIL)

    def matches(self, path: str) -> bool:
        """True when the file at ``path`` (relative to the repository root) matches this line's pattern."""
        return pattern_matches(self.pattern, path)

    def owns(self, login: str) -> bool:
        """True when ``login`` is named on the line itself (not through a team)."""
        key = login.removeprefix("@").lower()
        return any(owner.kind is OwnerKind.USER and owner.key == key for owner in self.owners)


@dataclass(frozen=True)
class CodeownersFile:
    """A parsed CODEOWNERS file: its rules in file order, and whether it is generated."""

    path: str
    rules: tuple[Rule, ...] = ()
    generated: str | None = None  # the "Code generated … DO NOT EDIT." first line, when there is one
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def generator(self) -> str | None:
        """The tool a generated file names (``githubgen``), else None."""
        return generator_of(self.generated)

    def owners_for(self, path: str) -> Rule | None:
        """The rule that decides who owns ``path``: the LAST line whose pattern matches (None: no owner)."""
        path = path.lstrip("/")
        for rule in reversed(self.rules):
            if rule.matches(path):
                return rule
        return None

    def rule_for(self, pattern: str) -> Rule | None:
        """The last line written with exactly ``pattern`` (the one that counts when it is repeated)."""
        for rule in reversed(self.rules):
            if rule.pattern == pattern:
                return rule
        return None

    def rule_for_folder(self, folder: str) -> Rule | None:
        """The line that names ``folder`` itself ("" for the repository): the roster of that scope.

        ``cmd/golden`` is named by ``cmd/golden/``, ``/cmd/golden/``, ``cmd/golden``, ``cmd/golden/**``
        (and the same with a leading ``/``); the repository by ``*``, ``**`` or ``/**``. The last such line
        counts, as GitHub reads it.
        """
        folder = folder.strip("/")
        if folder:
            names = {f"{lead}{folder}{tail}" for lead in ("", "/") for tail in ("", "/", "/**")}
        else:
            names = {"*", "**", "/**"}
        for rule in reversed(self.rules):
            if rule.pattern in names:
                return rule
        return None


def codeowners_path(present: Container[str]) -> str | None:
    """The CODEOWNERS file GitHub uses, given the paths that exist in the repository (None: none)."""
    return next((path for path in CODEOWNERS_PATHS if path in present), None)


def generated_header(text: str) -> str | None:
    """The file's first line when it says it is generated (``# Code generated by X. DO NOT EDIT.``)."""
    first = text.split("\n", 1)[0].rstrip("\r")
    return first.lstrip("\ufeff") if _GENERATED.match(first) else None


def generator_of(header: str | None) -> str | None:
    match = _GENERATED.match(header) if header else None
    tool = _GENERATOR.match(match.group("what")) if match else None
    return tool.group("tool") if tool else None


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    start: int  # offsets into the whole text
    end: int
    text: str


@dataclass(frozen=True)
class _Line:
    """One line that GitHub reads as a rule, with where each part sits in the text (for editing)."""

    number: int  # 1-based
    start: int  # offset of the line's first character
    pattern: _Token
    owners: tuple[_Token, ...]
    rule: Rule


def _lines(text: str):
    """(1-based number, start offset, content without its line ending) for every line of ``text``."""
    start = 0
    number = 0
    while start < len(text):
        number += 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        content_end = end - 1 if end > start and text[end - 1] == "\r" else end
        yield number, start, text[start:content_end]
        start = end + 1


def _split(content: str, offset: int) -> tuple[_Token, list[_Token]] | None:
    """The pattern and owner words of a line (``#`` at a word's start ends them); None: nothing there."""
    index = 0
    while index < len(content) and content[index] in _BLANKS:
        index += 1
    if index == len(content) or content[index] == "#":
        return None
    begin = index
    while index < len(content) and content[index] not in _BLANKS:
        index += 2 if content[index] == "\\" else 1  # "\ " keeps a space inside the pattern
    index = min(index, len(content))
    pattern = _Token(offset + begin, offset + index, content[begin:index])
    words: list[_Token] = []
    while True:
        while index < len(content) and content[index] in _BLANKS:
            index += 1
        if index == len(content) or content[index] == "#":
            return pattern, words
        begin = index
        while index < len(content) and content[index] not in _BLANKS:
            index += 1
        words.append(_Token(offset + begin, offset + index, content[begin:index]))


def _owner(word: str) -> Owner | None:
    if _TEAM.match(word):
        return Owner(word, OwnerKind.TEAM)
    if _USER.match(word):
        return Owner(word, OwnerKind.USER)
    if _EMAIL.match(word):
        return Owner(word, OwnerKind.EMAIL)
    return None


def _pattern_problem(pattern: str) -> str | None:
    """Why GitHub does not read ``pattern``, or None when it does."""
    if pattern.startswith("\\#"):
        return "GitHub does not support escaping a leading # (the line is not read as a pattern)"
    if pattern.startswith("!"):
        return "GitHub does not support ! to negate a pattern"
    escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[]":
            return "GitHub does not support [ ] character ranges"
    if escaped:
        return "the pattern ends with a lone backslash"
    if _compiled(pattern) is False:
        return "the pattern cannot be read"
    return None


def _scan(text: str, path: str) -> tuple[list[_Line], list[str]]:
    if len(text) >= MAX_CHARS:
        raise CodeownersError(path, None, "the file is 3 MB or larger, so GitHub does not load it.")
    lines: list[_Line] = []
    warnings: list[str] = []
    for number, start, content in _lines(text):
        split = _split(content, start)
        if split is None:
            continue
        pattern, words = split
        problem = _pattern_problem(pattern.text)
        owners = [_owner(word.text) for word in words]
        bad = [word.text for word, owner in zip(words, owners) if owner is None]
        if problem is None and bad:
            problem = f"{bad[0]!r} is not an owner (@user, @org/team or an e-mail address)"
        if problem is not None:
            warnings.append(f"{path}, line {number}: {problem}; GitHub skips this line.")
            continue
        rule = Rule(number, pattern.text, tuple(owner for owner in owners if owner is not None))
        lines.append(_Line(number, start, pattern, tuple(words), rule))
    return lines, warnings


def parse_codeowners(text: str, path: str = CODEOWNERS_PATHS[0]) -> CodeownersFile:
    """Parse a CODEOWNERS file. Lines GitHub would skip become warnings; CodeownersError only for a file
    GitHub would not load at all (3 MB or more)."""
    lines, warnings = _scan(text, path)
    return CodeownersFile(path, tuple(line.rule for line in lines), generated_header(text), tuple(warnings))


# --- patterns ------------------------------------------------------------------------------------


def _glob(segment: str) -> str:
    """One path segment of a pattern as a regular expression: ``*`` and ``?`` stay inside the segment."""
    out = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "\\" and index + 1 < len(segment):
            out.append(re.escape(segment[index + 1]))
            index += 2
            continue
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        index += 1
    return "".join(out)


def pattern_regex(pattern: str) -> str | None:
    """The regular expression (matched against the whole path) of a CODEOWNERS pattern; None: nothing.

    A pattern names a file or a folder and everything in it, except that a last segment of just ``*``
    stays one level deep (GitHub: ``docs/*`` does not own ``docs/build-app/x.md``) and a trailing ``/``
    names folders only. A pattern without a ``/`` except a trailing one matches at any depth.
    """
    anchored = pattern.startswith("/")
    body = pattern[1:] if anchored else pattern
    folder_only = body.endswith("/")
    body = body.rstrip("/")
    if not body:
        return None  # "/" names no file
    segments = body.split("/")
    out = [r"\A"]
    if not anchored and len(segments) == 1 and segments[0] != "**":
        out.append("(?:.*/)?")
    for index, segment in enumerate(segments):
        first, last = index == 0, index == len(segments) - 1
        if segment == "**":
            if first and last:
                out.append(".*")
            elif first:
                out.append("(?:.*/)?")
            elif last:
                out.append("/.*")
            else:
                out.append("(?:/.*)?")
            continue
        if index > 0 and not (index == 1 and segments[0] == "**"):  # a leading "**" already ends with "/"
            out.append("/")
        out.append(_glob(segment))
    tail = segments[-1]
    if tail == "**":
        pass
    elif folder_only:
        out.append("/.*")
    elif tail != "*":
        out.append("(?:/.*)?")
    out.append(r"\z")
    return "".join(out)


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern from a repository is a warning, not noise on stderr


@lru_cache(maxsize=4096)
def _compiled(pattern: str):
    """The compiled expression of ``pattern``: None when it matches nothing, False when it cannot be read."""
    expression = pattern_regex(pattern)
    if expression is None:
        return None
    try:
        return re2.compile(expression, _RE2_OPTIONS)
    except (re2.error, UnicodeEncodeError):  # RE2 reads UTF-8: a lone surrogate is not text it can match
        return False


def pattern_matches(pattern: str, path: str) -> bool:
    """GitHub's test of one pattern against one repository path (case sensitive)."""
    compiled = _compiled(pattern)
    return bool(compiled) and compiled.search(path.lstrip("/")) is not None


# --- editing -------------------------------------------------------------------------------------


def _login(login: str, path: str) -> str:
    name = login.strip().removeprefix("@")
    if not _LOGIN.match(name):
        raise CodeownersEditError(
            path, None, f"{name!r} is not a GitHub login that can be written to CODEOWNERS.", Refusal.NOT_A_LOGIN
        )
    return name


def _refuse_generated(text: str, path: str) -> None:
    header = generated_header(text)
    if header is None:
        return
    tool = generator_of(header)
    made = f"generated by {tool}" if tool else "generated"
    source = "edit the source it is generated from instead"
    if tool == "githubgen":  # opentelemetry-collector-contrib: `status.codeowners` of each metadata.yaml
        source = "edit the source instead: each component's metadata.yaml (status.codeowners), then regenerate"
    raise CodeownersEditError(
        path, 1, f"the file is {made} (its first line says DO NOT EDIT): {source}.", Refusal.GENERATED
    )


def _line_for(text: str, pattern: str, path: str) -> tuple[list[_Line], _Line]:
    _refuse_generated(text, path)
    lines, _ = _scan(text, path)
    found = [line for line in lines if line.rule.pattern == pattern]
    if not found:
        raise CodeownersEditError(
            path,
            None,
            f"there is no line for `{pattern}`; add one by hand (the last matching line wins, so its place matters).",
            Refusal.NO_LINE,
        )
    return lines, found[-1]


def _team_names(teams: tuple[str, ...]) -> str:
    named = [f"`@{team}`" for team in teams]  # in backticks: a sentence Ladder posts must not notify a team
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _separator(text: str, line: _Line) -> str:
    """The blank between owners on this line (one space when it has fewer than two)."""
    if len(line.owners) >= 2:
        return text[line.owners[-2].end : line.owners[-1].start]
    return " "


def _owner_column(text: str, lines: list[_Line]) -> int | None:
    """The column most lines start their owners at (files that align owners in a column)."""
    columns = Counter(line.owners[0].start - line.start for line in lines if line.owners)
    return columns.most_common(1)[0][0] if columns else None


def add_owner(text: str, pattern: str, login: str, *, path: str = CODEOWNERS_PATHS[0]) -> Edit:
    """Add ``@login`` to the line of ``pattern`` (the last one written with exactly that pattern).

    It goes in sorted position when the line's users (two or more) are sorted case-insensitively, else
    after the line's last owner; nothing else on the line moves. Refused (CodeownersEditError): a
    generated file, no line for the pattern, a line only teams own (a team maintainer adds people there).
    """
    login = _login(login, path)
    lines, line = _line_for(text, pattern, path)
    rule = line.rule
    where = f"the line for `{pattern}` of {path}"
    if rule.owns(login):
        return Edit(path, text, text, f"{login} already owns {where}; nothing to change.", rule.line)
    if rule.teams and not rule.users and not rule.emails:
        raise CodeownersEditError(
            path,
            rule.line,
            f"{_team_names(rule.teams)} {'owns' if len(rule.teams) == 1 else 'own'} this line (`{pattern}`): "
            f"a team maintainer adds {login} to the team; CODEOWNERS itself does not change.",
            Refusal.TEAM_LINE,
            rule.teams,
        )
    written = f"@{login}"
    users = [(token, owner) for token, owner in zip(line.owners, rule.owners) if owner.kind is OwnerKind.USER]
    keys = [owner.key for _, owner in users]
    after = line.owners[-1] if line.owners else None
    if len(users) >= 2 and keys == sorted(keys):
        later = [index for index, (_, owner) in enumerate(users) if owner.key > login.lower()]
        if later:
            position = line.owners.index(users[later[0]][0])
            after = line.owners[position - 1] if position > 0 else None
            if after is None:  # first owner of the line: keep the column, push the rest right
                start = line.owners[0].start
                new_text = text[:start] + written + _separator(text, line) + text[start:]
                return _added(path, text, new_text, login, where, rule.line)
    if after is not None:
        new_text = text[: after.end] + _separator(text, line) + written + text[after.end :]
    else:  # a line with no owner yet: start them at the file's owner column when it has one
        column = _owner_column(text, lines)
        used = line.pattern.end - line.start
        gap = " " * (column - used) if column is not None and column > used else " "
        new_text = text[: line.pattern.end] + gap + written + text[line.pattern.end :]
    return _added(path, text, new_text, login, where, rule.line)


def _added(path: str, old: str, new: str, login: str, where: str, line: int) -> Edit:
    return Edit(path, old, new, f"Added {login} to {where} (line {line}).", line)


def remove_owner(text: str, pattern: str, login: str, *, path: str = CODEOWNERS_PATHS[0]) -> Edit:
    """Remove ``@login`` from the line of ``pattern``, with the blank before it (after it when first).

    Refused: a generated file, no such line, a login the line does not name, and the line's last owner
    (GitHub would then ask nobody to review those files, and the line overrides the ones above it).
    """
    login = _login(login, path)
    _, line = _line_for(text, pattern, path)
    rule = line.rule
    where = f"the line for `{pattern}` of {path}"
    index = next(
        (
            number
            for number, owner in enumerate(rule.owners)
            if owner.kind is OwnerKind.USER and owner.key == login.lower()
        ),
        None,
    )
    if index is None:
        through = f"; {_team_names(rule.teams)} may include them: a team maintainer removes them" if rule.teams else ""
        raise CodeownersEditError(
            path, rule.line, f"{login} is not named on {where}{through}.", Refusal.NOT_LISTED, rule.teams
        )
    if len(rule.owners) == 1:
        raise CodeownersEditError(
            path,
            rule.line,
            f"{login} is the only owner on {where}: without them GitHub asks nobody to review those files, "
            "and the line overrides the ones above it. Name a successor, or delete the line by hand.",
            Refusal.LAST_OWNER,
        )
    token = line.owners[index]
    if index > 0:
        start, end = line.owners[index - 1].end, token.end
    else:
        start, end = token.start, line.owners[1].start
    written = token.text[1:]  # as the file writes it, without the "@"
    return Edit(path, text, text[:start] + text[end:], f"Removed {written} from {where} (line {rule.line}).", rule.line)
