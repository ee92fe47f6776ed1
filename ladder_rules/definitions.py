"""What the ladders' undefined words mean: "reviewed", "primary reviewer", "substantial", "to the codebase".

Kubernetes defines none of them; DOMAIN.md §2 gives this project's defaults, and an organisation may
override each one in its `ladder.yml` (`definitions_from_config`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ladder_rules.facts import APPROVE, LGTM, REVIEW, REVIEW_COMMENT, PullRequestFacts, Repository


@dataclass(frozen=True, slots=True)
class Definitions:
    """The meanings the metrics use. Every field has DOMAIN.md §2's default."""

    # substantial: additions + deletions >= min_lines (Prow's size/M lower bound), and none of these labels
    substantial_min_lines: int = 30
    substantial_exclude_labels: tuple[str, ...] = ()
    # reviewed PR: authored by someone else, merged (unless this is False), with one of these acts by the person
    reviewed_requires_merged: bool = True
    review_signal_kinds: tuple[str, ...] = (REVIEW, REVIEW_COMMENT, LGTM, APPROVE)
    # primary reviewer: first non-author lgtm signal; an APPROVED review is one where the repository
    # treats reviews as lgtm (Prow's review_acts_as_lgtm), listed here or set on facts.Repository
    review_acts_as_lgtm_repos: frozenset[str] = field(default_factory=frozenset)  # lower-cased "owner/name"
    # `/approve` metric: an APPROVED review counts as an approve unless Prow's ignore_review_state is set
    approved_review_counts_as_approve: bool = True
    # to the codebase: when the scope is a folder and a PR's changed files are unknown, count it or not
    count_prs_with_unknown_paths: bool = False

    def is_substantial(self, pr: PullRequestFacts) -> bool:
        if pr.additions + pr.deletions < self.substantial_min_lines:
            return False
        if self.substantial_exclude_labels:
            excluded = {label.lower() for label in self.substantial_exclude_labels}
            return not any(label.lower() in excluded for label in pr.labels)
        return True

    def review_acts_as_lgtm(self, repo_full_name: str, repository: Repository | None) -> bool:
        if repository is not None and repository.review_acts_as_lgtm:
            return True
        return repo_full_name.lower() in self.review_acts_as_lgtm_repos


class DefinitionsError(ValueError):
    """A `ladder.yml` value for a definition is not usable; the message says which and why."""


def definitions_from_config(org: str, config: Mapping) -> Definitions:
    """Definitions from the keys of a `ladder.yml` (`substantial`, `review_acts_as_lgtm`, `definitions`).

    Repositories in `review_acts_as_lgtm` may be written without the owner; they are taken in `org`.
    """
    kwargs: dict = {}
    substantial = config.get("substantial") or {}
    if not isinstance(substantial, Mapping):
        raise DefinitionsError("`substantial` must be a mapping with `min_lines` and `exclude_labels`.")
    if "min_lines" in substantial:
        value = substantial["min_lines"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DefinitionsError("`substantial.min_lines` must be a whole number of 0 or more.")
        kwargs["substantial_min_lines"] = value
    if "exclude_labels" in substantial:
        kwargs["substantial_exclude_labels"] = tuple(str(x) for x in substantial["exclude_labels"] or ())
    repos = config.get("review_acts_as_lgtm") or ()
    if isinstance(repos, str):
        repos = [repos]
    kwargs["review_acts_as_lgtm_repos"] = frozenset((r if "/" in str(r) else f"{org}/{r}").lower() for r in repos)
    extra = config.get("definitions") or {}
    for key in ("reviewed_requires_merged", "approved_review_counts_as_approve", "count_prs_with_unknown_paths"):
        if key in extra:
            if not isinstance(extra[key], bool):
                raise DefinitionsError(f"`definitions.{key}` must be true or false.")
            kwargs[key] = extra[key]
    unknown = set(extra) - {
        "reviewed_requires_merged",
        "approved_review_counts_as_approve",
        "count_prs_with_unknown_paths",
    }
    if unknown:
        raise DefinitionsError(f"`definitions` has unknown key(s): {', '.join(sorted(map(str, unknown)))}.")
    return Definitions(**kwargs)
