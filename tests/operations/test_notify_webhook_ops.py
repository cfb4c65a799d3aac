"""Operating a webhook (notify): changing it, its filters, pinging, rotating the secret,
redelivering, the delivery log's filters; another integration's webhook looks absent."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter
from services.kit.db import claim_batch, utcnow
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, Problem
from services.notify import consumers, domain, store
from services.notify.delivery.bells import WEBHOOK_WAKE
from services.notify.descriptor import DESCRIPTOR
from services.notify.operations import deliveries, subscriptions
from services.notify.schemas.webhooks import DeliverySchema, WebhookSchema

from .conftest import outbox_types, transaction

ORGANISER = {"sub": "organiser-token", "name": "admin", "role": "organiser", "tracks": []}
PAGE = {"limit": 50, "cursor": None}
GRACE = timedelta(hours=24)


def integration(name: str = "bot") -> dict:
    return {"sub": str(uuid.uuid4()), "name": name, "role": "integration", "tracks": []}


def allow_all(_url: str) -> None:
    return None


def refuse_private(url: str) -> str | None:
    return "host 10.0.0.7 resolves to a private address" if "10.0.0.7" in url else None


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def subscribe(database, who, event_types=("#",), **extra):
    with transaction(database) as uow:
        return subscriptions.create_subscription(
            uow, who, {"url": "https://hooks.example.org/x", "event_types": list(event_types), "description": "",
                       **extra}, allow_all)


def handle(database, event_type, data) -> CloudEvent:
    cloud_event = CloudEvent(type=event_type, source="/ptghub/tests", data=data)
    EventRouter(database, consumers.subscriptions(database)).handle(cloud_event)
    return cloud_event


def log_of(database, who, hook_id, **query) -> list[dict]:
    """The delivery log as the api shows it."""
    with database.unit_of_work(readonly=True) as uow:
        return DeliverySchema(many=True).dump(subscriptions.list_deliveries(uow, who, hook_id, {**PAGE, **query})[0])


def claim_all(database):
    table = store.WebhookDelivery.__table__
    return claim_batch(database, table, order_by=table.c.next_attempt_at,
                       ready=store.due_deliveries(table, utcnow()), limit=50, lease=timedelta(seconds=30))


def attempt(database, status_code, excerpt=None, duration_ms=7) -> list[dict]:
    """One round of the delivery loop, every due delivery answered ``status_code``."""
    claim, rows = claim_all(database)
    done = []
    for row in rows:
        with transaction(database) as uow:
            subscriptions.record_attempt(uow, claim, row.id, domain.AttemptResult(
                utcnow(), status_code, None if status_code < 300 else f"HTTP {status_code}",
                duration_ms=duration_ms, response_excerpt=excerpt))
        with database.sessions() as session:  # as the log reads it, attempts and all
            done.append(DeliverySchema().dump(session.get(store.WebhookDelivery, row.id)))
    return done


SESSION = {"id": "s-1", "event": "denver", "track": "kolla", "title": "Python 3 images"}
TRACK = {"id": "t-1", "event": "denver", "slug": "kolla", "name": "Kolla", "mailing_list": None, "subject_tag": None}


# -- filters -------------------------------------------------------------------------------------

def test_a_pattern_that_matches_no_known_event_type_is_refused_naming_the_field(database):
    who = integration()
    with pytest.raises(Invalid) as refused:
        subscribe(database, who, ["ptghub.schedule.sesion.*", "ptghub.schedule.session.*"])
    assert refused.value.status == 422 and list(refused.value.errors) == ["event_types"]
    assert "ptghub.schedule.sesion.*" in refused.value.detail and "session.*" not in refused.value.detail.split("[")[1]
    hook = subscribe(database, who, ["ptghub.schedule.session.*", "ptghub.*.*.created", "#"])
    with transaction(database) as uow, pytest.raises(Invalid) as refused:
        subscriptions.update_subscription(uow, who, hook.id, {"event_types": ["ptghub.notify.webhook.pong"]}, allow_all)
    assert list(refused.value.errors) == ["event_types"]
    with pytest.raises(Invalid):  # an explicit catalogue is honoured too
        with transaction(database) as uow:
            subscriptions.create_subscription(uow, who, {"url": "https://x.example/h", "event_types": ["a.b"],
                                                         "description": ""}, allow_all, known_types={"a.c"})


def test_an_event_and_track_filter_narrows_fan_out_but_not_events_about_no_gathering(database):
    who = integration()
    everything = subscribe(database, who)
    at_denver = subscribe(database, who, event="denver")
    kolla = subscribe(database, who, event="denver", track="kolla")
    handle(database, "ptghub.schedule.session.scheduled", SESSION)
    handle(database, "ptghub.schedule.session.scheduled", {**SESSION, "id": "s-2", "track": "nova"})
    handle(database, "ptghub.schedule.session.scheduled", {**SESSION, "id": "s-3", "event": "shanghai"})
    handle(database, "ptghub.schedule.track.updated", TRACK)
    handle(database, "ptghub.schedule.event.updated", {"id": "denver-id", "slug": "denver", "name": "Denver"})
    handle(database, "ptghub.schedule.room.updated", {"event": "denver", "slug": "aspen"})
    handle(database, "ptghub.notes.note.items.changed", {"note": {"event": "denver", "track": "kolla"}, "added": []})
    handle(database, "ptghub.notify.webhook.disabled", {"id": "w", "owner": who["sub"]})

    def seen(hook):
        with database.sessions() as session:
            return sorted((d.event_type.rsplit(".", 2)[-2], (d.payload.count("nova"), d.payload.count("shanghai")))
                          for d in session.query(store.WebhookDelivery).filter_by(subscription_id=hook.id))

    assert len(log_of(database, who, everything.id)) == 8
    assert seen(at_denver) == sorted([("session", (0, 0)), ("session", (1, 0)), ("track", (0, 0)), ("event", (0, 0)),
                                      ("room", (0, 0)), ("items", (0, 0)), ("webhook", (0, 0))])
    assert seen(kolla) == sorted([("session", (0, 0)), ("track", (0, 0)), ("items", (0, 0)), ("webhook", (0, 0))])


# -- changing a webhook ----------------------------------------------------------------------------

def test_a_merge_patch_changes_what_it_names_and_null_clears_a_filter(database):
    who = integration()
    hook = subscribe(database, who, ["ptghub.schedule.#"], event="denver", track="kolla", contact="ops@bot.example")
    with transaction(database) as uow:
        changed = subscriptions.update_subscription(
            uow, who, hook.id, {"url": "https://new.example/h", "track": None, "description": "renamed",
                                "event_types": ["ptghub.notes.#"]}, refuse_private)
        dumped = WebhookSchema().dump(changed)
    assert dumped["url"] == "https://new.example/h" and dumped["track"] is None and dumped["event"] == "denver"
    assert dumped["event_types"] == ["ptghub.notes.#"] and dumped["description"] == "renamed"
    assert dumped["contact"] == "ops@bot.example" and "secret" not in dumped
    with transaction(database) as uow, pytest.raises(Invalid) as refused:
        subscriptions.update_subscription(uow, who, hook.id, {"url": "http://10.0.0.7/h"}, refuse_private)
    assert list(refused.value.errors) == ["url"]
    with database.sessions() as session:
        assert session.get(store.WebhookSubscription, hook.id).url == "https://new.example/h"


def test_re_enabling_a_disabled_webhook_resets_its_failure_state(database):
    who = integration()
    hook = subscribe(database, who)
    handle(database, "ptghub.schedule.session.scheduled", SESSION)
    attempt(database, 410)
    with database.sessions() as session:
        disabled = session.get(store.WebhookSubscription, hook.id)
        assert not disabled.enabled and disabled.failing_since is not None and "410" in disabled.disabled_reason
    with transaction(database) as uow:
        again = subscriptions.update_subscription(uow, who, hook.id, {"enabled": True}, allow_all)
    assert again.enabled and again.disabled_reason is None and again.disabled_at is None and again.failing_since is None
    with transaction(database) as uow:  # by hand: no notice (only the 410's)
        off = subscriptions.update_subscription(uow, who, hook.id, {"enabled": False}, allow_all)
    assert not off.enabled and off.disabled_reason == subscriptions.DISABLED_BY_OWNER
    assert outbox_types(database) == [domain.WEBHOOK_DISABLED]


def test_a_webhook_whose_owner_token_was_revoked_is_not_re_enabled(database):
    who = integration()
    hook = subscribe(database, who)
    handle(database, domain.TOKEN_REVOKED, {"id": who["sub"]})
    with transaction(database) as uow, pytest.raises(Conflict) as refused:
        subscriptions.update_subscription(uow, ORGANISER, hook.id, {"enabled": True}, allow_all)
    assert list(refused.value.errors) == ["enabled"]


def test_another_integrations_webhook_looks_absent_to_every_operation(database):
    mine, theirs = integration("mine"), integration("theirs")
    hook = subscribe(database, theirs)
    handle(database, "ptghub.schedule.session.scheduled", SESSION)
    (delivery,) = log_of(database, theirs, hook.id)
    calls = [
        lambda uow: subscriptions.update_subscription(uow, mine, hook.id, {"description": "mine now"}, allow_all),
        lambda uow: subscriptions.rotate_secret(uow, mine, hook.id, GRACE),
        lambda uow: deliveries.ping(uow, mine, hook.id),
        lambda uow: deliveries.redeliver(uow, mine, hook.id, delivery["id"]),
        lambda uow: deliveries.redeliver_failed(uow, mine, hook.id),
        lambda uow: subscriptions.list_deliveries(uow, mine, hook.id, PAGE),
    ]
    for call in calls:
        with database.unit_of_work() as uow, pytest.raises(NotFound):
            call(uow)
    chair = {"sub": "c", "role": "chair", "tracks": [["denver", "kolla"]]}
    with database.unit_of_work() as uow, pytest.raises(Forbidden):
        deliveries.ping(uow, chair, hook.id)
    other = subscribe(database, theirs)  # a delivery of another webhook of the same owner
    with database.unit_of_work() as uow, pytest.raises(NotFound):
        deliveries.redeliver(uow, theirs, other.id, delivery["id"])
    with transaction(database) as uow:  # an organiser operates every webhook
        assert deliveries.ping(uow, ORGANISER, hook.id).event_type == domain.WEBHOOK_PING


# -- ping, rotation, redelivery ---------------------------------------------------------------------

def test_a_ping_is_a_delivery_due_now_that_rings_the_delivery_loop(database):
    who = integration()
    hook = subscribe(database, who, ["ptghub.schedule.session.*"], event="elsewhere")
    with database.unit_of_work() as uow:
        ping = deliveries.ping(uow, who, hook.id)
        assert WEBHOOK_WAKE in uow.rings
        ping_id = ping.id
        uow.commit()
    (queued,) = log_of(database, who, hook.id)
    assert queued["id"] == ping_id and queued["status"] == domain.PENDING and queued["attempts"] == 0
    assert queued["event_type"] == "ptghub.notify.webhook.ping"
    with database.sessions() as session:
        row = session.get(store.WebhookDelivery, ping_id)
        assert row.next_attempt_at <= utcnow()
        event = CloudEvent.from_json(row.payload)
    assert event.type == "ptghub.notify.webhook.ping" and event.source == "/ptghub/notify"
    assert event.data == {"webhook": hook.id, "url": hook.url, "requested_by": who["sub"]}
    assert outbox_types(database) == []  # never on the exchange
    with transaction(database) as uow:
        subscriptions.update_subscription(uow, who, hook.id, {"enabled": False}, allow_all)
    with database.unit_of_work() as uow, pytest.raises(Conflict):
        deliveries.ping(uow, who, hook.id)


def test_after_a_rotation_both_secrets_sign_until_the_grace_ends(database):
    who = integration()
    hook = subscribe(database, who)
    old = hook.secret
    with transaction(database) as uow:
        rotated = subscriptions.rotate_secret(uow, who, hook.id, GRACE)
        new, until = rotated.secret, rotated.previous_secret_until
    assert new != old and new.startswith("whsec_") and until > utcnow() + timedelta(hours=23)
    with database.sessions() as session:
        url, secrets, enabled = store.delivery_targets(session, {hook.id})[hook.id]
    assert secrets == (new, old)
    headers = domain.webhook_headers(secrets, "msg_1", int(utcnow().timestamp()), '{"a":1}')
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify('{"a":1}', headers) == {"a": 1}
    with transaction(database) as uow:  # the grace over: the new secret alone
        subscriptions.rotate_secret(uow, who, hook.id, timedelta(0))
    with database.sessions() as session:
        latest = session.get(store.WebhookSubscription, hook.id).secret
        assert store.delivery_targets(session, {hook.id})[hook.id][1] == (latest,)


def test_a_redelivery_keeps_the_webhook_id_and_rings_the_loop(database):
    who = integration()
    hook = subscribe(database, who)
    handle(database, "ptghub.schedule.session.scheduled", SESSION)
    (first,) = attempt(database, 200, excerpt="ok", duration_ms=12)
    with database.unit_of_work() as uow:
        again = DeliverySchema().dump(deliveries.redeliver(uow, who, hook.id, first["id"]))
        assert WEBHOOK_WAKE in uow.rings
        uow.commit()
    assert again["id"] == first["id"] and again["status"] == domain.PENDING and first["status"] == domain.SUCCEEDED
    (second,) = attempt(database, 500, excerpt="<html>oops</html>", duration_ms=30)
    assert second["id"] == first["id"] and second["attempts"] == 2
    assert [a["number"] for a in second["history"]] == [1, 2]
    (dumped,) = log_of(database, who, hook.id)
    assert dumped["latency_ms"] == 30 and dumped["response_excerpt"] == "<html>oops</html>"
    assert dumped["last_status_code"] == 500 and dumped["history"][0]["response_excerpt"] == "ok"


def test_a_delivery_being_sent_is_not_redelivered(database):
    who = integration()
    hook = subscribe(database, who)
    handle(database, "ptghub.schedule.session.scheduled", SESSION)
    _claim, (row,) = claim_all(database)
    with database.unit_of_work() as uow, pytest.raises(Conflict):
        deliveries.redeliver(uow, who, hook.id, row.id)


def test_redeliver_failed_queues_the_failed_and_cancelled_only(database):
    who = integration()
    hook = subscribe(database, who)
    for number in range(3):
        handle(database, "ptghub.schedule.session.scheduled", {**SESSION, "id": f"s-{number}"})
    done = attempt(database, 500)
    failed, cancelled, succeeded = (d["id"] for d in done)
    with database.sessions() as session:
        for delivery_id, status in ((failed, domain.FAILED), (cancelled, domain.CANCELLED),
                                    (succeeded, domain.SUCCEEDED)):
            session.get(store.WebhookDelivery, delivery_id).status = status
        session.commit()
    with database.unit_of_work() as uow:
        assert deliveries.redeliver_failed(uow, who, hook.id) == 2
        assert WEBHOOK_WAKE in uow.rings
        uow.commit()
    by_status = {d["id"]: d["status"] for d in log_of(database, who, hook.id)}
    assert by_status == {failed: domain.PENDING, cancelled: domain.PENDING, succeeded: domain.SUCCEEDED}
    with transaction(database) as uow:
        assert deliveries.redeliver_failed(uow, who, hook.id, since=utcnow() + timedelta(seconds=1)) == 0


def test_the_delivery_log_filters_by_status_type_event_and_time(database):
    who = integration()
    hook = subscribe(database, who)
    session_event = handle(database, "ptghub.schedule.session.scheduled", SESSION)
    handle(database, "ptghub.schedule.track.updated", TRACK)
    assert [d["event_id"] for d in log_of(database, who, hook.id, event_type="ptghub.schedule.session.scheduled")] \
        == [session_event.id]
    assert len(log_of(database, who, hook.id, event_id=session_event.id)) == 1
    assert len(log_of(database, who, hook.id, status=domain.PENDING)) == 2
    assert log_of(database, who, hook.id, status=domain.FAILED) == []
    assert log_of(database, who, hook.id, since=utcnow() + timedelta(seconds=1)) == []
    assert len(log_of(database, who, hook.id, until=utcnow() + timedelta(seconds=1))) == 2
    with database.unit_of_work(readonly=True) as uow:
        first, cursor = subscriptions.list_deliveries(uow, who, hook.id, {**PAGE, "limit": 1})
        rest, _ = subscriptions.list_deliveries(uow, who, hook.id, {"limit": 1, "cursor": cursor})
        assert len(first) == len(rest) == 1 and first[0].id != rest[0].id
    with database.unit_of_work(readonly=True) as uow, pytest.raises(Problem):
        subscriptions.list_deliveries(uow, who, hook.id, {"limit": 1, "cursor": "garbage"})


def test_a_success_after_failures_clears_the_webhooks_failing_since(database):
    who = integration()
    hook = subscribe(database, who)
    handle(database, "ptghub.schedule.session.scheduled", SESSION)
    (failed,) = attempt(database, 500)
    with database.sessions() as session:
        assert session.get(store.WebhookSubscription, hook.id).failing_since is not None
    with database.unit_of_work() as uow:
        deliveries.redeliver(uow, who, hook.id, failed["id"])
        uow.commit()
    (succeeded,) = attempt(database, 200)
    assert succeeded["status"] == domain.SUCCEEDED and [a["number"] for a in succeeded["history"]] == [1, 2]
    with database.sessions() as session:
        assert session.get(store.WebhookSubscription, hook.id).failing_since is None
