"""The organisation's `ladder.yml`: read it into an `OrgConfig`, or say where and why it is wrong.

Pure: no network, no database. The reference of every key is docs/configuration.md.

Every problem is a `ConfigError(filename, line, message)` with a 1-based line (the located-YAML error of
ladder_rules/located_yaml.py, shared with ladder files); `check_config_text` gathers all of them (errors
and warnings), `parse_config` raises the first error. Errors stop a configuration from being used;
warnings (`warning=True`) are listed but do not.

A configuration spread over several files (`_extends`, see loader.py) is read file by file with
`read_parts`, merged with `merge_parts`, and finished with `build_config`. Each file is checked whole:
a bad value never hides the problems after it, and a key that is present but wrong is never also
reported as missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from app.config.cohort_checks import DEFAULT_MENTEES_PER_MENTOR, MAX_MENTEES, shape_problems
from ladder_rules.builtin import builtin_ladder, builtin_names
from ladder_rules.definitions import Definitions, DefinitionsError, definitions_from_config
from ladder_rules.format import Ladder
from ladder_rules.located_yaml import (
    MISSING,
    Duration,
    LocatedError,
    Node,
    Reader,
    compose,
    hint,
    listing,
    parse_duration,
    show,
    sort_problems,
)

ConfigError = LocatedError  # the name the app has always used for a problem in `ladder.yml`

OWNERS_PR = ("after_approval", "when_ready", "never")
NOMINATE = ("everyone", "cohorts", "nobody")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_NOMINATE_LIMIT = 10
DEFAULT_GRACE_PERIOD = Duration(days=30)  # PRODUCT.md §5, "The way down"
TOP_KEYS = (
    "_extends",
    "ladder",
    "community_repo",
    "dry_run",
    "owners_pr",
    "nominate",
    "nominate_limit",
    "grace_period",
    "review_acts_as_lgtm",
    "substantial",
    "members_since",
    "peribolos",
    "definitions",
    "cohorts",
)
COHORT_KEYS = (
    "name",
    "target",
    "scope",
    "start",
    "end",
    "mentors",
    "mentees",
    "tracking_issue",
    "checkin_day",
    "timezone",
    "signup_issue",
    "capacity",
    "mentees_per_mentor",
)
COHORT_REQUIRED = ("name", "target", "start", "end", "mentors", "mentees")
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
_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}$")
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})  # files of the zone database, not places
_LONGEST = 300  # no valid name, path or repository is longer; longer values are refused before any pattern


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
    timezone: str = "UTC"  # IANA name: the digest's `checkin_day` starts at midnight there
    signup_issue: int | None = None  # issue in `community_repo` where `/ladder enroll` signs people up
    capacity: int = MAX_MENTEES  # mentees (listed and enrolled) before sign-ups go to the waitlist
    mentees_per_mentor: int = DEFAULT_MENTEES_PER_MENTOR
    # mentees who signed up with `/ladder enroll` (also in `mentees`): merged in from the database by
    # app/promotion/setup.py, never written in ladder.yml
    enrolled: tuple[str, ...] = ()
    # where it was written, for problems found once the ladder or the rosters are known
    source: str = field(default="", compare=False, repr=False)
    line: int = field(default=0, compare=False, repr=False)
    target_line: int = field(default=0, compare=False, repr=False)
    mentor_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    mentee_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)

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
            "timezone": self.timezone,
            "signup_issue": self.signup_issue,
            "capacity": self.capacity,
            "mentees_per_mentor": self.mentees_per_mentor,
            "enrolled": list(self.enrolled),
            "written": {
                "source": self.source,
                "line": self.line,
                "target_line": self.target_line,
                "mentor_lines": list(self.mentor_lines),
                "mentee_lines": list(self.mentee_lines),
            },
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> Cohort:
        scope = d.get("scope") or {}
        written = d.get("written") or {}  # absent in caches written before this stage
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
            d.get("timezone", "UTC"),
            d.get("signup_issue"),
            d.get("capacity", MAX_MENTEES),
            d.get("mentees_per_mentor", DEFAULT_MENTEES_PER_MENTOR),
            tuple(d.get("enrolled") or ()),
            source=written.get("source", ""),
            line=written.get("line", 0),
            target_line=written.get("target_line", 0),
            mentor_lines=tuple(written.get("mentor_lines", ())),
            mentee_lines=tuple(written.get("mentee_lines", ())),
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
    nominate: str = "everyone"  # everyone | cohorts | nobody: who gets a readiness issue on qualifying
    nominate_limit: int = DEFAULT_NOMINATE_LIMIT  # new readiness issues a week outside cohorts
    grace_period: Duration = DEFAULT_GRACE_PERIOD  # from an inactivity notice to the emeritus/removal PR
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
            "nominate": self.nominate,
            "nominate_limit": self.nominate_limit,
            "grace_period": str(self.grace_period),
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
            nominate=d.get("nominate", "everyone"),  # caches written before this stage lack the new keys
            nominate_limit=d.get("nominate_limit", DEFAULT_NOMINATE_LIMIT),
            grace_period=parse_duration(d.get("grace_period", "")) or DEFAULT_GRACE_PERIOD,
            review_acts_as_lgtm=tuple(d["review_acts_as_lgtm"]),
            substantial=Substantial(d["substantial"]["min_lines"], tuple(d["substantial"]["exclude_labels"])),
            members_since={k: date.fromisoformat(v) for k, v in d["members_since"].items()},
            peribolos=None if peribolos is None else PeribolosFile(peribolos["repo"], peribolos["path"]),
            definitions=dict(d["definitions"]),
            cohorts=tuple(Cohort.from_dict(c) for c in d["cohorts"]),
            warnings=tuple(ConfigError.from_dict(w) for w in d.get("warnings", ())),
        )


# --- reading one file ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortTarget:
    """A cohort's `target` as written, kept even when the cohort has other errors, so it is checked
    against the ladder in the same run."""

    label: str
    target: str
    filename: str
    line: int


@dataclass(slots=True)
class Parts:
    """What one file (or several merged) says, key by key, already checked.

    `values` holds the keys whose value is good; `origin` is where each key present was written,
    (filename, line), good or not; `invalid` the keys present with a bad value (reported already, and
    never reported as missing); `targets` every cohort's `target` as written."""

    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    extends: tuple[str, int] | None = None  # the `_extends` value and its line
    readable: bool = True  # False when the file is not YAML or not a mapping: nothing more to say about it
    invalid: set[str] = field(default_factory=set)
    targets: tuple[CohortTarget, ...] = ()


