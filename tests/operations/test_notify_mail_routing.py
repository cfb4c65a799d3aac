"""Notify's event-wide routing and session notices in-process (SQLite, no Flask, no broker): an
event's list, tag and sender take its summaries; a moved or cancelled session tells its track's
list once, unless the track switched notices off; the switch is the track's chairs' and the
organisers'. Also the schedule side: the event's three fields, validated and carried on its events."""
from __future__ import annotations

import email
import json
import uuid
from email import policy

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from services.kit.problems import Forbidden, NotFound
from services.notify import descriptor as notify_descriptor
from services.notify import store
from services.notify.composing import TemplatesRefused, templates
from services.notify.descriptor import DESCRIPTOR
from services.notify.operations import routing
from services.schedule.descriptor import DESCRIPTOR as SCHEDULE
from services.schedule.operations import events as schedule_events
from services.schedule.schemas.gathering import EventChanges, EventSchema, TrackSchema

from .conftest import transaction
from .schedule_gathering import DENVER, ORGANISER as SCHEDULE_ORGANISER, make_gathering
from .test_notify import ORGANISER, SETTINGS, handle, mail, mail_loop_round, track

pytestmark = pytest.mark.usefixtures("packaged_templates")


@pytest.fixture
def packaged_templates():
    templates.install(None)
    yield
    templates.install(None)


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def read(row: store.OutgoingMail) -> email.message.EmailMessage:
    return email.message_from_bytes(row.message.encode().replace(b"\r\n", b"\n"), policy=policy.default)


def chair(*tracks: str) -> dict:
    return {"sub": str(uuid.uuid4()), "name": "chair", "role": "chair",
            "tracks": [{"event": "denver", "track": slug} for slug in tracks]}


def event_data(**routing_fields) -> dict:
    return {"id": "ev-denver", "slug": "denver", "name": "Denver III PTG", **routing_fields}


def event_summary(**extra) -> dict:
    return {"id": str(uuid.uuid4()), "scope": "event", "event": "denver", "track": None, "title": "Denver III",
            "subject": "Denver III PTG summary", "text": "All tracks.\n", "html": "<p>All tracks.</p>",
            "tracks": ["kolla", "nova"], "published_at": "2019-05-31T18:21:27Z", **extra}


def session_data(start="2031-12-03T09:00:00-07:00", end="2031-12-03T10:45:00-07:00", room="aspen",
                 status="scheduled", title="Python 3 images", track_slug="kolla") -> dict:
    return {"id": "s-1", "event": "denver", "track": track_slug, "room": room, "title": title, "start": start,
            "end": end, "status": status, "timezone": "America/Denver", "sequence": 0}


# -- the event's own list, tag and sender --------------------------------------------------------

def test_an_events_list_tag_and_sender_take_its_summaries(database):
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    handle(database, "ptghub.schedule.event.created", event_data(
        mailing_list="ptg@lists.example", subject_tag="ptg", mail_from="Denver PTG <ptg-bot@ptg.example>"))
    handle(database, "ptghub.notes.summary.published", event_summary())  # nova's route never came: no wait
    assert mail_loop_round(database) == 1
    (row,) = mail(database)
    message = read(row)
    assert row.recipient == "ptg@lists.example" and row.sender == "Denver PTG <ptg-bot@ptg.example>"
    assert message["Subject"] == "[ptg] Denver III PTG summary"
    assert message["From"] == "Denver PTG <ptg-bot@ptg.example>" and message["Message-ID"].endswith("@ptg.example>")


def test_without_an_event_list_summaries_go_to_the_tracks_lists_as_before(database):
    handle(database, "ptghub.schedule.event.created", event_data())
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    handle(database, "ptghub.schedule.track.created", track("nova", "nova@lists.example"))
    handle(database, "ptghub.notes.summary.published", event_summary())
    mail_loop_round(database)
    rows = mail(database)
    assert sorted(r.recipient for r in rows) == ["kolla-list@lists.example", "nova@lists.example"]
    assert {read(r)["Subject"] for r in rows} == {"Denver III PTG summary"}
    assert {r.sender for r in rows} == {SETTINGS.mail_from}


def test_an_event_update_wakes_a_waiting_event_summary_and_unusable_fields_are_not_used(database):
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    handle(database, "ptghub.notes.summary.published", event_summary())
    mail_loop_round(database)
    assert mail(database) == []  # waits for nova's route
    handle(database, "ptghub.schedule.event.updated", event_data(
        mailing_list="ptg@lists.example", mail_from="x@ptg.example,\r\nBcc: y@evil.example", subject_tag="p\r\ntg"))
    with database.sessions() as session:
        route = store.get_event_route(session, "denver")
        assert (route.mailing_list, route.mail_from, route.subject_tag) == ("ptg@lists.example", None, "p tg")
    mail_loop_round(database)
    (row,) = mail(database)
    assert row.recipient == "ptg@lists.example" and row.sender == SETTINGS.mail_from
    assert read(row)["Subject"] == "[p tg] Denver III PTG summary"


