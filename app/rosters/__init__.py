"""Rosters: who holds which level, and since when.

rows = await sync_owners_scope(gh, db, ladder, scope)            # OWNERS / OWNERS_ALIASES -> holdings
folders = await sync_owners_repository(gh, db, ladder, org, repo) # every OWNERS folder of a repository
when = await entered_at(gh, repo, path, login, list_name=...)    # one login's entry date
result = await sync_membership(gh, db, org, members_since=..., peribolos=(repo, path))
member = await is_org_member(gh, org, login)
"""

from .files import Calls
from .membership import MemberRow, MembershipSync, PeribolosError, is_org_member, sync_membership
from .owners_sync import HoldingRow, sync_owners_repository, sync_owners_scope
from .tenure import entered_at

__all__ = [
    "Calls",
    "HoldingRow",
    "MemberRow",
    "MembershipSync",
    "PeribolosError",
    "entered_at",
    "is_org_member",
    "sync_membership",
    "sync_owners_repository",
    "sync_owners_scope",
]
