"""What kind of mail an outgoing message is, read from the event it was made for, and whether it
is personal (to one person: the suppression list applies) or a list post (to a track's or an
event's mailing list: it does not).

Kinds, by the ``source_event_type`` of the mail:

- ``summary``: ``ptghub.notes.summary.published``, a track's or an event's summary (a list post);
- ``session_notice``: ``ptghub.schedule.session.*``, a session moved or cancelled (a list post);
- ``reminder_digest``: ``ptghub.actions.action.reminder.due``, one person's reminders (personal);
- ``webhook_disabled``: ``ptghub.notify.webhook.disabled``, to the integration's contact (personal);
- ``other``: anything else, personal (when in doubt, a suppressed address gets nothing).

The mail log's filter by kind is :func:`services.notify.store.kind_condition`.
"""
from __future__ import annotations

SUMMARY, SESSION_NOTICE, REMINDER_DIGEST, WEBHOOK_DISABLED, OTHER = (
    "summary", "session_notice", "reminder_digest", "webhook_disabled", "other")

# kind -> the event types (exact, or a prefix ending in ``.``) its mail is made for
SOURCES: dict[str, tuple[str, ...]] = {
    SUMMARY: ("ptghub.notes.summary.published",),
    SESSION_NOTICE: ("ptghub.schedule.session.",),
    REMINDER_DIGEST: ("ptghub.actions.action.reminder.due",),
    WEBHOOK_DISABLED: ("ptghub.notify.webhook.disabled",),
}
KINDS = (*SOURCES, OTHER)
LIST_KINDS = frozenset({SUMMARY, SESSION_NOTICE})


def _matches(source: str, event_type: str) -> bool:
    return event_type.startswith(source) if source.endswith(".") else event_type == source


def kind_of(event_type: str | None) -> str:
    for kind, sources in SOURCES.items():
        if any(_matches(source, event_type or "") for source in sources):
            return kind
    return OTHER


def is_personal(event_type: str | None) -> bool:
    """Mail to one person (the suppression list applies), not a post to a mailing list."""
    return kind_of(event_type) not in LIST_KINDS
