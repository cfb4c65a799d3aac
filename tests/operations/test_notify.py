"""Notify's operations in-process (SQLite in a temp dir, no Flask, no broker, no network): who owns
and who receives what, revocation, track routes, summaries waiting for their route, attempts."""
from __future__ import annotations

import email
import uuid
from datetime import timedelta
from email import policy

import pytest
import sqlalchemy as sa

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter
from services.kit.db import LeaseKeeper, claim_batch, renew_claim, utcnow
from services.kit.problems import Forbidden, Invalid, NotFound
from services.notify import consumers, domain, store
from services.notify.config import NotifySettings
from services.notify.descriptor import DESCRIPTOR
from services.notify.operations import messages, subscriptions

from .conftest import outbox_types

ORGANISER = {"sub": "organiser-token", "name": "admin", "role": "organiser", "tracks": []}
SETTINGS = NotifySettings(mail_from="ptghub <ptghub@ptg.example>", route_wait=timedelta(minutes=10))


def integration(name: str = "bot") -> dict:
    return {"sub": str(uuid.uuid4()), "name": name, "role": "integration", "tracks": []}


def allow_all(_url: str) -> None:
    return None


PAGE = {"limit": 50, "cursor": None}


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def subscribe(database, who, event_types=("#",), url="https://hooks.example.org/x"):
    with database.unit_of_work() as uow:
        row = subscriptions.create_subscription(
            uow, who, {"url": url, "event_types": list(event_types), "description": ""}, allow_all)
        uow.commit()
    return row


def handle(database, event_type, data, source="/ptghub/tests", **kw) -> CloudEvent:
    """An incoming event, through notify's consumers as the worker applies it."""
    cloud_event = CloudEvent(type=event_type, source=source, data=data, **kw)
    EventRouter(database, consumers.subscriptions(database)).handle(cloud_event)
    return cloud_event


def delivered(database) -> dict[str, list[str]]:
    """``{subscription id: [event type, ...]}`` of every delivery fan-out made."""
    with database.sessions() as session:
        result: dict[str, list[str]] = {}
        for row in session.scalars(sa.select(store.WebhookDelivery).order_by(store.WebhookDelivery.created_at)):
            result.setdefault(row.subscription_id, []).append(row.event_type)
        return result


def mail(database) -> list[store.OutgoingMail]:
    with database.sessions() as session:
        return list(session.scalars(sa.select(store.OutgoingMail).order_by(store.OutgoingMail.created_at)))


def pending(database) -> list[store.PendingSummary]:
    with database.sessions() as session:
        return list(session.scalars(sa.select(store.PendingSummary)))


def mail_loop_round(database, settings=SETTINGS) -> int:
    with database.unit_of_work() as uow:
        looked_at = messages.mail_pending_summaries(uow, settings)
        uow.commit()
    return looked_at


def track(slug="kolla", mailing_list="kolla-list@lists.example", **extra):
    return {"id": f"id-{slug}", "event": "denver", "slug": slug, "name": slug.title(), "mailing_list": mailing_list,
            "subject_tag": slug, **extra}


def summary(track_slug="kolla", title="Train PTG summary"):
    return {"id": str(uuid.uuid4()), "event": "denver", "track": track_slug, "track_name": track_slug.title(),
            "title": title, "text": "We agreed.", "sessions": [], "published_at": "2019-05-31T18:21:27Z"}


# -- ownership ---------------------------------------------------------------------------------

def test_webhooks_are_owned_by_token_id_not_by_name(database):
    first, second = integration("bot"), integration("bot")
    mine, theirs = subscribe(database, first), subscribe(database, second)
    assert (mine.owner, mine.owner_role) == (first["sub"], "integration")
    handle(database, "ptghub.schedule.session.scheduled", {"id": "s-1"})
    with database.unit_of_work(readonly=True) as uow:
        for me, own, other in ((first, mine, theirs), (second, theirs, mine)):
            assert [h.id for h in subscriptions.list_subscriptions(uow, me, PAGE)[0]] == [own.id]
            assert [h.id for h in subscriptions.list_subscriptions(uow, me, {**PAGE, "owner": other.owner})[0]] \
                == [own.id]
            assert len(subscriptions.list_deliveries(uow, me, own.id, PAGE)[0]) == 1
            for look in (subscriptions.get_subscription, subscriptions.delete_subscription):
                with pytest.raises(NotFound):
                    look(uow, me, other.id)
            with pytest.raises(NotFound):
                subscriptions.list_deliveries(uow, me, other.id, PAGE)
        assert len(subscriptions.list_subscriptions(uow, ORGANISER, PAGE)[0]) == 2
        assert [h.id for h in subscriptions.list_subscriptions(uow, ORGANISER, {**PAGE, "owner": second["sub"]})[0]] \
            == [theirs.id]


