-- Case-insensitive lookups are written `lower(x) = lower(?)` on both engines (a PostgreSQL TEXT column has
-- no NOCASE collation), so the indexes that serve them are on lower(x).
DROP INDEX people_login;
CREATE INDEX people_login_lower ON people (lower(login));
CREATE INDEX repositories_owner_lower ON repositories (lower(owner));
