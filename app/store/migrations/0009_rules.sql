-- Why Ladder does not make a promotion's roster change itself (a team-owned CODEOWNERS line, a generated
-- file, `owners_pr: never`, no peribolos org.yaml): the readiness issue says it until the promotion is made.
ALTER TABLE readiness ADD COLUMN roster_note TEXT;

-- A repository's own .github/ladder.yml as last loaded (it overrides the organisation's for that repository).
CREATE TABLE repo_configs (
    org TEXT NOT NULL COLLATE NOCASE,
    repo TEXT NOT NULL COLLATE NOCASE,
    source TEXT,
    text TEXT,                           -- the merged configuration as JSON; NULL: the repository has none
    error TEXT,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (org, repo)
);
