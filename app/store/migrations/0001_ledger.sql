-- The delivery queue and the activity ledger.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,                 -- X-GitHub-Delivery: the idempotency key
    event TEXT NOT NULL,
    action TEXT,
    installation_id INTEGER,
    received_at REAL NOT NULL,
    body BLOB NOT NULL,                  -- the raw body, exactly as signed
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed | skipped
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    lease_until REAL,
    last_error TEXT,
    processed_at REAL
);
CREATE INDEX deliveries_pending ON deliveries (status, next_attempt_at);

CREATE TABLE installations (
    id INTEGER PRIMARY KEY,
    account_id INTEGER,
    account_login TEXT,
    account_type TEXT,
    created_at TEXT,
    suspended_at TEXT,
    deleted_at TEXT
);

CREATE TABLE repositories (
    id INTEGER PRIMARY KEY,
    installation_id INTEGER,
    full_name TEXT NOT NULL,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    default_branch TEXT,
    private INTEGER,
    created_at TEXT,
    removed_at TEXT
);
CREATE INDEX repositories_full_name ON repositories (full_name COLLATE NOCASE);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,              -- GitHub user id: logins change, ids do not
    login TEXT NOT NULL,
    type TEXT,                           -- User | Bot | Organization
    company TEXT,
    updated_at TEXT
);
CREATE INDEX people_login ON people (login COLLATE NOCASE);

CREATE TABLE pull_requests (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    author_id INTEGER,                   -- NULL: the account was deleted
    title TEXT,
    html_url TEXT,
    state TEXT,
    draft INTEGER,
    base_ref TEXT,
    created_at TEXT,
    updated_at TEXT,
    closed_at TEXT,
    merged_at TEXT,
    additions INTEGER,
    deletions INTEGER,
    changed_files INTEGER,
    labels TEXT,                         -- JSON list of label names
    UNIQUE (repo_id, number)
);
CREATE INDEX pull_requests_author ON pull_requests (author_id);

CREATE TABLE pull_request_files (
    pr_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (pr_id, path)
);

-- Reviews and comments point at (repo_id, number), not at a pull_requests row: a review may arrive
-- before its pull request, and must still count once the pull request is known.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    pr_number INTEGER NOT NULL,
    reviewer_id INTEGER,
    state TEXT,                          -- upper case, as REST says it
    submitted_at TEXT,
    html_url TEXT
);
CREATE INDEX reviews_pr ON reviews (repo_id, pr_number);
CREATE INDEX reviews_reviewer ON reviews (reviewer_id);

CREATE TABLE review_comments (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    pr_number INTEGER NOT NULL,
    author_id INTEGER,
    review_id INTEGER,
    created_at TEXT,
    html_url TEXT,
    deleted_at TEXT
);
CREATE INDEX review_comments_pr ON review_comments (repo_id, pr_number);
CREATE INDEX review_comments_author ON review_comments (author_id);

CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    author_id INTEGER,
    title TEXT,
    html_url TEXT,
    state TEXT,
    is_pull_request INTEGER NOT NULL DEFAULT 0,
    created_at TEXT,
    updated_at TEXT,
    UNIQUE (repo_id, number)
);
CREATE INDEX issues_author ON issues (author_id);

CREATE TABLE issue_comments (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL,
    issue_number INTEGER NOT NULL,
    is_pull_request INTEGER NOT NULL,
    author_id INTEGER,
    created_at TEXT,
    html_url TEXT,
    lgtm INTEGER NOT NULL DEFAULT 0,     -- 1: /lgtm, -1: /lgtm cancel, 0: neither (Prow's rules)
    approve INTEGER NOT NULL DEFAULT 0,  -- 1: /approve, -1: /approve cancel, 0: neither
    deleted_at TEXT
);
CREATE INDEX issue_comments_issue ON issue_comments (repo_id, issue_number);
CREATE INDEX issue_comments_author ON issue_comments (author_id);

CREATE TABLE org_members (
    org TEXT NOT NULL COLLATE NOCASE,
    user_id INTEGER NOT NULL,
    since TEXT,
    source TEXT NOT NULL,                -- delivery | members_since | org.yaml | api
    removed_at TEXT,
    PRIMARY KEY (org, user_id)
);
