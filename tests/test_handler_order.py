"""Handlers run in the order the routers are composed (gidgethub's own dispatch has no fixed order)."""

from __future__ import annotations

from gidgethub import routing, sansio

from app.handlers import activity, progress, router
from app.handlers.ordered import OrderedRouter


async def test_dispatch_follows_registration_order():
    calls = []
    first, second, third = routing.Router(), routing.Router(), routing.Router()

    for name, r in (("a", first), ("b", second), ("c", third)):

        async def handler(event, *args, _name=name):
            calls.append(_name)

        r.add(handler, "issue_comment")

    async def on_created(event, *args):
        calls.append("created")

    third.add(on_created, "issue_comment", action="created")
    composed = OrderedRouter(first, second, third)
    for _ in range(20):  # a set-based dispatch would shuffle these across runs of the interpreter
        calls.clear()
        await composed.dispatch(sansio.Event({"action": "created"}, event="issue_comment", delivery_id="1"))
        assert calls == ["a", "b", "c", "created"]
    calls.clear()
    await composed.dispatch(sansio.Event({"action": "edited"}, event="issue_comment", delivery_id="2"))
    assert calls == ["a", "b", "c"]


def test_the_service_records_activity_before_it_evaluates():
    event = sansio.Event({"action": "closed"}, event="pull_request", delivery_id="1")
    order = router.ordered(event)
    assert order.index(activity.pull_request) < order.index(progress.reevaluate)
