"""RabbitMQ over pika: topology, a publisher that waits for a whole batch's confirms, a consumer.

pika connections are not thread-safe: every object here owns its connection and is used from the
one thread that created it.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import pika
from pika.exceptions import AMQPError

from .cloudevents import CONTENT_TYPE

logger = logging.getLogger(__name__)


class PublishError(RuntimeError):
    pass


def connection_parameters(url: str) -> pika.URLParameters:
    parameters = pika.URLParameters(url)
    parameters.heartbeat = 30
    parameters.blocked_connection_timeout = 30
    parameters.connection_attempts = 1
    parameters.socket_timeout = 5
    return parameters


def declare_exchange(channel, exchange: str) -> None:
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)


def declare_service_queue(channel, exchange: str, queue: str, dead_letter_exchange: str,
                          dead_letter_queue: str, bindings: list[str], delivery_limit: int) -> None:
    """A durable quorum queue bound to ``bindings``, dead-lettering to its own ``.dead`` queue."""
    declare_exchange(channel, exchange)
    channel.exchange_declare(exchange=dead_letter_exchange, exchange_type="direct", durable=True)
    channel.queue_declare(queue=dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(queue=dead_letter_queue, exchange=dead_letter_exchange, routing_key=queue)
    channel.queue_declare(
        queue=queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": dead_letter_exchange,
            "x-dead-letter-routing-key": queue,
            "x-delivery-limit": delivery_limit,
        },
    )
    for routing_key in bindings:
        channel.queue_bind(queue=queue, exchange=exchange, routing_key=routing_key)


@dataclass(frozen=True)
class OutgoingMessage:
    event_id: str
    event_type: str
    body: bytes


class ConfirmingPublisher:
    """Publishes a batch of persistent messages, then waits for the broker to confirm the batch.

    Built on pika's ``SelectConnection`` driven from the calling thread, so many publishes are in
    flight at once (a window of a whole batch) instead of one round trip per message.
    """

    def __init__(self, url: str, exchange: str):
        self.url = url
        self.exchange = exchange
        self._connection: pika.SelectConnection | None = None
        self._channel = None
        self._ready = False
        self._error: str | None = None
        self._next_tag = 0
        self._outstanding: dict[int, str] = {}
        self._confirmed: set[str] = set()

    # -- connection lifecycle -------------------------------------------------------------
    def _open(self, timeout: float) -> None:
        self._ready = False
        self._error = None
        self._next_tag = 0
        self._outstanding.clear()
        self._connection = pika.SelectConnection(
            connection_parameters(self.url),
            on_open_callback=self._on_connection_open,
            on_open_error_callback=self._on_connection_error,
            on_close_callback=self._on_connection_closed,
        )
        self._drive(lambda: self._ready, timeout)

    def _on_connection_open(self, connection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_connection_error(self, _connection, error) -> None:
        self._fail(f"cannot connect: {error!r}")

    def _on_connection_closed(self, _connection, reason) -> None:
        self._fail(f"connection closed: {reason!r}")

    def _on_channel_open(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(lambda _ch, reason: self._fail(f"channel closed: {reason!r}"))
        channel.exchange_declare(
            exchange=self.exchange, exchange_type="topic", durable=True, callback=self._on_exchange_ok
        )

    def _on_exchange_ok(self, _frame) -> None:
        self._channel.confirm_delivery(ack_nack_callback=self._on_confirm, callback=self._on_confirm_ok)

    def _on_confirm_ok(self, _frame) -> None:
        self._ready = True
        self._wake()

    def _on_confirm(self, frame) -> None:
        method = frame.method
        acked = isinstance(method, pika.spec.Basic.Ack)
        tags = [t for t in self._outstanding if t <= method.delivery_tag] if method.multiple else [method.delivery_tag]
        for tag in tags:
            event_id = self._outstanding.pop(tag, None)
            if event_id is not None and acked:
                self._confirmed.add(event_id)
        self._wake()

    def _fail(self, message: str) -> None:
        self._error = message
        self._ready = False
        self._wake()

    def _wake(self) -> None:
        if self._connection is not None:
            self._connection.ioloop.stop()

    def _drive(self, done, timeout: float) -> None:
        """Run the connection's I/O loop in this thread until ``done()`` or an error or timeout."""
        ioloop = self._connection.ioloop
        deadline = time.monotonic() + timeout
        while not done():
            if self._error:
                raise PublishError(self._error)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishError("timed out waiting for the broker")
            timer = ioloop.call_later(min(remaining, 0.5), ioloop.stop)
            ioloop.start()
            ioloop.remove_timeout(timer)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if connection.is_open:
                connection.close()
                self._connection = connection
                self._drive(lambda: connection.is_closed, 2)
        except Exception:  # closing a broken connection: nothing left to save
            pass
        finally:
            self._connection = None

    # -- publishing -----------------------------------------------------------------------
    def publish_batch(self, messages: list[OutgoingMessage], timeout: float = 10.0) -> set[str]:
        """Publish every message and return the ids the broker confirmed (acked) within ``timeout``."""
        self._confirmed = set()
        try:
            if self._connection is None or not self._ready or self._error:
                self.close()
                self._open(timeout)
            for message in messages:
                self._next_tag += 1
                self._outstanding[self._next_tag] = message.event_id
                self._channel.basic_publish(
                    exchange=self.exchange,
                    routing_key=message.event_type,
                    body=message.body,
                    properties=pika.BasicProperties(
                        content_type=CONTENT_TYPE,
                        delivery_mode=pika.DeliveryMode.Persistent,
                        message_id=message.event_id,
                        type=message.event_type,
                    ),
                )
            self._drive(lambda: not self._outstanding, timeout)
        except (PublishError, AMQPError) as exc:
            logger.warning("publish interrupted: %s", exc)
            self.close()
        return set(self._confirmed)


