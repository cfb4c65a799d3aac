"""The AsyncAPI document of ptghub's events, generated from the ``events`` of every publisher's descriptor.

``python -m services.kit.asyncapi`` writes ``openapi/asyncapi.yaml`` (AsyncAPI 2.6.0): the RabbitMQ
server, one channel per event type (the routing key is the type) whose message is the CloudEvents
1.0 envelope with ``data`` referencing the marshmallow-derived schema in ``components/schemas``,
and which service's queue consumes which patterns (read from each ``consumers.subscriptions``).
A test fails when the committed file differs from what the code generates.

The data schemas are converted by apispec's MarshmallowPlugin as OpenAPI 3.1 schemas, which are
plain JSON Schema (``type: [string, 'null']`` rather than OpenAPI 3.0's ``nullable``), so they
read as AsyncAPI's own (JSON Schema draft 7 based) schema format.
"""
from __future__ import annotations

import sys
from typing import Any

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from .cloudevents import CONTENT_TYPE, matches
from .descriptor import ServiceDescriptor
from .openapi import OPENAPI_DIR, without_email_format

ASYNCAPI_FILE = OPENAPI_DIR / "asyncapi.yaml"

# The defaults of PTGHUB_EXCHANGE and PTGHUB_QUEUE_PREFIX (services.kit.config). The document is
# generated from the code alone, never from the environment, so it is the same on every machine.
EXCHANGE = "ptghub.events"
QUEUE_PREFIX = "ptghub"
AMQP_BINDING_VERSION = "0.2.0"

