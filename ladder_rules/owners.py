"""OWNERS and OWNERS_ALIASES files, read the way Prow reads them.

Semantics follow kubernetes-sigs/prow ``pkg/repoowners/repoowners.go``:

- A file is read as the simple form (top-level ``approvers`` / ``reviewers`` / ``required_reviewers`` /
  ``labels``) first; only when all four are empty is it read as the ``filters`` form, so top-level lists
  beside ``filters`` mean the filters are ignored. ``options`` applies in both forms.
- Filter keys are RE2 expressions searched (not anchored) in the path relative to the OWNERS file's
  folder; ``".*"`` matches everything; an invalid expression is skipped (we keep a warning).
- Owners of a path are collected from its folder up to the root, stopping above a folder whose OWNERS
  has ``no_parent_owners: true`` once someone has been found.
- Alias groups expand one level only; logins compare lower-cased with one leading ``@`` removed.
- ``emeritus_approvers`` / ``emeritus_reviewers`` are read (also inside filters) but give no rights.

Parsing works on the YAML node tree (ruamel's composer) rather than on constructed Python values, so
numeric-looking logins keep their exact text (``0123`` stays ``"0123"``) and every error can name a line.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import re2
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# The lists Prow reads (the first four) and the two that are documentation only.
PROW_KEYS = ("approvers", "reviewers", "required_reviewers", "labels")
LIST_KEYS = PROW_KEYS + ("emeritus_approvers", "emeritus_reviewers")
ROLES = ("approvers", "reviewers")
MATCH_ALL = ".*"

_NULL_TAG = "tag:yaml.org,2002:null"
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


class OwnersError(ValueError):
    """An OWNERS or OWNERS_ALIASES file that cannot be read: which file, which line, and why."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        where = path if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {message}")


def norm_login(login: str) -> str:
    """The form Prow compares logins in: lower case, one leading ``@`` removed."""
    login = login.lower()
    return login[1:] if login.startswith("@") else login


@dataclass(frozen=True)
class OwnersConfig:
    """One set of lists: the top level of a simple file, or one filter entry. Logins keep display case."""

    approvers: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    required_reviewers: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    emeritus_approvers: tuple[str, ...] = ()
    emeritus_reviewers: tuple[str, ...] = ()

    def get(self, list_name: str) -> tuple[str, ...]:
        if list_name not in LIST_KEYS:
            raise KeyError(f"{list_name!r} is not an OWNERS list (one of {', '.join(LIST_KEYS)})")
        return getattr(self, list_name)

    def is_empty(self) -> bool:
        """Prow's SimpleConfig.Empty: none of the four lists it reads has an entry."""
        return not any(getattr(self, key) for key in PROW_KEYS)


@dataclass(frozen=True)
class OwnersFile:
    """One parsed OWNERS file.

    ``config`` holds the top-level lists and ``filters`` every filter entry in file order. Which of the
    two Prow uses is ``form``; ``warnings`` (not part of equality) says what Prow would silently skip.
    """

    path: str
    config: OwnersConfig = OwnersConfig()
    filters: dict[str, OwnersConfig] = field(default_factory=dict)
    no_parent_owners: bool = False
    auto_approve_unowned_subfolders: bool = False
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def folder(self) -> str:
        """The folder the file governs, relative to the repository root ("" for the root)."""
        return _clean_path(posixpath.dirname(_clean_path(self.path)))

    @property
    def form(self) -> str:
        """``"simple"`` or ``"filters"``: which part Prow reads."""
        return "filters" if self.config.is_empty() else "simple"

    def entries(self) -> list[tuple[str | None, OwnersConfig]]:
        """The (pattern, lists) pairs Prow applies; pattern None means every path (also ``".*"``)."""
        if self.form == "simple":
            return [(None, self.config)]
        result: list[tuple[str | None, OwnersConfig]] = []
        for pattern, config in self.filters.items():
            if pattern == MATCH_ALL:
                result.append((None, config))
            elif compile_filter(pattern) is not None:
                result.append((pattern, config))
        return result

    def roster(self) -> OwnersConfig:
        """The lists a promotion in this folder edits: the top level, or the ``".*"`` filter entry."""
        if self.form == "simple":
            return self.config
        return self.filters.get(MATCH_ALL, OwnersConfig())


# --- reading YAML nodes -------------------------------------------------------------------------


