"""The OWNERS model reads files the way Prow does (kubernetes-sigs/prow pkg/repoowners/repoowners.go)."""

from pathlib import Path

import pytest

from ladder_rules.owners import (
    Holder,
    OwnersConfig,
    OwnersError,
    RepoOwners,
    norm_login,
    parse_aliases,
    parse_owners,
)

FIXTURES = Path(__file__).parent / "fixtures" / "owners"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def repo(files: dict[str, str], aliases: str | None = None) -> RepoOwners:
    parsed = {path: parse_owners(text, path) for path, text in files.items()}
    return RepoOwners(parsed, parse_aliases(aliases) if aliases else None)


# --- parsing real files ------------------------------------------------------------------------


def test_simple_file_keeps_every_list_in_display_case():
    owners = parse_owners(fixture("kubernetes-sigs__prow__pkg__plugins__OWNERS.yaml"), "pkg/plugins/OWNERS")
    assert owners.form == "simple"
    assert owners.folder == "pkg/plugins"
    assert owners.config == OwnersConfig(
        approvers=("cjwagner",),
        reviewers=("cjwagner",),
        required_reviewers=("MadhavJivrajani", "Priyankasaggu11929"),
        labels=("area/plugins",),
    )
    assert owners.warnings == ()


def test_filters_file_reads_every_entry_and_the_emeritus_lists_inside_them():
    owners = parse_owners(fixture("kubernetes-sigs__kueue__OWNERS.yaml"))
    assert owners.form == "filters"
    assert len(owners.filters) == 22
    everything = owners.filters[".*"]
    assert everything.approvers == ("kueue-approvers",)
    # The fixture has trailing spaces after "gabesaba": YAML drops them from the value.
    assert everything.emeritus_approvers == ("ahg-g", "alculquicondor", "denkensk", "gabesaba", "kerthcet")
    assert owners.filters["go\\.(mod|sum)$"].approvers == ("dependency-approvers",)
    assert owners.roster() is everything


def test_options_are_read_in_both_forms():
    simple = parse_owners(fixture("kubernetes__test-infra__config__jobs__image-pushing__OWNERS.yaml"))
    filters = parse_owners(
        fixture("kubernetes__test-infra__config__jobs__kubernetes__sig-k8s-infra__trusted__OWNERS.yaml")
    )
    assert (simple.form, simple.no_parent_owners) == ("simple", True)
    assert (filters.form, filters.no_parent_owners) == ("filters", True)
    assert simple.config.emeritus_approvers == ("BenTheElder", "dims")


def test_aliases_fixture_reads_all_groups_and_empty_ones():
    aliases = parse_aliases(fixture("kubernetes-sigs__controller-runtime__OWNERS_ALIASES.yaml"))
    assert list(aliases) == [
        "controller-runtime-admins",
        "controller-runtime-maintainers",
        "controller-runtime-approvers",
        "controller-runtime-reviewers",
        "controller-runtime-emeritus-maintainers",
        "controller-runtime-emeritus-admins",
    ]
    assert aliases["controller-runtime-approvers"] == []
    assert aliases["controller-runtime-reviewers"] == ["varshaprasad96", "inteon", "JoelSpeed", "troy0820"]
    assert len(parse_aliases(fixture("kubernetes__test-infra__OWNERS_ALIASES.yaml"))) == 55


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.yaml")))
def test_every_fixture_parses_without_warnings(name):
    text = fixture(name)
    if "OWNERS_ALIASES" in name:
        assert parse_aliases(text, name)
    else:
        assert parse_owners(text, name).warnings == ()


# --- Prow's semantics ----------------------------------------------------------------------------


def test_top_level_lists_win_over_filters():
    text = 'approvers: [alice]\nfilters:\n  ".*":\n    approvers: [bob]\n'
    owners = parse_owners(text)
    assert owners.form == "simple"
    assert owners.warnings == ("OWNERS: the file has top-level lists, so Prow ignores its filters.",)
    assert repo({"OWNERS": text}).approvers_for("any/file.go") == {"alice"}


def test_empty_top_level_lists_leave_the_file_in_filters_form():
    text = 'approvers: []\nemeritus_approvers: [old]\nfilters:\n  ".*":\n    approvers: [bob]\n'
    assert parse_owners(text).form == "filters"
    assert repo({"OWNERS": text}).approvers_for("main.go") == {"bob"}


def test_filters_are_searched_unanchored_in_the_path_relative_to_the_owners_folder():
    text = (
        "filters:\n"
        '  ".*":\n    approvers: [everyone]\n'
        '  "\\\\.md$":\n    approvers: [docs-person]\n'
        '  "^docs/":\n    approvers: [docs-dir]\n'
        '  "test":\n    approvers: [tester]\n'
    )
    owners = repo({"pkg/OWNERS": text})
    assert owners.approvers_for("pkg/main.go") == {"everyone"}
    assert owners.approvers_for("pkg/sub/README.md") == {"everyone", "docs-person"}
    # "^docs/" is anchored to the start of the path *relative to pkg/*, not of the repository.
    assert owners.approvers_for("pkg/docs/guide.go") == {"everyone", "docs-dir"}
    assert owners.approvers_for("pkg/sub/docs/guide.go") == {"everyone"}
    # Unanchored: "test" is found in the middle of a name.
    assert owners.approvers_for("pkg/x/my_test_helpers.go") == {"everyone", "tester"}
    assert owners.approvers_for("other/README.md") == set()


