"""What the background services share: the supervised polling loop (polling.py). A leaf: it imports
nothing of Ladder's, so the outbox, the history importer and the server's worker can all build on it."""
