"""The notify service's descriptor: what app.py, worker.py, the tests and the kit's commands wire."""
import threading
from pathlib import Path

import services.notify as package
from services.kit.db import Database
from services.kit.descriptor import Loop, ServiceDescriptor

from . import SERVICE, composing, config, consumers, schemas, store
from .delivery.mail import MailDeliveryLoop
from .delivery.webhooks import WebhookDeliveryLoop


def check_templates() -> None:
    """The mail templates (``PTGHUB_TEMPLATE_DIR`` overrides first) compile and render, or the
    process does not start (:class:`composing.TemplatesRefused` names each broken one and its line)."""
    composing.install(config.load().template_dir)


def blueprints():
    """The api's routes (imported here, so the worker never loads them); the templates checked first."""
    check_templates()
    from . import routes
    from .routes import mail_routes, messages, subscriptions, suppressions, webhooks  # noqa: F401 (their views)

    return [routes.notify_blueprint, routes.mail_blueprint, webhooks.blueprint]


def subscriptions(database: Database | None):
    """The worker's consumer: the templates checked first (it composes session notices)."""
    check_templates()
    return consumers.subscriptions(database)


def timers(database: Database) -> list[Loop]:
    """The worker's two delivery loops, with notify's settings read once, now."""
    settings = config.load()
    webhooks = WebhookDeliveryLoop(database, settings)
    mail = MailDeliveryLoop(database, settings)

    def webhook_delivery(stop: threading.Event) -> None:
        webhooks.run(stop)

    def mail_delivery(stop: threading.Event) -> None:
        mail.run(stop)

    return [webhook_delivery, mail_delivery]


DESCRIPTOR = ServiceDescriptor(
    name=SERVICE,
    description=package.__doc__.strip().splitlines()[0],
    package_dir=Path(package.__file__).parent,
    metadata=store.Base.metadata,
    schemas=schemas.SCHEMAS,
    events=schemas.EVENTS,
    blueprints=blueprints,
    subscriptions=subscriptions,
    timers=timers,
)