def test_only_organisers_and_integrations_manage_webhooks_and_urls_are_checked(database):
    chair = {"sub": "chair-token", "role": "chair", "tracks": [{"event": "denver", "track": "kolla"}]}
    with database.unit_of_work() as uow:
        with pytest.raises(Forbidden):
            subscriptions.create_subscription(uow, chair, {"url": "https://x.example/", "event_types": ["#"],
                                                           "description": ""}, allow_all)
        with pytest.raises(Invalid) as refused:
            subscriptions.create_subscription(uow, integration(), {"url": "http://10.0.0.1/", "event_types": ["#"],
                                                                   "description": ""}, lambda url: "private")
        assert refused.value.errors == {"url": ["private"]}
        with pytest.raises(Forbidden):
            messages.list_messages(uow, integration(), PAGE)


# -- fan-out -------------------------------------------------------------------------------------

def test_fan_out_keeps_personal_data_and_other_tokens_events_from_integrations(database):
    own, other = integration(), integration()
    organiser_hook = subscribe(database, ORGANISER)
    own_hook, other_hook = subscribe(database, own), subscribe(database, other)
    narrow = subscribe(database, own, ["ptghub.schedule.session.*"])
    handle(database, "ptghub.schedule.session.scheduled", {"id": "s-1"})
    handle(database, domain.MESSAGE_SENT, {"id": "m-1", "recipient": "kolla-list@lists.example"})
    handle(database, domain.MESSAGE_FAILED, {"id": "m-2", "recipient": "kolla-list@lists.example"})
    handle(database, domain.WEBHOOK_DISABLED, {"id": "w-1", "owner": own["sub"], "enabled": False})
    got = delivered(database)
    assert got[organiser_hook.id] == ["ptghub.schedule.session.scheduled", domain.MESSAGE_SENT,
                                      domain.MESSAGE_FAILED, domain.WEBHOOK_DISABLED]
    assert got[own_hook.id] == ["ptghub.schedule.session.scheduled", domain.WEBHOOK_DISABLED]
    assert got[other_hook.id] == ["ptghub.schedule.session.scheduled"]
    assert got[narrow.id] == ["ptghub.schedule.session.scheduled"]


def test_the_same_event_twice_is_fanned_out_once(database):
    hook = subscribe(database, integration())
    event = CloudEvent(type="ptghub.schedule.session.scheduled", source="/ptghub/schedule", data={})
    with database.unit_of_work() as uow:
        assert subscriptions.fan_out(uow, event) == 1
        assert subscriptions.fan_out(uow, event) == 0
        uow.commit()
    assert delivered(database) == {hook.id: ["ptghub.schedule.session.scheduled"]}
    later = subscribe(database, integration())
    with database.unit_of_work() as uow:  # again, later: only the webhook that has none gets one
        assert subscriptions.fan_out(uow, event) == 1
        uow.commit()
    assert delivered(database) == {hook.id: ["ptghub.schedule.session.scheduled"],
                                   later.id: ["ptghub.schedule.session.scheduled"]}


# -- revocation ----------------------------------------------------------------------------------

def test_revoking_a_token_disables_its_webhooks_with_the_reason(database):
    revoked, kept = integration(), integration()
    first, second = subscribe(database, revoked), subscribe(database, revoked)
    other = subscribe(database, kept)
    handle(database, domain.TOKEN_REVOKED, {"id": revoked["sub"], "name": "bot", "role": "integration",
                                            "revoked_at": "2019-05-02T15:00:00Z"}, source="/ptghub/gateway")
    with database.sessions() as session:
        state = {row.id: row for row in session.scalars(sa.select(store.WebhookSubscription))}
    for hook in (first, second):
        assert state[hook.id].enabled is False and state[hook.id].disabled_reason == "owner token revoked"
        assert state[hook.id].disabled_at is not None
    assert state[other.id].enabled is True
    assert outbox_types(database) == [domain.WEBHOOK_DISABLED, domain.WEBHOOK_DISABLED]
    # Nobody's webhook got the revocation: the revoked token's are disabled before fan-out, and it
    # is about another token than the kept one.
    assert delivered(database) == {}


