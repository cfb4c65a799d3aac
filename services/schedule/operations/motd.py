"""The message of the day (ptgbot's ``~motd``): an ordered list of messages per event.

Every change locks the event, renumbers the list and publishes ``motd.changed`` with the whole list
in its new order. Each operation returns that list (``{"event", "items"}``, for ``MotdListSchema``).
Nothing commits: the caller does.
"""
from __future__ import annotations

from services.kit.cloudevents import event_type
from services.kit.problems import NotFound

from .. import SERVICE, store
from ..domain import live as rules
from ..schemas.live import MotdListSchema, motd_items
from ..store import live as live_queries

MOTD_CHANGED = event_type(SERVICE, "motd", "changed")

motd_list_schema = MotdListSchema()


def motd_list(event: store.Event, rows: list[store.Motd]) -> dict:
    """The list as the api shows it and ``motd.changed`` carries it: messages numbered from 1."""
    return {"event": event.slug, "items": motd_items(rows)}


def _publish(uow, event: store.Event, rows: list[store.Motd]) -> dict:
    store.renumber(rows)
    uow.session.flush()
    body = motd_list(event, rows)
    uow.publish(MOTD_CHANGED, motd_list_schema.dump(body), subject=event.slug)
    return body


def _keep(uow, event: store.Event, ordered: list[store.Motd]) -> dict:
    """Keep ``ordered`` in that order, delete the rest."""
    keep = {r.id for r in ordered}
    for row in live_queries.event_motd(uow.session, event):
        if row.id not in keep:
            uow.session.delete(row)
    return _publish(uow, event, ordered)


def read(uow, event_slug: str) -> dict:
    """The messages, top first."""
    event = store.get_event(uow.session, event_slug)
    return motd_list(event, live_queries.event_motd(uow.session, event))


def add(uow, event_slug: str, level: str, message: str) -> dict:
    """``~motd add LEVEL MESSAGE``: a message at the bottom."""
    event = store.get_event(uow.session, event_slug, lock=True)
    rows = live_queries.event_motd(uow.session, event)
    row = store.Motd(event_id=event.id, position=len(rows), level=level, message=message)
    uow.session.add(row)
    return _publish(uow, event, [*rows, row])


def remove(uow, event_slug: str, motd_id: str) -> dict:
    """``~motd del N``: one message out (404 naming ``motd_id`` when the event has no such message)."""
    event = store.get_event(uow.session, event_slug, lock=True)
    rows = live_queries.event_motd(uow.session, event)
    row = next((r for r in rows if r.id == motd_id), None)
    if row is None:
        raise NotFound(f"no message {motd_id!r} in event {event.slug}", errors={"motd_id": ["unknown message"]})
    uow.session.delete(row)
    return _publish(uow, event, [r for r in rows if r.id != row.id])


def reorder(uow, event_slug: str, ids: list[str]) -> dict:
    """``~motd reorder``: the messages ``ids`` names, in that order; the ones left out are removed."""
    event = store.get_event(uow.session, event_slug, lock=True)
    return _keep(uow, event, rules.motd_reorder_by_id(live_queries.event_motd(uow.session, event), ids))


def clear(uow, event_slug: str) -> dict:
    """``~motd clean``: every message out."""
    event = store.get_event(uow.session, event_slug, lock=True)
    return _keep(uow, event, [])