class Consumer:
    """Consumes one service queue with manual acks, reconnecting after any broker loss.

    ``handle(body, properties)`` returns normally when the effect is committed (the message is
    then acked) or raises (the message is rejected with requeue, which counts toward the quorum
    queue's delivery limit; past it the broker dead-letters it).
    """

    def __init__(self, url: str, declare, queue: str, handle, stop: threading.Event, prefetch: int = 32):
        self.url = url
        self.declare = declare
        self.queue = queue
        self.handle = handle
        self.stop = stop
        self.prefetch = prefetch
        self.connected = threading.Event()

    def run(self) -> None:
        """Consume until ``stop`` is set; a broker lost while stopping ends the loop without a word."""
        backoff = 0.5
        while not self.stop.is_set():
            try:
                self._consume()
                backoff = 0.5
            except (AMQPError, OSError) as exc:
                self.connected.clear()
                if self.stop.is_set():
                    logger.debug("consumer stopped while the broker connection broke (%r)", exc)
                    return
                logger.warning("consumer lost the broker (%r); reconnecting in %.1fs", exc, backoff)
                self.stop.wait(backoff)
                backoff = min(backoff * 2, 15)

    def _consume(self) -> None:
        connection = pika.BlockingConnection(connection_parameters(self.url))
        try:
            channel = connection.channel()
            self.declare(channel)
            channel.basic_qos(prefetch_count=self.prefetch)
            channel.basic_consume(queue=self.queue, on_message_callback=self._on_message, auto_ack=False)
            self.connected.set()
            while not self.stop.is_set():
                connection.process_data_events(time_limit=0.5)
        finally:
            self.connected.clear()
            if connection.is_open:
                try:
                    connection.close()
                except (AMQPError, OSError):  # already broken: nothing left to close
                    pass

    def _on_message(self, channel, method, properties, body) -> None:
        try:
            self.handle(body, properties)
        except Exception:
            logger.exception("handling message %s failed; rejecting it", properties.message_id)
            time.sleep(0.2)
            channel.basic_reject(delivery_tag=method.delivery_tag, requeue=True)
        else:
            channel.basic_ack(delivery_tag=method.delivery_tag)


def broker_reachable(url: str) -> bool:
    try:
        connection = pika.BlockingConnection(connection_parameters(url))
    except (AMQPError, OSError):
        return False
    connection.close()
    return True
