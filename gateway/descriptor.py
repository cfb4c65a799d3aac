"""The gateway's descriptor: its token store and migrations (it has no routes of Flask's, no events)."""
from pathlib import Path

import gateway as package
from services.kit.descriptor import ServiceDescriptor

from . import SERVICE
from .store import Base

DESCRIPTOR = ServiceDescriptor(
    name=SERVICE,
    description=package.__doc__.strip().splitlines()[0],
    package_dir=Path(package.__file__).parent,
    metadata=Base.metadata,
)
