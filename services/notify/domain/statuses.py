"""The states of a webhook delivery and of an outgoing mail."""
from __future__ import annotations

SUCCEEDED, PENDING, FAILED, CANCELLED = "succeeded", "pending", "failed", "cancelled"
DELIVERY_STATUSES = (PENDING, SUCCEEDED, FAILED, CANCELLED)

QUEUED, SENT = "queued", "sent"
# cancelled: a reminder digest none of whose items was still open when its turn to be sent came
# suppressed: personal mail not sent, its address being on the suppression list
SUPPRESSED = "suppressed"
MAIL_STATUSES = (QUEUED, SENT, FAILED, CANCELLED, SUPPRESSED)
