-- Several processes may process (every `ladder serve`, every `ladder work`); one at a time is active.
-- Each process that can process keeps a row here (its heartbeat); the active one writes which services
-- run and how they are, so `/healthz` on any web replica can tell whether a worker is alive.
CREATE TABLE workers (
    id TEXT PRIMARY KEY,                 -- host:pid:random, one per process
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at REAL NOT NULL,
    beat_at REAL NOT NULL,               -- its last heartbeat
    active_since REAL,                   -- when it became the active worker; NULL while standing by
    services TEXT                        -- JSON, written by the active worker: each service's health
);
-- SQLite elects through this row (PostgreSQL through a session-level advisory lock): the holder renews
-- `expires_at` every few seconds; another process may take it once it has run out.
CREATE TABLE worker_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);
-- Which worker leased a delivery (a worker that lost the election can no longer mark it), and how many
-- processing runs reached an outcome (done or a failed attempt): 1 for a delivery processed once.
ALTER TABLE deliveries ADD COLUMN leased_by TEXT;
ALTER TABLE deliveries ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;
