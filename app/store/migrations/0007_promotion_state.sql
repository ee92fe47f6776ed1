-- The readiness row is the single truth of a promotion's state (app/promotion/lifecycle.py): evaluations
-- keep what the numbers say (working or ready), so decisions stored there before are the numbers again.
UPDATE evaluations SET state = 'ready' WHERE state IN ('approved', 'promoted');

-- Who held or approved, by user id: the text shows their login as it is when it is written.
ALTER TABLE readiness ADD COLUMN held_by_id INTEGER;
ALTER TABLE readiness ADD COLUMN approved_by_id INTEGER;
-- Approved, but GitHub would not say whether the person is an org member (the App cannot see it).
ALTER TABLE readiness ADD COLUMN membership_hidden INTEGER NOT NULL DEFAULT 0;

-- Logins an organisation's ladder.yml names (cohort mentees and mentors), each tied to the account it
-- meant when Ladder first saw it: a person who renames stays who the configuration meant.
CREATE TABLE named_logins (
    org TEXT NOT NULL COLLATE NOCASE,
    login TEXT NOT NULL COLLATE NOCASE,  -- as the configuration writes it
    person_id INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (org, login)
);