def test_an_older_event_event_does_not_undo_a_newer_one(database):
    handle(database, "ptghub.schedule.event.updated", event_data(mailing_list="new@lists.example"),
           time="2026-12-02T07:00:00+00:00")
    handle(database, "ptghub.schedule.event.updated", event_data(mailing_list="old@lists.example"),
           time="2026-12-02T06:00:00+00:00")
    with database.sessions() as session:
        assert store.get_event_route(session, "denver").mailing_list == "new@lists.example"


# -- session notices ---------------------------------------------------------------------------

def test_a_moved_session_tells_its_tracks_list_once_threaded_on_the_track(database):
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    handle(database, "ptghub.schedule.session.scheduled", session_data())
    handle(database, "ptghub.schedule.session.updated", session_data(title="Python 3 images, renamed"))
    assert mail(database) == []  # a new title is no move
    moved = handle(database, "ptghub.schedule.session.updated",
                   session_data(start="2031-12-03T11:00:00-07:00", end="2031-12-03T12:00:00-07:00", room="birch"))
    handle(database, "ptghub.schedule.session.updated",  # redelivered: still one notice
           session_data(start="2031-12-03T11:00:00-07:00", end="2031-12-03T12:00:00-07:00", room="birch"),
           id=moved.id)
    (row,) = mail(database)
    message = read(row)
    assert row.recipient == "kolla-list@lists.example" and row.source_event_id == moved.id
    assert message["Subject"] == "[kolla] Moved: Python 3 images"
    text = message.get_body(("plain",)).get_content()
    assert "Now:   Wed 3 Dec 2031, 11:00–12:00 America/Denver, room birch" in text
    assert "Was:   Wed 3 Dec 2031, 09:00–10:45 America/Denver, room aspen" in text
    handle(database, "ptghub.schedule.session.cancelled", session_data(
        start="2031-12-03T11:00:00-07:00", end="2031-12-03T12:00:00-07:00", room="birch", status="cancelled"))
    handle(database, "ptghub.schedule.session.deleted", session_data(status="cancelled"))  # no second notice
    first, cancelled = mail(database)
    assert read(cancelled)["Subject"] == "[kolla] Cancelled: Python 3 images"
    assert read(cancelled)["In-Reply-To"] == read(first)["Message-ID"]  # one thread per track
    assert len(mail(database)) == 2


def test_a_deleted_session_is_a_cancellation_and_a_track_without_list_or_switched_off_gets_none(database):
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    handle(database, "ptghub.schedule.track.created", track("nova", None))
    handle(database, "ptghub.schedule.session.scheduled", session_data())
    with transaction(database) as uow:
        assert routing.change_mail_route(uow, chair("kolla"), "denver", "kolla", {"session_notices": False}) \
            .session_notices is False
    handle(database, "ptghub.schedule.session.deleted", session_data())
    assert mail(database) == []
    with transaction(database) as uow:
        routing.change_mail_route(uow, ORGANISER, "denver", "kolla", {"session_notices": True})
    handle(database, "ptghub.schedule.session.scheduled", {**session_data(), "id": "s-2"})
    handle(database, "ptghub.schedule.session.deleted", {**session_data(), "id": "s-2"})
    (row,) = mail(database)
    assert read(row)["Subject"] == "[kolla] Cancelled: Python 3 images"
    handle(database, "ptghub.schedule.session.scheduled", session_data(track_slug="nova") | {"id": "s-3"})
    handle(database, "ptghub.schedule.session.cancelled",
           session_data(track_slug="nova", status="cancelled") | {"id": "s-3"})
    assert len(mail(database)) == 1  # nova has no list


def test_only_the_tracks_chairs_and_organisers_switch_its_notices(database):
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    with pytest.raises(Forbidden), transaction(database) as uow:
        routing.change_mail_route(uow, chair("nova"), "denver", "kolla", {"session_notices": False})
    with pytest.raises(NotFound), transaction(database) as uow:
        routing.get_mail_route(uow, ORGANISER, "denver", "ironic")
    with database.unit_of_work(readonly=True) as uow:
        assert routing.get_mail_route(uow, chair("kolla"), "denver", "kolla").session_notices is True


# -- templates are checked when the process starts ------------------------------------------------

