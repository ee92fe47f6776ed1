-- Mentoring help (issue 13). Sign-ups: who enrolled in a cohort with `/ladder enroll` on its sign-up issue,
-- and who waits for a place. Ordered by when they asked (the comment's time, then its id): the waitlist's
-- first is the earliest `asked_at` among the waiting.
CREATE TABLE enrolments (
    org TEXT NOT NULL COLLATE NOCASE,
    cohort TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER NOT NULL,
    login TEXT NOT NULL,                 -- as it was when they signed up (the current one is in `people`)
    status TEXT NOT NULL,                -- enrolled | waiting (app/store/mentoring.py: Place)
    asked_at TEXT NOT NULL,
    comment_id INTEGER NOT NULL,
    enrolled_at TEXT,                    -- when they got a place (NULL while waiting)
    PRIMARY KEY (org, cohort, person_id)
);
CREATE INDEX enrolments_cohort ON enrolments (org, cohort, status, asked_at);

-- What a mentor pinned for a mentee to review next (`/ladder suggest @login <link>`): shown first in the
-- mentee's progress comment and `/ladder status`, while the pull request or issue is open.
CREATE TABLE review_pins (
    org TEXT NOT NULL COLLATE NOCASE,
    person_id INTEGER NOT NULL,          -- the mentee
    repo TEXT NOT NULL COLLATE NOCASE,   -- owner/name
    number INTEGER NOT NULL,
    by_id INTEGER NOT NULL,              -- the mentor
    at TEXT NOT NULL,
    PRIMARY KEY (org, person_id, repo, number)
);
