"""Notify's own settings (``PTGHUB_*``, on top of the kit's), read from the environment once per
process: the api when it registers its routes, the worker when it builds its delivery loops.
Nothing reads them again per event or per request."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from services.kit.config import count, env, number

from . import domain


@dataclass(frozen=True)
class NotifySettings:
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "ptghub <ptghub@localhost>"
    webhook_allow: domain.AllowList = domain.AllowList()
    interval: float = 0.25                      # fallback poll of a delivery loop (it is rung when work is queued)
    webhook_retry_scale: float = 1.0
    mail_retry_scale: float = 1.0
    webhook_timeout: float = 10.0               # seconds per webhook POST (connect, then each read; 3x in all)
    smtp_timeout: float = 30.0                  # seconds per SMTP operation
    dns_timeout: float = 5.0                    # seconds to resolve a webhook's host
    webhook_concurrency: int = 64               # webhook requests in flight at once, per worker
    webhook_endpoint_concurrency: int = 4       # of which at most this many to any one webhook
    route_wait: timedelta = timedelta(minutes=10)  # how long a summary waits for its track's list
    webhook_rotation_grace: timedelta = domain.ROTATION_GRACE  # both secrets sign for this long after a rotation
    webhook_contact: str | None = None          # the disabled notice's address for webhooks without a contact
    template_dir: str | None = None             # mail template overrides, looked at before the packaged ones


def load() -> NotifySettings:
    """Read notify's settings from the environment (call it once, when the process is wired). A
    number that is no number, or out of range, stops the start with the variable's name."""
    default = NotifySettings()
    return NotifySettings(
        smtp_url=env("SMTP_URL", default.smtp_url),
        mail_from=env("MAIL_FROM", default.mail_from),
        webhook_allow=domain.AllowList.parse(env("WEBHOOK_ALLOW", "")),
        # PTGHUB_DISPATCH_INTERVAL is the setting's former name, still read.
        interval=number("DELIVERY_INTERVAL" if env("DELIVERY_INTERVAL") else "DISPATCH_INTERVAL", default.interval,
                        positive=True),
        webhook_retry_scale=number("WEBHOOK_RETRY_SCALE", 1.0, positive=True, what="a factor"),
        mail_retry_scale=number("MAIL_RETRY_SCALE", 1.0, positive=True, what="a factor"),
        webhook_timeout=number("WEBHOOK_TIMEOUT", default.webhook_timeout, positive=True),
        smtp_timeout=number("SMTP_TIMEOUT", default.smtp_timeout, positive=True),
        dns_timeout=number("DNS_TIMEOUT", default.dns_timeout, positive=True),
        webhook_concurrency=count("WEBHOOK_CONCURRENCY", default.webhook_concurrency),
        webhook_endpoint_concurrency=count("WEBHOOK_ENDPOINT_CONCURRENCY", default.webhook_endpoint_concurrency),
        route_wait=timedelta(seconds=number("MAIL_ROUTE_WAIT", default.route_wait.total_seconds())),
        webhook_rotation_grace=timedelta(seconds=number("WEBHOOK_ROTATION_GRACE",
                                                        default.webhook_rotation_grace.total_seconds())),
        webhook_contact=domain.mail_address(env("WEBHOOK_CONTACT", "")),
        template_dir=env("TEMPLATE_DIR"),
    )
