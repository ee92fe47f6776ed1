-- The cohort's rhythm (app/promotion/rhythm.py): a check-in is read as accomplishments and challenges and
-- kept per mentee and ISO week (in the cohort's timezone); a second check-in in the week replaces the first.
ALTER TABLE checkins ADD COLUMN week TEXT;              -- ISO week, e.g. 2026-W49
ALTER TABLE checkins ADD COLUMN accomplishments TEXT;
ALTER TABLE checkins ADD COLUMN challenges TEXT;
CREATE INDEX checkins_week ON checkins (org, cohort, week);
