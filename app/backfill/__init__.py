"""History import: pull requests with their reviews and comments through GraphQL, within the rate limits.

    jobs.schedule(db, [(repo_id, "o/r", installation_id)], since="2025-01-01T00:00:00Z", reason="cli")
    report = await runner.run_jobs(db, github_client)           # resumable: cursor per repository
    await runner.reconcile(db, github_client, on_imported=cb)   # the daily pass

`HistoryRunner` is the service's background part; `ladder backfill` is the command line's.
"""
