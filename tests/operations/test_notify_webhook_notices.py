"""A disabled webhook's owner is told (in-process, SQLite): the consumer of notify's own
``ptghub.notify.webhook.disabled`` queues one notice mail to the webhook's contact, or to
``PTGHUB_WEBHOOK_CONTACT`` when it names none; a redelivered event queues nothing more."""
from __future__ import annotations

import email
from email import policy

import pytest
import sqlalchemy as sa

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter
from services.notify import consumers, domain, store
from services.notify.descriptor import DESCRIPTOR

WEBHOOK = {"id": "w-1", "url": "https://hooks.example.org/ptg", "event_types": ["#"],
           "description": "board bot\r\nBcc: victim@example.org", "owner": "token-1", "enabled": False,
           "disabled_reason": "the endpoint answered 410 Gone", "disabled_at": "2019-05-02T15:00:00+00:00",
           "failing_since": None, "created_at": "2019-05-01T09:00:00+00:00"}


@pytest.fixture
def database(make_database, monkeypatch):
    monkeypatch.setenv("PTGHUB_MAIL_FROM", "ptghub <ptghub@ptg.example>")
    monkeypatch.delenv("PTGHUB_WEBHOOK_CONTACT", raising=False)
    return make_database(DESCRIPTOR)


def disabled(database, webhook, event_id=None) -> CloudEvent:
    cloud_event = CloudEvent(type=domain.WEBHOOK_DISABLED, source="/ptghub/notify", data=webhook,
                             **({"id": event_id} if event_id else {}))
    EventRouter(database, consumers.subscriptions(database)).handle(cloud_event)
    return cloud_event


def queued(database) -> list[store.OutgoingMail]:
    with database.sessions() as session:
        return list(session.scalars(sa.select(store.OutgoingMail)))


def test_the_contact_gets_one_notice_naming_the_webhook_and_the_reason(database):
    event = disabled(database, {**WEBHOOK, "contact": "ops@bot.example"})
    disabled(database, {**WEBHOOK, "contact": "ops@bot.example"}, event_id=event.id)  # redelivered
    [mail] = queued(database)
    assert mail.recipient == "ops@bot.example" and mail.status == domain.QUEUED
    assert mail.source_event_id == event.id and mail.source_event_type == domain.WEBHOOK_DISABLED
    message = email.message_from_string(mail.message, policy=policy.default)
    assert str(message["Subject"]) == "[ptghub] Webhook disabled: https://hooks.example.org/ptg"
    assert message["Bcc"] is None and message["Auto-Submitted"] == "auto-generated"
    assert str(message["Message-ID"]) == mail.message_id and mail.message_id.startswith("<webhook-disabled.")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "https://hooks.example.org/ptg" in part and "410 Gone" in part and "/api/v1/webhooks/w-1" in part
    assert "<code>https://hooks.example.org/ptg</code>" in html


def test_without_a_contact_the_notice_goes_to_the_fallback_or_nowhere(database, monkeypatch):
    disabled(database, WEBHOOK)
    disabled(database, {**WEBHOOK, "contact": "not an address\r\nBcc: x@example.org"})
    assert queued(database) == []  # nobody to tell: the event and disabled_reason remain
    monkeypatch.setenv("PTGHUB_WEBHOOK_CONTACT", "organisers@ptg.example")
    disabled(database, WEBHOOK)
    assert [m.recipient for m in queued(database)] == ["organisers@ptg.example"]