def test_revoking_an_unknown_token_changes_nothing(database):
    hook = subscribe(database, integration())
    handle(database, domain.TOKEN_REVOKED, {"id": "never-seen", "name": "x"})
    assert outbox_types(database) == []
    with database.sessions() as session:
        assert session.get(store.WebhookSubscription, hook.id).enabled is True


# -- delivery attempts ---------------------------------------------------------------------------

def claim_all(database) -> tuple[str, list]:
    table = store.WebhookDelivery.__table__
    return claim_batch(database, table, order_by=table.c.next_attempt_at,
                       ready=store.due_deliveries(table, utcnow()), limit=10, lease=timedelta(seconds=30))


def test_410_disables_the_webhook_and_a_lost_claim_records_nothing(database):
    owner = integration()
    hook = subscribe(database, owner)
    handle(database, "ptghub.schedule.session.scheduled", {"id": "s-1"})
    claim, (row,) = claim_all(database)
    with database.unit_of_work() as uow:
        assert subscriptions.record_attempt(uow, "someone-else", row.id, domain.AttemptResult(utcnow(), 200)) is None
    with database.unit_of_work() as uow:
        delivery = subscriptions.record_attempt(uow, claim, row.id, domain.AttemptResult(utcnow(), 410, "HTTP 410"))
        uow.commit()
    assert delivery.status == domain.FAILED and delivery.attempts == 1
    with database.sessions() as session:
        assert session.get(store.WebhookDelivery, row.id).claim is None
    with database.sessions() as session:
        disabled = session.get(store.WebhookSubscription, hook.id)
        assert disabled.enabled is False and "410" in disabled.disabled_reason
    assert outbox_types(database) == [domain.WEBHOOK_DISABLED]


def test_a_failed_attempt_is_retried_on_schedule(database):
    subscribe(database, integration())
    handle(database, "ptghub.schedule.session.scheduled", {"id": "s-1"})
    claim, (row,) = claim_all(database)
    with database.unit_of_work() as uow:
        delivery = subscriptions.record_attempt(uow, claim, row.id, domain.AttemptResult(utcnow(), 500, "HTTP 500"))
        uow.commit()
    assert delivery.status == domain.PENDING and delivery.next_attempt_at > utcnow() + timedelta(seconds=4)
    with database.sessions() as session:
        assert [a.status_code for a in session.get(store.WebhookDelivery, row.id).history] == [500]


# -- track routes and summaries ------------------------------------------------------------------

def test_a_summary_waits_for_its_route_and_is_mailed_once_when_it_arrives(database):
    published = handle(database, "ptghub.notes.summary.published", summary())
    assert mail_loop_round(database) == 1 and mail(database) == []
    (waiting,) = pending(database)
    assert waiting.checks == 1 and waiting.next_check_at > utcnow()  # looks again later, with back-off
    assert mail_loop_round(database) == 0  # not due yet
    handle(database, "ptghub.schedule.track.created", track())
    assert pending(database)[0].next_check_at <= utcnow()  # the track event wakes it at once
    assert mail_loop_round(database) == 1
    (queued,) = mail(database)
    assert queued.source_event_id == published.id and queued.recipient == "kolla-list@lists.example"
    assert queued.subject == "[kolla] Train PTG summary" and queued.status == domain.QUEUED
    assert pending(database) == []
    handle(database, "ptghub.notes.summary.published", summary(), id=published.id)  # a redelivery
    handle(database, "ptghub.schedule.track.updated", track(name="Kolla again"))
    assert mail_loop_round(database) == 0 and len(mail(database)) == 1


def test_a_summary_is_mailed_at_once_when_its_route_is_known_and_threads_on_the_first(database):
    handle(database, "ptghub.schedule.track.created", track())
    handle(database, "ptghub.notes.summary.published", summary(title="Day 1"))
    handle(database, "ptghub.notes.summary.published", summary(title="Day 2"))
    assert mail_loop_round(database) == 2
    first, second = (email.message_from_string(m.message, policy=policy.default)
                     for m in sorted(mail(database), key=lambda m: m.subject))
    assert first["In-Reply-To"] is None and str(second["In-Reply-To"]).strip() == str(first["Message-ID"]).strip()


