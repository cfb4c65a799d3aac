"""The event types a webhook filter may name: every type in the published event catalogue
(``openapi/asyncapi.yaml``, generated from the services' event registries) and notify's own.
Read once per process."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import yaml

from services.kit.logs import log

from .schemas import EVENTS

logger = logging.getLogger(__name__)

# services.kit.asyncapi.ASYNCAPI_FILE, named without importing the generators (the worker loads no Flask).
CATALOGUE = Path(__file__).resolve().parents[2] / "openapi" / "asyncapi.yaml"


@functools.lru_cache(maxsize=1)
def known() -> frozenset[str] | None:
    """Every known event type; None when the catalogue cannot be read (filters are then checked
    for their syntax only, and the reason logged)."""
    try:
        channels = yaml.safe_load(CATALOGUE.read_text()).get("channels") or {}
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        log(logger, logging.WARNING, "event catalogue unreadable; webhook filters are not checked against it",
            path=str(CATALOGUE), error=str(exc))
        return None
    return frozenset(channels) | frozenset(EVENTS)
