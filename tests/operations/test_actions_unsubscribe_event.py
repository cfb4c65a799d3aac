"""An unsubscribe by one-click link is announced once (``ptghub.actions.person.unsubscribed``, with
the person's address), so notify can put the address on its suppression list; the event the
actions service writes is one notify's consumer reads."""
from __future__ import annotations

import json

import sqlalchemy as sa

from services.actions.descriptor import DESCRIPTOR
from services.actions.domain import links
from services.notify.schemas.consumed import UNSUBSCRIBED, UnsubscribedEventSchema

from .conftest import outbox_types
from .test_actions_links import NOW, add_person, internal_key, use  # noqa: F401 (internal_key: an autouse fixture)


def test_an_unsubscribe_publishes_the_persons_address_once(make_database):
    database = make_database(DESCRIPTOR)
    person = add_person(database, "mgoddard")
    token = links.sign(links.UNSUBSCRIBE, person, None, NOW)
    before = outbox_types(database)
    assert use(database, token, ops=(links.UNSUBSCRIBE,)).outcome == "unsubscribed"
    assert use(database, token, ops=(links.UNSUBSCRIBE,)).outcome == "already"  # an RFC 8058 client's second POST
    assert outbox_types(database)[len(before):] == [UNSUBSCRIBED]
    with database.engine.connect() as connection:
        row = connection.execute(sa.select(database.outbox).order_by(database.outbox.c.seq.desc())).first()
    data = json.loads(row.payload)["data"]
    assert UnsubscribedEventSchema().load(data) == {"id": person, "email": "mgoddard@example.org"}
