"""What notify's mail says, against real PostgreSQL, RabbitMQ and an SMTP server on loopback
(aiosmtpd), reading the raw bytes the server got: no name, tag or title holding CR/LF adds a
header; a moved or cancelled session tells its track's list (unless a chair switched it off); an
event's own list, tag and sender take its summaries; a site's template overrides are used, and a
broken one stops the service from starting."""
from __future__ import annotations

import email
import threading
import uuid
from email import policy

import pytest

from services.notify.composing import TemplatesRefused, templates

from ..conftest import principal_header
from ..infra import serving_smtp, wait_until
from .conftest import MAIL_FROM, start_notify

pytestmark = pytest.mark.integration


class RawSink:
    """aiosmtpd handler keeping each message's envelope and its bytes exactly as received."""

    def __init__(self):
        self.received: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "raw": bytes(envelope.original_content or envelope.content)})
        return "250 Message accepted for delivery"

    def to(self, recipient: str) -> list[dict]:
        with self.lock:
            return [m for m in self.received if recipient in m["to"]]


@pytest.fixture
def raw_smtp():
    with serving_smtp(RawSink()) as sink:
        yield sink


@pytest.fixture(autouse=True)
def packaged_templates():
    yield
    templates.install(None)


def start_mailing_notify(start_service, infra, raw_smtp, monkeypatch, template_dir=None):
    """Notify mailing to ``raw_smtp``, with the site's templates in ``template_dir`` if given."""
    templates = {} if template_dir is None else {"TEMPLATE_DIR": str(template_dir)}
    return start_notify(start_service, infra, monkeypatch, SMTP_URL=raw_smtp.url, MAIL_FROM=MAIL_FROM,
                        DELIVERY_INTERVAL="0.02", **templates)


@pytest.fixture
def notify(start_service, infra, raw_smtp, monkeypatch):
    return start_mailing_notify(start_service, infra, raw_smtp, monkeypatch)


