"""Notify persistence: the SQLAlchemy models and every query of the service.

- :mod:`.models`: the tables (the suppression list's among them, with its reasons);
- :mod:`.pages`: keyset pages by creation, with checked cursors;
- :mod:`.webhooks`: webhook subscriptions, their deliveries and attempts, the webhook loop's claim;
- :mod:`.routing`: the tracks' and events' mail routes, the copies of sessions;
- :mod:`.summaries`: summaries waiting for their track's route;
- :mod:`.messages`: the outgoing mail queue and its log, the mail loop's claim;
- :mod:`.reminders`: reminder digests and the action states they are checked against;
- :mod:`.suppressions`: the suppression list.

Everything is importable from here (``store.OutgoingMail``, ``store.get_mail``).
"""
from .models import (BOUNCED, EVENT_SUMMARY, MANUAL, REASONS, UNSUBSCRIBED, ActionState, Base, EventRoute, MailRoute,
                     OutgoingMail, PendingSummary, ReminderDigest, SessionCopy, Suppression, WebhookAttempt,
                     WebhookDelivery, WebhookSubscription)
from .webhooks import (add_deliveries, claimed_delivery, clear_failing, delete_subscription, delivery_targets,
                       due_deliveries, enabled_subscriptions_of, first_attempted_at, get_delivery,
                       get_subscription, list_deliveries, list_subscriptions, locked_subscription,
                       receiving_subscriptions, record_delivery_attempt, requeue_deliveries, skip_delivery)
from .routing import get_event_route, get_route, get_session_copy, keep_session_copy, route_for_summary
from .summaries import (due_pending_summaries, pending_summaries_due, pending_summary_exists, wake_event_summaries,
                        wake_pending_summaries)
from .messages import claimed_mail, due_mail, get_mail, kind_condition, list_mail, mail_exists
from .reminders import action_states, get_action_state, get_digest
from .suppressions import (add_suppression, get_suppression, list_suppressions, normal_address, require_suppression,
                           suppressed_among)

__all__ = [
    "BOUNCED", "EVENT_SUMMARY", "MANUAL", "REASONS", "UNSUBSCRIBED", "ActionState", "Base", "EventRoute",
    "MailRoute", "OutgoingMail", "PendingSummary", "ReminderDigest", "SessionCopy", "Suppression",
    "WebhookAttempt", "WebhookDelivery", "WebhookSubscription",
    "add_deliveries", "claimed_delivery", "clear_failing", "delete_subscription", "delivery_targets",
    "due_deliveries", "enabled_subscriptions_of", "first_attempted_at", "get_delivery", "get_subscription",
    "list_deliveries", "list_subscriptions", "locked_subscription", "receiving_subscriptions",
    "record_delivery_attempt", "requeue_deliveries", "skip_delivery",
    "get_event_route", "get_route", "get_session_copy", "keep_session_copy", "route_for_summary",
    "due_pending_summaries", "pending_summaries_due", "pending_summary_exists", "wake_event_summaries",
    "wake_pending_summaries",
    "claimed_mail", "due_mail", "get_mail", "kind_condition", "list_mail", "mail_exists",
    "action_states", "get_action_state", "get_digest",
    "add_suppression", "get_suppression", "list_suppressions", "normal_address", "require_suppression",
    "suppressed_among",
]
