-- History import: progress and cursor per repository, and the daily reconciliation passes.

-- One row per repository being (or last) imported. A run that stops mid-way continues from `cursor`.
CREATE TABLE backfill_jobs (
    repo_id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    installation_id INTEGER,
    since TEXT NOT NULL,                 -- pull requests updated at or after this time are imported
    paths INTEGER NOT NULL DEFAULT 0,    -- 1: also their changed paths (a path-scoped cohort or ladder)
    reason TEXT NOT NULL,                -- install | cli | reconcile
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | running | done | failed
    cursor TEXT,                         -- endCursor of the last page stored
    requested_at TEXT NOT NULL,
    started_at TEXT,                     -- when this import began
    finished_at TEXT,
    synced_at TEXT,                      -- start of the last finished import: everything updated before is in
    synced_since TEXT,                   -- and from how far back
    pull_requests INTEGER NOT NULL DEFAULT 0,   -- stored by this import
    points INTEGER NOT NULL DEFAULT 0,          -- GraphQL points it spent
    oldest_seen TEXT,                    -- updatedAt of the last pull request stored (for the ETA)
    last_error TEXT
);
CREATE INDEX backfill_jobs_status ON backfill_jobs (status);

CREATE TABLE reconcile_passes (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    repositories INTEGER NOT NULL DEFAULT 0,
    pull_requests INTEGER NOT NULL DEFAULT 0,
    points INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
