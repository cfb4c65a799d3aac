"""gateway.live's hub on its own loop: what a subscription gets, resumes, filters and may see."""
import asyncio
import json

from gateway import live
from services.kit.cloudevents import CloudEvent


def status(track: str, now: str, event: str = "denver") -> CloudEvent:
    return CloudEvent(type="ptghub.schedule.status.changed", source="/ptghub/schedule", subject=f"{event}/{track}",
                      data={"event": event, "track": track, "name": track, "now": now, "next": [], "location": None})


def motd(event: str = "denver") -> CloudEvent:
    return CloudEvent(type="ptghub.schedule.motd.changed", source="/ptghub/schedule", subject=event,
                      data={"event": event, "items": [{"id": "m1", "number": 1, "level": "info", "message": "lunch"}]})


def items() -> CloudEvent:
    item = {"id": "i1", "kind": "action", "text": "mgoddard write the spec", "owners": ["mgoddard"]}
    return CloudEvent(type=live.NOTE_ITEMS, source="/ptghub/notes", subject="s1",
                      data={"note": {"id": "s1", "kind": "session", "session_id": "s1", "event": "denver",
                                     "track": "kolla", "slug": None},
                            "revision": 3, "added": [item], "changed": [], "removed": []})


def parse(frame: bytes) -> dict:
    fields = {}
    for line in frame.decode().strip().splitlines():
        key, _, value = line.partition(": ")
        fields[key] = value
    return fields


async def drain(subscription, count: int) -> list[dict]:
    return [parse(await asyncio.wait_for(subscription.next(), 1)) for _ in range(count)]


def pending(subscription) -> int:
    return subscription._queue.qsize()


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_frame_is_the_cloudevent_with_its_id_and_type():
    async def scenario():
        hub = live.Hub()
        subscription = hub.subscribe("denver")
        change = status("nova", "cells v2")
        hub.publish(change)
        (got,) = await drain(subscription, 1)
        assert got["id"] == change.id and got["event"] == "ptghub.schedule.status.changed"
        envelope = json.loads(got["data"])
        assert envelope["id"] == change.id and envelope["data"]["now"] == "cells v2"
        assert envelope["specversion"] == "1.0" and envelope["subject"] == "denver/nova"
    run(scenario())


def test_other_gatherings_and_other_types_stay_out_and_a_repeat_comes_once():
    async def scenario():
        hub = live.Hub()
        subscription = hub.subscribe("denver")
        seen = []
        hub.listen(seen.append)
        hub.publish(status("nova", "x", event="shanghai"))
        hub.publish(CloudEvent(type="ptghub.notify.message.sent", source="/ptghub/notify", data={"id": "m"}))
        change = status("nova", "y")
        hub.publish(change)
        hub.publish(change)  # at-least-once delivery: the same id again
        assert [e.type for e in seen] == ["ptghub.schedule.status.changed", "ptghub.notify.message.sent",
                                          "ptghub.schedule.status.changed"], "listeners see every event once"
        (got,) = await drain(subscription, 1)
        assert got["id"] == change.id and pending(subscription) == 0
    run(scenario())


def test_a_track_filter_keeps_that_track_and_the_event_wide_ones():
    async def scenario():
        hub = live.Hub()
        subscription = hub.subscribe("denver", track="nova")
        hub.publish(status("kolla", "images"))
        hub.publish(status("nova", "cells v2"))
        hub.publish(motd())
        got = await drain(subscription, 2)
        assert [json.loads(g["data"])["type"] for g in got] == ["ptghub.schedule.status.changed",
                                                               "ptghub.schedule.motd.changed"]
        assert json.loads(got[0]["data"])["data"]["track"] == "nova" and pending(subscription) == 0
    run(scenario())


def test_last_event_id_resumes_after_it_and_an_unknown_one_is_a_reset():
    async def scenario():
        hub = live.Hub()
        changes = [status("nova", f"topic {n}") for n in range(4)]
        for change in changes:
            hub.publish(change)
        resumed = hub.subscribe("denver", last_event_id=changes[1].id)
        assert [g["id"] for g in await drain(resumed, 2)] == [changes[2].id, changes[3].id]
        assert pending(resumed) == 0
        lost = hub.subscribe("denver", last_event_id="not-kept")
        (reset,) = await drain(lost, 1)
        assert reset["event"] == "reset" and "id" not in reset
        assert json.loads(reset["data"])["last_event_id"] == "not-kept"
    run(scenario())


