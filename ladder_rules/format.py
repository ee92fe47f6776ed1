"""The ladder file format: read a ladder YAML into a `Ladder`, or say where and why it is wrong.

The format is documented in docs/ladder-format.md. Every error carries the file, the 1-based line and
one sentence; `check_ladder_file` gathers all of them, `load_ladder` raises the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

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
ROSTER_KINDS = ("org_members", "owners", "owners_alias", "codeowners", "file")
OWNERS_LISTS = ("reviewers", "approvers")
INACTIVITY_ACTIONS = ("remove", "emeritus")
APPROVALS = ("one", "majority", "all")
CHECK_FIRST_CONTRIBUTION = "first contribution"


class LadderError(Exception):
    """A ladder file is wrong at `line` (1-based) of `filename`, for the reason in `message`."""

    def __init__(self, filename: str, line: int, message: str):
        super().__init__(f"{filename}:{line}: {message}")
        self.filename = filename
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Duration:
    """A span written as "3 months", "1 year", "2 weeks" or "5 days"."""

    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        if self.months:
            if self.months % 12 == 0:
                years = self.months // 12
                return f"{years} year" + ("s" if years != 1 else "")
            return f"{self.months} month" + ("s" if self.months != 1 else "")
        return f"{self.days} day" + ("s" if self.days != 1 else "")


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

    kind: str  # org_members | owners | owners_alias | codeowners | file
    list: str | None = None  # OWNERS list: reviewers | approvers
    group: str | None = None  # OWNERS_ALIASES group name, may contain {scope}
    path: str | None = None  # file path (peribolos org.yaml, CODEOWNERS, a members file)

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

_DURATION = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.I)
_WINDOW_MONTHS = re.compile(r"^\s*(?:last\s+)?(\d+)\s*(month|year)s?\s*$", re.I)


class _Reader:
    """Walks the parsed YAML, builds the model, and records every error with its line."""

    def __init__(self, filename: str):
        self.filename = filename
        self.errors: list[LadderError] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(LadderError(self.filename, line, message))

    # line helpers: ruamel keeps 0-based (line, column) for keys, values and items
    @staticmethod
    def key_line(node: Any, key: Any, default: int) -> int:
        try:
            return node.lc.key(key)[0] + 1
        except Exception:
            return default

    @staticmethod
    def value_line(node: Any, key: Any, default: int) -> int:
        try:
            return node.lc.value(key)[0] + 1
        except Exception:
            return default

    @staticmethod
    def item_line(node: Any, index: int, default: int) -> int:
        try:
            return node.lc.item(index)[0] + 1
        except Exception:
            return default

    @staticmethod
    def node_line(node: Any, default: int) -> int:
        try:
            return node.lc.line + 1
        except Exception:
            return default

    def check_keys(self, node: CommentedMap, allowed: set[str], where: str, line: int) -> None:
        for key in node:
            if key not in allowed:
                self.error(
                    self.key_line(node, key, line),
                    f"Unknown key `{key}` in {where}; expected one of: {', '.join(sorted(allowed))}.",
                )

    def text(self, node: CommentedMap, key: str, where: str, line: int, required: bool = False) -> str | None:
        if key not in node:
            if required:
                self.error(line, f"{where} needs `{key}`.")
            return None
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.error(self.value_line(node, key, line), f"`{key}` in {where} must be a non-empty text.")
            return None
        return str(value)

    def integer(self, node: CommentedMap, key: str, where: str, line: int, minimum: int = 0) -> int | None:
        value = node[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.error(
                self.value_line(node, key, line),
                f"`{key}` in {where} must be a whole number of at least {minimum}, not {value!r}.",
            )
            return None
        return int(value)

    def boolean(self, node: CommentedMap, key: str, where: str, line: int) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.error(self.value_line(node, key, line), f"`{key}` in {where} must be true or false.")
            return False
        return value

    def text_list(self, value: Any, key: str, where: str, line: int) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and value and all(isinstance(x, (str, int)) and str(x) for x in value):
            return tuple(str(x) for x in value)
        self.error(line, f"`{key}` in {where} must be a text or a non-empty list of texts.")
        return ()

    def duration(self, value: Any, where: str, line: int) -> Duration | None:
        m = _DURATION.match(str(value)) if isinstance(value, str) else None
        if not m:
            self.error(line, f'{where} must be a duration such as "3 months", "1 year" or "5 days", not {value!r}.')
            return None
        n, unit = int(m.group(1)), m.group(2).lower()
        if unit == "year":
            return Duration(months=12 * n)
        if unit == "month":
            return Duration(months=n)
        return Duration(days=7 * n if unit == "week" else n)

    def window(self, value: Any, line: int) -> Window:
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("all time", "all"):
                return Window()
            if text in ("since promotion", "since the last promotion", "since last promotion"):
                return Window("since_promotion")
            m = _WINDOW_MONTHS.match(text)
            if m and int(m.group(1)) > 0:
                n = int(m.group(1)) * (12 if m.group(2) == "year" else 1)
                return Window("months", n)
        self.error(line, f'`window` must be "all time", "since promotion" or a span like "12 months", not {value!r}.')
        return Window()

    # --- requirements ---

    def requirement_list(self, value: Any, where: str, line: int) -> tuple[Requirement, ...]:
        if not isinstance(value, list) or not value:
            self.error(line, f"{where} must be a non-empty list of requirements.")
            return ()
        out = []
        for i, item in enumerate(value):
            req = self.requirement(item, self.item_line(value, i, line))
            if req is not None:
                out.append(req)
        return tuple(out)

    def requirement(self, node: Any, line: int) -> Requirement | None:
        if not isinstance(node, CommentedMap) or not node:
            self.error(line, "A requirement must be a mapping such as `merged_prs: 1` or `any: [...]`.")
            return None
        line = self.node_line(node, line)
        name = self.text(node, "name", "a requirement", line)
        heads = [k for k in node if k in METRICS or k in ("tenure", "all", "any", "of", "sponsors")]
        if len(heads) != 1:
            found = ", ".join(f"`{h}`" for h in heads) or "none"
            self.error(
                line,
                "A requirement needs exactly one of a metric name, `tenure`, `all`, `any`, "
                f"`at_least`/`of` or `sponsors` (found {found}).",
            )
            return None
        head = heads[0]
        if head in ("all", "any"):
            self.check_keys(node, {head, "name"}, f"`{head}`", line)
            children = self.requirement_list(node[head], f"`{head}`", self.value_line(node, head, line))
            return Group(head, children, name=name, line=line)
        if head == "of":
            self.check_keys(node, {"of", "at_least", "name"}, "`at_least` … `of`", line)
            if "at_least" not in node:
                self.error(line, "`of` needs `at_least: <how many>` beside it.")
                return None
            k = self.integer(node, "at_least", "`at_least` … `of`", line, minimum=1)
            children = self.requirement_list(node["of"], "`of`", self.value_line(node, "of", line))
            if k is not None and children and k > len(children):
                self.error(
                    self.value_line(node, "at_least", line),
                    f"`at_least: {k}` asks for more than the {len(children)} requirement(s) listed.",
                )
            return Group("at_least", children, k=k or 1, name=name, line=line)
        if head == "tenure":
            return self.tenure(node, name, line)
        if head == "sponsors":
            self.check_keys(node, {"sponsors", "name"}, "`sponsors`", line)
            rules = self.sponsor_rules(node["sponsors"], self.value_line(node, "sponsors", line))
            return Sponsors(rules, name=name, line=line) if rules else None
        return self.count(node, head, name, line)

    def count(self, node: CommentedMap, metric: str, name: str | None, line: int) -> Count | None:
        where = f"the `{metric}` requirement"
        self.check_keys(node, {metric, "window", "substantial", "merged", "scope", "name"}, where, line)
        at_least = self.integer(node, metric, where, line, minimum=1)
        window = self.window(node["window"], self.value_line(node, "window", line)) if "window" in node else Window()
        substantial = self.boolean(node, "substantial", where, line)
        merged = self.boolean(node, "merged", where, line)
        if (substantial or merged) and metric not in PR_METRICS:
            self.error(line, f"`substantial` and `merged` qualify pull requests; `{metric}` counts no pull requests.")
        scope = node.get("scope", "level")
        if scope not in ("level", "org", "repository"):
            self.error(
                self.value_line(node, "scope", line),
                f"`scope` in {where} must be level, org or repository, not {scope!r}.",
            )
            scope = "level"
        if at_least is None:
            return None
        return Count(metric, at_least, window, substantial, merged, scope, name, line)

    def tenure(self, node: CommentedMap, name: str | None, line: int) -> Tenure | None:
        where = "the `tenure` requirement"
        self.check_keys(node, {"tenure", "at_least", "or_fraction_of_project_age", "name"}, where, line)
        level = node["tenure"]
        if not isinstance(level, str) or not level.strip():
            self.error(self.value_line(node, "tenure", line), '`tenure` must name a level, or be "first contribution".')
            return None
        if "at_least" not in node:
            self.error(line, "`tenure` needs `at_least: <duration>`, e.g. `at_least: 3 months`.")
            return None
        at_least = self.duration(node["at_least"], "`at_least` of `tenure`", self.value_line(node, "at_least", line))
        fraction = None
        if "or_fraction_of_project_age" in node:
            value = node["or_fraction_of_project_age"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
                self.error(
                    self.value_line(node, "or_fraction_of_project_age", line),
                    "`or_fraction_of_project_age` must be a number between 0 and 1, e.g. 0.5.",
                )
            else:
                fraction = float(value)
        if at_least is None:
            return None
        level_name = None if level.strip().lower() == CHECK_FIRST_CONTRIBUTION else level
        return Tenure(level_name, at_least, fraction, name, line)

    def sponsor_rules(self, value: Any, line: int) -> tuple[SponsorRule, ...]:
        if isinstance(value, CommentedMap) and "one_of" in value:
            self.check_keys(value, {"one_of"}, "`sponsors`", line)
            alts = value["one_of"]
            if not isinstance(alts, list) or not alts:
                self.error(
                    self.value_line(value, "one_of", line), "`one_of` must be a non-empty list of sponsor rules."
                )
                return ()
            rules = [self.sponsor_rule(a, self.item_line(alts, i, line)) for i, a in enumerate(alts)]
            return tuple(r for r in rules if r is not None)
        rule = self.sponsor_rule(value, line)
        return (rule,) if rule else ()

    def sponsor_rule(self, node: Any, line: int) -> SponsorRule | None:
        where = "a sponsor rule"
        if not isinstance(node, CommentedMap):
            self.error(line, "A sponsor rule must be a mapping with `count` and `level`.")
            return None
        line = self.node_line(node, line)
        self.check_keys(node, {"count", "level", "where", "distinct_companies", "phrases"}, where, line)
        if "count" not in node or "level" not in node:
            self.error(line, "A sponsor rule needs `count` and `level`.")
            return None
        count = self.integer(node, "count", where, line, minimum=1)
        levels = self.text_list(node["level"], "level", where, self.value_line(node, "level", line))
        where_value = node.get("where", "scope")
        if where_value not in ("scope", "org"):
            self.error(self.value_line(node, "where", line), "`where` in a sponsor rule must be scope or org.")
        phrases = (
            self.text_list(node["phrases"], "phrases", where, self.value_line(node, "phrases", line))
            if "phrases" in node
            else ("+1", "/sponsor")
        )
        distinct = self.boolean(node, "distinct_companies", where, line)
        if count is None or not levels:
            return None
        return SponsorRule(count, levels, str(where_value), distinct, phrases)

    # --- levels ---

    def level(self, name: str, node: Any, line: int) -> Level | None:
        where = f"level `{name}`"
        if not isinstance(node, CommentedMap):
            self.error(line, f"{where} must be a mapping with at least `requires`.")
            return None
        line = self.node_line(node, line)
        self.check_keys(
            node,
            {"title", "scope", "requires", "sponsors", "checklist", "decision", "stay", "inactivity", "roster"},
            where,
            line,
        )
        scope = node.get("scope", "org")
        if scope not in SCOPE_KINDS:
            self.error(
                self.value_line(node, "scope", line),
                f"`scope` of {where} must be one of {', '.join(SCOPE_KINDS)}, not {scope!r}.",
            )
            scope = "org"
        if "requires" in node:
            children = self.requirement_list(
                node["requires"], f"`requires` of {where}", self.value_line(node, "requires", line)
            )
        else:
            children = ()
        sponsors = (
            self.sponsor_rules(node["sponsors"], self.value_line(node, "sponsors", line)) if "sponsors" in node else ()
        )
        checklist = (
            self.checklist(node["checklist"], self.value_line(node, "checklist", line)) if "checklist" in node else ()
        )
        decision = (
            self.decision(node["decision"], self.value_line(node, "decision", line)) if "decision" in node else None
        )
        stay = None
        if "stay" in node:
            stay_children = self.requirement_list(
                node["stay"], f"`stay` of {where}", self.value_line(node, "stay", line)
            )
            stay = Group("all", stay_children, line=self.value_line(node, "stay", line))
        inactivity = (
            self.inactivity(node["inactivity"], self.value_line(node, "inactivity", line))
            if "inactivity" in node
            else None
        )
        roster = self.roster(node["roster"], self.value_line(node, "roster", line)) if "roster" in node else None
        title = self.text(node, "title", where, line)
        return Level(
            str(name),
            str(scope),
            Group("all", children, line=line),
            title,
            sponsors,
            checklist,
            decision,
            stay,
            inactivity,
            roster,
            line,
        )

    def checklist(self, value: Any, line: int) -> tuple[ChecklistItem, ...]:
        if not isinstance(value, list):
            self.error(line, "`checklist` must be a list of items (texts, or `{id: ..., text: ...}`).")
            return ()
        items = []
        for i, item in enumerate(value):
            item_line = self.item_line(value, i, line)
            if isinstance(item, str) and item.strip():
                slug = re.sub(r"[^a-z0-9]+", "-", item.lower()).strip("-")[:40] or f"item-{i + 1}"
                items.append(ChecklistItem(slug, item))
            elif (
                isinstance(item, CommentedMap) and isinstance(item.get("id"), str) and isinstance(item.get("text"), str)
            ):
                self.check_keys(item, {"id", "text"}, "a checklist item", item_line)
                items.append(ChecklistItem(item["id"], item["text"]))
            else:
                self.error(item_line, "A checklist item must be a text, or a mapping with `id` and `text`.")
        ids = [item.id for item in items]
        for dup in sorted({x for x in ids if ids.count(x) > 1}):
            self.error(line, f"Checklist item id `{dup}` is used twice.")
        return tuple(items)

    def decision(self, node: Any, line: int) -> Decision | None:
        where = "`decision`"
        if not isinstance(node, CommentedMap):
            self.error(line, "`decision` must be a mapping with `by`, `approvals`, `objection_window_days`.")
            return None
        self.check_keys(node, {"by", "approvals", "objection_window_days", "all_approve_skips_window"}, where, line)
        by = self.text_list(node["by"], "by", where, self.value_line(node, "by", line)) if "by" in node else ()
        approvals = node.get("approvals", "one")
        if approvals not in APPROVALS:
            self.error(
                self.value_line(node, "approvals", line),
                f"`approvals` must be one of {', '.join(APPROVALS)}, not {approvals!r}.",
            )
            approvals = "one"
        days = self.integer(node, "objection_window_days", where, line) if "objection_window_days" in node else 0
        skips = self.boolean(node, "all_approve_skips_window", where, line)
        return Decision(by, str(approvals), days or 0, skips)

    def inactivity(self, node: Any, line: int) -> Inactivity | None:
        where = "`inactivity`"
        if not isinstance(node, CommentedMap) or "after" not in node:
            self.error(line, "`inactivity` must be a mapping with `after: <duration>` and `then: remove|emeritus`.")
            return None
        self.check_keys(node, {"after", "then", "metric"}, where, line)
        after = self.duration(node["after"], "`after` of `inactivity`", self.value_line(node, "after", line))
        action = node.get("then", "remove")
        if action not in INACTIVITY_ACTIONS:
            self.error(self.value_line(node, "then", line), f"`then` must be remove or emeritus, not {action!r}.")
        metric = node.get("metric", "contributions")
        if metric not in METRICS:
            self.error(self.value_line(node, "metric", line), f"`metric` must be one of {', '.join(METRICS)}.")
        if after is None:
            return None
        months = after.months or max(1, round(after.days / 30))
        return Inactivity(months, str(action), str(metric))

    def roster(self, node: Any, line: int) -> Roster | None:
        where = "`roster`"
        if not isinstance(node, CommentedMap) or "kind" not in node:
            self.error(line, f"`roster` must be a mapping with `kind` ({', '.join(ROSTER_KINDS)}).")
            return None
        self.check_keys(node, {"kind", "list", "group", "path"}, where, line)
        kind = node["kind"]
        if kind not in ROSTER_KINDS:
            self.error(
                self.value_line(node, "kind", line),
                f"roster `kind` must be one of {', '.join(ROSTER_KINDS)}, not {kind!r}.",
            )
            return None
        lst = self.text(node, "list", where, line, required=kind == "owners")
        if lst is not None and lst not in OWNERS_LISTS:
            self.error(self.value_line(node, "list", line), "roster `list` must be reviewers or approvers.")
        group = self.text(node, "group", where, line, required=kind == "owners_alias")
        path = self.text(node, "path", where, line, required=kind in ("file",))
        return Roster(str(kind), lst, group, path)

    def ladder(self, doc: Any) -> Ladder | None:
        if not isinstance(doc, CommentedMap):
            self.error(1, "A ladder file must be a mapping with `ladder`, `source` and `levels`.")
            return None
        self.check_keys(doc, {"ladder", "title", "source", "notes", "levels"}, "the ladder", 1)
        name = self.text(doc, "ladder", "the ladder", 1, required=True)
        title = self.text(doc, "title", "the ladder", 1)
        source = self.text(doc, "source", "the ladder", 1, required=True)
        notes = self.text(doc, "notes", "the ladder", 1)
        levels_node = doc.get("levels")
        if not isinstance(levels_node, CommentedMap) or not levels_node:
            self.error(
                self.value_line(doc, "levels", 1) if "levels" in doc else 1,
                "`levels` must be a mapping from level name to its rules, lowest level first.",
            )
            return None
        levels = []
        for key in levels_node:
            level = self.level(str(key), levels_node[key], self.key_line(levels_node, key, 1))
            if level is not None:
                levels.append(level)
        self.check_level_names(levels)
        if name is None or source is None:
            return None
        return Ladder(name, title or name, source, tuple(levels), notes)

    def check_level_names(self, levels: list[Level]) -> None:
        """Every level a rule names must exist, and tenure must look at a level below."""
        names = [level.name for level in levels]

        def walk(req: Requirement, level: Level) -> None:
            if isinstance(req, Group):
                for child in req.children:
                    walk(child, level)
            elif isinstance(req, Tenure) and req.level is not None:
                if req.level not in names:
                    self.error(
                        req.line,
                        f"`tenure: {req.level}` names a level this ladder does not have (levels: {', '.join(names)}).",
                    )
                elif names.index(req.level) >= names.index(level.name):
                    self.error(req.line, f"`tenure: {req.level}` must name a level below `{level.name}`.")
            elif isinstance(req, Sponsors):
                for rule in req.alternatives:
                    check_rule(rule, req.line)

        def check_rule(rule: SponsorRule, line: int) -> None:
            for name in rule.levels:
                if name not in names:
                    self.error(line, f"Sponsors must hold level `{name}`, which this ladder does not have.")

        for level in levels:
            walk(level.requires, level)
            if level.stay is not None:
                walk(level.stay, level)
            for rule in level.sponsors:
                check_rule(rule, level.line)
            if level.decision is not None:
                for name in level.decision.by:
                    if name not in names:
                        self.error(level.line, f"`decision.by` names level `{name}`, which this ladder does not have.")


def _yaml_errors(text: str, filename: str) -> tuple[Any, list[LadderError]]:
    nlines = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text), []
    except Exception as exc:  # ruamel raises many kinds (scanner, parser, duplicate key, reader)
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        if mark is None and hasattr(exc, "position"):  # ReaderError: a character YAML does not allow
            line = text.count("\n", 0, exc.position) + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problem = problem.split(" with value ")[0]  # a duplicate key's message repeats both whole values
        return None, [LadderError(filename, min(max(line, 1), nlines), f"This is not valid YAML: {problem}.")]


def read_ladder(text: str, filename: str) -> tuple[Ladder | None, list[LadderError]]:
    """The ladder and every error found (the ladder is None when there is any error)."""
    doc, errors = _yaml_errors(text, filename)
    if errors:
        return None, errors
    reader = _Reader(filename)
    ladder = reader.ladder(doc)
    errors = sorted(reader.errors, key=lambda e: e.line)
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
        return [LadderError(str(path), 1, f"The file cannot be read: {exc.strerror or exc}.")]
    return read_ladder(text, str(path))[1]
