"""Readiness issues edited by people: ticked checklist boxes are read back."""

from __future__ import annotations

import json
import re

from gidgethub import routing, sansio

from app.context import Context
from app.normalise import is_bot
from app.promotion import readiness
from app.promotion.setup import org_setup

router = routing.Router()

BOX_RE = re.compile(r"(?m)^[ \t]*[-*][ \t]+\[([ xX])\][ \t]+(.+?)[ \t]*$")


def ticked_items(body: str | None, checklist: list[dict]) -> list[str]:
    """Ids of the checklist items whose box is ticked in `body` (matched on the item's text)."""
    boxes = {text.strip(): mark.lower() == "x" for mark, text in BOX_RE.findall(body or "")}
    return [item["id"] for item in checklist if boxes.get(item["text"].strip())]


@router.register("issues", action="edited")
async def on_edited(event: sansio.Event, ctx: Context) -> None:
    data = event.data
    if is_bot(data.get("sender")):
        return  # Ladder's own edits
    key = readiness.key_in_body(data["issue"].get("body"))
    row = readiness.link_issue(ctx, readiness.get(ctx, key=key)) if key else None
    if row is None:
        return
    setup = await org_setup(ctx, data["repository"]["owner"]["login"], (data.get("installation") or {}).get("id"))
    evaluation = readiness.current_evaluation(ctx, row)
    if setup is None or evaluation is None:
        return
    ticked = ticked_items(data["issue"]["body"], evaluation.get("checklist") or [])
    changes = {"ticked": json.dumps(ticked)}
    if row.issue_number is None:
        changes["issue_number"] = data["issue"]["number"]
    row = readiness.update(ctx, row, **changes)
    readiness.plan_issue(ctx, setup, row, evaluation)