def head_of(raw: bytes) -> list[str]:
    """The header lines of a raw message, unfolded: one entry per header."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    lines: list[str] = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line
        else:
            lines.append(line)
    return lines


def names_of(raw: bytes) -> list[str]:
    return [line.split(":", 1)[0].lower() for line in head_of(raw)]


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def slug(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def track(event: str, name: str, mailing_list: str | None, subject_tag: str | None, track_slug: str) -> dict:
    return {"id": str(uuid.uuid4()), "event": event, "slug": track_slug, "name": name,
            "mailing_list": mailing_list, "subject_tag": subject_tag}


def session(event: str, track_slug: str, session_id: str, title: str, start: str, end: str, room: str = "aspen",
            status: str = "scheduled") -> dict:
    return {"id": session_id, "event": event, "track": track_slug, "room": room, "title": title, "start": start,
            "end": end, "status": status, "timezone": "America/Denver", "sequence": 0}


def processed(notify, event_id: str) -> bool:
    inbox = notify.database.inbox
    with notify.database.engine.connect() as connection:
        return connection.execute(inbox.select().where(inbox.c.event_id == event_id)).first() is not None


INJECTED = "\r\nBcc: victim@evil.example\r\nX-Injected: yes"


def test_a_name_tag_or_title_with_cr_lf_never_injects_a_header(notify, raw_smtp):
    event, kolla = slug("ev"), slug("kolla")
    listed = f"{kolla}@lists.example"
    notify.publish("ptghub.schedule.track.created",
                   track(event, f"Kolla{INJECTED}", listed, f"kolla{INJECTED}", kolla))
    notify.publish("ptghub.notes.summary.published", {
        "id": str(uuid.uuid4()), "event": event, "track": kolla, "track_name": f"Kolla{INJECTED}",
        "title": f"Summary{INJECTED}", "text": "We agreed.\n", "published_at": "2026-12-02T06:00:00Z"})
    notify.publish("ptghub.schedule.session.scheduled", session(
        event, kolla, "s-inj", f"Images{INJECTED}", "2031-12-03T09:00:00-07:00", "2031-12-03T10:00:00-07:00"))
    notify.publish("ptghub.schedule.session.updated", session(
        event, kolla, "s-inj", f"Images{INJECTED}", "2031-12-03T11:00:00-07:00", "2031-12-03T12:00:00-07:00"))
    both = wait_until(lambda: raw_smtp.to(listed)[1:] and raw_smtp.to(listed), message="two mails")
    # the summary goes through the mail loop, the notice from the consumer: either may be first
    summary_mail, notice = sorted(both, key=lambda m: "Moved:" in str(parse(m["raw"])["Subject"]))
    for received in (summary_mail, notice):
        raw = received["raw"]
        assert received["to"] == [listed]  # the envelope: nobody else
        assert "bcc" not in names_of(raw) and "x-injected" not in names_of(raw)
        assert sorted(set(names_of(raw)) & {"from", "to", "subject", "date", "message-id", "auto-submitted"}) == \
            ["auto-submitted", "date", "from", "message-id", "subject", "to"]
        message = parse(raw)
        assert "\n" not in str(message["Subject"]) and message["Auto-Submitted"] == "auto-generated"
    assert parse(summary_mail["raw"])["Subject"] == \
        "[kolla Bcc: victim@evil.example X-Injected: yes] Summary Bcc: victim@evil.example X-Injected: yes"
    assert parse(notice["raw"])["Subject"].startswith("[kolla Bcc: victim@evil.example X-Injected: yes] Moved: Images")
    # one thread per track: the second mail replies to the first
    first, second = (parse(m["raw"]) for m in both)
    assert first["In-Reply-To"] is None and second["In-Reply-To"].strip() == first["Message-ID"].strip()


def test_moved_and_cancelled_sessions_tell_the_list_unless_a_chair_switches_it_off(notify, raw_smtp):
    event, kolla = slug("ev"), slug("kolla")
    listed = f"{kolla}@lists.example"
    chair = principal_header("chair", tracks=[(event, kolla)], sub="kolla-chair")
    other_chair = principal_header("chair", tracks=[(event, "nova")], sub="nova-chair")
    notify.publish("ptghub.schedule.track.created", track(event, "Kolla", listed, "kolla", kolla))
    route = wait_until(lambda: (r := notify.client.get(f"/mail-routes/{event}/{kolla}", headers=chair)).status_code
                       == 200 and r.get_json(), message="the track's mail route")
    assert route["session_notices"] is True and route["mailing_list"] == listed
    notify.publish("ptghub.schedule.session.scheduled", session(
        event, kolla, f"s-{kolla}", "Python 3 images", "2031-12-03T09:00:00-07:00", "2031-12-03T10:45:00-07:00"))
    notify.publish("ptghub.schedule.session.updated", session(
        event, kolla, f"s-{kolla}", "Python 3 images", "2031-12-04T09:00:00-07:00", "2031-12-04T10:45:00-07:00",
        room="birch"))
    (moved,) = wait_until(lambda: raw_smtp.to(listed), message="the moved notice")
    message = parse(moved["raw"])
    assert message["Subject"] == "[kolla] Moved: Python 3 images"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Now:   Thu 4 Dec 2031, 09:00–10:45 America/Denver, room birch" in text
    assert "Was:   Wed 3 Dec 2031, 09:00–10:45 America/Denver, room aspen" in text

    assert notify.client.patch(f"/mail-routes/{event}/{kolla}", json={"session_notices": False},
                               headers=other_chair).status_code == 403
    bad = notify.client.patch(f"/mail-routes/{event}/{kolla}", json={"session_notices": "perhaps"}, headers=chair)
    assert bad.status_code == 400 and "session_notices" in bad.get_json()["errors"]
    assert notify.client.patch(f"/mail-routes/{event}/{kolla}", json={"session_notices": False},
                               headers=chair).get_json()["session_notices"] is False
    cancelled = notify.publish("ptghub.schedule.session.cancelled", session(
        event, kolla, f"s-{kolla}", "Python 3 images", "2031-12-04T09:00:00-07:00", "2031-12-04T10:45:00-07:00",
        room="birch", status="cancelled"))
    wait_until(lambda: processed(notify, cancelled.id), message="the cancellation processed")
    assert len(raw_smtp.to(listed)) == 1  # switched off: no notice

    notify.client.patch(f"/mail-routes/{event}/{kolla}", json={"session_notices": True}, headers=chair)
    notify.publish("ptghub.schedule.session.scheduled", session(
        event, kolla, f"t-{kolla}", "Kolla-ansible", "2031-12-03T11:00:00-07:00", "2031-12-03T12:00:00-07:00"))
    notify.publish("ptghub.schedule.session.deleted", session(
        event, kolla, f"t-{kolla}", "Kolla-ansible", "2031-12-03T11:00:00-07:00", "2031-12-03T12:00:00-07:00"))
    gone = wait_until(lambda: raw_smtp.to(listed)[1:], message="the cancelled notice")[0]
    assert parse(gone["raw"])["Subject"] == "[kolla] Cancelled: Kolla-ansible"
    assert parse(gone["raw"])["In-Reply-To"].strip() == parse(moved["raw"])["Message-ID"].strip()


def test_an_events_list_tag_and_sender_take_its_summaries(notify, raw_smtp):
    event, kolla = slug("ev"), slug("kolla")
    event_list = f"{event}@lists.example"
    notify.publish("ptghub.schedule.track.created", track(event, "Kolla", f"{kolla}@lists.example", "kolla", kolla))
    notify.publish("ptghub.schedule.event.created", {
        "id": str(uuid.uuid4()), "slug": event, "name": "Denver III PTG", "timezone": "America/Denver",
        "mailing_list": event_list, "subject_tag": "ptg", "mail_from": "Denver PTG <ptg-bot@ptg.example>"})
    notify.publish("ptghub.notes.summary.published", {
        "id": str(uuid.uuid4()), "scope": "event", "event": event, "track": None, "title": "Denver III",
        "subject": "Denver III PTG summary", "text": "All tracks.\n", "html": "<p>All tracks.</p>",
        "tracks": [kolla], "published_at": "2026-12-02T06:00:00Z"})
    (received,) = wait_until(lambda: raw_smtp.to(event_list), message="the event summary")
    message = parse(received["raw"])
    assert received["from"] == "ptg-bot@ptg.example"
    assert message["From"] == "Denver PTG <ptg-bot@ptg.example>" and message["Subject"] == "[ptg] Denver III PTG summary"
    assert message["Message-ID"].strip().endswith("@ptg.example>")
    assert raw_smtp.to(f"{kolla}@lists.example") == []


def test_a_sites_override_is_used_and_a_broken_one_stops_the_start(start_service, infra, raw_smtp, monkeypatch,
                                                                     tmp_path):
    (tmp_path / "track_summary.txt.j2").write_text("{{ text.rstrip() }}\n\n-- \nThe {{ track_name }} team, via ptghub\n")
    notify = start_mailing_notify(start_service, infra, raw_smtp, monkeypatch, template_dir=tmp_path)
    event, kolla = slug("ev"), slug("kolla")
    listed = f"{kolla}@lists.example"
    notify.publish("ptghub.schedule.track.created", track(event, "Kolla", listed, "kolla", kolla))
    notify.publish("ptghub.notes.summary.published", {
        "id": str(uuid.uuid4()), "event": event, "track": kolla, "track_name": "Kolla", "title": "Summary",
        "text": "We agreed.\n", "published_at": "2026-12-02T06:00:00Z"})
    (received,) = wait_until(lambda: raw_smtp.to(listed), message="the summary")
    text = parse(received["raw"]).get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "We agreed.\n\n-- \nThe Kolla team, via ptghub\n"

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "reminder_digest.html.j2").write_text("<ul>\n{% for item in items %}\n<li>{{ item.title }</li>\n")
    with pytest.raises(TemplatesRefused) as refused:
        start_mailing_notify(start_service, infra, raw_smtp, monkeypatch, template_dir=broken)
    assert "reminder_digest.html.j2 (override in" in str(refused.value) and ", line 3:" in str(refused.value)


def test_a_webhook_disabled_notice_reaches_the_contact_over_smtp(notify, raw_smtp):
    from services.kit.db import utcnow
    from services.notify import store
    from services.notify.operations import notices

    contact = f"{slug('ops')}@bot.example"
    with notify.database.unit_of_work() as uow:  # as the delivery side does when it disables one
        webhook = store.WebhookSubscription(owner="bot", url="https://hooks.example.org/in?token=abc", secret="x",
                                            event_types=["ptghub.schedule.#"], description="our <bot>")
        uow.session.add(webhook)
        uow.session.flush()
        notices.queue_webhook_disabled_notice(uow, webhook, recipient=contact, reason="the endpoint answered 410 Gone",
                                              disabled_at=utcnow(), source_event_id=str(uuid.uuid4()),
                                              sender="ptghub <ptghub@ptg.example>")
        uow.commit()
    (received,) = wait_until(lambda: raw_smtp.to(contact), message="the notice")
    message = parse(received["raw"])
    assert received["to"] == [contact] and b"token=abc" not in received["raw"]
    assert message["Subject"] == "[ptghub] Webhook disabled: https://hooks.example.org/in"
    assert message["Auto-Submitted"] == "auto-generated" and message["Message-ID"].strip().endswith("@ptg.example>")
    assert "our &lt;bot&gt;" in message.get_body(("html",)).get_content()