def compose(text: str, path: str) -> Node | None:
    """The YAML node tree of ``text`` (None for an empty document), or an OwnersError."""
    try:
        return YAML(typ="safe", pure=True).compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "it is not valid YAML"
        if problem.startswith("but ") and exc.context:  # "expected a single document ..., but found ..."
            problem = f"{exc.context}, {problem}"
        raise OwnersError(path, line, f"not valid YAML: {problem}.") from None
    except YAMLError as exc:  # reader errors (control characters, bad encoding) carry a position only
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        first = str(exc).splitlines()[0].rstrip(":. ")
        raise OwnersError(path, line, f"not valid YAML: {first}.") from None
    except RecursionError:  # ruamel's composer recurses once per nesting level ("[[[[..." from a repository)
        raise OwnersError(path, None, "not valid YAML: lists or mappings are nested too deeply.") from None


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG)


def mapping_items(node: MappingNode, path: str, what: str) -> list[tuple[str, ScalarNode, Node]]:
    """(key text, key node, value node) for a mapping whose keys must be scalars and unique."""
    seen: dict[str, int] = {}
    items = []
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            raise OwnersError(path, line_of(key), f"a key in {what} must be a plain name, not a list or mapping.")
        if key.value in seen:
            raise OwnersError(
                path, line_of(key), f"{key.value!r} appears twice in {what} (first on line {seen[key.value]})."
            )
        seen[key.value] = line_of(key)
        items.append((key.value, key, value))
    return items


def _logins(node: Node | None, path: str, key: str) -> tuple[str, ...]:
    """A list of logins (or labels). Scalars keep their text, so ``- 0123`` is the login "0123"."""
    if is_null(node):
        return ()
    if isinstance(node, SequenceNode):
        values = []
        for item in node.value:
            if is_null(item):
                continue  # `- ` with nothing after it: Prow reads an empty name, which matches nobody
            if not isinstance(item, ScalarNode):
                raise OwnersError(path, line_of(item), f"each entry of {key} must be a login, not a list or mapping.")
            values.append(item.value)
        return tuple(values)
    kind = "a mapping" if isinstance(node, MappingNode) else f"the single value {node.value!r}"
    raise OwnersError(path, line_of(node), f"{key} must be a list, but it is {kind}.")


def _bool(node: Node, path: str, key: str) -> bool:
    if is_null(node):
        return False
    if isinstance(node, ScalarNode):
        text = node.value.lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise OwnersError(path, line_of(node), f"options.{key} must be true or false.")


def _config(node: MappingNode, path: str, what: str) -> OwnersConfig:
    values: dict[str, tuple[str, ...]] = {}
    for key, _, value in mapping_items(node, path, what):
        if key in LIST_KEYS:
            values[key] = _logins(value, path, key)
    return OwnersConfig(**values)


def parse_owners(text: str, path: str = "OWNERS") -> OwnersFile:
    """Parse one OWNERS file. Raises OwnersError (file, line, sentence) for bad YAML or a wrong type."""
    return owners_from_node(compose(text, path), path)


def owners_from_node(root: Node | None, path: str = "OWNERS") -> OwnersFile:
    """``parse_owners`` for an already composed node tree (the editor composes once)."""
    if is_null(root):
        return OwnersFile(path=path)
    if not isinstance(root, MappingNode):
        raise OwnersError(path, line_of(root), "an OWNERS file must be a mapping (approvers:, reviewers:, ...).")
    warnings: list[str] = []
    config = _config(root, path, "the file")
    filters: dict[str, OwnersConfig] = {}
    no_parent = auto_approve = False
    for key, key_node, value in mapping_items(root, path, "the file"):
        if key == "options":
            if is_null(value):
                continue
            if not isinstance(value, MappingNode):
                raise OwnersError(path, line_of(value), "options must be a mapping (no_parent_owners: true).")
            for name, _, flag in mapping_items(value, path, "options"):
                if name == "no_parent_owners":
                    no_parent = _bool(flag, path, name)
                elif name == "auto_approve_unowned_subfolders":
                    auto_approve = _bool(flag, path, name)
                else:
                    warnings.append(f"{path}, line {line_of(flag)}: unknown option {name!r} is ignored.")
        elif key == "filters":
            if is_null(value):
                continue
            if not isinstance(value, MappingNode):
                raise OwnersError(path, line_of(value), "filters must be a mapping of path patterns to lists.")
            for pattern, pattern_node, entry in mapping_items(value, path, "filters"):
                if is_null(entry):
                    filters[pattern] = OwnersConfig()
                    continue
                if not isinstance(entry, MappingNode):
                    raise OwnersError(
                        path, line_of(entry), f"filter {pattern!r} must be a mapping (approvers:, reviewers:, ...)."
                    )
                filters[pattern] = _config(entry, path, f"filter {pattern!r}")
                error = filter_error(pattern)
                if error is not None:
                    warnings.append(
                        f"{path}, line {line_of(pattern_node)}: filter {pattern!r} is not a valid RE2 "
                        f"expression ({error}); Prow skips it."
                    )
        elif key not in LIST_KEYS:
            warnings.append(f"{path}, line {line_of(key_node)}: unknown key {key!r} is ignored.")
    if filters and not config.is_empty():
        warnings.append(f"{path}: the file has top-level lists, so Prow ignores its filters.")
    return OwnersFile(
        path=path,
        config=config,
        filters=filters,
        no_parent_owners=no_parent,
        auto_approve_unowned_subfolders=auto_approve,
        warnings=tuple(warnings),
    )