class _Reader(Reader):
    def text(self, y: Node, what: str) -> Any:
        value = super().text(y, what)
        if value is not MISSING and len(value) > _LONGEST:
            self.error(y.line, f"{what} is {len(value):,} characters long; no name or path is that long.")
            return MISSING
        return value

    def login(self, y: Node, what: str) -> Any:
        value = self.text(y, what)
        if value is MISSING:
            return value
        if value.startswith("@"):
            self.error(y.line, f"`{value}` in {what}: write GitHub logins without the `@`.")
            return MISSING
        if not _LOGIN.match(value):
            self.error(y.line, f"`{value}` in {what} is not a GitHub login (letters, digits and single hyphens).")
            return MISSING
        return value

    def logins(self, y: Node, what: str) -> Any:
        """The good logins with their lines (the bad ones are reported), or MISSING for a wrong shape."""
        if y.kind == "str" and y.value.strip():
            items = [y]  # a single login is a list of one
        elif y.kind != "seq" or not y.value:
            self.error(y.line, f"{what} must be a non-empty list of GitHub logins, not {show(y)}.")
            return MISSING
        else:
            items = y.value
        out: list[tuple[str, int]] = []
        seen: dict[str, int] = {}
        for item in items:
            value = self.login(item, what)
            if value is MISSING:
                continue
            if value.lower() in seen:
                first = seen[value.lower()]
                where = f" (first on line {first})" if first != item.line else ""
                self.error(item.line, f"`{value}` is listed twice in {what}{where}.")
                continue
            seen[value.lower()] = item.line
            out.append((value, item.line))
        return tuple(out)

    def repo_name(self, y: Node, what: str) -> Any:
        value = self.text(y, what)
        if value is MISSING:
            return value
        if "/" in value:
            self.error(
                y.line,
                f"{what} names a repository of this organisation: write `{value.rsplit('/', 1)[-1]}` "
                f"without the owner.",
            )
            return MISSING
        if not _REPO.match(value):
            self.error(y.line, f"{what} `{value}` is not a repository name.")
            return MISSING
        return value

    # the document

    def document(self, doc: Node | None) -> Parts:
        parts = Parts()
        if doc is None:
            return parts
        if doc.kind != "map":
            self.error(doc.line, f"`ladder.yml` must be a mapping of keys (ladder, cohorts, ...), not {show(doc)}.")
            parts.readable = False
            return parts
        self.check_keys(doc, TOP_KEYS, "`ladder.yml`")
        readers = {
            "ladder": self.ladder,
            "community_repo": lambda y: self.repo_name(y, "`community_repo`"),
            "dry_run": lambda y: self.boolean(y, "`dry_run`"),
            "owners_pr": lambda y: self.choice(y, "`owners_pr`", OWNERS_PR),
            "nominate": lambda y: self.choice(y, "`nominate`", NOMINATE),
            "nominate_limit": lambda y: self.integer(y, "`nominate_limit`", 0),
            "grace_period": lambda y: self.duration(y, "`grace_period`"),
            "review_acts_as_lgtm": self.review_acts_as_lgtm,
            "substantial": self.substantial,
            "members_since": self.members_since,
            "peribolos": self.peribolos,
            "definitions": self.definitions,
            "cohorts": lambda y: self.cohorts(y, parts),
        }
        for key, y in doc.value.items():
            if key == "_extends":
                text = y.value.strip() if y.kind == "str" else ""
                if len(text) > _LONGEST or not EXTENDS.match(text):
                    self.error(
                        y.line, f"`_extends` must be `repo`, `owner/repo` or `owner/repo:path.yml`, not {show(y)}."
                    )
                else:
                    parts.extends = (text, doc.key_lines[key])
                continue
            if key not in readers:
                continue
            parts.origin[key] = (self.filename, doc.key_lines[key])
            value = readers[key](y)
            if value is MISSING:
                parts.invalid.add(key)
            else:
                parts.values[key] = value
        return parts

    def ladder(self, y: Node) -> Any:
        value = self.text(y, "`ladder`")
        if value is MISSING:
            return value
        names = builtin_names()
        if value in names:
            return value
        if value.lower() in names:
            self.error(y.line, f"`ladder: {value}`: built-in ladder names are lower-case; write `{value.lower()}`.")
            return MISSING
        if value.endswith((".yaml", ".yml")) and not value.startswith("/") and ".." not in value.split("/"):
            return value
        self.error(
            y.line,
            f"`ladder` must be a built-in ladder ({', '.join(names)}) or the path of a "
            f"ladder file in the repository ending in .yaml, not {show(y)}.{hint(value, names)}",
        )
        return MISSING

    def review_acts_as_lgtm(self, y: Node) -> Any:
        what = "`review_acts_as_lgtm`"
        items = [y] if y.kind == "str" else y.value if y.kind == "seq" else None
        if items is None:
            self.error(y.line, f"{what} must be a list of repositories, not {show(y)}.")
            return MISSING
        out = []
        for item in items:
            value = self.text(item, f"Each repository in {what}")
            if value is MISSING:
                continue
            if not _OWNER_REPO.match(value):
                self.error(item.line, f"`{value}` in {what} is not a repository name (`repo` or `owner/repo`).")
                continue
            out.append(value)
        return tuple(out) if len(out) == len(items) else MISSING

    def substantial(self, y: Node) -> Any:
        if not self.mapping(y, "`substantial`", " with `min_lines` and `exclude_labels`"):
            return MISSING
        self.check_keys(y, ("min_lines", "exclude_labels"), "`substantial`")
        out = {}
        if "min_lines" in y.value:
            value = self.integer(y.value["min_lines"], "`substantial.min_lines`", 0)
            if value is not MISSING:
                out["min_lines"] = value
        if "exclude_labels" in y.value:
            value = self.texts(y.value["exclude_labels"], "`substantial.exclude_labels`")
            if value is not MISSING:
                out["exclude_labels"] = value
        return out

    def members_since(self, y: Node) -> Any:
        if not self.mapping(y, "`members_since`", " from login to date"):
            return MISSING
        out = {}
        for login, value in y.value.items():
            key_line = y.key_lines[login]
            if not _LOGIN.match(login[:_LONGEST]):
                hint_at = " (write logins without the `@`)" if login.startswith("@") else ""
                self.error(key_line, f"`{login[:80]}` in `members_since` is not a GitHub login{hint_at}.")
                continue
            day = self.day(value, f"The date for `{login}` in `members_since`")
            if day is not MISSING:
                out[login] = day
        return out

    def peribolos(self, y: Node) -> Any:
        what = "`peribolos`"
        if y.kind == "str" and ":" in y.value:
            repo, _, path = y.value.strip().partition(":")
            repo_line = path_line = y.line
        elif y.kind == "map" and "repo" in y.value and "path" in y.value:
            self.check_keys(y, ("repo", "path"), what)
            repo_y, path_y = y.value["repo"], y.value["path"]
            if repo_y.kind != "str" or path_y.kind != "str":
                self.error(y.line, f"{what} `repo` and `path` must be texts.")
                return MISSING
            repo, path = repo_y.value, path_y.value
            repo_line, path_line = repo_y.line, path_y.line
        else:
            self.error(y.line, f"{what} must be `{{repo: org, path: config/org.yaml}}` or `repo:path`, not {show(y)}.")
            return MISSING
        ok = True
        if len(repo) > _LONGEST or not _OWNER_REPO.match(repo.strip()):
            self.error(repo_line, f"The repository in {what} is not a repository name, not {repo[:80]!r}.")
            ok = False
        if not path.strip() or path.strip().startswith("/") or ".." in path.split("/") or len(path) > _LONGEST:
            self.error(path_line, f"The path in {what} must be a path inside the repository, not {path[:80]!r}.")
            ok = False
        return PeribolosFile(repo.strip(), path.strip()) if ok else MISSING

    def definitions(self, y: Node) -> Any:
        if not self.mapping(y, "`definitions`"):
            return MISSING
        self.check_keys(y, DEFINITION_KEYS, "`definitions`")
        out = {}
        for key, value in y.value.items():
            if key not in DEFINITION_KEYS:
                continue
            # the rule engine owns these meanings: ask it about each key, so its message gets this key's line
            plain = value.value if value.kind in ("bool", "int", "str", "float", "null") else show(value)
            try:
                definitions_from_config("org", {"definitions": {key: plain}})
            except DefinitionsError as exc:
                self.error(value.line, str(exc))
                continue
            out[key] = plain
        return out if len(out) == len(y.value) else MISSING

    def cohorts(self, y: Node, parts: Parts) -> Any:
        if not self.sequence(y, "`cohorts`", " of cohorts (`- name: ...`)"):
            return MISSING
        out: list[Cohort] = []
        targets: list[CohortTarget] = []
        names: dict[str, int] = {}
        before = self.error_count()
        for item in y.value:
            cohort, target = self.cohort(item)
            if target is not None:
                targets.append(target)
            name_y = item.get("name")
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
        parts.targets = tuple(targets)
        return tuple(out) if self.error_count() == before else MISSING

    def cohort(self, y: Node) -> tuple[Cohort | None, CohortTarget | None]:
        if y.kind != "map":
            self.error(y.line, f"Each cohort must be a mapping with {listing(COHORT_REQUIRED)}, not {show(y)}.")
            return None, None
        v = y.value
        name_y = v.get("name")
        label = f"cohort `{name_y.value}`" if name_y is not None and name_y.kind == "str" else "the cohort"
        Label = label[0].upper() + label[1:]
        self.check_keys(y, COHORT_KEYS, label)
        before = self.error_count()
        missing = [key for key in COHORT_REQUIRED if key not in v]
        if missing:
            self.error(y.line, f"{Label} needs {listing(missing)}.")
        readers = {
            "name": lambda x: self.text(x, f"`name` of {label}"),
            "target": lambda x: self.text(x, f"`target` of {label}"),
            "scope": lambda x: self.scope(x, label),
            "start": lambda x: self.day(x, f"`start` of {label}"),
            "end": lambda x: self.day(x, f"`end` of {label}"),
            "mentors": lambda x: self.logins(x, f"`mentors` of {label}"),
            # with a sign-up issue the list may start empty: people enrol themselves
            "mentees": lambda x: (
                ()
                if "signup_issue" in v and x.kind == "seq" and not x.value
                else self.logins(x, f"`mentees` of {label}")
            ),
            "tracking_issue": lambda x: self.integer(x, f"`tracking_issue` of {label}", 1),
            "checkin_day": lambda x: self.weekday(x, label),
            "timezone": lambda x: self.timezone(x, label),
            "signup_issue": lambda x: self.integer(x, f"`signup_issue` of {label}", 1),
            "capacity": lambda x: self.integer(x, f"`capacity` of {label}", 1),
            "mentees_per_mentor": lambda x: self.integer(x, f"`mentees_per_mentor` of {label}", 1),
        }
        got = {key: reader(v[key]) for key, reader in readers.items() if key in v}
        target = None
        if isinstance(got.get("target"), str):
            target = CohortTarget(label, got["target"], self.filename, v["target"].line)
        start, end = got.get("start"), got.get("end")
        if isinstance(start, date) and isinstance(end, date) and end <= start:
            self.error(v["end"].line, f"`end` of {label} ({end}) must come after its `start` ({start}).")
        mentors, mentees = got.get("mentors"), got.get("mentees")
        if isinstance(mentors, tuple) and isinstance(mentees, tuple):
            mentor_set = {m.lower() for m, _ in mentors}
            for login, line in mentees:
                if login.lower() in mentor_set:
                    self.error(line, f"`{login}` is both a mentor and a mentee of {label}.")
        per_mentor = got.get("mentees_per_mentor", DEFAULT_MENTEES_PER_MENTOR)
        capacity = got.get("capacity", MAX_MENTEES)
        if isinstance(mentees, tuple) and per_mentor is not MISSING and capacity is not MISSING:
            self.problems += shape_problems(
                self.filename,
                Label,
                mentors=len(mentors) if isinstance(mentors, tuple) else 0,
                mentees=len(mentees),
                mentees_line=v["mentees"].line,
                mentees_per_mentor=per_mentor,
                capacity=capacity,
                capacity_line=v["capacity"].line if "capacity" in v else None,
                start=start if isinstance(start, date) else None,
                end=end if isinstance(end, date) else None,
                end_line=v["end"].line if "end" in v else y.line,
            )
        if "tracking_issue" not in v:
            self.warn(
                y.line,
                f"{Label} has no `tracking_issue`: no progress comments or weekly digests will be posted for it.",
            )
        if self.error_count() > before or MISSING in got.values():
            return None, target
        cohort = Cohort(
            got["name"],
            got["target"],
            got.get("scope", CohortScope()),
            got["start"],
            got["end"],
            tuple(login for login, _ in got["mentors"]),
            tuple(login for login, _ in got["mentees"]),
            got.get("tracking_issue"),
            got.get("checkin_day", "monday"),
            got.get("timezone", "UTC"),
            got.get("signup_issue"),
            capacity,
            per_mentor,
            source=self.filename,
            line=y.line,
            target_line=v["target"].line,
            mentor_lines=tuple(line for _, line in got["mentors"]),
            mentee_lines=tuple(line for _, line in got["mentees"]),
        )
        return cohort, target

    def scope(self, y: Node, label: str) -> Any:
        if y.kind == "str" and y.value.strip().lower() == "org":
            return CohortScope()
        if y.kind != "map" or "repo" not in y.value:
            self.error(
                y.line,
                f"`scope` of {label} must be `org` or `{{repo: name, path: folder}}` (path optional), not {show(y)}.",
            )
            return MISSING
        self.check_keys(y, ("repo", "path"), f"`scope` of {label}")
        repo = self.repo_name(y.value["repo"], f"`scope.repo` of {label}")
        path = None
        if "path" in y.value:
            path = self.text(y.value["path"], f"`scope.path` of {label}")
            if path is not MISSING:
                path = path.strip("/")
                if not path or ".." in path.split("/"):
                    self.error(
                        y.value["path"].line,
                        f"`scope.path` of {label} must be a folder inside the repository, e.g. pkg/controller.",
                    )
                    path = MISSING
        if repo is MISSING or path is MISSING:
            return MISSING
        return CohortScope(repo, path)

    def weekday(self, y: Node, label: str) -> Any:
        if y.kind == "str":
            text = y.value.strip().lower()
            for day in WEEKDAYS:
                if text in (day, day[:3]):
                    return day
        close = hint(y.value.strip().lower(), WEEKDAYS) if y.kind == "str" else ""
        self.error(
            y.line, f"`checkin_day` of {label} must be a day of the week (monday … sunday), not {show(y)}.{close}"
        )
        return MISSING

    def timezone(self, y: Node, label: str) -> Any:
        what = f"`timezone` of {label}"
        value = self.text(y, what)
        if value is MISSING:
            return value
        if value in _zones():
            return value
        close = hint(value, _zones())
        if not close:  # "Berlin" for "Europe/Berlin"
            ends = sorted(z for z in _zones() if z.lower().endswith("/" + value.lower()))
            close = f" Did you mean `{ends[0]}`?" if len(ends) == 1 else ""
        self.error(y.line, f"{what} must be an IANA time zone name such as Europe/Berlin or UTC, not {show(y)}.{close}")
        return MISSING