def test_a_broken_override_stops_the_api_and_the_worker_from_starting(tmp_path, monkeypatch):
    (tmp_path / "track_summary.html.j2").write_text("<p>{{ text }</p>\n")
    monkeypatch.setenv("PTGHUB_TEMPLATE_DIR", str(tmp_path))
    for start in (notify_descriptor.blueprints, lambda: notify_descriptor.subscriptions(None)):
        with pytest.raises(TemplatesRefused) as refused:
            start()
        assert "track_summary.html.j2 (override in" in str(refused.value) and ", line 1:" in str(refused.value)
    (tmp_path / "track_summary.html.j2").write_text("<p>{{ text }}</p>\n")
    assert notify_descriptor.blueprints()
    assert templates.current().directory == tmp_path


# -- the schedule's side: three fields on the event, carried on its events --------------------------

@pytest.fixture
def schedule(make_database):
    database = make_database(SCHEDULE)
    make_gathering(database)
    return database


def test_the_schedules_event_carries_its_list_tag_and_sender(schedule):
    with transaction(schedule) as uow:
        schedule_events.update_event(uow, SCHEDULE_ORGANISER, "denver", EventChanges.load(
            {"mailing_list": "ptg@lists.example", "subject_tag": "ptg", "mail_from": "Denver PTG <ptg@ptg.example>"}))
    with schedule.engine.connect() as connection:
        payload = connection.execute(sa.select(schedule.outbox.c.payload).where(
            schedule.outbox.c.event_type == "ptghub.schedule.event.updated")).scalar_one()
    data = json.loads(payload)["data"]  # the CloudEvent as queued
    assert (data["mailing_list"], data["subject_tag"], data["mail_from"]) == (
        "ptg@lists.example", "ptg", "Denver PTG <ptg@ptg.example>")


@pytest.mark.parametrize("field,value", [
    ("mailing_list", "not-an-address"), ("mailing_list", "a@lists.example\r\nBcc: x@evil.example"),
    ("mail_from", "a@ptg.example, b@ptg.example"), ("mail_from", "Denver\r\nBcc: x@evil.example <a@ptg.example>"),
    ("mail_from", "nobody"), ("subject_tag", "ptg\r\nBcc: x@evil.example"), ("subject_tag", ""),
])
def test_bad_event_routing_fields_are_refused_naming_the_field(field, value):
    with pytest.raises(ValidationError) as refused:
        EventSchema().load({**DENVER, field: value})
    assert list(refused.value.messages) == [field]
    with pytest.raises(ValidationError) as refused:
        EventChanges.load({field: value})
    assert list(refused.value.messages) == [field]


def test_sessions_that_are_over_tell_no_list_when_their_event_is_cleared_away(database):
    handle(database, "ptghub.schedule.track.created", track("kolla"))
    old = session_data(start="2019-05-02T09:00:00-06:00", end="2019-05-02T10:45:00-06:00")
    handle(database, "ptghub.schedule.session.scheduled", old)
    handle(database, "ptghub.schedule.session.updated", {**old, "room": "birch"})
    handle(database, "ptghub.schedule.session.deleted", {**old, "room": "birch"})
    assert mail(database) == []


# -- the webhook-disabled notice, queued for the integration's contact ----------------------------

def test_the_webhook_disabled_notice_is_queued_once_for_a_usable_address(database):
    from services.notify.operations import notices, subscriptions

    with transaction(database) as uow:
        webhook = subscriptions.create_subscription(
            uow, {"sub": "bot-token", "name": "bot", "role": "integration", "tracks": []},
            {"url": "https://hooks.example.org/in", "event_types": ["ptghub.schedule.#"], "description": "our bot"},
            lambda _url: None)
    event_id = str(uuid.uuid4())
    for _ in range(2):
        with transaction(database) as uow:
            notices.queue_webhook_disabled_notice(
                uow, store.locked_subscription(uow.session, webhook.id), recipient="ops@bot.example",
                reason="the endpoint answered 410 Gone", disabled_at=store.locked_subscription(
                    uow.session, webhook.id).created_at, source_event_id=event_id, sender=SETTINGS.mail_from)
    with transaction(database) as uow:
        assert notices.queue_webhook_disabled_notice(
            uow, store.locked_subscription(uow.session, webhook.id), recipient="ops@bot.example\r\nBcc: x@evil.example",
            reason="410", disabled_at=webhook.created_at, source_event_id=str(uuid.uuid4()),
            sender=SETTINGS.mail_from) is None
    (row,) = mail(database)
    message = read(row)
    assert row.recipient == "ops@bot.example" and row.source_event_type == "ptghub.notify.webhook.disabled"
    assert message["Subject"] == "[ptghub] Webhook disabled: https://hooks.example.org/in"
    assert "the endpoint answered 410 Gone" in message.get_body(("plain",)).get_content()


def test_a_tracks_subject_tag_is_one_line_too():
    with pytest.raises(ValidationError) as refused:
        TrackSchema().load({"slug": "kolla", "name": "Kolla", "subject_tag": "kolla\r\nBcc: x@evil.example"})
    assert list(refused.value.messages) == ["subject_tag"]
