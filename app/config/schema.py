"""The organisation's `ladder.yml`: read it into an `OrgConfig`, or say where and why it is wrong.

Pure: no network, no database. The reference of every key is docs/configuration.md.

Every problem is a `ConfigError(filename, line, message)` with a 1-based line; `check_config_text` gathers
all of them (errors and warnings), `parse_config` raises the first error. Errors stop a configuration
from being used; warnings (`warning=True`) are listed but do not.

The YAML is composed into nodes rather than constructed into Python objects, so every value keeps its
line, and a value YAML would refuse to construct (a 13th month, say) becomes an error with its line
instead of an exception. A configuration spread over several files (`_extends`, see loader.py) is read
file by file with `read_parts`, merged with `merge_parts`, and finished with `build_config`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ladder_rules.builtin import builtin_ladder, builtin_names
from ladder_rules.definitions import Definitions, DefinitionsError, definitions_from_config
from ladder_rules.format import Ladder

OWNERS_PR = ("after_approval", "when_ready", "never")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_MENTEES_PER_MENTOR = 4  # Kubernetes group mentoring (DOMAIN.md §1)
TOP_KEYS = (
    "_extends",
    "ladder",
    "community_repo",
    "dry_run",
    "owners_pr",
    "review_acts_as_lgtm",
    "substantial",
    "members_since",
    "peribolos",
    "definitions",
    "cohorts",
)
COHORT_KEYS = ("name", "target", "scope", "start", "end", "mentors", "mentees", "tracking_issue", "checkin_day")
DEFINITION_KEYS = ("reviewed_requires_merged", "approved_review_counts_as_approve", "count_prs_with_unknown_paths")
# Keys whose value is a mapping merged key by key across `_extends`; every other value is replaced whole.
MERGED_KEYS = ("substantial", "members_since", "definitions")

# GitHub logins: letters, digits and single hyphens (underscores appear in Enterprise managed users).
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9_])){0,38}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_OWNER_REPO = re.compile(r"^(?:([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})/)?([A-Za-z0-9_.-]{1,100})$")
# Probot's `_extends` value: [owner/]repo[:path.yml]
EXTENDS = re.compile(
    r"^(?:(?P<owner>[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})/)?(?P<repo>[-_.\w\d]+)(?::(?P<path>[-_./\w\d]+\.ya?ml))?$",
    re.I,
)


class ConfigError(Exception):
    """`ladder.yml` is wrong at `line` (1-based) of `filename`; a warning when `warning` is set."""

    def __init__(self, filename: str, line: int, message: str, *, warning: bool = False):
        self.filename = filename
        self.line = line
        self.message = message
        self.warning = warning
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"

    def __repr__(self) -> str:
        return f"ConfigError({self.filename!r}, {self.line}, {self.message!r}, warning={self.warning})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigError) and (self.filename, self.line, self.message, self.warning) == (
            other.filename,
            other.line,
            other.message,
            other.warning,
        )

    def __hash__(self) -> int:
        return hash((self.filename, self.line, self.message, self.warning))

    def to_dict(self) -> dict:
        return {"file": self.filename, "line": self.line, "message": self.message, "warning": self.warning}

    @classmethod
    def from_dict(cls, data: Mapping) -> ConfigError:
        return cls(data["file"], data["line"], data["message"], warning=data.get("warning", False))


@dataclass(frozen=True, slots=True)
class Substantial:
    """What makes a pull request substantial (DOMAIN.md §2)."""

    min_lines: int = 30
    exclude_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CohortScope:
    """Where a cohort works: the whole organisation (repo None), a repository, or a folder of one."""

    repo: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        if self.repo is None:
            return "the organisation"
        return f"{self.repo}/{self.path}" if self.path else self.repo


@dataclass(frozen=True, slots=True)
class Cohort:
    name: str
    target: str
    scope: CohortScope
    start: date
    end: date
    mentors: tuple[str, ...]
    mentees: tuple[str, ...]
    tracking_issue: int | None = None
    checkin_day: str = "monday"
    # where it was written, for errors found once the ladder is known
    source: str = field(default="", compare=False, repr=False)
    line: int = field(default=0, compare=False, repr=False)
    target_line: int = field(default=0, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "target": self.target,
            "scope": None if self.scope.repo is None else {"repo": self.scope.repo, "path": self.scope.path},
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "mentors": list(self.mentors),
            "mentees": list(self.mentees),
            "tracking_issue": self.tracking_issue,
            "checkin_day": self.checkin_day,
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> Cohort:
        scope = d.get("scope") or {}
        return cls(
            d["name"],
            d["target"],
            CohortScope(scope.get("repo"), scope.get("path")),
            date.fromisoformat(d["start"]),
            date.fromisoformat(d["end"]),
            tuple(d["mentors"]),
            tuple(d["mentees"]),
            d.get("tracking_issue"),
            d.get("checkin_day", "monday"),
        )


@dataclass(frozen=True, slots=True)
class PeribolosFile:
    """A peribolos `org.yaml`: `repo` (a repository of the org, or owner/repo) and the path in it."""

    repo: str
    path: str


@dataclass(frozen=True, slots=True)
class OrgConfig:
    """A valid `ladder.yml`, defaults filled in."""

    ladder: str  # a built-in ladder's name, or a path to a ladder file in the repository
    community_repo: str = "community"
    dry_run: bool = False
    owners_pr: str = "after_approval"
    review_acts_as_lgtm: tuple[str, ...] = ()
    substantial: Substantial = Substantial()
    members_since: Mapping[str, date] = field(default_factory=dict)  # login (as written) -> date
    peribolos: PeribolosFile | None = None
    definitions: Mapping[str, bool] = field(default_factory=dict)
    cohorts: tuple[Cohort, ...] = ()
    warnings: tuple[ConfigError, ...] = field(default=(), compare=False)

    @property
    def ladder_is_builtin(self) -> bool:
        return self.ladder in builtin_names()

    def cohort(self, name: str) -> Cohort | None:
        return next((c for c in self.cohorts if c.name == name), None)

    def rule_definitions(self, org: str) -> Definitions:
        """The meanings the evaluator uses, for the organisation `org`."""
        return definitions_from_config(
            org,
            {
                "substantial": {
                    "min_lines": self.substantial.min_lines,
                    "exclude_labels": list(self.substantial.exclude_labels),
                },
                "review_acts_as_lgtm": list(self.review_acts_as_lgtm),
                "definitions": dict(self.definitions),
            },
        )

    def to_dict(self) -> dict:
        """JSON-ready; `from_dict` reads it back (the `org_configs` cache)."""
        return {
            "ladder": self.ladder,
            "community_repo": self.community_repo,
            "dry_run": self.dry_run,
            "owners_pr": self.owners_pr,
            "review_acts_as_lgtm": list(self.review_acts_as_lgtm),
            "substantial": {
                "min_lines": self.substantial.min_lines,
                "exclude_labels": list(self.substantial.exclude_labels),
            },
            "members_since": {k: v.isoformat() for k, v in self.members_since.items()},
            "peribolos": None if self.peribolos is None else {"repo": self.peribolos.repo, "path": self.peribolos.path},
            "definitions": dict(self.definitions),
            "cohorts": [c.to_dict() for c in self.cohorts],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> OrgConfig:
        peribolos = d.get("peribolos")
        return cls(
            ladder=d["ladder"],
            community_repo=d["community_repo"],
            dry_run=d["dry_run"],
            owners_pr=d["owners_pr"],
            review_acts_as_lgtm=tuple(d["review_acts_as_lgtm"]),
            substantial=Substantial(d["substantial"]["min_lines"], tuple(d["substantial"]["exclude_labels"])),
            members_since={k: date.fromisoformat(v) for k, v in d["members_since"].items()},
            peribolos=None if peribolos is None else PeribolosFile(peribolos["repo"], peribolos["path"]),
            definitions=dict(d["definitions"]),
            cohorts=tuple(Cohort.from_dict(c) for c in d["cohorts"]),
            warnings=tuple(ConfigError.from_dict(w) for w in d.get("warnings", ())),
        )


# --- YAML with lines ---------------------------------------------------------------------------------

_MISSING = object()


@dataclass(slots=True)
class Y:
    """A YAML value and the 1-based line it starts on. Mappings hold {key: Y} and their keys' lines."""

    value: Any  # str | int | float | bool | None | dict[str, Y] | list[Y] ; timestamps stay text
    line: int
    kind: str  # "str" "int" "float" "bool" "null" "timestamp" "map" "seq" "other"
    key_lines: dict[str, int] = field(default_factory=dict)


