"""The ladder file format: read a ladder YAML into a `Ladder`, or say where and why it is wrong.

The format is documented in docs/ladder-format.md. Every error is a `LadderError` (the located-YAML
error of ladder_rules/located_yaml.py, shared with `ladder.yml`) with the file, the 1-based line and one
sentence; `read_ladder` and `check_ladder_file` gather all of them in one pass, `load_ladder` raises the
first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_rules.located_yaml import (
    MISSING,
    Duration,
    LocatedError,
    Node,
    Reader,
    compose,
    hint,
    show,
    sort_problems,
)
from ladder_rules.rosters import KINDS as ROSTER_READERS

# Metrics a count requirement may name (their meaning: ladder_rules/metrics.py and docs/ladder-format.md).
METRICS = (
    "merged_prs",
    "authored_prs",
    "reviewed_prs",
    "primary_reviews",
    "reviewed_or_merged",
    "lgtms",
    "approves",
    "issues",
    "comments",
    "contributions",
)
PR_METRICS = frozenset(METRICS) - {"issues", "comments", "contributions"}
SCOPE_KINDS = ("org", "repository", "path")
# Roster kinds Ladder has a reader (and writer) for; a ladder naming another is a format error, never silence.
# Roster kinds a ladder may name: exactly those with a reader and a writer (ladder_rules/rosters.py).
ROSTER_KINDS = ROSTER_READERS
OWNERS_LISTS = ("reviewers", "approvers")
INACTIVITY_ACTIONS = ("remove", "emeritus")
APPROVALS = ("one", "majority", "all")
CHECK_FIRST_CONTRIBUTION = "first contribution"


LadderError = LocatedError  # the name ladder code has always used for a problem in a ladder file


@dataclass(frozen=True, slots=True)
class Window:
    """Which activity a count looks at: all of it, the last `months`, or since the last promotion."""

    kind: str = "all"  # "all" | "months" | "since_promotion"
    months: int = 0

    def __str__(self) -> str:
        if self.kind == "months":
            return "in the last year" if self.months == 12 else f"in the last {self.months} months"
        if self.kind == "since_promotion":
            return "since the last promotion"
        return ""


@dataclass(frozen=True, slots=True)
class Count:
    """At least `at_least` items of `metric`, in `window`, within the scope."""

    metric: str
    at_least: int
    window: Window = Window()
    substantial: bool = False
    merged: bool = False
    scope: str = "level"  # "level" (the scope being evaluated) | "org" | "repository"
    name: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Tenure:
    """Time in `level` (or a higher one), or since the first contribution when `level` is None.

    With `project_age_fraction` the need is min(at_least, fraction × the project's age).
    """

    level: str | None
    at_least: Duration
    project_age_fraction: float | None = None
    name: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class SponsorRule:
    """`count` people holding one of `levels` (or a higher level) vouch, by writing one of `phrases`."""

    count: int
    levels: tuple[str, ...]
    where: str = "scope"  # "scope": the level must be held over the scope; "org": anywhere in the org
    distinct_companies: bool = False
    phrases: tuple[str, ...] = ("+1", "/sponsor")

    def to_dict(self) -> dict:
        return {
            "count": self.count,
            "levels": list(self.levels),
            "where": self.where,
            "distinct_companies": self.distinct_companies,
            "phrases": list(self.phrases),
        }


@dataclass(frozen=True, slots=True)
class Sponsors:
    """A requirement met by people, not by activity (Tekton's "endorsed by 2 members")."""

    alternatives: tuple[SponsorRule, ...]
    name: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    """all / any / at least `k` of the children."""

    mode: str  # "all" | "any" | "at_least"
    children: tuple[Requirement, ...]
    k: int = 0
    name: str | None = None
    line: int = 0


Requirement = Count | Tenure | Sponsors | Group


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Decision:
    """How the humans decide: who, how many approvals, how long objections may come in."""

    by: tuple[str, ...] = ()
    approvals: str = "one"  # one | majority | all
    objection_window_days: int = 0
    all_approve_skips_window: bool = False

    def to_dict(self) -> dict:
        return {
            "by": list(self.by),
            "approvals": self.approvals,
            "objection_window_days": self.objection_window_days,
            "all_approve_skips_window": self.all_approve_skips_window,
        }


@dataclass(frozen=True, slots=True)
class Inactivity:
    """After `months` without `metric` activity, the person is removed or moved to emeritus."""

    months: int
    action: str = "remove"  # remove | emeritus
    metric: str = "contributions"


@dataclass(frozen=True, slots=True)
class Roster:
    """Where holding the level is written down."""

    kind: str  # one of ROSTER_KINDS
    list: str | None = None  # OWNERS list: reviewers | approvers
    group: str | None = None  # OWNERS_ALIASES group name, may contain {scope}
    path: str | None = None  # file path (peribolos org.yaml, CODEOWNERS)

    def to_dict(self) -> dict:
        return {
            k: v
            for k, v in (("kind", self.kind), ("list", self.list), ("group", self.group), ("path", self.path))
            if v is not None
        }


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    scope: str  # org | repository | path: the finest scope the level is held at
    requires: Group
    title: str | None = None
    sponsors: tuple[SponsorRule, ...] = ()  # alternatives: any one of them suffices
    checklist: tuple[ChecklistItem, ...] = ()
    decision: Decision | None = None
    stay: Group | None = None  # yearly minimums to keep the level
    inactivity: Inactivity | None = None
    roster: Roster | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Ladder:
    name: str
    title: str
    source: str
    levels: tuple[Level, ...]
    notes: str | None = None
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def level(self, name: str) -> Level:
        if not self._by_name:
            self._by_name.update({level.name: level for level in self.levels})
        return self._by_name[name]

    def rank(self, name: str) -> int:
        """Position of a level in the ladder (0 = lowest); -1 for a level this ladder does not have."""
        for i, level in enumerate(self.levels):
            if level.name == name:
                return i
        return -1

    def previous(self, name: str) -> Level | None:
        i = self.rank(name)
        return self.levels[i - 1] if i > 0 else None


# --- reading ---------------------------------------------------------------------------------------

_WINDOW_MONTHS = re.compile(r"(?:last +)?(\d{1,4}) *(month|year)s?", re.I)
HEADS = (*METRICS, "tenure", "all", "any", "of", "sponsors")  # what a requirement is
MODIFIERS = ("window", "substantial", "merged", "scope", "name", "at_least", "or_fraction_of_project_age")
LADDER_KEYS = ("ladder", "title", "source", "notes", "levels")
LEVEL_KEYS = ("title", "scope", "requires", "sponsors", "checklist", "decision", "stay", "inactivity", "roster")
SPONSOR_KEYS = ("count", "level", "where", "distinct_companies", "phrases")
DECISION_KEYS = ("by", "approvals", "objection_window_days", "all_approve_skips_window")
# the keys each roster kind reads; any other is reported rather than ignored
ROSTER_KEYS = {
    "org_members": ("kind", "path"),  # peribolos org.yaml, `path` may hold {org}
    "owners": ("kind", "list"),
    "owners_alias": ("kind", "group", "list"),
    "codeowners": ("kind", "path"),
}
_HEAD_TEXT = "a metric name, `tenure`, `all`, `any`, `at_least`/`of` or `sponsors`"


class _Reader(Reader):
    """Walks the composed YAML, builds the model, and records every error with its line. The level names
    are known before any level is read, so a rule naming a level is checked where it is written."""

    def __init__(self, filename: str):
        super().__init__(filename)
        self.names: list[str] = []
        self.current = 0  # index of the level being read

    # --- names of levels ---

    def level_name(self, node: Node, what: str, *, below: bool = False) -> Any:
        value = self.text(node, what)
        if value is MISSING:
            return value
        if value not in self.names:
            self.error(
                node.line,
                f"{what} names level `{value}`, which this ladder does not have (levels: {', '.join(self.names)})."
                f"{hint(value, self.names)}",
            )
            return MISSING
        if below and self.names.index(value) >= self.current:
            self.error(node.line, f"{what} must name a level below `{self.names[self.current]}`.")
            return MISSING
        return value

    def level_names(self, node: Node, what: str) -> Any:
        """One level or a non-empty list of them."""
        items = [node] if node.kind in ("str", "int") else node.value if node.kind == "seq" else None
        if not items:
            self.error(node.line, f"{what} must be a level or a non-empty list of levels, not {show(node)}.")
            return MISSING
        out = [self.level_name(item, what) for item in items]
        return tuple(out) if MISSING not in out else MISSING

    # --- small values ---

    def window(self, node: Node) -> Any:
        if node.kind == "str" and len(node.value) < 40:
            text = " ".join(node.value.split()).lower()
            if text in ("all time", "all"):
                return Window()
            if text in ("since promotion", "since the last promotion", "since last promotion"):
                return Window("since_promotion")
            m = _WINDOW_MONTHS.fullmatch(text)
            if m and int(m.group(1)) > 0:
                return Window("months", int(m.group(1)) * (12 if m.group(2) == "year" else 1))
        self.error(
            node.line, f'`window` must be "all time", "since promotion" or a span like "12 months", not {show(node)}.'
        )
        return MISSING

    def optional(self, node: Node, key: str, read, default: Any = None) -> Any:
        """`read(value)` when `key` is in mapping `node`, else `default`."""
        return read(node.value[key]) if key in node.value else default

    # --- requirements ---

    def requirement_list(self, node: Node, where: str) -> tuple[Requirement, ...] | Any:
        if not self.sequence(node, where, " of requirements", non_empty=True):
            return MISSING
        out = [self.requirement(item) for item in node.value]
        return tuple(r for r in out if r is not None) if None not in out else MISSING

    def requirement(self, node: Node) -> Requirement | None:
        if node.kind != "map" or not node.value:
            self.error(
                node.line, f"A requirement must be a mapping such as `merged_prs: 1` or `any: [...]`, not {show(node)}."
            )
            return None
        keys = list(node.value)
        heads = [k for k in keys if k in HEADS]
        if len(heads) > 1:
            self.error(
                node.line,
                f"A requirement has one head, and this one has {len(heads)} ({', '.join(f'`{h}`' for h in heads)}): "
                f"write each as its own list item.",
            )
            return None
        if not heads:
            unknown = [k for k in keys if k not in MODIFIERS]
            for key in unknown:
                self.error(
                    node.key_lines[key],
                    f"Unknown key `{key[:80]}` in a requirement.{hint(key, HEADS + MODIFIERS)} A requirement starts "
                    f"with {_HEAD_TEXT}.",
                )
            if not unknown:
                if "at_least" in keys:
                    self.error(node.line, "`at_least` needs `of: [...]` beside it (or `tenure: <level>` for time).")
                else:
                    found = ", ".join(f"`{k}`" for k in keys)
                    self.error(node.line, f"A requirement needs {_HEAD_TEXT} (it has only {found}).")
            return None
        head = heads[0]
        name = self.optional(node, "name", lambda y: self.text(y, "`name` of a requirement"))
        if head in ("all", "any"):
            self.check_keys(node, (head, "name"), f"`{head}`")
            children = self.requirement_list(node.value[head], f"`{head}`")
            if children is MISSING or name is MISSING:
                return None
            return Group(head, children, name=name, line=node.line)
        if head == "of":
            return self.at_least_of(node, name)
        if head == "tenure":
            return self.tenure(node, name)
        if head == "sponsors":
            self.check_keys(node, ("sponsors", "name"), "`sponsors`")
            rules = self.sponsor_rules(node.value["sponsors"])
            return Sponsors(rules, name=name, line=node.line) if rules is not MISSING and name is not MISSING else None
        return self.count(node, head, name)

    def at_least_of(self, node: Node, name: Any) -> Group | None:
        self.check_keys(node, ("at_least", "of", "name"), "`at_least` … `of`")
        children = self.requirement_list(node.value["of"], "`of`")
        if "at_least" not in node.value:
            self.error(node.line, "`of` needs `at_least: <how many>` beside it.")
            return None
        k = self.integer(node.value["at_least"], "`at_least` beside `of`", 1)
        if k is not MISSING and children is not MISSING and k > len(children):
            self.error(
                node.value["at_least"].line,
                f"`at_least: {k}` asks for more than the {len(children)} requirement(s) listed.",
            )
            return None
        if k is MISSING or children is MISSING or name is MISSING:
            return None
        return Group("at_least", children, k=k, name=name, line=node.line)

    def count(self, node: Node, metric: str, name: Any) -> Count | None:
        where = f"the `{metric}` requirement"
        self.check_keys(node, (metric, "window", "substantial", "merged", "scope", "name"), where)
        at_least = self.integer(node.value[metric], f"`{metric}`", 1)
        window = self.optional(node, "window", self.window, Window())
        substantial = self.optional(node, "substantial", lambda y: self.boolean(y, f"`substantial` in {where}"), False)
        merged = self.optional(node, "merged", lambda y: self.boolean(y, f"`merged` in {where}"), False)
        if (substantial is True or merged is True) and metric not in PR_METRICS:
            self.error(
                node.line, f"`substantial` and `merged` qualify pull requests; `{metric}` counts no pull requests."
            )
            return None
        scope = self.optional(
            node, "scope", lambda y: self.choice(y, f"`scope` in {where}", ("level", "org", "repository")), "level"
        )
        values = (at_least, window, substantial, merged, scope, name)
        if MISSING in values:
            return None
        return Count(metric, at_least, window, substantial, merged, scope, name, node.line)

    def tenure(self, node: Node, name: Any) -> Tenure | None:
        where = "the `tenure` requirement"
        self.check_keys(node, ("tenure", "at_least", "or_fraction_of_project_age", "name"), where)
        level_node = node.value["tenure"]
        if level_node.kind == "str" and level_node.value.strip().lower() == CHECK_FIRST_CONTRIBUTION:
            level = None
        else:
            level = self.level_name(level_node, "`tenure`", below=True)
        if "at_least" not in node.value:
            self.error(node.line, "`tenure` needs `at_least: <duration>`, e.g. `at_least: 3 months`.")
            return None
        at_least = self.duration(node.value["at_least"], "`at_least` of `tenure`")
        fraction = self.optional(
            node,
            "or_fraction_of_project_age",
            lambda y: self.number(y, "`or_fraction_of_project_age`", 0, 1),
        )
        if MISSING in (level, at_least, fraction, name):
            return None
        return Tenure(level, at_least, fraction, name, node.line)

    def sponsor_rules(self, node: Node) -> tuple[SponsorRule, ...] | Any:
        if node.kind == "map" and "one_of" in node.value:
            self.check_keys(node, ("one_of",), "`sponsors`")
            alternatives = node.value["one_of"]
            if not self.sequence(alternatives, "`one_of`", " of sponsor rules", non_empty=True):
                return MISSING
            rules = [self.sponsor_rule(item) for item in alternatives.value]
            return tuple(rules) if MISSING not in rules else MISSING
        rule = self.sponsor_rule(node)
        return MISSING if rule is MISSING else (rule,)

    def sponsor_rule(self, node: Node) -> SponsorRule | Any:
        where = "a sponsor rule"
        if not self.mapping(node, "A sponsor rule", " with `count` and `level`"):
            return MISSING
        self.check_keys(node, SPONSOR_KEYS, where)
        missing = [k for k in ("count", "level") if k not in node.value]
        if missing:
            self.error(node.line, f"A sponsor rule needs `{'` and `'.join(missing)}`.")
        count = self.optional(node, "count", lambda y: self.integer(y, "`count` of a sponsor rule", 1))
        levels = self.optional(node, "level", lambda y: self.level_names(y, "`level` of a sponsor rule"))
        where_value = self.optional(
            node, "where", lambda y: self.choice(y, "`where` in a sponsor rule", ("scope", "org")), "scope"
        )
        distinct = self.optional(
            node, "distinct_companies", lambda y: self.boolean(y, f"`distinct_companies` in {where}"), False
        )
        phrases = self.optional(
            node, "phrases", lambda y: self.texts(y, f"`phrases` in {where}", non_empty=True), ("+1", "/sponsor")
        )
        if missing or MISSING in (count, levels, where_value, distinct, phrases):
            return MISSING
        return SponsorRule(count, levels, where_value, distinct, phrases)

    # --- levels ---

    def level(self, name: str, key_line: int, node: Node) -> Level | None:
        where = f"level `{name}`"
        if node.kind != "map":
            self.error(key_line, f"{where} must be a mapping of its rules (`requires`, `roster`, …), not {show(node)}.")
            return None
        before = self.error_count()
        self.check_keys(node, LEVEL_KEYS, where)
        scope = self.optional(node, "scope", lambda y: self.choice(y, f"`scope` of {where}", SCOPE_KINDS), "org")
        children = self.optional(node, "requires", lambda y: self.requirement_list(y, f"`requires` of {where}"), ())
        sponsors = self.optional(node, "sponsors", self.sponsor_rules, ())
        checklist = self.optional(node, "checklist", self.checklist, ())
        decision = self.optional(node, "decision", self.decision)
        stay = None
        if "stay" in node.value:
            stay_children = self.requirement_list(node.value["stay"], f"`stay` of {where}")
            if stay_children is not MISSING:
                stay = Group("all", stay_children, line=node.value["stay"].line)
        inactivity = self.optional(node, "inactivity", self.inactivity)
        roster = self.optional(node, "roster", lambda y: self.roster(y, where))
        title = self.optional(node, "title", lambda y: self.text(y, f"`title` of {where}"))
        if self.error_count() > before:
            return None
        return Level(
            name,
            scope,
            Group("all", children, line=key_line),
            title,
            sponsors,
            checklist,
            decision,
            stay,
            inactivity,
            roster,
            key_line,
        )

    def checklist(self, node: Node) -> tuple[ChecklistItem, ...] | Any:
        if not self.sequence(node, "`checklist`", " of items (texts, or `{id: ..., text: ...}`)"):
            return MISSING
        items = []
        ids: dict[str, int] = {}
        for i, item in enumerate(node.value):
            if item.kind == "str" and item.value.strip():
                slug = re.sub(r"[^a-z0-9]+", "-", item.value.lower()).strip("-")[:40] or f"item-{i + 1}"
                entry = ChecklistItem(slug, item.value)
            elif item.kind == "map" and {"id", "text"} <= set(item.value):
                self.check_keys(item, ("id", "text"), "a checklist item")
                id_, text = self.text(item.value["id"], "`id`"), self.text(item.value["text"], "`text`")
                if MISSING in (id_, text):
                    continue
                entry = ChecklistItem(id_, text)
            else:
                self.error(item.line, "A checklist item must be a text, or a mapping with `id` and `text`.")
                continue
            if entry.id in ids:
                self.error(item.line, f"Checklist item id `{entry.id}` is used twice (first on line {ids[entry.id]}).")
                continue
            ids[entry.id] = item.line
            items.append(entry)
        return tuple(items)

    def decision(self, node: Node) -> Decision | Any:
        where = "`decision`"
        if not self.mapping(node, where, " with `by`, `approvals`, `objection_window_days`"):
            return MISSING
        self.check_keys(node, DECISION_KEYS, where)
        by = self.optional(node, "by", lambda y: self.level_names(y, f"`by` of {where}"), ())
        approvals = self.optional(node, "approvals", lambda y: self.choice(y, "`approvals`", APPROVALS), "one")
        days = self.optional(node, "objection_window_days", lambda y: self.integer(y, "`objection_window_days`", 0), 0)
        skips = self.optional(
            node, "all_approve_skips_window", lambda y: self.boolean(y, "`all_approve_skips_window`"), False
        )
        if MISSING in (by, approvals, days, skips):
            return MISSING
        return Decision(by, approvals, days, skips)

    def inactivity(self, node: Node) -> Inactivity | Any:
        where = "`inactivity`"
        if node.kind != "map" or "after" not in node.value:
            self.error(
                node.line,
                f"{where} must be a mapping with `after: <duration>` and `then: remove|emeritus`, not {show(node)}.",
            )
            return MISSING
        self.check_keys(node, ("after", "then", "metric"), where)
        after = self.duration(node.value["after"], "`after` of `inactivity`")
        action = self.optional(node, "then", lambda y: self.choice(y, "`then`", INACTIVITY_ACTIONS), "remove")
        metric = self.optional(node, "metric", lambda y: self.choice(y, "`metric`", METRICS), "contributions")
        if MISSING in (after, action, metric):
            return MISSING
        months = after.months or max(1, round(after.days / 30))
        return Inactivity(months, action, metric)

    def roster(self, node: Node, where: str) -> Roster | Any:
        what = f"`roster` of {where}"
        if node.kind != "map" or "kind" not in node.value:
            self.error(
                node.line, f"{what} must be a mapping with `kind` ({', '.join(ROSTER_KINDS)}), not {show(node)}."
            )
            return MISSING
        kind_node = node.value["kind"]
        kind = self.text(kind_node, f"`kind` of {what}")
        if kind is MISSING:
            return MISSING
        if kind not in ROSTER_KINDS:
            reason = (
                "has no reader: Ladder can neither read who holds the level from such a file nor add people to it"
                if kind == "file"
                else "is not a roster kind Ladder reads"
            )
            self.error(
                kind_node.line,
                f"roster `kind: {kind[:60]}` {reason}. The kinds are org_members (a peribolos org.yaml, with "
                f"`path`), owners, owners_alias and codeowners; without `roster`, people edit the roster by hand."
                f"{hint(kind, ROSTER_KINDS)}",
            )
            return MISSING
        allowed = ROSTER_KEYS[kind]
        for key, line in node.key_lines.items():
            if key not in allowed and key in ("list", "group", "path"):
                self.error(
                    line, f"`{key}` does not apply to a roster of kind `{kind}` (its keys: {', '.join(allowed)})."
                )
        self.check_keys(node, ("kind", "list", "group", "path"), what)
        if kind == "owners" and "list" not in node.value:
            self.error(node.line, f"{what} needs `list` (reviewers or approvers).")
        if kind == "owners_alias" and "group" not in node.value:
            self.error(node.line, f"{what} needs `group` (the OWNERS_ALIASES group, may hold {{repo}}).")
        lst = self.optional(node, "list", lambda y: self.choice(y, f"`list` of {what}", OWNERS_LISTS))
        group = self.optional(node, "group", lambda y: self.text(y, f"`group` of {what}"))
        path = self.optional(node, "path", lambda y: self.text(y, f"`path` of {what}"))
        if MISSING in (lst, group, path):
            return MISSING
        return Roster(kind, lst, group, path)

    # --- the file ---

    def ladder(self, doc: Node | None) -> Ladder | None:
        if doc is None or doc.kind != "map":
            line = doc.line if doc is not None else 1
            shown = show(doc) if doc is not None else "an empty file"
            self.error(line, f"A ladder file must be a mapping with `ladder`, `source` and `levels`, not {shown}.")
            return None
        self.check_keys(doc, LADDER_KEYS, "the ladder")
        missing = [k for k in ("ladder", "source", "levels") if k not in doc.value]
        if missing:
            self.error(1, f"The ladder needs {' and '.join(f'`{k}`' for k in missing)}.")
        name = self.optional(doc, "ladder", lambda y: self.text(y, "`ladder`"))
        title = self.optional(doc, "title", lambda y: self.text(y, "`title`"))
        source = self.optional(doc, "source", lambda y: self.text(y, "`source`"))
        notes = self.optional(doc, "notes", lambda y: self.text(y, "`notes`"))
        levels_node = doc.get("levels")
        if levels_node is None:
            return None
        if levels_node.kind != "map" or not levels_node.value:
            self.error(
                levels_node.line if levels_node.kind != "null" else doc.key_lines["levels"],
                "`levels` must be a mapping from level name to its rules, lowest level first.",
            )
            return None
        self.names = list(levels_node.value)
        levels = []
        for i, (key, node) in enumerate(levels_node.value.items()):
            self.current = i
            levels.append(self.level(key, levels_node.key_lines[key], node))
        if None in levels or MISSING in (name, title, source, notes) or missing:
            return None
        return Ladder(name, title or name, source, tuple(levels), notes)


def read_ladder(text: str, filename: str) -> tuple[Ladder | None, list[LadderError]]:
    """The ladder and every error found, in one pass (the ladder is None when there is any error)."""
    doc, problems = compose(text, filename)
    if problems and doc is None:
        return None, problems
    reader = _Reader(filename)
    ladder = reader.ladder(doc)
    errors = sort_problems(problems + reader.problems)
    return (None if errors else ladder), errors


def load_ladder(text: str, filename: str) -> Ladder:
    """Read a ladder file's text; raise `LadderError` (the first error by line) if it is wrong."""
    ladder, errors = read_ladder(text, filename)
    if errors:
        raise errors[0]
    assert ladder is not None
    return ladder


def check_ladder_file(path: str | Path) -> list[LadderError]:
    """Every error in the ladder file at `path` (empty when it is valid)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"
        return [LadderError(str(path), 1, f"The file cannot be read: {reason}.")]
    return read_ladder(text, str(path))[1]