def test_events_older_than_the_replay_window_are_not_kept():
    async def scenario():
        hub = live.Hub(replay=0.05)
        old = status("nova", "old")
        hub.publish(old)
        await asyncio.sleep(0.1)
        hub.publish(status("nova", "new"))
        (reset,) = await drain(hub.subscribe("denver", last_event_id=old.id), 1)
        assert reset["event"] == "reset"
    run(scenario())


def test_anonymous_subscribers_get_a_notes_items_as_counts_and_token_holders_the_items():
    async def scenario():
        hub = live.Hub()
        public, full = hub.subscribe("denver"), hub.subscribe("denver", full=True)
        change = items()
        hub.publish(change)
        (anonymous,), (member,) = await drain(public, 1), await drain(full, 1)
        shown = json.loads(anonymous["data"])["data"]
        assert shown == {"note": change.data["note"], "revision": 3, "counts": {"added": 1, "changed": 0, "removed": 0}}
        assert "mgoddard" not in anonymous["data"]
        assert json.loads(member["data"])["data"]["added"][0]["text"] == "mgoddard write the spec"
    run(scenario())


def test_heartbeats_come_every_interval_and_a_closed_subscription_is_gone():
    async def scenario():
        hub = live.Hub(heartbeat=0.05)
        beat = asyncio.create_task(hub._heartbeats())
        subscription = hub.subscribe("denver")
        assert await asyncio.wait_for(subscription.next(), 1) == live.HEARTBEAT
        assert hub.subscribers("denver") == 1
        subscription.close()
        assert hub.subscribers() == 0
        beat.cancel()
    run(scenario())


def test_a_client_too_far_behind_has_its_stream_ended():
    async def scenario():
        hub = live.Hub()
        subscription = hub.subscribe("denver")
        for n in range(live.QUEUE_LIMIT + 1):
            hub.publish(status("nova", f"t{n}"))
        assert await asyncio.wait_for(subscription.next(), 1) is None
        assert hub.subscribers() == 0
    run(scenario())


def test_scope_of_each_streamed_kind():
    track = CloudEvent(type="ptghub.schedule.track.updated", source="s", subject="denver/nova",
                       data={"event": "denver", "slug": "nova"})
    room = CloudEvent(type="ptghub.schedule.room.updated", source="s", subject="denver/aspen",
                      data={"event": "denver", "slug": "aspen"})
    session = CloudEvent(type="ptghub.schedule.session.updated", source="s", subject="id1",
                         data={"event": "denver", "track": "nova", "id": "id1"})
    grid = CloudEvent(type="ptghub.schedule.slot.changed", source="s", subject="denver", data={"event": "denver"})
    event = CloudEvent(type="ptghub.schedule.event.updated", source="s", subject="denver", data={"slug": "denver"})
    assert live.scope_of(track) == ("denver", "nova")
    assert live.scope_of(room) == ("denver", None)
    assert live.scope_of(session) == ("denver", "nova")
    assert live.scope_of(grid) == ("denver", None)
    assert live.scope_of(event) == ("denver", None)
    assert live.scope_of(items()) == ("denver", "kolla")
    assert not live.streamed("ptghub.schedule.note.line") and not live.streamed("ptghub.notes.note.updated")
    assert live.streamed("ptghub.schedule.session.started") and live.streamed(live.NOTE_ITEMS)


def test_a_rebound_queue_resets_every_stream_and_runs_the_connect_hooks():
    async def scenario():
        hub = live.Hub()
        calls = []
        hub.on_connect(lambda: calls.append("bound"))
        subscription = hub.subscribe("denver")
        hub._bound()  # the first binding: nothing was missed
        assert calls == ["bound"] and pending(subscription) == 0
        hub._bound()  # after a broker loss: the new queue missed the gap
        (reset,) = await drain(subscription, 1)
        assert reset["event"] == "reset" and json.loads(reset["data"])["last_event_id"] is None
        assert calls == ["bound", "bound"]
    run(scenario())