def _line_count(text: str) -> int:
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


def compose(text: str, filename: str) -> tuple[Y | None, list[ConfigError]]:
    """The document as `Y` nodes (None for an empty one), or the YAML syntax error with its line."""
    last = _line_count(text)
    try:
        node = YAML(typ="rt").compose(text)
    except Exception as exc:  # ruamel raises scanner, parser, composer and reader errors
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        if mark is None and isinstance(getattr(exc, "position", None), int):  # a character YAML forbids
            line = text.count("\n", 0, exc.position) + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [ConfigError(filename, min(max(line, 1), last), f"This is not valid YAML: {problem}.")]
    if node is None:
        return None, []
    errors: list[ConfigError] = []
    return _convert(node, filename, errors, last, 0), errors


def _convert(node: Node, filename: str, errors: list[ConfigError], last: int, depth: int) -> Y:
    line = min(node.start_mark.line + 1, last)
    if depth > 50:  # aliases can nest a document into itself
        errors.append(ConfigError(filename, line, "The document nests too deeply (a recursive alias?)."))
        return Y(None, line, "null")
    tag = str(node.tag)
    if isinstance(node, MappingNode):
        items: dict[str, Y] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = min(key_node.start_mark.line + 1, last)
            if not isinstance(key_node, ScalarNode) or str(key_node.tag) == "tag:yaml.org,2002:merge":
                errors.append(
                    ConfigError(
                        filename,
                        key_line,
                        "Keys must be plain names (no merge keys `<<`, no lists or mappings as keys).",
                    )
                )
                continue
            key = str(key_node.value)
            if key in items:
                errors.append(
                    ConfigError(
                        filename,
                        key_line,
                        f"`{key}` is given twice in the same mapping (first on line {key_lines[key]}).",
                    )
                )
                continue
            items[key] = _convert(value_node, filename, errors, last, depth + 1)
            key_lines[key] = key_line
        return Y(items, line, "map", key_lines)
    if isinstance(node, SequenceNode):
        return Y([_convert(n, filename, errors, last, depth + 1) for n in node.value], line, "seq")
    text = str(node.value)
    if tag == "tag:yaml.org,2002:str":
        return Y(text, line, "str")
    if tag == "tag:yaml.org,2002:null":
        return Y(None, line, "null")
    if tag == "tag:yaml.org,2002:bool":
        return Y(text.lower() == "true", line, "bool")
    if tag == "tag:yaml.org,2002:int":
        try:
            return Y(int(text.replace("_", ""), 0), line, "int")
        except ValueError:
            return Y(text, line, "str")
    if tag == "tag:yaml.org,2002:float":
        try:
            return Y(float(text.replace("_", "")), line, "float")
        except ValueError:
            return Y(text, line, "str")
    if tag == "tag:yaml.org,2002:timestamp":
        return Y(text, line, "timestamp")
    errors.append(ConfigError(filename, line, f"The YAML tag `{tag}` is not understood here; remove it."))
    return Y(text, line, "other")


