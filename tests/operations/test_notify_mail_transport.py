"""Notify's suppression list, message log filters and resend, as operations on SQLite: who may,
what goes on the list and what it stops, what a resend resets and what it refuses."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter
from services.kit.db import utcnow
from services.kit.problems import Conflict, Forbidden, NotFound, Problem
from services.notify import consumers, domain, store
from services.notify.domain import mail_kinds
from services.notify.descriptor import DESCRIPTOR
from services.notify.operations import messages, resend, suppressions

from .conftest import transaction

ORGANISER = {"sub": "org-1", "role": "organiser"}
CHAIR = {"sub": "chair-1", "role": "chair", "tracks": [{"event": "denver", "track": "nova"}]}
PAGE = {"limit": 50, "cursor": None}


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def queue(database, recipient: str, kind: str = domain.REMINDER_DUE, status: str = domain.QUEUED, **extra) -> str:
    with transaction(database) as uow:
        mail = store.OutgoingMail(
            source_event_id=str(uuid.uuid4()), source_event_type=kind, sender="ptghub <ptghub@ptg.example>",
            recipient=recipient, subject="s", message_id=f"<{uuid.uuid4().hex}@ptg.example>", message="Subject: s\r\n\r\nx\r\n",
            status=status, attempts=extra.pop("attempts", 0), next_attempt_at=utcnow(), **extra)
        uow.session.add(mail)
        uow.session.flush()
        return mail.id


def get(database, mail_id: str) -> store.OutgoingMail:
    with database.unit_of_work(readonly=True) as uow:
        mail = uow.session.get(store.OutgoingMail, mail_id)
        uow.session.expunge(mail)  # its loaded attributes stay readable
        return mail


def test_mail_kinds_and_which_are_personal():
    assert mail_kinds.kind_of("ptghub.notes.summary.published") == "summary"
    assert mail_kinds.kind_of("ptghub.schedule.session.moved") == "session_notice"
    assert mail_kinds.kind_of(domain.REMINDER_DUE) == "reminder_digest"
    assert mail_kinds.kind_of("ptghub.notify.webhook.disabled") == "webhook_disabled"
    assert mail_kinds.kind_of("ptghub.schedule.sessions") == "other" and mail_kinds.kind_of(None) == "other"
    assert not mail_kinds.is_personal("ptghub.notes.summary.published")
    assert not mail_kinds.is_personal("ptghub.schedule.session.cancelled")
    assert mail_kinds.is_personal(domain.REMINDER_DUE) and mail_kinds.is_personal("test")


def test_organisers_alone_keep_the_list_and_an_address_is_on_it_once(database):
    with transaction(database) as uow:
        entry = suppressions.add_suppression(uow, ORGANISER, {"address": " Ann@Example.ORG ", "reason": "manual",
                                                              "note": "asked by phone"})
        assert (entry.address, entry.reason, entry.source) == ("ann@example.org", "manual", "org-1")
    with transaction(database) as uow, pytest.raises(Conflict) as again:
        suppressions.add_suppression(uow, ORGANISER, {"address": "ann@example.org"})
    assert again.value.errors == {"address": ["suppressed already: manual"]}
    for call in (lambda uow: suppressions.add_suppression(uow, CHAIR, {"address": "b@example.org"}),
                 lambda uow: suppressions.list_suppressions(uow, CHAIR, PAGE),
                 lambda uow: suppressions.remove_suppression(uow, CHAIR, "ann@example.org")):
        with transaction(database) as uow, pytest.raises(Forbidden):
            call(uow)
    with transaction(database) as uow:
        suppressions.remove_suppression(uow, ORGANISER, "ANN@example.org")
    with transaction(database) as uow, pytest.raises(NotFound):
        suppressions.remove_suppression(uow, ORGANISER, "ann@example.org")


def test_the_list_pages_and_filters_on_sqlite(database):
    with transaction(database) as uow:
        for number in range(5):
            suppressions.add_suppression(uow, ORGANISER, {"address": f"p{number}@example.org",
                                                          "reason": "bounced" if number % 2 else "manual"})
    pages, cursor = [], None
    while True:
        with database.unit_of_work(readonly=True) as uow:
            items, cursor = suppressions.list_suppressions(uow, ORGANISER, {"limit": 2, "cursor": cursor})
            pages.append([row.address for row in items])
        if cursor is None:
            break
    assert pages == [["p0@example.org", "p1@example.org"], ["p2@example.org", "p3@example.org"], ["p4@example.org"]]
    with database.unit_of_work(readonly=True) as uow:
        bounced, _ = suppressions.list_suppressions(uow, ORGANISER, {**PAGE, "reason": "bounced"})
        assert [row.address for row in bounced] == ["p1@example.org", "p3@example.org"]
        one, _ = suppressions.list_suppressions(uow, ORGANISER, {**PAGE, "address": "P2@example.org"})
        assert [row.address for row in one] == ["p2@example.org"]
        with pytest.raises(Problem):
            suppressions.list_suppressions(uow, ORGANISER, {"limit": 2, "cursor": "bm9wZQ"})


def test_an_unsubscribe_event_suppresses_the_address_once_keeping_the_first_reason(database):
    router = EventRouter(database, consumers.subscriptions(database))
    with transaction(database) as uow:
        store.add_suppression(uow.session, "ann@example.org", store.BOUNCED, "550 gone")
    for person, address in (("p-1", "Ann@example.org"), ("p-2", "bob@example.org"), ("p-2", "bob@example.org"),
                            ("p-3", "not an address")):
        router.handle(CloudEvent(type="ptghub.actions.person.unsubscribed", source="/ptghub/actions",
                                 data={"id": person, "nick": "x", "email": address}, subject=person))
    with database.unit_of_work(readonly=True) as uow:
        items, _ = suppressions.list_suppressions(uow, ORGANISER, PAGE)
        assert [(row.address, row.reason, row.source) for row in items] == [
            ("ann@example.org", "bounced", None), ("bob@example.org", "unsubscribed", "p-2")]


def test_the_message_log_filters_by_kind_status_recipient_and_since(database):
    before = utcnow()
    post = queue(database, "list@lists.example", kind="ptghub.notes.summary.published", status=domain.SENT)
    notice = queue(database, "list@lists.example", kind="ptghub.schedule.session.moved")
    digest = queue(database, "Ann@Example.org")
    other = queue(database, "x@example.org", kind="test", status=domain.FAILED)

    def ids(**query):
        with database.unit_of_work(readonly=True) as uow:
            items, _ = messages.list_messages(uow, ORGANISER, {**PAGE, **query})
            return [row.id for row in items]

    assert ids() == [post, notice, digest, other]
    assert ids(kind="summary") == [post] and ids(kind="session_notice") == [notice]
    assert ids(kind="reminder_digest") == [digest] and ids(kind="other") == [other]
    assert ids(kind="webhook_disabled") == []
    assert ids(status="failed") == [other] and ids(recipient="ann@example.ORG") == [digest]
    assert ids(since=before) == [post, notice, digest, other] and ids(since=utcnow() + timedelta(seconds=1)) == []
    assert ids(kind="summary", status="queued") == []


def test_resend_resets_the_attempts_keeps_the_message_id_and_refuses_what_it_must(database):
    sent = queue(database, "list@lists.example", kind="ptghub.notes.summary.published", status=domain.SENT,
                 attempts=2, last_code=451, last_error="451 later")
    message_id = get(database, sent).message_id
    with transaction(database) as uow, pytest.raises(Conflict) as refused:
        resend.resend_message(uow, ORGANISER, sent)
    assert "force" in refused.value.errors
    with transaction(database) as uow, pytest.raises(Forbidden):
        resend.resend_message(uow, CHAIR, sent, force=True)
    with transaction(database) as uow, pytest.raises(NotFound):
        resend.resend_message(uow, ORGANISER, "no-such", force=True)
    with transaction(database) as uow:
        resend.resend_message(uow, ORGANISER, sent, force=True)
        assert uow.rings == {"notify.mail"}
    again = get(database, sent)
    assert (again.status, again.attempts, again.last_code, again.last_error, again.sent_at) == ("queued", 0, None, None, None)
    assert again.message_id == message_id and again.next_attempt_at is not None
    # Personal mail to a suppressed address: refused until the suppression goes; a list post is not personal.
    digest = queue(database, "ann@example.org", status=domain.SUPPRESSED)
    post = queue(database, "ann@example.org", kind="ptghub.notes.summary.published", status=domain.FAILED)
    with transaction(database) as uow:
        store.add_suppression(uow.session, "ann@example.org", store.UNSUBSCRIBED)
    with transaction(database) as uow, pytest.raises(Conflict) as suppressed:
        resend.resend_message(uow, ORGANISER, digest, force=True)
    assert "recipient" in suppressed.value.errors
    with transaction(database) as uow:
        assert resend.resend_message(uow, ORGANISER, post).status == "queued"
    # A message the loop is sending now is not touched; one whose claim has run out is.
    claimed = queue(database, "list@lists.example", claim="c-1", claimed_until=utcnow() + timedelta(minutes=1))
    stale = queue(database, "list@lists.example", status=domain.FAILED, claim="c-2",
                  claimed_until=utcnow() - timedelta(minutes=1))
    with transaction(database) as uow, pytest.raises(Conflict):
        resend.resend_message(uow, ORGANISER, claimed)
    with transaction(database) as uow:
        assert resend.resend_message(uow, ORGANISER, stale).claim is None