def parse_aliases(text: str, path: str = "OWNERS_ALIASES") -> dict[str, list[str]]:
    """Parse OWNERS_ALIASES: group name -> logins, both in display case, in file order.

    A group may be a list, a flow mapping (``{a, b}``: the keys are the members), ``[]`` or empty.
    """
    return aliases_from_node(compose(text, path), path)


def aliases_from_node(root: Node | None, path: str = "OWNERS_ALIASES") -> dict[str, list[str]]:
    """``parse_aliases`` for an already composed node tree."""
    if is_null(root):
        return {}
    if not isinstance(root, MappingNode):
        raise OwnersError(path, line_of(root), "OWNERS_ALIASES must be a mapping with an aliases: key.")
    groups: dict[str, list[str]] = {}
    for key, _, value in mapping_items(root, path, "the file"):
        if key != "aliases" or is_null(value):
            continue
        if not isinstance(value, MappingNode):
            raise OwnersError(path, line_of(value), "aliases must be a mapping of group names to lists of logins.")
        for group, _group_node, members in mapping_items(value, path, "aliases"):
            if isinstance(members, MappingNode):
                names = mapping_items(members, path, f"alias group {group!r}")
                groups[group] = [name for name, _, _ in names]
            elif isinstance(members, ScalarNode) and not is_null(members):
                raise OwnersError(path, line_of(members), f"alias group {group!r} must contain a list of members.")
            else:
                groups[group] = list(_logins(members, path, f"alias group {group!r}"))
    return groups


# --- filters -----------------------------------------------------------------------------------

_compiled: dict[str, object] = {}
_errors: dict[str, str | None] = {}


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 otherwise writes every bad pattern from a repository to stderr
    return options


_OPTIONS = _re2_options()


def filter_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid RE2 expression, or None when it is."""
    compile_filter(pattern)
    return _errors[pattern]


def compile_filter(pattern: str):
    """The compiled RE2 expression for a filter key, or None when invalid (Prow skips those)."""
    if pattern not in _errors:
        try:
            _compiled[pattern] = re2.compile(pattern, _OPTIONS)
            _errors[pattern] = None
        except re2.error as exc:
            message = exc.args[0] if exc.args else str(exc)
            _errors[pattern] = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return _compiled.get(pattern)


def filter_matches(pattern: str | None, relative_path: str) -> bool:
    """Prow's test: no pattern or ``".*"`` matches everything, otherwise an unanchored RE2 search."""
    if pattern is None or pattern == MATCH_ALL:
        return True
    compiled = compile_filter(pattern)
    return compiled is not None and compiled.search(relative_path) is not None


# --- a repository's owners ---------------------------------------------------------------------


def _clean_path(path: str) -> str:
    """Repository paths as Prow keys them: no leading ``./`` or ``/``, no trailing ``/``, root is ""."""
    path = posixpath.normpath(path.strip("/")) if path.strip("/") else ""
    return "" if path == "." else path


def _relative(path: str, folder: str) -> str:
    """Go's filepath.Rel(folder, path) for a folder that contains path."""
    if not folder:
        return path or "."
    if path == folder:
        return "."
    return path[len(folder) + 1 :]


@dataclass(frozen=True)
class Holder:
    """Someone on a roster: their compared login, the case the file writes, and the alias they came by."""

    login: str
    display: str
    via_alias: str | None = None


