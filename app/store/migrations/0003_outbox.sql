-- The outbox: every write Ladder makes to GitHub, as a desired state with a stable key (app/outbox).

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- stable identity; also written into GitHub as <!-- ladder:KEY -->
    kind TEXT NOT NULL,                  -- comment | reply | issue | pull_request
    repo TEXT NOT NULL COLLATE NOCASE,   -- "owner/name" where the effect lands
    grouping TEXT,                       -- pull_request: the branch that gathers changes to one file
    installation_id INTEGER,
    org TEXT COLLATE NOCASE,
    person_id INTEGER,
    content TEXT NOT NULL,               -- the desired state, as canonical JSON
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,  -- bumped when the content changes, so a send never marks newer content done
    status TEXT NOT NULL,                -- pending | done | failed | planned (dry-run)
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    lease_until REAL,                    -- set while a sender works on it
    last_error TEXT,
    result TEXT,                         -- JSON: ids, numbers and URLs of what exists on GitHub
    requests TEXT,                       -- JSON: the requests a dry-run would send
    planned_at REAL NOT NULL,            -- first planned
    pending_since REAL,                  -- when it last became pending (for the oldest pending age)
    updated_at REAL NOT NULL,
    done_at REAL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_person ON outbox (person_id, status);
CREATE INDEX outbox_grouping ON outbox (repo, grouping);
