"""Notify's own settings (``PTGHUB_*``, on top of the kit's), read from the environment once per
process: the api when it registers its routes, the worker when it builds its delivery loops.
Nothing reads them again per event or per request."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from services.kit.config import env

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
    """Read notify's settings from the environment (call it once, when the process is wired)."""
    default = NotifySettings()
    return NotifySettings(
        smtp_url=env("SMTP_URL", default.smtp_url),
        mail_from=env("MAIL_FROM", default.mail_from),
        webhook_allow=domain.AllowList.parse(env("WEBHOOK_ALLOW", "")),
        # PTGHUB_DISPATCH_INTERVAL is the setting's former name, still read.
        interval=float(env("DELIVERY_INTERVAL") or env("DISPATCH_INTERVAL", str(default.interval))),
        webhook_retry_scale=float(env("WEBHOOK_RETRY_SCALE", "1")),
        mail_retry_scale=float(env("MAIL_RETRY_SCALE", "1")),
        webhook_timeout=float(env("WEBHOOK_TIMEOUT", str(default.webhook_timeout))),
        smtp_timeout=float(env("SMTP_TIMEOUT", str(default.smtp_timeout))),
        dns_timeout=float(env("DNS_TIMEOUT", str(default.dns_timeout))),
        webhook_concurrency=max(1, int(env("WEBHOOK_CONCURRENCY", str(default.webhook_concurrency)))),
        webhook_endpoint_concurrency=max(1, int(env("WEBHOOK_ENDPOINT_CONCURRENCY",
                                                    str(default.webhook_endpoint_concurrency)))),
        route_wait=timedelta(seconds=float(env("MAIL_ROUTE_WAIT", str(default.route_wait.total_seconds())))),
        webhook_rotation_grace=timedelta(seconds=float(
            env("WEBHOOK_ROTATION_GRACE", str(default.webhook_rotation_grace.total_seconds())))),
        webhook_contact=domain.mail_address(env("WEBHOOK_CONTACT", "")),
        template_dir=env("TEMPLATE_DIR"),
    )
