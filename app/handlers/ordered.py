"""A gidgethub Router that calls handlers in the order they were registered.

gidgethub's own `Router.dispatch` collects the matching callbacks into a frozenset, so two routers taking
the same event run in no fixed order. Ladder's data flows one way (record the activity, then evaluate it,
then plan effects), so the composed router keeps registration order: shallow routes first, then routes
on a payload field, each in the order added.
"""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio


class OrderedRouter(routing.Router):
    def ordered(self, event: sansio.Event) -> list:
        found = list(self._shallow_routes.get(event.event, ()))
        for data_key, data_values in self._deep_routes.get(event.event, {}).items():
            if data_key in event.data:
                value = event.data[data_key]
                if isinstance(value, (str, int, bool)) or value is None:
                    found.extend(data_values.get(value, ()))
        seen: set[int] = set()
        return [f for f in found if not (id(f) in seen or seen.add(id(f)))]

    async def dispatch(self, event: sansio.Event, *args: Any, **kwargs: Any) -> None:
        for callback in self.ordered(event):
            await callback(event, *args, **kwargs)
