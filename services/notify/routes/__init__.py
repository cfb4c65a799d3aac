"""The notify api, one module per feature: each route loads the request with a schema, calls one
operation, commits the unit of work and dumps the result with a schema.

- :mod:`.subscriptions`: subscribing webhooks, listing and deleting them, their delivery logs;
- :mod:`.webhooks`: operating a webhook (merge patch, ping, secret rotation, redelivery);
- :mod:`.messages`: the outgoing mail log, sending a message again;
- :mod:`.suppressions`: the suppression list;
- :mod:`.mail_routes`: a track's mail route and its switch of session notices.

A view's endpoint is ``<blueprint>.<view>`` (operationId ``notify.<blueprint>.<view>`` at the
gateway). The features that came first share the two blueprints defined here, so their operationIds
stay as published: :data:`notify_blueprint` (``notify.<view>``: subscriptions, the mail log, mail
routes) and :data:`mail_blueprint` (``mail.<view>``: the suppression list, a resend); the webhook
operations have their own (``webhooks.<view>``).

Notify's settings are read once, when the app registers these routes (:func:`settings`).
"""
from __future__ import annotations

from flask import Blueprint, current_app

from .. import config
from ..config import NotifySettings
from ..transport import dns

notify_blueprint = Blueprint("notify", __name__)
mail_blueprint = Blueprint("mail", __name__)

SETTINGS = "notify.settings"


@notify_blueprint.record_once
def _read_settings(state) -> None:
    state.app.extensions[SETTINGS] = config.load()


def settings() -> NotifySettings:
    return current_app.extensions[SETTINGS]


def url_refusal(url: str) -> str | None:
    """Why ``url`` may not receive webhooks, by this api's settings (allow list, DNS timeout)."""
    return dns.url_refusal(url, settings().webhook_allow, settings().dns_timeout)
