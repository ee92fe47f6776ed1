"""Rosters: who holds which level, and since when.

    rows = await sync_owners_scope(gh, db, ladder, scope)            # OWNERS / OWNERS_ALIASES -> holdings
    when = await entered_at(gh, repo, path, login, list_name=...)    # one login's entry date
    result = await sync_membership(gh, db, org, members_since=..., peribolos=(repo, path))
    member = await is_org_member(gh, org, login)
"""

from .files import Calls
from .owners_sync import HoldingRow, sync_owners_scope
from .tenure import entered_at

__all__ = ["Calls", "HoldingRow", "entered_at", "sync_owners_scope"]
