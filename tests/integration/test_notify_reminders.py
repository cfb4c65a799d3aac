"""Notify's reminder digests against real PostgreSQL, RabbitMQ and an SMTP server on loopback: one
mail per digest with both parts and the one-click headers; items done, dropped or snoozed before
the mail goes are left out, and a digest with none left is cancelled, not sent."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from services.kit.db import utcnow
from services.notify import config, domain, store
from services.notify.composing import headers
from services.notify.delivery.mail import MailDeliveryLoop

from ..conftest import ORGANISER
from ..infra import wait_until
from .conftest import MAIL_FROM, start_notify

pytestmark = pytest.mark.integration


def item(action_id: str, title: str, **extra) -> dict:
    return {"action_id": action_id, "title": title, "due_date": "2026-12-04", "status": "open", "event": "denver",
            "track": "nova", "reason": "before_due", "days": 3,
            "links": {op: f"https://ptg.example/api/v1/a/{op}-{action_id}" for op in ("done", "snooze", "drop")},
            **extra}


def digest(recipient: str, *items: dict) -> dict:
    return {"digest_id": str(uuid.uuid4()), "at": utcnow().isoformat(), "items": list(items),
            "person": {"id": str(uuid.uuid4()), "nick": "mgoddard", "name": "Michael Goddard", "email": recipient,
                       "timezone": "Europe/London"},
            "unsubscribe_url": f"https://ptg.example/api/v1/unsubscribe/u-{recipient}"}


def action_event(action_id: str, status: str, version: int, snoozed_until: str | None = None) -> dict:
    return {"id": action_id, "title": "whatever", "status": status, "snoozed_until": snoozed_until, "version": version,
            "owners": [], "event": "denver", "track": "nova"}


def messages_to(notify, recipient: str) -> list[dict]:
    response = notify.client.get(f"/messages?recipient={recipient}", headers=ORGANISER)
    assert response.status_code == 200
    return response.get_json()["items"]


def new_ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def test_one_digest_is_one_mail_with_both_parts_and_the_one_click_headers(notify, smtp):
    recipient = f"mgoddard-{uuid.uuid4().hex[:8]}@example.org"
    first, second, third = new_ids(3)
    data = digest(recipient, item(first, "Write the <b>spec</b>"), item(second, "Review the patch", reason="on_due"),
                  item(third, "Book the room", reason="overdue", days=-3))
    event = notify.publish(domain.REMINDER_DUE, data, subject=data["person"]["id"])
    notify.publish(domain.REMINDER_DUE, data, subject=data["person"]["id"], id=event.id)  # redelivered: still one
    (message,) = wait_until(lambda: smtp.to(recipient), message="the digest mail")
    assert message["Subject"] == "[ptghub] 3 action items need you"
    assert message["To"] == recipient and message["From"] == "ptghub <ptghub@ptg.example>"
    assert message["List-Unsubscribe"].strip() == f"<https://ptg.example/api/v1/unsubscribe/u-{recipient}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == headers.reminder_message_id(data["digest_id"], recipient, "ptg.example")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for action_id, title in ((first, "Write the <b>spec</b>"), (second, "Review the patch"), (third, "Book the room")):
        assert title in text
        for op in ("done", "snooze", "drop"):
            assert f"https://ptg.example/api/v1/a/{op}-{action_id}" in text
            assert f'href="https://ptg.example/api/v1/a/{op}-{action_id}"' in html
    assert "Write the &lt;b&gt;spec&lt;/b&gt;" in html
    (logged,) = wait_until(lambda: [m for m in messages_to(notify, recipient) if m["status"] == "sent"])
    assert logged["message_id"] == message["Message-ID"] and logged["source_event_id"] == event.id
    assert len(smtp.to(recipient)) == 1


def test_a_title_cannot_inject_headers(notify, smtp):
    recipient = f"inject-{uuid.uuid4().hex[:8]}@example.org"
    data = digest(recipient, item(str(uuid.uuid4()), "Fix it\r\nBcc: victim@example.org"))
    notify.publish(domain.REMINDER_DUE, data)
    (message,) = wait_until(lambda: smtp.to(recipient), message="the digest mail")
    assert message["Subject"] == "[ptghub] Action item needs you: Fix it Bcc: victim@example.org"
    assert message["Bcc"] is None and smtp.to("victim@example.org") == []


@pytest.fixture
def notify_not_sending(start_service, infra, smtp, monkeypatch):
    """Notify consuming but not sending: the test runs the mail loop itself, when it chooses."""
    service = start_notify(start_service, infra, monkeypatch, timers=lambda _database: [], SMTP_URL=smtp.url,
                           MAIL_FROM=MAIL_FROM)
    service.loop = MailDeliveryLoop(service.database, config.load())
    yield service
    service.loop.smtp.close()


def state_of(service, action_id: str):
    with service.database.read_sessions() as session:
        row = store.get_action_state(session, action_id)
        return row and (row.status, row.snoozed_until, row.version)


def send_all(service) -> None:
    while service.loop.send_once():
        pass


def test_items_settled_or_snoozed_after_queueing_are_left_out_at_send_time(notify_not_sending, smtp):
    service = notify_not_sending
    recipient = f"partly-{uuid.uuid4().hex[:8]}@example.org"
    done, snoozed, still_open = new_ids(3)
    data = digest(recipient, item(done, "Write the spec"), item(snoozed, "Review the patch"),
                  item(still_open, "Book the room"))
    service.publish(domain.REMINDER_DUE, data)
    (queued,) = wait_until(lambda: messages_to(service, recipient), message="the digest queued")
    assert queued["status"] == "queued" and queued["subject"] == "[ptghub] 3 action items need you"

    later = (date.today() + timedelta(days=7)).isoformat()
    service.publish("ptghub.actions.action.updated", action_event(done, "done", 4))
    service.publish("ptghub.actions.action.completed", action_event(done, "done", 4))
    service.publish("ptghub.actions.action.updated", action_event(snoozed, "open", 2, snoozed_until=later))
    service.publish("ptghub.actions.action.updated", action_event(still_open, "open", 1))
    # an older event arriving late changes nothing
    service.publish("ptghub.actions.action.updated", action_event(done, "open", 3))
    wait_until(lambda: state_of(service, still_open), message="the action states")
    assert state_of(service, done) == ("done", None, 4)
    assert state_of(service, snoozed) == ("open", date.fromisoformat(later), 2)

    send_all(service)
    (message,) = wait_until(lambda: smtp.to(recipient), message="the digest mail")
    text = message.get_body(("plain",)).get_content()
    assert "Book the room" in text and "Write the spec" not in text and "Review the patch" not in text
    assert message["Subject"] == "[ptghub] Action item needs you: Book the room"
    (logged,) = messages_to(service, recipient)
    assert logged["status"] == "sent" and logged["subject"] == message["Subject"]


def test_a_digest_whose_items_are_all_gone_is_cancelled_and_not_sent(notify_not_sending, smtp):
    service = notify_not_sending
    recipient = f"nothing-{uuid.uuid4().hex[:8]}@example.org"
    dropped, withdrawn = new_ids(2)
    service.publish(domain.REMINDER_DUE, digest(recipient, item(dropped, "Write the spec"), item(withdrawn, "Old")))
    wait_until(lambda: messages_to(service, recipient), message="the digest queued")
    service.publish("ptghub.actions.action.dropped", action_event(dropped, "dropped", 2))
    service.publish("ptghub.actions.action.withdrawn", action_event(withdrawn, "open", 1))
    wait_until(lambda: state_of(service, withdrawn), message="the action states")
    assert state_of(service, withdrawn)[0] == "withdrawn"
    send_all(service)
    (logged,) = messages_to(service, recipient)
    assert logged["status"] == "cancelled"
    assert messages_to(service, recipient)[0]["attempts"] == 0
    assert smtp.to(recipient) == []


def test_a_digest_arriving_after_its_items_settled_is_cancelled_at_once(notify_not_sending, smtp):
    service = notify_not_sending
    recipient = f"late-{uuid.uuid4().hex[:8]}@example.org"
    (done,) = new_ids(1)
    service.publish("ptghub.actions.action.completed", action_event(done, "done", 3))
    wait_until(lambda: state_of(service, done), message="the action state")
    service.publish(domain.REMINDER_DUE, digest(recipient, item(done, "Write the spec")))
    (logged,) = wait_until(lambda: messages_to(service, recipient), message="the digest recorded")
    assert logged["status"] == "cancelled"
    send_all(service)
    assert smtp.to(recipient) == []