class RepoOwners:
    """All OWNERS files of one repository plus its aliases: who reviews and approves what.

    ``files`` maps each OWNERS file's path (``"OWNERS"``, ``"pkg/controller/OWNERS"``) to its parse;
    ``aliases`` is ``parse_aliases`` of the root OWNERS_ALIASES.
    """

    def __init__(self, files: Mapping[str, OwnersFile], aliases: Mapping[str, Sequence[str]] | None = None):
        self.by_folder: dict[str, OwnersFile] = {}
        for file_path, owners in files.items():
            folder = _clean_path(posixpath.dirname(_clean_path(file_path)))
            self.by_folder[folder] = owners
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.alias_names: dict[str, str] = {}
        for group, members in (aliases or {}).items():
            self.aliases[norm_login(group)] = tuple(members)
            self.alias_names[norm_login(group)] = group

    def expand(self, logins: Iterable[str]) -> set[str]:
        """Compared logins with alias groups replaced by their members, one level deep (Prow's rule)."""
        result: set[str] = set()
        for login in logins:
            key = norm_login(login)
            if key in self.aliases:
                result.update(norm_login(member) for member in self.aliases[key])
            else:
                result.add(key)
        return result

    def _collect(self, path: str, list_name: str, leaf_only: bool = False) -> set[str]:
        """Prow's entriesForFile: walk from ``path`` up, applying each folder's matching entries."""
        path = _clean_path(path)
        folder = path
        found: set[str] = set()
        while True:
            owners = self.by_folder.get(folder)
            if owners is not None:
                relative = _relative(path, folder)
                for pattern, config in owners.entries():
                    logins = config.get(list_name)
                    if logins and filter_matches(pattern, relative):
                        found |= self.expand(logins)
            if leaf_only and found:
                break
            if folder == "":
                break
            if owners is not None and owners.no_parent_owners and found:
                break
            folder = _clean_path(posixpath.dirname(folder))
        return found

    def approvers_for(self, path: str) -> set[str]:
        """Everyone who can approve a change to ``path`` (compared logins, aliases expanded)."""
        return self._collect(path, "approvers")

    def reviewers_for(self, path: str) -> set[str]:
        """Everyone Prow may request a review of ``path`` from (compared logins, aliases expanded)."""
        return self._collect(path, "reviewers")

    def required_reviewers_for(self, path: str) -> set[str]:
        return self._collect(path, "required_reviewers")

    def labels_for(self, path: str) -> set[str]:
        """Labels applied to a change of ``path``. Labels are not logins, so no alias expansion."""
        path = _clean_path(path)
        labels: set[str] = set()
        folder = path
        while True:
            owners = self.by_folder.get(folder)
            if owners is not None:
                for pattern, config in owners.entries():
                    if filter_matches(pattern, _relative(path, folder)):
                        labels.update(config.labels)
            if folder == "" or (owners is not None and owners.no_parent_owners and labels):
                break
            folder = _clean_path(posixpath.dirname(folder))
        return labels

    def leaf_approvers_for(self, path: str) -> set[str]:
        """The approvers closest to ``path`` only (Prow's LeafApprovers)."""
        return self._collect(path, "approvers", leaf_only=True)

    def leaf_reviewers_for(self, path: str) -> set[str]:
        return self._collect(path, "reviewers", leaf_only=True)

    def holders(self, folder: str, list_name: str) -> list[Holder]:
        """Who holds ``list_name`` (e.g. ``"reviewers"``) in the OWNERS file of ``folder`` itself.

        That is the roster a promotion edits: the top-level list, or the ``".*"`` filter entry, with
        alias groups expanded. Empty when the folder has no OWNERS file.
        """
        owners = self.by_folder.get(_clean_path(folder))
        if owners is None:
            return []
        result: dict[str, Holder] = {}
        for entry in owners.roster().get(list_name):
            key = norm_login(entry)
            if key in self.aliases:
                for member in self.aliases[key]:
                    result.setdefault(norm_login(member), Holder(norm_login(member), member, self.alias_names[key]))
            else:
                result.setdefault(key, Holder(key, entry.removeprefix("@")))
        return sorted(result.values(), key=lambda holder: holder.login)

    def holds(self, login: str, folder: str, list_name: str) -> bool:
        """True when ``login`` is on ``list_name`` of ``folder``'s OWNERS (directly or via an alias)."""
        key = norm_login(login)
        return any(holder.login == key for holder in self.holders(folder, list_name))

    def roles_of(self, login: str) -> list[tuple[str, str]]:
        """Every (folder, role) where ``login`` is a reviewer or approver, folders sorted ("" is the root)."""
        roles = []
        for folder in sorted(self.by_folder):
            for role in ROLES:
                if self.holds(login, folder, role):
                    roles.append((folder, role))
        return roles
