"""The gateway's live hub on the real broker: its own queue, the consumer thread handing events to
the loop, listeners and subscriptions; a broken message is left out, the hub goes on."""
import asyncio
import dataclasses
import json

import pika
import pytest

from gateway import live
from services.kit import config

from ..infra import publish_event

pytestmark = pytest.mark.integration


def run_hub(infra, scenario, **hub_settings):
    settings = dataclasses.replace(config.load("gateway"), amqp_url=infra.amqp_url, exchange=infra.exchange,
                                   queue_prefix=infra.queue_prefix)

    async def main():
        hub = live.Hub(**hub_settings)
        await hub.start(settings, wait=10)
        try:
            assert hub.connected, "the hub's queue is bound"
            return await scenario(hub)
        finally:
            await hub.stop()
    return asyncio.run(main())


def test_events_on_the_exchange_reach_listeners_and_subscribers_through_the_loop(infra):
    async def scenario(hub):
        loop = asyncio.get_running_loop()
        heard = []
        hub.listen(lambda e: heard.append((e.type, asyncio.get_running_loop() is loop)))
        board = hub.subscribe("denver")
        nova = hub.subscribe("denver", track="nova")

        def publish():
            channel_connection = pika.BlockingConnection(pika.URLParameters(infra.amqp_url))
            channel_connection.channel().basic_publish(infra.exchange, "ptghub.schedule.status.changed", b"not json")
            channel_connection.close()
            publish_event(infra.amqp_url, infra.exchange, "ptghub.actions.action.created", {"id": "a1"})
            kolla = publish_event(infra.amqp_url, infra.exchange, "ptghub.schedule.status.changed",
                                  {"event": "denver", "track": "kolla", "now": "images"}, subject="denver/kolla")
            mine = publish_event(infra.amqp_url, infra.exchange, "ptghub.schedule.status.changed",
                                 {"event": "denver", "track": "nova", "now": "cells v2"}, subject="denver/nova")
            return kolla, mine

        kolla, mine = await asyncio.to_thread(publish)
        first, second = [await asyncio.wait_for(board.next(), 5) for _ in range(2)]
        assert first.startswith(f"id: {kolla.id}\n".encode()) and second.startswith(f"id: {mine.id}\n".encode())
        only = await asyncio.wait_for(nova.next(), 5)
        assert json.loads(only.decode().split("data: ", 1)[1])["data"]["now"] == "cells v2"
        assert heard == [("ptghub.actions.action.created", True), ("ptghub.schedule.status.changed", True),
                         ("ptghub.schedule.status.changed", True)], "every readable event, on the loop"
        return True

    assert run_hub(infra, scenario)
