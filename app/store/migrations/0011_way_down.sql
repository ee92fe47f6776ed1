-- The way down (app/promotion/way_down.py): one row per level someone holds over a scope that fell below
-- its staying rules. The row carries the spell of inactivity it is in: a notice is written once per
-- spell (the comment's key holds `spell`), cancelled, kept, or proposed, never noticed twice.
CREATE TABLE way_down (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER NOT NULL,
    login TEXT NOT NULL,                 -- as the roster wrote it when the notice was given
    level TEXT NOT NULL,
    scope TEXT NOT NULL,
    source TEXT,                         -- the roster entry's source (holdings.source)
    status TEXT NOT NULL,                -- notice | cancelled | kept | proposed | ended
    spell INTEGER NOT NULL DEFAULT 1,
    noticed_at TEXT NOT NULL,
    propose_at TEXT NOT NULL,            -- noticed_at + grace_period
    counted TEXT NOT NULL,               -- JSON: what was counted, the window, the latest activity
    closed_at TEXT,                      -- when it was cancelled, kept, proposed or ended
    closed_by INTEGER,                   -- who kept it (user id)
    reason TEXT,                         -- why: the activity's link, the keeper's reason
    quiet_until TEXT,                    -- no new notice before this
    updated_at TEXT NOT NULL,
    UNIQUE (org, person_id, level, scope)
);
CREATE INDEX way_down_status ON way_down (org, status);

-- The organisation's `Inactivity notices` issue in community_repo, known by the number Ladder stored.
CREATE TABLE way_down_issues (
    org TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
    repo TEXT NOT NULL,
    number INTEGER
);

-- When the daily way-down pass last ran for an organisation.
CREATE TABLE way_down_passes (
    org TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
    ran_at TEXT NOT NULL
);

-- Roster entries that ended: someone taken off an OWNERS list or alias group (by hand or by a merged
-- way-down pull request). Re-added, their tenure starts again no earlier than the end.
CREATE TABLE holding_ends (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL COLLATE NOCASE,
    login TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER,
    level TEXT NOT NULL,
    scope TEXT NOT NULL,
    since TEXT,
    source TEXT,
    ended_at TEXT NOT NULL
);
CREATE INDEX holding_ends_login ON holding_ends (login, level, scope);
