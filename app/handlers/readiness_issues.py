"""Readiness issues edited by people: ticked checklist boxes are read back.

The issue is known by the number Ladder stored for it (app/promotion/lifecycle.py `for_issue`), never by
a marker in its text: anyone can write `<!-- ladder:… -->` into an issue of their own.
"""

from __future__ import annotations

import re2
from gidgethub import routing, sansio

from app.commands import MAX_TEXT
from app.context import Context
from app.github.identity import written_by
from app.normalise import is_bot
from app.promotion import lifecycle, readiness
from app.promotion.progress import replan_progress
from app.promotion.readiness_text import checklist_line
from app.promotion.setup import org_setup

router = routing.Router()

# RE2: linear in the body's length whatever it holds (a line of 65,000 spaces included).
BOX_RE = re2.compile(r"(?m)^[ \t]*[-*][ \t]+\[([ xX])\][ \t]+(.+?)[ \t]*$")


def ticked_items(body: str | None, checklist: list[dict]) -> list[str]:
    """Ids of the checklist items whose box is ticked in `body` (matched on the item's text as shown)."""
    boxes = {m.group(2).strip(): m.group(1).lower() == "x" for m in BOX_RE.finditer((body or "")[:MAX_TEXT])}
    return [item["id"] for item in checklist if boxes.get(checklist_line(item["text"]).strip())]


@router.register("issues", action="edited")
async def on_edited(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    if is_bot(data.get("sender")):
        return  # Ladder's own edits
    row = lifecycle.for_issue(ctx.db, data["repository"]["full_name"], data["issue"]["number"])
    if row is None or not row.active:
        return
    setup = await org_setup(ctx, data["repository"]["owner"]["login"], (data.get("installation") or {}).get("id"))
    evaluation = readiness.current_evaluation(ctx, row)
    if setup is None or evaluation is None:
        return
    row = lifecycle.record_issue(ctx.db, row)
    row = lifecycle.tick(ctx.db, row, ticked_items(data["issue"].get("body"), evaluation.get("checklist") or []))
    readiness.plan_issue(ctx, setup, row, evaluation)


@router.register("issues", action="opened")
async def on_opened(event: sansio.Event, ctx: Context) -> None:
    """GitHub tells the App about the issues it opened too: once a readiness issue exists, the person's
    progress comment links to it."""
    data = event.data
    setup = await org_setup(ctx, data["repository"]["owner"]["login"], (data.get("installation") or {}).get("id"))
    if setup is None or not written_by(data["issue"].get("user"), setup.bot):
        return
    row = lifecycle.for_issue(ctx.db, data["repository"]["full_name"], data["issue"]["number"])
    if row is None:
        return
    row = lifecycle.record_issue(ctx.db, row)
    replan_progress(ctx, setup, row)