@cache
def _zones() -> frozenset[str]:
    """IANA zone names that load here (zoneinfo: the system's database, or the tzdata package)."""
    out = set()
    for name in available_timezones():
        if name in _NOT_ZONES or not _ZONE.match(name):
            continue
        try:
            ZoneInfo(name)
        except Exception:  # a broken file in the system database: not a name to offer
            continue
        out.add(name)
    return frozenset(out)


def read_parts(text: str, filename: str) -> tuple[Parts, list[ConfigError]]:
    """What one file says, checked key by key, and every problem found in it (errors and warnings)."""
    doc, problems = compose(text, filename)
    if problems and doc is None:
        return Parts(readable=False), problems
    reader = _Reader(filename)
    parts = reader.document(doc)
    return parts, sort_problems(problems + reader.problems)


def merge_parts(base: Parts, override: Parts) -> Parts:
    """`override` (the extending file) over `base` (the file it extends): mappings in MERGED_KEYS are
    merged key by key, every other value is replaced whole. A key the override writes with a bad value
    replaces the base's too: it is reported, never silently taken from the base."""
    values = dict(base.values)
    origin = dict(base.origin)
    invalid = set(base.invalid)
    targets = base.targets
    for key, where in override.origin.items():
        origin[key] = where
        if key in override.invalid:
            values.pop(key, None)
            invalid.add(key)
            if key == "cohorts":
                targets = override.targets
            continue
        invalid.discard(key)
        value = override.values[key]
        if key in MERGED_KEYS and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
        if key == "cohorts":
            targets = override.targets
    return Parts(values, origin, None, base.readable and override.readable, invalid, targets)


