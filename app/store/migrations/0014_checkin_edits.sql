-- A check-in edited or deleted on GitHub is read again (app/handlers/checkin_edits.py): the moment of the
-- edit applied last, so a redelivered older edit never brings old text back; a deleted one is kept as a
-- tombstone, so a redelivered `created` of it never brings it back either.
ALTER TABLE checkins ADD COLUMN edited_at TEXT;
ALTER TABLE checkins ADD COLUMN deleted_at TEXT;
