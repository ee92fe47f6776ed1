-- The promotion loop: readiness issues, their sponsors, and cohort check-ins.

-- One row per person, level and scope that became ready: the readiness issue and where it stands.
CREATE TABLE readiness (
    person_id INTEGER NOT NULL,
    login TEXT NOT NULL,
    org TEXT NOT NULL COLLATE NOCASE,
    level TEXT NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,            -- the outbox key and hidden marker of the issue
    community_repo TEXT NOT NULL,        -- owner/name where the issue is
    issue_number INTEGER,                -- known once the issue exists
    status TEXT NOT NULL DEFAULT 'open', -- open | held | approved | pr_opened | promoted
    opened_at TEXT NOT NULL,
    below_since TEXT,                    -- no longer meets every automatic requirement since
    held_by TEXT,
    approved_by TEXT,
    approved_at TEXT,
    pull_request_url TEXT,
    not_member_yet INTEGER NOT NULL DEFAULT 0,
    promoted_at TEXT,
    ticked TEXT NOT NULL DEFAULT '[]',   -- JSON list of checklist item ids ticked on GitHub
    PRIMARY KEY (person_id, level, scope)
);
CREATE INDEX readiness_issue ON readiness (community_repo, issue_number);

CREATE TABLE sponsorships (
    readiness_key TEXT NOT NULL,
    sponsor_id INTEGER NOT NULL,
    sponsor_login TEXT NOT NULL,
    comment_id INTEGER NOT NULL,
    comment_url TEXT,
    at TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    reason TEXT,
    company TEXT,                        -- from the public profile: unverified
    PRIMARY KEY (readiness_key, sponsor_id)
);

CREATE TABLE checkins (
    comment_id INTEGER PRIMARY KEY,
    org TEXT NOT NULL COLLATE NOCASE,
    cohort TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    login TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT
);