def test_invalid_filter_is_skipped_with_a_warning_and_the_rest_still_apply():
    text = 'filters:\n  ".*":\n    approvers: [alice]\n  "(?=look-ahead)":\n    approvers: [bob]\n'
    owners = parse_owners(text, "sub/OWNERS")
    assert owners.warnings == (
        "sub/OWNERS, line 4: filter '(?=look-ahead)' is not a valid RE2 expression "
        "(invalid perl operator: (?=); Prow skips it.",
    )
    assert repo({"sub/OWNERS": text}).approvers_for("sub/look-ahead") == {"alice"}


def test_case_insensitive_regex_flag_from_a_real_file():
    owners = repo({"OWNERS": fixture("kubernetes__community__OWNERS.yaml")})
    assert owners.labels_for("sig-node/CHARTER.md") == {"committee/steering"}
    assert owners.required_reviewers_for("sig-node/charter.md") == {"kubernetes/steering-committee"}
    assert owners.labels_for("annual-report-2024.md") == {"area/annual-reports"}
    assert owners.labels_for("README.md") == set()


def test_owners_are_collected_up_to_the_root():
    owners = repo(
        {"OWNERS": "approvers: [root]\n", "a/OWNERS": "approvers: [mid]\n", "a/b/OWNERS": "reviewers: [leaf]\n"}
    )
    assert owners.approvers_for("a/b/c/file.go") == {"root", "mid"}
    assert owners.leaf_approvers_for("a/b/c/file.go") == {"mid"}
    assert owners.reviewers_for("a/b/file.go") == {"leaf"}
    assert owners.approvers_for("file.go") == {"root"}
    assert owners.approvers_for("/a/file.go") == owners.approvers_for("./a/file.go") == {"root", "mid"}


def test_no_parent_owners_stops_above_its_folder():
    files = {
        "OWNERS": "approvers: [root]\nreviewers: [root-reviewer]\n",
        "secret/OWNERS": "options:\n  no_parent_owners: true\napprovers: [keeper]\n",
    }
    owners = repo(files)
    assert owners.approvers_for("secret/keys.yaml") == {"keeper"}
    assert owners.approvers_for("secret/deeper/keys.yaml") == {"keeper"}
    # Prow stops only once someone was found: secret/OWNERS names no reviewers, so the root's apply.
    assert owners.reviewers_for("secret/keys.yaml") == {"root-reviewer"}


def test_no_parent_owners_on_real_test_infra_files():
    files = {
        "OWNERS": "approvers: [root-approver]\n",
        "config/jobs/image-pushing/OWNERS": fixture("kubernetes__test-infra__config__jobs__image-pushing__OWNERS.yaml"),
        "config/jobs/kubernetes/sig-k8s-infra/trusted/OWNERS": fixture(
            "kubernetes__test-infra__config__jobs__kubernetes__sig-k8s-infra__trusted__OWNERS.yaml"
        ),
        "config/tests/jobs/OWNERS": fixture("kubernetes__test-infra__config__tests__jobs__OWNERS.yaml"),
    }
    owners = repo(files, fixture("kubernetes__test-infra__OWNERS_ALIASES.yaml"))
    trusted = "config/jobs/kubernetes/sig-k8s-infra/trusted"
    assert owners.approvers_for(f"{trusted}/job.yaml") == {"ameukam", "genpage", "hakman", "upodroid", "xmudrii"}
    assert owners.required_reviewers_for(f"{trusted}/sig-contribex-triage.yaml") == {
        "madhavjivrajani",
        "priyankasaggu11929",
    }
    assert owners.labels_for(f"{trusted}/sig-contribex-triage.yaml") == {"sig/contributor-experience"}
    assert owners.approvers_for("config/jobs/image-pushing/k8s-staging.yaml") == {
        "ameukam",
        "upodroid",
        "xmudrii",
        "hakman",
    }
    assert owners.approvers_for("config/tests/jobs/jobs_test.go") == {
        "ameukam",
        "aojea",
        "bentheelder",
        "dims",
        "upodroid",
    }
    assert owners.approvers_for("config/jobs/other/job.yaml") == {"root-approver"}


def test_aliases_expand_one_level_only():
    aliases = "aliases:\n  outer: [alice, inner]\n  inner: [bob]\n"
    owners = repo({"OWNERS": "approvers: [outer]\nreviewers: [Inner, carol]\n"}, aliases)
    assert owners.approvers_for("x") == {"alice", "inner"}
    assert owners.reviewers_for("x") == {"bob", "carol"}