def test_a_summary_whose_route_never_arrives_is_dropped_after_the_wait(database):
    handle(database, "ptghub.notes.summary.published", summary())
    assert mail_loop_round(database, NotifySettings(route_wait=timedelta(0))) == 1
    assert pending(database) == [] and mail(database) == []


def test_a_summary_found_by_track_id_and_one_for_a_track_without_a_list(database):
    handle(database, "ptghub.schedule.track.created", track())
    handle(database, "ptghub.schedule.track.created", track("edge", mailing_list=None))
    by_id = handle(database, "ptghub.notes.summary.published", summary("id-kolla"))
    handle(database, "ptghub.notes.summary.published", summary("edge"))
    assert mail_loop_round(database) == 2
    assert [m.source_event_id for m in mail(database)] == [by_id.id] and pending(database) == []


def test_a_deleted_track_gets_no_more_mail_and_an_older_event_does_not_revive_it(database):
    created = handle(database, "ptghub.schedule.track.created", track())
    handle(database, "ptghub.schedule.track.deleted", track())
    waiting = handle(database, "ptghub.notes.summary.published", summary())
    assert mail_loop_round(database) == 1 and mail(database) == [] and pending(database) == []
    handle(database, "ptghub.schedule.track.updated", track(), time=created.time)  # late, older than the delete
    handle(database, "ptghub.notes.summary.published", summary())
    assert mail_loop_round(database) == 1 and mail(database) == []
    handle(database, "ptghub.schedule.track.created", track())  # the track comes back
    back = handle(database, "ptghub.notes.summary.published", summary())
    assert mail_loop_round(database) == 1
    assert [m.source_event_id for m in mail(database)] == [back.id] and waiting.id != back.id


def test_a_pending_summary_for_a_track_deleted_meanwhile_is_dropped(database):
    handle(database, "ptghub.notes.summary.published", summary())
    handle(database, "ptghub.schedule.track.deleted", track())
    assert mail_loop_round(database) == 1 and mail(database) == [] and pending(database) == []


# -- sending -------------------------------------------------------------------------------------

def queued_mail(database) -> tuple[str, str]:
    handle(database, "ptghub.schedule.track.created", track())
    handle(database, "ptghub.notes.summary.published", summary())
    mail_loop_round(database)
    table = store.OutgoingMail.__table__
    claim, (row,) = claim_batch(database, table, order_by=table.c.next_attempt_at,
                                ready=store.due_mail(table, utcnow()), limit=5, lease=timedelta(seconds=30))
    return claim, row.id


def test_sent_mail_publishes_message_sent(database):
    claim, mail_id = queued_mail(database)
    with database.unit_of_work() as uow:
        sent = messages.record_mail_attempt(uow, claim, mail_id)
        uow.commit()
    assert sent.status == domain.SENT and sent.attempts == 1 and sent.sent_at is not None
    assert outbox_types(database) == [domain.MESSAGE_SENT]


def test_a_4xx_is_retried_and_a_5xx_fails_the_message(database):
    claim, mail_id = queued_mail(database)
    with database.unit_of_work() as uow:
        retried = messages.record_mail_attempt(uow, claim, mail_id, error="451 try later", code=451)
        uow.commit()
    assert retried.status == domain.QUEUED and retried.next_attempt_at > utcnow() and outbox_types(database) == []
    with database.engine.begin() as connection:
        connection.execute(sa.update(store.OutgoingMail).values(claim=claim))
    with database.unit_of_work() as uow:
        failed = messages.record_mail_attempt(uow, claim, mail_id, error="550 no such list", code=550)
        uow.commit()
    assert failed.status == domain.FAILED and failed.last_code == 550 and failed.attempts == 2
    assert outbox_types(database) == [domain.MESSAGE_FAILED]


# -- summaries as notes renders them (issue 7): the rendered parts, an event's summary -----------

def event_summary(update=False, thread=None, tracks=("kolla", "nova", "edge")):
    summary_id = str(uuid.uuid4())
    return {"id": summary_id, "scope": "event", "event": "denver", "track": None, "title": "Denver PTG summary",
            "subject": "Denver PTG summary", "tracks": list(tracks), "thread": thread or summary_id, "update": update,
            "text": "Here is a summary.\n\n-- \nThe Denver PTG organisers\n",
            "html": "<!DOCTYPE html>\n<p>Here is a summary.</p>\n<p>-- <br>The Denver PTG organisers</p>\n",
            "sessions": [], "published_at": "2019-05-31T18:21:27Z"}