def _show(y: Y) -> str:
    """A value as the user wrote it, for messages."""
    if y.kind == "map":
        return "a mapping"
    if y.kind == "seq":
        return "a list"
    if y.kind == "null":
        return "nothing"
    if y.kind == "bool":
        return "true" if y.value else "false"
    shown = str(y.value)
    return repr(shown[:60] + ("…" if len(shown) > 60 else "")) if y.kind in ("str", "other") else shown


# --- reading one file ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Parts:
    """What one file (or several merged) says, key by key, already checked; `origin` is where each
    top-level key was written: (filename, line)."""

    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    extends: tuple[str, int] | None = None  # the `_extends` value and its line
    readable: bool = True  # False when the file is not YAML or not a mapping: nothing more to say about it


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[ConfigError] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(ConfigError(self.filename, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(ConfigError(self.filename, line, message, warning=True))

    def check_keys(self, node: Y, allowed: tuple[str, ...], where: str) -> None:
        for key, line in node.key_lines.items():
            if key not in allowed:
                close = [k for k in allowed if _similar(key, k)]
                hint = f" Did you mean `{close[0]}`?" if close else ""
                self.error(line, f"Unknown key `{key}` in {where}.{hint} Known keys: {', '.join(allowed)}.")

    # value readers: each returns _MISSING after reporting a problem

    def text(self, y: Y, what: str) -> Any:
        if y.kind not in ("str", "int") or not str(y.value).strip():
            self.error(y.line, f"{what} must be a text, not {_show(y)}.")
            return _MISSING
        return str(y.value).strip()

    def boolean(self, y: Y, what: str) -> Any:
        if y.kind != "bool":
            self.error(y.line, f"{what} must be true or false, not {_show(y)}.")
            return _MISSING
        return y.value

    def integer(self, y: Y, what: str, minimum: int) -> Any:
        if y.kind != "int" or y.value < minimum:
            self.error(y.line, f"{what} must be a whole number of at least {minimum}, not {_show(y)}.")
            return _MISSING
        return y.value

    def day(self, y: Y, what: str) -> Any:
        if y.kind in ("timestamp", "str"):
            text = str(y.value).strip()
            try:
                return date.fromisoformat(text)
            except ValueError:
                try:
                    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
                except ValueError:
                    pass
        self.error(y.line, f"{what} must be a date written YYYY-MM-DD (e.g. 2026-09-01), not {_show(y)}.")
        return _MISSING

    def choice(self, y: Y, what: str, choices: tuple[str, ...]) -> Any:
        if y.kind != "str" or y.value.strip().lower() not in choices:
            self.error(y.line, f"{what} must be one of {', '.join(choices)}, not {_show(y)}.")
            return _MISSING
        return y.value.strip().lower()

    def texts(self, y: Y, what: str) -> Any:
        """A list of texts (a single text is a list of one)."""
        if y.kind == "str" and y.value.strip():
            return (y.value.strip(),)
        if y.kind != "seq":
            self.error(y.line, f"{what} must be a list of texts, not {_show(y)}.")
            return _MISSING
        out = []
        for item in y.value:
            value = self.text(item, f"Each item of {what}")
            if value is not _MISSING:
                out.append(value)
        return tuple(out) if len(out) == len(y.value) else _MISSING

    def login(self, y: Y, what: str) -> Any:
        value = self.text(y, what)
        if value is _MISSING:
            return value
        if value.startswith("@"):
            self.error(y.line, f"{what} `{value}`: write GitHub logins without the `@`.")
            return _MISSING
        if not _LOGIN.match(value):
            self.error(y.line, f"{what} `{value}` is not a GitHub login (letters, digits and single hyphens).")
            return _MISSING
        return value

    def logins(self, y: Y, what: str) -> Any:
        if y.kind != "seq" or not y.value:
            self.error(y.line, f"{what} must be a non-empty list of GitHub logins, not {_show(y)}.")
            return _MISSING
        out: list[str] = []
        seen: dict[str, int] = {}
        for item in y.value:
            value = self.login(item, f"Each of {what}")
            if value is _MISSING:
                continue
            if value.lower() in seen:
                first = seen[value.lower()]
                where = f" (first on line {first})" if first != item.line else ""
                self.error(item.line, f"`{value}` is listed twice in {what}{where}.")
                continue
            seen[value.lower()] = item.line
            out.append(value)
        # the good ones, so later checks (mentor vs mentee, ratio) still run; the errors are recorded
        return tuple(out)

    def repo_name(self, y: Y, what: str) -> Any:
        value = self.text(y, what)
        if value is _MISSING:
            return value
        if "/" in value:
            self.error(
                y.line,
                f"{what} names a repository of this organisation: write `{value.rsplit('/', 1)[-1]}` "
                f"without the owner.",
            )
            return _MISSING
        if not _REPO.match(value):
            self.error(y.line, f"{what} `{value}` is not a repository name.")
            return _MISSING
        return value

    # the document

    def document(self, doc: Y | None) -> Parts:
        parts = Parts()
        if doc is None:
            return parts
        if doc.kind != "map":
            self.error(doc.line, f"`ladder.yml` must be a mapping of keys (ladder, cohorts, ...), not {_show(doc)}.")
            parts.readable = False
            return parts
        self.check_keys(doc, TOP_KEYS, "`ladder.yml`")
        readers = {
            "ladder": self.ladder,
            "community_repo": lambda y: self.repo_name(y, "`community_repo`"),
            "dry_run": lambda y: self.boolean(y, "`dry_run`"),
            "owners_pr": lambda y: self.choice(y, "`owners_pr`", OWNERS_PR),
            "review_acts_as_lgtm": self.review_acts_as_lgtm,
            "substantial": self.substantial,
            "members_since": self.members_since,
            "peribolos": self.peribolos,
            "definitions": self.definitions,
            "cohorts": self.cohorts,
        }
        for key, y in doc.value.items():
            if key == "_extends":
                if y.kind != "str" or not EXTENDS.match(y.value.strip()):
                    self.error(
                        y.line, f"`_extends` must be `repo`, `owner/repo` or `owner/repo:path.yml`, not {_show(y)}."
                    )
                else:
                    parts.extends = (y.value.strip(), y.line)
                continue
            if key not in readers:
                continue
            value = readers[key](y)
            if value is not _MISSING:
                parts.values[key] = value
                parts.origin[key] = (self.filename, doc.key_lines[key])
        return parts

    def ladder(self, y: Y) -> Any:
        value = self.text(y, "`ladder`")
        if value is _MISSING:
            return value
        if value in builtin_names():
            return value
        if value.lower() in builtin_names():
            self.error(y.line, f"`ladder: {value}`: built-in ladder names are lower-case; write `{value.lower()}`.")
            return _MISSING
        if value.endswith((".yaml", ".yml")) and not value.startswith("/") and ".." not in value.split("/"):
            return value
        self.error(
            y.line,
            f"`ladder` must be a built-in ladder ({', '.join(builtin_names())}) or the path of a "
            f"ladder file in the repository ending in .yaml, not {_show(y)}.",
        )
        return _MISSING

    def review_acts_as_lgtm(self, y: Y) -> Any:
        what = "`review_acts_as_lgtm`"
        items = [y] if y.kind == "str" else y.value if y.kind == "seq" else None
        if items is None:
            self.error(y.line, f"{what} must be a list of repositories, not {_show(y)}.")
            return _MISSING
        out = []
        for item in items:
            value = self.text(item, f"Each repository in {what}")
            if value is _MISSING:
                continue
            if not _OWNER_REPO.match(value):
                self.error(item.line, f"`{value}` in {what} is not a repository name (`repo` or `owner/repo`).")
                continue
            out.append(value)
        return tuple(out) if len(out) == len(items) else _MISSING

    def substantial(self, y: Y) -> Any:
        if y.kind != "map":
            self.error(
                y.line, f"`substantial` must be a mapping with `min_lines` and `exclude_labels`, not {_show(y)}."
            )
            return _MISSING
        self.check_keys(y, ("min_lines", "exclude_labels"), "`substantial`")
        out = {}
        if "min_lines" in y.value:
            value = self.integer(y.value["min_lines"], "`substantial.min_lines`", 0)
            if value is not _MISSING:
                out["min_lines"] = value
        if "exclude_labels" in y.value:
            value = self.texts(y.value["exclude_labels"], "`substantial.exclude_labels`")
            if value is not _MISSING:
                out["exclude_labels"] = value
        return out

    def members_since(self, y: Y) -> Any:
        if y.kind != "map":
            self.error(y.line, f"`members_since` must be a mapping from login to date, not {_show(y)}.")
            return _MISSING
        out = {}
        for login, value in y.value.items():
            key_line = y.key_lines[login]
            if not _LOGIN.match(login):
                hint = " (write logins without the `@`)" if login.startswith("@") else ""
                self.error(key_line, f"`{login}` in `members_since` is not a GitHub login{hint}.")
                continue
            day = self.day(value, f"The date for `{login}` in `members_since`")
            if day is not _MISSING:
                out[login] = day
        return out

    def peribolos(self, y: Y) -> Any:
        what = "`peribolos`"
        if y.kind == "str" and ":" in y.value:
            repo, _, path = y.value.strip().partition(":")
            repo_line = path_line = y.line
        elif y.kind == "map" and "repo" in y.value and "path" in y.value:
            self.check_keys(y, ("repo", "path"), what)
            repo, path = y.value["repo"].value, y.value["path"].value
            repo_line, path_line = y.value["repo"].line, y.value["path"].line
            if not isinstance(repo, str) or not isinstance(path, str):
                self.error(y.line, f"{what} `repo` and `path` must be texts.")
                return _MISSING
        else:
            self.error(y.line, f"{what} must be `{{repo: org, path: config/org.yaml}}` or `repo:path`, not {_show(y)}.")
            return _MISSING
        ok = True
        if not _OWNER_REPO.match(repo.strip()):
            self.error(repo_line, f"The repository in {what} is not a repository name, not {repo!r}.")
            ok = False
        if not path.strip() or path.strip().startswith("/") or ".." in path.split("/"):
            self.error(path_line, f"The path in {what} must be a path inside the repository, not {path!r}.")
            ok = False
        return PeribolosFile(repo.strip(), path.strip()) if ok else _MISSING

    def definitions(self, y: Y) -> Any:
        if y.kind != "map":
            self.error(y.line, f"`definitions` must be a mapping, not {_show(y)}.")
            return _MISSING
        out = {}
        for key, value in y.value.items():
            line = y.key_lines[key]
            # the rule engine owns these meanings: ask it about each key, so its message gets this key's line
            plain = value.value if value.kind in ("bool", "int", "str", "float", "null") else _show(value)
            try:
                definitions_from_config("org", {"definitions": {key: plain}})
            except DefinitionsError as exc:
                self.error(value.line if key in DEFINITION_KEYS else line, str(exc))
                continue
            out[key] = plain
        return out

    def cohorts(self, y: Y) -> Any:
        if y.kind != "seq":
            self.error(y.line, f"`cohorts` must be a list of cohorts (`- name: ...`), not {_show(y)}.")
            return _MISSING
        out: list[Cohort] = []
        names: dict[str, int] = {}
        for item in y.value:
            cohort = self.cohort(item)
            name_y = item.value.get("name") if item.kind == "map" else None
            if name_y is not None and name_y.kind == "str":  # even a cohort with errors keeps its name
                name = name_y.value.strip()
                if name in names:
                    self.error(
                        item.line,
                        f"Two cohorts are named `{name}` (the other on line {names[name]}); names must be unique.",
                    )
                    continue
                names[name] = item.line
            if cohort is not None:
                out.append(cohort)
        # the good ones, so their targets are still checked against the ladder; the errors are recorded
        return tuple(out)

    def cohort(self, y: Y) -> Cohort | None:
        if y.kind != "map":
            self.error(y.line, f"Each cohort must be a mapping with {', '.join(COHORT_KEYS[:7])}, not {_show(y)}.")
            return None
        v = y.value
        name_y = v.get("name")
        label = f"cohort `{name_y.value}`" if name_y is not None and name_y.kind == "str" else "the cohort"
        self.check_keys(y, COHORT_KEYS, label)
        before = len([p for p in self.problems if not p.warning])
        missing = [f"`{key}`" for key in ("name", "target", "start", "end", "mentors", "mentees") if key not in v]
        if missing:
            listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
            self.error(y.line, f"{label[0].upper()}{label[1:]} needs {listed}.")
        got: dict[str, Any] = {}
        readers = {
            "name": lambda x: self.text(x, f"`name` of {label}"),
            "target": lambda x: self.text(x, f"`target` of {label}"),
            "scope": lambda x: self.scope(x, label),
            "start": lambda x: self.day(x, f"`start` of {label}"),
            "end": lambda x: self.day(x, f"`end` of {label}"),
            "mentors": lambda x: self.logins(x, f"`mentors` of {label}"),
            "mentees": lambda x: self.logins(x, f"`mentees` of {label}"),
            "tracking_issue": lambda x: self.integer(x, f"`tracking_issue` of {label}", 1),
            "checkin_day": lambda x: self.weekday(x, label),
        }
        for key, reader in readers.items():
            if key in v:
                got[key] = reader(v[key])
        if isinstance(got.get("start"), date) and isinstance(got.get("end"), date) and got["end"] <= got["start"]:
            self.error(v["end"].line, f"`end` of {label} ({got['end']}) must come after its `start` ({got['start']}).")
        mentors, mentees = got.get("mentors"), got.get("mentees")
        if isinstance(mentors, tuple) and isinstance(mentees, tuple):
            mentor_set = {m.lower() for m in mentors}
            for item, login in zip(v["mentees"].value, mentees):
                if login.lower() in mentor_set:
                    self.error(item.line, f"`{login}` is both a mentor and a mentee of {label}.")
            if len(mentees) > MAX_MENTEES_PER_MENTOR * len(mentors):
                self.warn(
                    v["mentees"].line,
                    f"{label[0].upper()}{label[1:]} has {len(mentees)} mentees for "
                    f"{len(mentors)} mentor(s): more than {MAX_MENTEES_PER_MENTOR} mentees "
                    f"per mentor (Kubernetes group-mentoring guidance).",
                )
        if "tracking_issue" not in v:
            self.warn(
                y.line,
                f"{label[0].upper()}{label[1:]} has no `tracking_issue`: no progress comments or "
                f"weekly digests will be posted for it.",
            )
        errors_now = len([p for p in self.problems if not p.warning])
        if errors_now > before or any(value is _MISSING for value in got.values()):
            return None
        return Cohort(
            got["name"],
            got["target"],
            got.get("scope", CohortScope()),
            got["start"],
            got["end"],
            got["mentors"],
            got["mentees"],
            got.get("tracking_issue"),
            got.get("checkin_day", "monday"),
            source=self.filename,
            line=y.line,
            target_line=v["target"].line,
        )

    def scope(self, y: Y, label: str) -> Any:
        if y.kind == "str" and y.value.strip().lower() == "org":
            return CohortScope()
        if y.kind != "map" or "repo" not in y.value:
            self.error(
                y.line,
                f"`scope` of {label} must be `org` or `{{repo: name, path: folder}}` (path optional), not {_show(y)}.",
            )
            return _MISSING
        self.check_keys(y, ("repo", "path"), f"`scope` of {label}")
        repo = self.repo_name(y.value["repo"], f"`scope.repo` of {label}")
        path = None
        if "path" in y.value:
            path = self.text(y.value["path"], f"`scope.path` of {label}")
            if path is not _MISSING:
                path = path.strip("/")
                if not path or ".." in path.split("/"):
                    self.error(
                        y.value["path"].line,
                        f"`scope.path` of {label} must be a folder inside the repository, e.g. pkg/controller.",
                    )
                    path = _MISSING
        if repo is _MISSING or path is _MISSING:
            return _MISSING
        return CohortScope(repo, path)

    def weekday(self, y: Y, label: str) -> Any:
        if y.kind == "str":
            text = y.value.strip().lower()
            for day in WEEKDAYS:
                if text in (day, day[:3]):
                    return day
        self.error(y.line, f"`checkin_day` of {label} must be a day of the week (monday … sunday), not {_show(y)}.")
        return _MISSING


def _similar(a: str, b: str) -> bool:
    """Close enough to suggest: one edit apart, or the same ignoring case, dashes and underscores."""
    norm = lambda s: s.lower().replace("-", "").replace("_", "")  # noqa: E731
    if norm(a) == norm(b):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    # one substitution, insertion or deletion
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] or a[i:] == b[i + 1 :] or a[i + 1 :] == b[i:]


def read_parts(text: str, filename: str) -> tuple[Parts, list[ConfigError]]:
    """What one file says, checked key by key, and every problem found in it (errors and warnings)."""
    doc, problems = compose(text, filename)
    if problems and doc is None:
        return Parts(readable=False), problems
    reader = _Reader(filename)
    parts = reader.document(doc)
    return parts, _sorted(problems + reader.problems)


def merge_parts(base: Parts, override: Parts) -> Parts:
    """`override` (the extending file) over `base` (the file it extends): mappings in MERGED_KEYS are
    merged key by key, every other value is replaced whole."""
    values = dict(base.values)
    origin = dict(base.origin)
    for key, value in override.values.items():
        if key in MERGED_KEYS and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
        origin[key] = override.origin[key]
    return Parts(values, origin, None)


def build_config(
    parts: Parts, filename: str, ladder: Ladder | None = None
) -> tuple[OrgConfig | None, list[ConfigError]]:
    """The `OrgConfig` from checked parts, and the problems only visible once they are together:
    `ladder` is required, and each cohort's `target` must be a level of the ladder. `ladder` is the
    loaded ladder when `parts` names a ladder file; a built-in ladder is found here."""
    problems: list[ConfigError] = []
    v = parts.values
    if "ladder" not in v:
        problems.append(
            ConfigError(
                filename,
                1,
                f"`ladder` is required: a built-in ladder ({', '.join(builtin_names())}) or the path of a ladder file.",
            )
        )
    elif ladder is None and v["ladder"] in builtin_names():
        ladder = builtin_ladder(v["ladder"])
    if ladder is not None:
        names = [level.name for level in ladder.levels]
        for cohort in v.get("cohorts", ()):
            if cohort.target not in names:
                problems.append(
                    ConfigError(
                        cohort.source,
                        cohort.target_line,
                        f"`target: {cohort.target}` of cohort `{cohort.name}` is not a level "
                        f"of the {ladder.name} ladder (levels: {', '.join(names)}).",
                    )
                )
    if problems:
        return None, problems
    substantial = v.get("substantial", {})
    config = OrgConfig(
        ladder=v["ladder"],
        community_repo=v.get("community_repo", "community"),
        dry_run=v.get("dry_run", False),
        owners_pr=v.get("owners_pr", "after_approval"),
        review_acts_as_lgtm=v.get("review_acts_as_lgtm", ()),
        substantial=Substantial(substantial.get("min_lines", 30), substantial.get("exclude_labels", ())),
        members_since=v.get("members_since", {}),
        peribolos=v.get("peribolos"),
        definitions=v.get("definitions", {}),
        cohorts=v.get("cohorts", ()),
    )
    return config, problems


def _sorted(problems: list[ConfigError]) -> list[ConfigError]:
    return sorted(problems, key=lambda p: (p.filename, p.line, p.warning))


def read_config(text: str, filename: str, ladder: Ladder | None = None) -> tuple[OrgConfig | None, list[ConfigError]]:
    """One self-contained file: the config (None if there is any error) and every problem found."""
    parts, problems = read_parts(text, filename)
    if not parts.readable:
        return None, problems
    config, more = build_config(parts, filename, ladder)
    problems = _sorted(problems + more)
    if config is None or any(not p.warning for p in problems):
        return None, problems
    return replace(config, warnings=tuple(problems)), problems


def check_config_text(text: str, filename: str, ladder: Ladder | None = None) -> list[ConfigError]:
    """Every problem in a `ladder.yml` text, errors and warnings, by line (empty when it is clean)."""
    return read_config(text, filename, ladder)[1]


def parse_config(text: str, filename: str, ladder: Ladder | None = None) -> OrgConfig:
    """A `ladder.yml` text as an `OrgConfig`; raise `ConfigError` (the first error by line) if it is wrong.
    Warnings are kept in `OrgConfig.warnings`."""
    config, problems = read_config(text, filename, ladder)
    if config is None:
        raise next(p for p in problems if not p.warning)
    return config
