"""The event types notify publishes, and those of other services its rules look at (the webhook
filters' catalogue of every known type: :mod:`services.notify.event_catalogue`)."""
from __future__ import annotations

MESSAGE_SENT = "ptghub.notify.message.sent"
MESSAGE_FAILED = "ptghub.notify.message.failed"
WEBHOOK_DISABLED = "ptghub.notify.webhook.disabled"
TRACK_DELETED = "ptghub.schedule.track.deleted"
TOKEN_REVOKED = "ptghub.gateway.token.revoked"
REMINDER_DUE = "ptghub.actions.action.reminder.due"
# The action events notify follows to know which reminded items are still open.
ACTION_EVENTS = tuple(f"ptghub.actions.action.{verb}" for verb in ("updated", "completed", "dropped", "withdrawn"))
ACTION_WITHDRAWN = "ptghub.actions.action.withdrawn"
WEBHOOK_PING = "ptghub.notify.webhook.ping"  # sent only to the webhook that asked for it, never on the exchange
