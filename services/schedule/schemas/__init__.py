"""Schedule request, response and event schemas: the one source of the OpenAPI and AsyncAPI documents.

One module per feature area; this package only merges their registries (``SCHEMAS``: named
components of openapi/schedule.yaml, ``EVENTS``: event type -> data schema for openapi/asyncapi.yaml).
"""
from . import exports, gathering, live

SCHEMAS = {**gathering.SCHEMAS, **exports.SCHEMAS, **live.SCHEMAS}
EVENTS = {**gathering.EVENTS, **live.EVENTS}
