"""The bells of the two delivery loops: what queues their work rings one (``uow.ring``), the loop waits
on it. Names only, so the operations and consumers that ring them do not load the loops."""
from __future__ import annotations

WEBHOOK_WAKE = "notify.webhooks"  # rung by what queues a webhook delivery
MAIL_WAKE = "notify.mail"  # rung by what queues mail or a summary to mail
