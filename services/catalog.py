"""The composition root of the whole system: every service's descriptor, and the gateway's store.

The kit's commands (``python -m services.kit.openapi | asyncapi | manage``) and the tests take
their services from here; nothing else lists them.
"""
from __future__ import annotations

from services.kit.descriptor import ServiceDescriptor


def services() -> list[ServiceDescriptor]:
    """The four services, in the order of ``services.kit.config.SERVICE_NAMES``."""
    from services.actions.descriptor import DESCRIPTOR as actions
    from services.notes.descriptor import DESCRIPTOR as notes
    from services.notify.descriptor import DESCRIPTOR as notify
    from services.schedule.descriptor import DESCRIPTOR as schedule

    return [schedule, notes, actions, notify]


def service(name: str) -> ServiceDescriptor:
    for descriptor in services():
        if descriptor.name == name:
            return descriptor
    raise KeyError(f"no service {name!r}")


def gateway() -> ServiceDescriptor:
    """The gateway is no service, but its token store migrates the same way."""
    from gateway.descriptor import DESCRIPTOR

    return DESCRIPTOR


def databases() -> list[ServiceDescriptor]:
    """Everything with a database to migrate: the services and the gateway."""
    return [*services(), gateway()]