def parsed(row) -> email.message.EmailMessage:
    return email.message_from_string(row.message, policy=policy.default)


def test_a_rendered_summary_is_mailed_as_its_two_parts_under_its_subject(database):
    handle(database, "ptghub.schedule.track.created", track())
    handle(database, "ptghub.notes.summary.published", {
        **summary(title="[kolla] Denver PTG summary"), "scope": "track", "subject": "[kolla] Denver PTG summary",
        "text": "Agreed.\n\n-- \nKolla team, Denver PTG\n", "html": "<p>Agreed.</p><p>Kolla team, Denver PTG</p>"})
    mail_loop_round(database)
    (row,) = mail(database)
    message = parsed(row)
    assert row.subject == "[kolla] Denver PTG summary"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Agreed.\n\n-- \nKolla team, Denver PTG\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Agreed.</p><p>Kolla team, Denver PTG</p>"
    assert "Sent by ptghub" not in row.message


def test_a_summary_without_renderings_keeps_notifys_signature(database):
    handle(database, "ptghub.schedule.track.created", track())
    handle(database, "ptghub.notes.summary.published", summary())
    mail_loop_round(database)
    (row,) = mail(database)
    assert "Sent by ptghub for the Kolla track" in parsed(row).get_body(("plain",)).get_content()


def test_an_event_summary_waits_for_its_tracks_and_goes_once_to_each_list(database):
    handle(database, "ptghub.schedule.track.created", track("kolla", "discuss@lists.example"))
    handle(database, "ptghub.schedule.track.created", track("nova", "Discuss@lists.example"))
    first = handle(database, "ptghub.notes.summary.published", event_summary())
    assert mail_loop_round(database) == 1 and mail(database) == []  # edge's route is not known yet
    handle(database, "ptghub.schedule.track.created", track("edge", "edge@lists.example"))
    assert pending(database)[0].next_check_at <= utcnow()  # a track event wakes it
    assert mail_loop_round(database) == 1 and pending(database) == []
    rows = mail(database)
    assert sorted(m.recipient for m in rows) == ["discuss@lists.example", "edge@lists.example"]
    assert {m.source_event_id for m in rows} == {first.id} and {m.subject for m in rows} == {"Denver PTG summary"}
    assert all(parsed(m)["In-Reply-To"] is None for m in rows)


def test_an_event_summary_update_replies_to_the_first_on_each_list(database):
    handle(database, "ptghub.schedule.track.created", track("kolla", "discuss@lists.example"))
    first = event_summary(tracks=("kolla",))
    handle(database, "ptghub.notes.summary.published", first)
    handle(database, "ptghub.notes.summary.published", event_summary(update=True, thread=first["id"], tracks=("kolla",)))
    mail_loop_round(database)
    original, update = sorted(mail(database), key=lambda m: parsed(m)["In-Reply-To"] is not None)
    assert str(parsed(update)["In-Reply-To"]).strip() == str(parsed(original)["Message-ID"]).strip()
    assert str(parsed(update)["References"]).strip() == original.message_id


def test_an_event_summary_whose_tracks_have_no_list_is_dropped_after_the_wait(database):
    handle(database, "ptghub.schedule.track.created", track("kolla", None))
    handle(database, "ptghub.schedule.track.deleted", track("nova"))
    handle(database, "ptghub.notes.summary.published", event_summary(tracks=("kolla", "nova", "edge")))
    assert mail_loop_round(database, NotifySettings(route_wait=timedelta(0))) == 1  # edge never came
    assert pending(database) == [] and mail(database) == []


# -- leases ------------------------------------------------------------------------------------

def test_a_kept_lease_is_renewed_and_a_lapsing_one_stops_the_batch(database):
    subscribe(database, integration())
    handle(database, "ptghub.schedule.session.scheduled", {"id": "s-1"})
    lease = timedelta(seconds=30)
    since = utcnow()
    claim, (row,) = claim_all(database)
    table = store.WebhookDelivery.__table__
    keeper = LeaseKeeper(database, table, claim, lease, since - timedelta(seconds=25))  # renewals missed
    assert not keeper.holds()
    keeper.renew()
    assert keeper.holds()
    with database.sessions() as session:
        assert session.get(store.WebhookDelivery, row.id).claimed_until >= since + lease
    assert claim_all(database)[1] == []  # still ours: another claimer gets nothing
    assert renew_claim(database, table, "not-a-claim", utcnow() + lease) == 0