DESCRIPTION = """\
Every change a ptghub service makes is announced as an event on the RabbitMQ topic exchange
`{exchange}` (durable). Each event is a CloudEvents 1.0 event in structured JSON mode:
the AMQP message body is the whole envelope, `content_type` is `{content_type}`,
`message_id` is the event `id`, and the AMQP `type` property and the routing key are the
event `type`, `ptghub.<service>.<entity>.<verb>`. `data` carries the whole resource after
the change, so a consumer never needs to call back. Messages are persistent (delivery mode 2).

## Binding your own queue

An integration declares its own durable queue (a quorum queue is best) and binds it to
`{exchange}` with the routing keys it needs, as AMQP topic patterns: `*` is one word, `#` is
zero or more words. For example `ptghub.schedule.session.#` receives every session event,
`ptghub.*.*.created` every creation and `#` everything. Consume with manual acks and ack only
once the event's effect is stored. In AMQP 0-9-1 terms:

1. `exchange.declare` `{exchange}`, type `topic`, durable (it exists already: declaring it with
   these arguments is harmless);
2. `queue.declare` a queue of one's own, durable, arguments `x-queue-type: quorum`;
3. `queue.bind` it to `{exchange}` once per routing-key pattern;
4. `basic.consume` with manual acks; parse each message as a **structured** CloudEvent (the body
   is the whole envelope and `content_type` is `{content_type}`; no `ce-` headers are sent), for
   example with the CloudEvents SDK's RabbitMQ binding
   (`cloudevents.core.bindings.rabbitmq.from_rabbitmq_event` in Python).

docs/events.md has the same with pika and with kombu.

## Idempotency

Delivery is at least once: a relay that crashes after publishing but before recording it
publishes again, and the broker redelivers what was not acked. Consumers must be idempotent by
event `id` — record the ids already handled, in the same transaction as the effect, and skip a
repeat. ptghub's own services do exactly this (an inbox table per service).

## ptghub's own consumers

Each consuming service has one durable quorum queue `{prefix}.<service>` with a delivery limit;
a message that keeps failing is dead-lettered through the direct exchange `{exchange}.dead`
to `{prefix}.<service>.dead`, from where it can be inspected and replayed. notify binds `#`
because webhook subscriptions may ask for any event.

| service | queue | binding patterns |
|---|---|---|
{consumers}
"""


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line strings, and never an anchor/alias (every node written out)."""

    def ignore_aliases(self, data):
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _schema_name(schema: type[Schema] | Schema, named: dict[str, Any]) -> str:
    """The name a service already gives ``schema`` in its ``SCHEMAS`` (as in its OpenAPI file), else its class name."""
    for name, candidate in named.items():
        if candidate is schema:
            return name
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema") or cls.__name__


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set()
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def service_events(descriptor: ServiceDescriptor) -> tuple[dict[str, str], dict[str, dict]]:
    """``({event type: data schema name}, {schema name: JSON schema})`` of one service.

    Only the schemas an event's data reaches (its own and the nested ones) are returned.
    """
    named = descriptor.schemas
    spec = APISpec(title=descriptor.name, version="1", openapi_version="3.1.0", plugins=[MarshmallowPlugin()])
    registered: dict[int, str] = {}
    # The service's named schemas first, so nested schemas get the names its OpenAPI file uses.
    for name, schema in named.items():
        spec.components.schema(name, schema=schema)
        registered[id(schema)] = name
    types: dict[str, str] = {}
    for event_type, schema in descriptor.events.items():
        name = _schema_name(schema, named)
        if id(schema) not in registered:
            spec.components.schema(name, schema=schema)
            registered[id(schema)] = name
        types[event_type] = registered[id(schema)]
    everything = without_email_format(spec.to_dict()).get("components", {}).get("schemas", {})
    reachable, todo = set(), set(types.values())
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        todo |= _refs(everything[name]) - reachable
    return types, {name: everything[name] for name in sorted(reachable)}


def consumer_patterns(descriptors: list[ServiceDescriptor]) -> dict[str, list[str]]:
    """``{service: [binding pattern, ...]}`` for every service that consumes events."""
    found = {}
    for descriptor in descriptors:
        subscriptions = descriptor.subscriptions(None) if descriptor.subscriptions else []
        patterns = sorted({s.pattern for s in subscriptions})
        if patterns:
            found[descriptor.name] = patterns
    return found


def _title(event_type: str) -> str:
    _ptghub, service, *rest = event_type.split(".")
    return f"{service}: {' '.join(rest)}"


def _operation_id(event_type: str) -> str:
    words = [w for part in event_type.split(".")[1:] for w in part.replace("-", "_").split("_")]
    return "on" + "".join(w[:1].upper() + w[1:] for w in words)


def envelope(service: str, event_type: str, data_schema: str) -> dict:
    """The CloudEvents 1.0 structured-mode envelope of one event type."""
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "time", "datacontenttype", "data"],
        "properties": {
            "specversion": {"type": "string", "const": "1.0"},
            "id": {"type": "string", "format": "uuid",
                   "description": "unique per event and the AMQP `message_id`; deduplicate on it"},
            "source": {"type": "string", "const": f"/ptghub/{service}"},
            "type": {"type": "string", "const": event_type},
            "subject": {"type": "string",
                        "description": "the resource the event is about: its id, or `<event>/<slug>`"},
            "time": {"type": "string", "format": "date-time", "description": "when the change was made (UTC)"},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "data": {"$ref": f"#/components/schemas/{data_schema}"},
        },
    }


def build(descriptors: list[ServiceDescriptor]) -> dict:
    consumers = consumer_patterns(descriptors)
    channels: dict[str, dict] = {}
    messages: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    for descriptor in descriptors:
        service = descriptor.name
        types, service_schemas = service_events(descriptor)
        for name, schema in service_schemas.items():
            if name in schemas and schemas[name] != schema:
                raise ValueError(f"two different event data schemas are both named {name!r}; rename one")
            schemas[name] = schema
        for event_type, data_schema in types.items():
            consumed_by = [s for s, patterns in consumers.items() if any(matches(p, event_type) for p in patterns)]
            messages[event_type] = {
                "name": event_type,
                "title": _title(event_type),
                "summary": f"`data`: the {data_schema} as the {service} service has it after the change",
                "contentType": CONTENT_TYPE,
                "tags": [{"name": service}],
                "payload": envelope(service, event_type, data_schema),
                "bindings": {"amqp": {"messageType": event_type, "bindingVersion": AMQP_BINDING_VERSION}},
                "x-ptghub-cloudevents-mode": "structured",
            }
            channels[event_type] = {
                "description": f"Routing key `{event_type}` on the `{EXCHANGE}` exchange.",
                "x-ptghub-publisher": service,
                "x-ptghub-consumers": consumed_by,
                "bindings": {"amqp": {
                    "is": "routingKey",
                    "exchange": {"name": EXCHANGE, "type": "topic", "durable": True, "autoDelete": False,
                                 "vhost": "/"},
                    "bindingVersion": AMQP_BINDING_VERSION,
                }},
                "subscribe": {
                    "operationId": _operation_id(event_type),
                    "summary": f"{_title(event_type)} (published by {service})",
                    "tags": [{"name": service}],
                    "bindings": {"amqp": {"deliveryMode": 2, "ack": True, "bindingVersion": AMQP_BINDING_VERSION}},
                    "message": {"$ref": f"#/components/messages/{event_type}"},
                },
            }
    table = "\n".join(
        f"| {service} | `{QUEUE_PREFIX}.{service}` | {', '.join(f'`{p}`' for p in patterns)} |"
        for service, patterns in consumers.items())
    return {
        "asyncapi": "2.6.0",
        "id": "urn:ptghub:events",
        "info": {
            "title": "ptghub events",
            "version": "1.0.0",
            "description": DESCRIPTION.format(exchange=EXCHANGE, content_type=CONTENT_TYPE, prefix=QUEUE_PREFIX,
                                              consumers=table),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "rabbitmq": {
                "url": "{host}:{port}",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The RabbitMQ broker ptghub publishes to (PTGHUB_AMQP_URL).",
                "variables": {"host": {"default": "localhost"}, "port": {"default": "5672"}},
                "security": [{"userPassword": []}],
            },
        },
        "x-ptghub-consumers": {
            service: {"queue": f"{QUEUE_PREFIX}.{service}", "deadLetterQueue": f"{QUEUE_PREFIX}.{service}.dead",
                      "patterns": patterns}
            for service, patterns in consumers.items()
        },
        "channels": channels,
        "components": {
            "securitySchemes": {"userPassword": {"type": "userPassword",
                                                 "description": "RabbitMQ user and password"}},
            "messages": messages,
            "schemas": dict(sorted(schemas.items())),
        },
    }


def render(descriptors: list[ServiceDescriptor]) -> str:
    return yaml.dump(build(descriptors), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def publishers() -> list[ServiceDescriptor]:
    """Everything that publishes events: the four services, and the gateway (``token.revoked``)."""
    from services import catalog  # the composition root: the commands' only way to the services

    return [*catalog.services(), catalog.gateway()]


def main(_argv: list[str]) -> int:
    ASYNCAPI_FILE.write_text(render(publishers()))
    print(f"wrote openapi/{ASYNCAPI_FILE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