def test_logins_compare_lower_cased_without_a_leading_at_but_keep_display_case():
    owners = repo({"OWNERS": 'approvers: ["@BenTheElder", bentheelder, MadhavJivrajani]\n'})
    assert owners.approvers_for("x") == {"bentheelder", "madhavjivrajani"}
    assert owners.holders("", "approvers") == [
        Holder("bentheelder", "BenTheElder"),
        Holder("madhavjivrajani", "MadhavJivrajani"),
    ]
    assert norm_login("@MiXed") == "mixed"


def test_numeric_logins_stay_strings_with_their_exact_text():
    owners = parse_owners("approvers:\n- 123\n- 0123\n- '007'\n- 1e3\n")
    assert owners.config.approvers == ("123", "0123", "007", "1e3")
    assert parse_aliases("aliases:\n  g: [42, x]\n") == {"g": ["42", "x"]}


def test_alias_group_forms():
    text = "aliases:\n  listed: [a, B]\n  flow: {c, d}\n  empty: []\n  nothing:\n  block:\n  - e\n"
    assert parse_aliases(text) == {"listed": ["a", "B"], "flow": ["c", "d"], "empty": [], "nothing": [], "block": ["e"]}
    assert parse_aliases("") == {}
    assert parse_aliases("# no aliases yet\n") == {}


# --- rosters -----------------------------------------------------------------------------------


def test_holders_of_a_folder_expand_aliases_and_say_which_group():
    owners = repo(
        {"OWNERS": fixture("kubernetes-sigs__controller-runtime__OWNERS.yaml")},
        fixture("kubernetes-sigs__controller-runtime__OWNERS_ALIASES.yaml"),
    )
    reviewers = owners.holders("", "reviewers")
    assert [holder.login for holder in reviewers] == [
        "alvaroaleman",
        "inteon",
        "joelanford",
        "joelspeed",
        "sbueringer",
        "troy0820",
        "varshaprasad96",
        "vincepri",
    ]
    assert Holder("joelspeed", "JoelSpeed", "controller-runtime-reviewers") in reviewers
    assert owners.holds("JOELSPEED", "", "reviewers")
    assert not owners.holds("joelspeed", "", "approvers")
    assert owners.roles_of("@vincepri") == [("", "approvers"), ("", "reviewers")]
    assert owners.holders("pkg/nowhere", "reviewers") == []


def test_holders_of_a_filters_file_come_from_its_catch_all_entry():
    owners = repo(
        {"OWNERS": fixture("kubernetes-sigs__kueue__OWNERS.yaml")},
        fixture("kubernetes-sigs__kueue__OWNERS_ALIASES.yaml"),
    )
    assert [h.login for h in owners.holders("", "approvers")] == ["mimowo", "sohankunkerkar", "tenzen-y"]
    # Emeritus approvers hold nothing.
    assert not owners.holds("ahg-g", "", "approvers")
    assert owners.approvers_for("go.mod") == {"mimowo", "sohankunkerkar", "tenzen-y", "mbobrovskyi", "pbundyra"}
    assert owners.approvers_for("site/hugo.toml") == {
        "mimowo",
        "sohankunkerkar",
        "tenzen-y",
        "mbobrovskyi",
        "singularity23x0",
    }


def test_a_reviewer_of_a_subfolder():
    owners = repo(
        {"OWNERS": "approvers: [root]\n", "pkg/controller/OWNERS": "reviewers: [Mentee]\napprovers: [lead]\n"}
    )
    assert owners.roles_of("mentee") == [("pkg/controller", "reviewers")]
    assert owners.holds("mentee", "pkg/controller", "reviewers")
    assert not owners.holds("mentee", "", "reviewers")


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("approvers:\n  - a\n - b\n", 3, "not valid YAML"),
        ("approvers: alice\n", 1, "approvers must be a list, but it is the single value 'alice'."),
        ("reviewers:\n  - a\n  - {b: c}\n", 3, "each entry of reviewers must be a login, not a list or mapping."),
        ("- alice\n", 1, "an OWNERS file must be a mapping"),
        ("filters:\n  - x\n", 2, "filters must be a mapping of path patterns to lists."),
        ('filters:\n  ".*": [a]\n', 2, "filter '.*' must be a mapping"),
        ("options:\n  no_parent_owners: maybe\n", 2, "options.no_parent_owners must be true or false."),
        (
            "approvers: [a]\nreviewers: [b]\napprovers: [c]\n",
            3,
            "'approvers' appears twice in the file (first on line 1).",
        ),
        ("approvers: [a\n", 2, "not valid YAML"),
        ("approvers: [a]\n---\nb: 1\n", 2, "expected a single document in the stream, but found another document."),
    ],
)
def test_bad_owners_files_name_the_file_line_and_problem(text, line, message):
    with pytest.raises(OwnersError) as caught:
        parse_owners(text, "pkg/OWNERS")
    assert caught.value.path == "pkg/OWNERS"
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"pkg/OWNERS, line {line}: ")


def test_bad_alias_group_is_an_error_with_its_line():
    with pytest.raises(OwnersError) as caught:
        parse_aliases("aliases:\n  group: alice\n")
    assert (caught.value.line, caught.value.message) == (2, "alias group 'group' must contain a list of members.")
