"""The promotion loop: from stored evaluations to what people see on GitHub.

    evaluation changed ──► progress comment (per mentee, edited in place)        progress.py
                      └──► readiness issue when ready; a note if they fall back  readiness.py
    +1 / /sponsor on the readiness issue ──► sponsor checked, issue updated       sponsors.py
    /ladder approve|hold|unhold|recheck ──► OWNERS pull request                   approval.py
    push merging the roster change ──► promoted, thanked, issue closed            promote.py

Where a promotion stands, and every way it moves: lifecycle.py (the readiness row is its single truth).
The commands people write: commands.py, one table. The words Ladder writes: progress_text.py,
readiness_text.py and replies.py, beside the code that plans them.

Every write goes through the outbox (app/outbox); nothing here talks to GitHub for writing.
"""
