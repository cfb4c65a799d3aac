"""Rules of operating a webhook subscription (notify): filters, rotation secrets, excerpts."""
from datetime import datetime, timedelta, timezone

from standardwebhooks.webhooks import Webhook

from services.notify import domain, event_catalogue
from services.notify.domain import event_scope, in_scope, notice_recipient, signing_secrets, unknown_patterns

NOW = datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)
KNOWN = ["ptghub.schedule.session.scheduled", "ptghub.schedule.track.created", "ptghub.notify.webhook.disabled"]


def test_a_pattern_is_unknown_when_it_matches_no_known_type():
    assert unknown_patterns(["#", "ptghub.schedule.*.*", "ptghub.*.webhook.#"], KNOWN) == []
    assert unknown_patterns(["ptghub.schedule.sessions.*", "ptghub.schedule.session.*", "x"], KNOWN) == \
        ["ptghub.schedule.sessions.*", "x"]


def test_the_catalogue_knows_every_published_type_and_notifys_own():
    known = event_catalogue.known()
    assert {"ptghub.schedule.session.scheduled", "ptghub.gateway.token.revoked", domain.WEBHOOK_DISABLED} <= known


def test_what_an_event_is_about():
    assert event_scope("ptghub.schedule.session.updated", {"event": "denver", "track": "nova"}) == ("denver", "nova")
    assert event_scope("ptghub.schedule.event.updated", {"slug": "denver"}) == ("denver", None)
    assert event_scope("ptghub.schedule.track.deleted", {"event": "denver", "slug": "nova"}) == ("denver", "nova")
    assert event_scope("ptghub.notes.note.items.changed", {"note": {"event": "d", "track": "k"}}) == ("d", "k")
    assert event_scope("ptghub.gateway.token.revoked", {"id": "t"}) == (None, None)
    assert event_scope("ptghub.x.y.z", None) == (None, None)


def test_a_filter_lets_through_its_event_its_track_and_events_about_no_gathering():
    session = {"event": "denver", "track": "nova"}
    assert in_scope(None, None, "ptghub.schedule.session.updated", session)
    assert in_scope("denver", None, "ptghub.schedule.session.updated", session)
    assert not in_scope("shanghai", None, "ptghub.schedule.session.updated", session)
    assert in_scope("denver", "nova", "ptghub.schedule.session.updated", session)
    assert not in_scope("denver", "kolla", "ptghub.schedule.session.updated", session)
    assert in_scope(None, "nova", "ptghub.schedule.session.updated", session)
    assert not in_scope("denver", "nova", "ptghub.schedule.room.updated", {"event": "denver", "slug": "aspen"})
    assert in_scope("denver", "nova", domain.WEBHOOK_DISABLED, {"id": "w", "owner": "t"})


def test_two_secrets_sign_during_the_grace_and_each_verifies():
    old, new = domain.new_secret(), domain.new_secret()
    assert signing_secrets(new, old, NOW + timedelta(seconds=1), NOW) == (new, old)
    assert signing_secrets(new, old, NOW, NOW) == (new,)
    assert signing_secrets(new, None, None, NOW) == (new,)
    body, timestamp = '{"type":"ptghub.notify.webhook.ping"}', int(datetime.now(timezone.utc).timestamp())
    headers = domain.webhook_headers((new, old), "msg_2", timestamp, body)
    first, second = headers["webhook-signature"].split(" ")
    assert first.startswith("v1,") and second.startswith("v1,") and first != second
    for secret in (old, new):
        assert Webhook(secret).verify(body, headers)["type"] == "ptghub.notify.webhook.ping"
    assert domain.webhook_headers(new, "msg_2", timestamp, body)["webhook-signature"] == first




def test_the_disabled_notice_goes_to_the_contact_else_the_operators_else_nowhere():
    assert notice_recipient("bot@example.org", "ops@example.org") == "bot@example.org"
    assert notice_recipient(None, "ops@example.org") == "ops@example.org"
    assert notice_recipient(None, None) is None and notice_recipient("", "") is None
