"""An event's useful links (venue map, etherpad index ...), in order: add, change or move, remove
(organisers), list and read. Every change publishes ``link.changed`` with all the links."""
from __future__ import annotations

from services.kit.db import UnitOfWork

from .. import domain, store
from ..schemas.gathering import LinkListSchema
from .outbox import publish
from .rights import require_organiser

link_list_schema = LinkListSchema()


def _publish_links(uow: UnitOfWork, event: store.Event, links: list[store.Link]) -> None:
    store.renumber(links)
    uow.session.flush()
    publish(uow, "link", "changed", link_list_schema.dump({"event": event.slug, "links": links}), event.slug)


def create_link(uow: UnitOfWork, who: dict, event_slug: str, data: dict) -> store.Link:
    """Add a link (``data``: a loaded ``Link``), last or at ``position``."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    links = store.event_links(uow.session, event)
    position = min(data.get("position", len(links)), len(links))
    row = store.Link(event_id=event.id, label=data["label"], url=data["url"], position=position)
    uow.session.add(row)
    links.insert(position, row)
    _publish_links(uow, event, links)
    return row


def list_links(uow: UnitOfWork, event_slug: str, query: dict) -> tuple[list[store.Link], str | None]:
    return store.links_page(uow.session, store.get_event(uow.session, event_slug), query["limit"], query["cursor"])


def get_link(uow: UnitOfWork, event_slug: str, link_id: str) -> store.Link:
    return store.get_link(uow.session, store.get_event(uow.session, event_slug), link_id)


def update_link(uow: UnitOfWork, who: dict, event_slug: str, link_id: str, changes: dict) -> store.Link:
    """Change a link's label or url, or move it to ``position`` (the others shift)."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_link(uow.session, event, link_id)
    links = store.event_links(uow.session, event)
    changed = domain.changed_fields({"label": row.label, "url": row.url},
                                    {name: changes[name] for name in ("label", "url") if name in changes})
    for name, value in changed.items():
        setattr(row, name, value)
    if "position" in changes:
        position = min(changes["position"], len(links) - 1)
        if links.index(row) != position:
            links.remove(row)
            links.insert(position, row)
            changed["position"] = position
    if changed:
        _publish_links(uow, event, links)
    return row


def delete_link(uow: UnitOfWork, who: dict, event_slug: str, link_id: str) -> None:
    """Remove a link (the ones after it move up)."""
    require_organiser(who, event_slug)
    event = store.get_event(uow.session, event_slug, lock=True)
    row = store.get_link(uow.session, event, link_id)
    links = [link for link in store.event_links(uow.session, event) if link.id != row.id]
    uow.session.delete(row)
    _publish_links(uow, event, links)
