"""The App's own account on GitHub, so Ladder can tell what it wrote from what anyone else wrote.

A hidden marker (`<!-- ladder:… -->`) is trusted only in a body the App's bot wrote: `<slug>[bot]`, of type
Bot (anyone can type a marker; nobody else can author as the bot). The slug comes from `GET /app` once per
client. In dry-run there is no client and Ladder writes nothing, so nothing is trusted.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

_BOTS: WeakKeyDictionary[Any, str] = WeakKeyDictionary()


async def app_bot(github: Any) -> str | None:
    """The App's bot login (`ladder[bot]`), or None in dry-run."""
    if github is None:
        return None
    login = _BOTS.get(github)
    if login is None:
        app = await github.app_api().getitem("/app")
        login = _BOTS[github] = f"{app['slug']}[bot]"
    return login


def written_by(user: dict | None, bot: str | None) -> bool:
    """Whether `user` (a payload's `user`) is the App's bot account `bot`."""
    if not bot or not isinstance(user, dict):
        return False
    return str(user.get("login") or "").lower() == bot.lower() and user.get("type") == "Bot"
