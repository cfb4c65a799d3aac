"""An integration binds its own queue to the exchange instead of taking webhooks (docs/events.md,
openapi/asyncapi.yaml): consumed with kombu and parsed with the CloudEvents SDK's RabbitMQ binding
(neither is ptghub's code), after a real session change published through the schedule's outbox."""
from __future__ import annotations

import socket
import time
import uuid

import pytest
from cloudevents.core.bindings import rabbitmq
from kombu import Connection, Exchange, Queue

from services.schedule.descriptor import DESCRIPTOR as schedule_service

from ..conftest import ORGANISER
from .test_schedule import EVENT, session_body

pytestmark = pytest.mark.integration


def test_a_queue_of_ones_own_receives_a_session_change_as_a_structured_cloudevent(start_service, infra):
    schedule = start_service(schedule_service)
    # As docs/events.md shows: the durable topic exchange, one's own durable quorum queue, bound
    # with the routing keys (topic patterns over event types) one wants.
    exchange = Exchange(infra.exchange, type="topic", durable=True)
    queue = Queue(f"{infra.queue_prefix}.board-bot-{uuid.uuid4().hex[:6]}", exchange,
                  routing_key="ptghub.schedule.session.#", durable=True,
                  queue_arguments={"x-queue-type": "quorum"})
    received = []
    with Connection(infra.amqp_url) as connection:
        channel = connection.channel()
        bound = queue(channel)
        bound.declare()
        try:
            client = schedule.client
            assert client.post("/events", json=EVENT, headers=ORGANISER).status_code == 201
            assert client.post("/events/denver/rooms", json={"slug": "aspen", "name": "Aspen", "capacity": 40},
                               headers=ORGANISER).status_code == 201
            assert client.post("/events/denver/tracks", json={"slug": "kolla", "name": "Kolla"},
                               headers=ORGANISER).status_code == 201
            response = client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER)
            assert response.status_code == 201
            session = response.get_json()

            def on_message(message):
                received.append(message)
                message.ack()  # after the effect is stored, in real code

            with connection.Consumer(bound, on_message=on_message, prefetch_count=32):
                deadline = time.monotonic() + 15
                while not received and time.monotonic() < deadline:
                    try:
                        connection.drain_events(timeout=0.5)
                    except socket.timeout:
                        pass
        finally:
            bound.delete()
    assert received, "no event reached the queue"
    [message] = received  # the room, track and event changes do not match the binding
    assert message.delivery_info["routing_key"] == "ptghub.schedule.session.scheduled"
    assert message.content_type == "application/cloudevents+json"  # structured mode: the body is the event
    event = rabbitmq.from_rabbitmq_event(rabbitmq.RabbitMQMessage(
        headers=dict(message.headers or {}), content_type=message.content_type, body=message.body))
    assert event.get_type() == "ptghub.schedule.session.scheduled" and event.get_specversion() == "1.0"
    assert event.get_source() == "/ptghub/schedule" and event.get_subject() == session["id"]
    assert event.get_id() == message.properties["message_id"]  # deduplicate on it
    assert message.properties["type"] == event.get_type() and message.properties["delivery_mode"] == 2
    assert event.get_datacontenttype() == "application/json" and event.get_time() is not None
    data = event.get_data()
    assert data["id"] == session["id"] and data["title"] == "Python 3 images"
    assert data["start"] == "2019-05-02T09:00:00-06:00" and data["track"] == "kolla"
