"""Queries of an event's useful links, and the positions of ordered lists (links, motd entries)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .models import Event, Link
from .pages import keyset_page


def event_links(session: Session, event: Event) -> list[Link]:
    return list(session.scalars(sa.select(Link).where(Link.event_id == event.id).order_by(Link.position, Link.id)))


def get_link(session: Session, event: Event, link_id: str) -> Link:
    link = session.scalar(sa.select(Link).where(Link.event_id == event.id, Link.id == link_id))
    if link is None:
        raise NotFound(f"no link {link_id!r} in event {event.slug}", errors={"link": ["unknown link"]})
    return link


def links_page(session: Session, event: Event, limit: int, cursor: str | None) -> tuple[list[Link], str | None]:
    """A page of the event's links, in their order."""
    return keyset_page(session, sa.select(Link).where(Link.event_id == event.id), [Link.position, Link.id],
                       lambda link: [link.position, link.id], (int, str), limit, cursor)


def renumber(items: list) -> None:
    """Give ``items`` (links, motd entries) the positions 0, 1, 2 ... in their list order."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
