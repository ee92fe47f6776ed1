-- Who is nominated (PRODUCT.md §5, app/promotion/nomination.py): people who asked not to be
-- (`/ladder optout`), and each readiness issue for someone outside a cohort, opened in an ISO week or
-- waiting for a week with room under `nominate_limit` (oldest qualification first).
CREATE TABLE opt_outs (
    person_id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,                 -- as it was when they opted out
    at TEXT NOT NULL
);

CREATE TABLE nominations (
    org TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER NOT NULL,
    level TEXT NOT NULL,
    scope TEXT NOT NULL,
    qualified_at TEXT NOT NULL,          -- when every automatic requirement was first met
    week TEXT,                           -- ISO week the readiness issue was opened in, e.g. 2026-W49; NULL: waiting
    PRIMARY KEY (person_id, level, scope)
);
CREATE INDEX nominations_week ON nominations (org, week);