def build_config(
    parts: Parts, filename: str, ladder: Ladder | None = None, *, incomplete: bool = False
) -> tuple[OrgConfig | None, list[ConfigError]]:
    """The `OrgConfig` from checked parts, and the problems only visible once they are together:
    `ladder` is required, and each cohort's `target` must be a level of the ladder. `ladder` is the
    loaded ladder when `parts` names a ladder file; a built-in ladder is found here.

    `incomplete`: a file of the chain could not be read (an `_extends` that failed, or one not followed,
    as in `ladder check-config`), so a key missing here may be in it: missing keys are not reported, and
    without a ladder the targets are not checked."""
    problems: list[ConfigError] = []
    v = parts.values
    if "ladder" not in v and "ladder" not in parts.invalid and not incomplete:
        problems.append(
            ConfigError(
                filename,
                1,
                f"`ladder` is required: a built-in ladder ({', '.join(builtin_names())}) or the path of a ladder file.",
            )
        )
    elif ladder is None and v.get("ladder") in builtin_names():
        ladder = builtin_ladder(v["ladder"])
    if ladder is not None:
        names = [level.name for level in ladder.levels]
        for t in parts.targets:
            if t.target not in names:
                problems.append(
                    ConfigError(
                        t.filename,
                        t.line,
                        f"`target: {t.target}` of {t.label} is not a level of the {ladder.name} ladder "
                        f"(levels: {', '.join(names)}).{hint(t.target, names)}",
                    )
                )
    if problems or "ladder" not in v:
        return None, problems
    substantial = v.get("substantial", {})
    config = OrgConfig(
        ladder=v["ladder"],
        community_repo=v.get("community_repo", "community"),
        dry_run=v.get("dry_run", False),
        owners_pr=v.get("owners_pr", "after_approval"),
        nominate=v.get("nominate", "everyone"),
        nominate_limit=v.get("nominate_limit", DEFAULT_NOMINATE_LIMIT),
        grace_period=v.get("grace_period", DEFAULT_GRACE_PERIOD),
        review_acts_as_lgtm=v.get("review_acts_as_lgtm", ()),
        substantial=Substantial(substantial.get("min_lines", 30), substantial.get("exclude_labels", ())),
        members_since=v.get("members_since", {}),
        peribolos=v.get("peribolos"),
        definitions=v.get("definitions", {}),
        cohorts=v.get("cohorts", ()),
    )
    return config, problems


def read_config(text: str, filename: str, ladder: Ladder | None = None) -> tuple[OrgConfig | None, list[ConfigError]]:
    """One self-contained file: the config (None if there is any error) and every problem found."""
    parts, problems = read_parts(text, filename)
    if not parts.readable:
        return None, problems
    config, more = build_config(parts, filename, ladder)
    problems = sort_problems(problems + more)
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
