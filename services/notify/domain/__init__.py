"""Notify rules, free of network I/O, one module a concern:

- :mod:`.event_types`: the events notify publishes, and those of others its rules look at;
- :mod:`.statuses`: the states of a webhook delivery and of an outgoing mail;
- :mod:`.subscriptions`: topic patterns, who may receive which event, event and track filters,
  where the webhook-disabled notice goes;
- :mod:`.signing`: Standard Webhooks v1 secrets and signatures, both secrets while one rotates;
- :mod:`.deliveries`: the webhook retry schedule, what follows an attempt, what the log keeps of it;
- :mod:`.url_safety`: which addresses a webhook may be sent to;
- :mod:`.mail`: the SMTP policy and retry schedule, usable addresses and senders;
- :mod:`.routing`: where a summary goes, the wait for its track's route, which copy is newer;
- :mod:`.reminders`: which reminded items a digest still holds when it is sent;
- :mod:`.mail_kinds`: what kind of mail a message is, and whether it is personal (its names are
  not re-exported: ``domain.mail_kinds.kind_of``).

(What a mail says, and its headers: :mod:`services.notify.composing`.) Every name but those of
:mod:`.mail_kinds` is also importable from here (``domain.may_receive``).
"""
from . import mail_kinds
from .event_types import (ACTION_EVENTS, ACTION_WITHDRAWN, MESSAGE_FAILED, MESSAGE_SENT, REMINDER_DUE, TOKEN_REVOKED,
                          TRACK_DELETED, WEBHOOK_DISABLED, WEBHOOK_PING)
from .statuses import (CANCELLED, DELIVERY_STATUSES, FAILED, MAIL_STATUSES, PENDING, QUEUED, SENT, SUCCEEDED,
                       SUPPRESSED)
from .subscriptions import (OWNED_EVENTS, PERSONAL_EVENTS, event_scope, in_scope, is_topic_pattern, matches_any,
                            may_receive, notice_recipient, unknown_patterns)
from .signing import (ROTATION_GRACE, SECRET_MAX_BYTES, SECRET_MIN_BYTES, SECRET_PREFIX, new_secret, secret_key, sign,
                      signing_secrets, webhook_headers)
from .deliveries import (DISABLE_AFTER_FAILING, FAILED_THROUGH_SCHEDULE, RESPONSE_EXCERPT_LIMIT, RESPONSE_READ_LIMIT,
                         RETRY_AFTER_STATUSES, WEBHOOK_JITTER, WEBHOOK_RETRY_AFTER_MAX, WEBHOOK_RETRY_DELAYS,
                         AttemptResult, RecordedAttempt, failed_past_schedule, failing_too_long, http_failure,
                         parse_retry_after, response_excerpt, succeeded, webhook_retry_delay, webhook_verdict,
                         WebhookVerdict)
from .url_safety import METADATA_ADDRESSES, address_refusal, AllowList, host_refusal, webhook_target
from .mail import (CONTROL, MAIL_GIVE_UP_AFTER, MAIL_POLICY, MAIL_RETRY_DELAYS, MAIL_RETRY_EVERY, envelope_sender,
                   mail_address, mail_domain, mail_retry_at, sender_address, smtp_permanent)
from .routing import (EVENT_SCOPE, ROUTE_CHECK_FIRST, ROUTE_CHECK_MAX, TRACK_SCOPE, is_older, route_check_delay,
                      summary_lists)
from .reminders import ACTIVE_ACTION_STATUSES, WITHDRAWN, owner_today, still_due

__all__ = [
    "mail_kinds",
    "ACTION_EVENTS", "ACTION_WITHDRAWN", "MESSAGE_FAILED", "MESSAGE_SENT", "REMINDER_DUE", "TOKEN_REVOKED",
    "TRACK_DELETED", "WEBHOOK_DISABLED", "WEBHOOK_PING",
    "CANCELLED", "DELIVERY_STATUSES", "FAILED", "MAIL_STATUSES", "PENDING", "QUEUED", "SENT", "SUCCEEDED",
    "SUPPRESSED",
    "OWNED_EVENTS", "PERSONAL_EVENTS", "event_scope", "in_scope", "is_topic_pattern", "matches_any",
    "may_receive", "notice_recipient", "unknown_patterns",
    "ROTATION_GRACE", "SECRET_MAX_BYTES", "SECRET_MIN_BYTES", "SECRET_PREFIX", "new_secret", "secret_key", "sign",
    "signing_secrets", "webhook_headers",
    "DISABLE_AFTER_FAILING", "FAILED_THROUGH_SCHEDULE", "RESPONSE_EXCERPT_LIMIT", "RESPONSE_READ_LIMIT",
    "RETRY_AFTER_STATUSES", "WEBHOOK_JITTER", "WEBHOOK_RETRY_AFTER_MAX", "WEBHOOK_RETRY_DELAYS", "AttemptResult",
    "RecordedAttempt",
    "failed_past_schedule", "failing_too_long", "http_failure", "parse_retry_after", "response_excerpt",
    "succeeded", "webhook_retry_delay", "webhook_verdict", "WebhookVerdict",
    "METADATA_ADDRESSES", "address_refusal", "AllowList", "host_refusal", "webhook_target",
    "CONTROL", "MAIL_GIVE_UP_AFTER", "MAIL_POLICY", "MAIL_RETRY_DELAYS", "MAIL_RETRY_EVERY", "envelope_sender",
    "mail_address", "mail_domain", "mail_retry_at", "sender_address", "smtp_permanent",
    "EVENT_SCOPE", "ROUTE_CHECK_FIRST", "ROUTE_CHECK_MAX", "TRACK_SCOPE", "is_older", "route_check_delay",
    "summary_lists",
    "ACTIVE_ACTION_STATUSES", "WITHDRAWN", "owner_today", "still_due",
]
