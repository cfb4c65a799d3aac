"""The notify service's descriptor: what app.py, worker.py, the tests and the kit's commands wire."""
import threading
from pathlib import Path

import services.notify as package
from services.kit.db import Database
from services.kit.descriptor import Loop, ServiceDescriptor

from . import SERVICE, config, consumers, mail_schemas, schemas, store, suppression_store  # noqa: F401 (its table)
from .mail import MailDeliveryLoop
from .webhooks import WebhookDeliveryLoop


def blueprints():
    """The api's routes (imported here, so the worker never loads them)."""
    from . import api, mail_api

    return [api.blueprint, mail_api.blueprint]


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
    schemas={**schemas.SCHEMAS, **mail_schemas.SCHEMAS},
    events=schemas.EVENTS,
    blueprints=blueprints,
    subscriptions=consumers.subscriptions,
    timers=timers,
)
