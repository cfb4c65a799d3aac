"""The gateway's descriptor: its token store, its migrations and the one event it publishes.

The gateway has no Flask routes (it is a connexion app, ``gateway.app``) and no durable queue; its
worker (``python -m gateway.worker``) is the outbox relay alone. The app's processes follow the
exchange on exclusive queues of their own for the live stream (:mod:`gateway.live`).
"""
from pathlib import Path

import gateway as package
from services.kit.descriptor import ServiceDescriptor

from . import SERVICE
from .schemas import EVENTS
from .store import Base

DESCRIPTOR = ServiceDescriptor(
    name=SERVICE,
    description=package.__doc__.strip().splitlines()[0],
    package_dir=Path(package.__file__).parent,
    metadata=Base.metadata,
    events=EVENTS,
)
