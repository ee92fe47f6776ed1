-- Levels held (from rosters), organisation configuration, and stored evaluations.

-- Who holds which level where. Rosters name logins (OWNERS files, org.yaml), so the login is the key;
-- person_id is filled in when the login is known to the ledger.
CREATE TABLE holdings (
    login TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER,
    org TEXT NOT NULL COLLATE NOCASE,
    level TEXT NOT NULL,
    scope TEXT NOT NULL,                 -- "org", "org/repo" or "org/repo/path"
    since TEXT,                          -- when the login entered the roster; NULL when unknown
    source TEXT NOT NULL,                -- e.g. "OWNERS kubernetes/kubernetes:pkg/controller/OWNERS"
    updated_at TEXT NOT NULL,
    PRIMARY KEY (login, level, scope)
);
CREATE INDEX holdings_org ON holdings (org, level);

-- The organisation's ladder.yml as last loaded, with the error that stopped it, if any.
CREATE TABLE org_configs (
    org TEXT PRIMARY KEY COLLATE NOCASE,
    installation_id INTEGER,
    source TEXT,                         -- where it was read from, e.g. "kubernetes/.github:.github/ladder.yml"
    text TEXT,                           -- the merged configuration, as JSON
    error TEXT,
    loaded_at TEXT NOT NULL
);

-- One stored result per person, level and scope: reading a person's progress is one lookup.
CREATE TABLE evaluations (
    person_id INTEGER NOT NULL,
    org TEXT NOT NULL COLLATE NOCASE,
    level TEXT NOT NULL,
    scope TEXT NOT NULL,
    ladder TEXT NOT NULL,
    state TEXT NOT NULL,                 -- working | ready | approved | promoted
    result TEXT NOT NULL,                -- Evaluation.to_dict() as JSON
    evaluated_at TEXT NOT NULL,
    ready_since TEXT,
    PRIMARY KEY (person_id, level, scope)
);
CREATE INDEX evaluations_state ON evaluations (org, state);
