"""The committed API documents are exactly what the code generates (marshmallow is the one source).

When one of these fails, run ``make openapi`` and commit the regenerated files.
"""
import jsonschema
import pytest
import yaml

from services import catalog
from services.kit import asyncapi
from services.kit.config import SERVICE_NAMES
from services.kit.openapi import OPENAPI_DIR, render

STALE = "openapi/{name} is stale: run `make openapi` and commit the result"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_committed_openapi_document_is_current(service):
    path = OPENAPI_DIR / f"{service}.yaml"
    assert path.exists(), STALE.format(name=path.name)
    assert path.read_text() == render(catalog.service(service)), STALE.format(name=path.name)


def test_the_committed_asyncapi_document_is_current():
    path = asyncapi.ASYNCAPI_FILE
    assert path.exists(), STALE.format(name=path.name)
    assert path.read_text() == asyncapi.render(asyncapi.publishers()), STALE.format(name=path.name)


# -- what the AsyncAPI document says ----------------------------------------------------------

@pytest.fixture(scope="module")
def document():
    return asyncapi.build(asyncapi.publishers())


def all_events():
    return {event_type: descriptor.name for descriptor in asyncapi.publishers() for event_type in descriptor.events}


def test_every_event_type_has_a_channel_named_by_its_routing_key(document):
    assert set(document["channels"]) == set(all_events())
    for event_type, service in all_events().items():
        channel = document["channels"][event_type]
        exchange = channel["bindings"]["amqp"]["exchange"]
        assert (exchange["name"], exchange["type"], exchange["durable"]) == ("ptghub.events", "topic", True)
        assert channel["subscribe"]["bindings"]["amqp"]["deliveryMode"] == 2
        assert channel["x-ptghub-publisher"] == service
        message = document["components"]["messages"][event_type]
        assert channel["subscribe"]["message"] == {"$ref": f"#/components/messages/{event_type}"}
        assert message["contentType"] == "application/cloudevents+json"
        envelope = message["payload"]["properties"]
        assert set(envelope) == {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"}
        assert envelope["type"]["const"] == event_type
        assert envelope["source"]["const"] == f"/ptghub/{service}"
        data_schema = envelope["data"]["$ref"].rsplit("/", 1)[-1]
        assert data_schema in document["components"]["schemas"]


def test_the_gateway_announces_revoked_tokens(document):
    channel = document["channels"]["ptghub.gateway.token.revoked"]
    assert channel["x-ptghub-publisher"] == "gateway"
    data = document["components"]["schemas"]["TokenRevoked"]
    assert set(data["required"]) == {"id", "name", "role", "revoked_at"}


def test_operation_ids_are_unique(document):
    ids = [c["subscribe"]["operationId"] for c in document["channels"].values()]
    assert len(ids) == len(set(ids))


def test_every_schema_reference_resolves(document):
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in target, f"{ref} does not resolve"
            target = target[part]


def test_the_schemas_are_json_schema(document):
    for name, schema in {**document["components"]["schemas"],
                         **{m: v["payload"] for m, v in document["components"]["messages"].items()}}.items():
        jsonschema.Draft7Validator.check_schema(schema)


def test_a_real_event_matches_its_message(document):
    from datetime import datetime, timezone

    from services.actions.schemas.actions import ActionDumpSchema
    from services.kit.cloudevents import CloudEvent

    now = datetime(2019, 5, 2, 15, 30, tzinfo=timezone.utc)

    data = ActionDumpSchema().dump({
        "id": "a1", "title": "write the python3 images spec", "description": "",
        "owners": [{"name": "mgoddard", "nick": "mgoddard", "email": "mgoddard@example.org", "known": True}],
        "needs_owner": False, "due_date": None, "status": "open", "snoozed_until": None, "event": "denver",
        "track": "kolla", "session_id": None, "source": None, "version": 1, "created_at": now, "updated_at": now,
        "completed_at": None})
    event = CloudEvent(type="ptghub.actions.action.created", source="/ptghub/actions", data=data, subject="a1")
    validator = jsonschema.Draft7Validator(
        {"$ref": "#/components/messages/ptghub.actions.action.created/payload", "components": document["components"]})
    validator.validate(event.to_dict())
    bad = {**event.to_dict(), "data": {**data, "status": "finished"}}
    assert not validator.is_valid(bad)


def test_the_consumers_are_listed_from_the_code(document):
    expected = {}
    for descriptor in catalog.services():
        patterns = sorted({s.pattern for s in descriptor.subscriptions(None)})
        if patterns:
            expected[descriptor.name] = patterns
    listed = {service: entry["patterns"] for service, entry in document["x-ptghub-consumers"].items()}
    assert listed == expected
    assert "notes" in document["channels"]["ptghub.schedule.session.scheduled"]["x-ptghub-consumers"]
    for service, patterns in expected.items():
        assert f"`ptghub.{service}`" in document["info"]["description"]


def test_the_document_is_plain_yaml():
    text = asyncapi.render(asyncapi.publishers())
    assert "&id" not in text and "*id" not in text  # no anchors or aliases
    assert yaml.safe_load(text)["asyncapi"] == "2.6.0"
