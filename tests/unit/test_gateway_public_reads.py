"""The gateway's kept public reads (gateway/public_reads.py): what a change drops, what an overtaken
fetch may not keep, which paths are public and which writes are the schedule's, the events a write
through this worker made, the weak ETag comparison."""
import time

from gateway import app as gateway_app
from gateway.public_reads import Entry, PublicReads, _etag_matches, event_of, public_get_paths, schedule_writes

BASE = "/api/v1"


def entry(event, body=b"{}"):
    return Entry(200, [(b"etag", b'W/"1"')], body, b'W/"1"', event, time.monotonic() + 30)


def test_a_change_drops_its_event_and_the_eventless_entries_and_names_those_read_lately():
    reads = PublicReads(ttl=30)
    for key, event in ((("/api/v1/events/a/ptg.json",), "a"), (("/api/v1/events/b/ptg.json",), "b"),
                       (("/api/v1/events",), None)):
        reads.keep(key, entry(event), reads.generation(event))
    assert reads.drop("a") == [("/api/v1/events/a/ptg.json",), ("/api/v1/events",)]
    assert set(reads.entries) == {("/api/v1/events/b/ptg.json",)}
    assert reads.drop(None) == [("/api/v1/events/b/ptg.json",)] and not reads.entries and reads.size == 0


def test_a_fetch_overtaken_by_a_change_is_not_kept():
    reads = PublicReads(ttl=30)
    before = reads.generation("a")
    reads.changed("a")
    reads.keep(("k",), entry("a"), before)
    assert reads.fresh(("k",)) is None
    reads.keep(("k",), entry("a"), reads.generation("a"))
    assert reads.fresh(("k",)) is not None


def test_entries_expire_and_the_size_stays_bounded():
    reads = PublicReads(ttl=30, max_bytes=10)
    stale = entry("a")
    stale.expires = time.monotonic() - 1
    reads.keep(("old",), stale, reads.generation("a"))
    assert reads.fresh(("old",)) is None
    reads.keep(("one",), entry("a", b"123456"), reads.generation("a"))
    reads.keep(("two",), entry("a", b"123456"), reads.generation("a"))
    assert list(reads.entries) == [("two",)] and reads.size == 6


def test_the_public_gets_are_the_documents_security_free_ones():
    patterns = public_get_paths(gateway_app.SPEC, BASE)
    public = ["/api/v1/events", "/api/v1/events/den/ptg.json", "/api/v1/events/den/sessions", "/api/v1/events/den/board"]
    private = ["/api/v1/actions", "/api/v1/tokens", "/api/v1/webhooks", "/api/v1/events/den/search"]
    assert all(any(p.match(path) for p in patterns) for path in public)
    assert not any(p.match(path) for p in patterns for path in private)
    assert event_of("/api/v1/events/den/ptg.json", BASE) == "den" and event_of("/api/v1/sessions/x", BASE) is None


def test_if_none_match_compares_weakly():
    assert _etag_matches(b'"1"', b'W/"1"') and _etag_matches(b'W/"0", W/"1"', b'W/"1"') and _etag_matches(b"*", b'"1"')
    assert not _etag_matches(b'W/"2"', b'W/"1"')


def test_a_change_names_the_keys_being_fetched_of_its_event_to_fetch_again():
    reads = PublicReads(ttl=30)
    reads.inflight[("/api/v1/events/a/ptg.json",)] = object()
    reads.inflight_events[("/api/v1/events/a/ptg.json",)] = "a"
    reads.inflight[("/api/v1/events/b/ptg.json",)] = object()
    reads.inflight_events[("/api/v1/events/b/ptg.json",)] = "b"
    assert reads.drop("a") == [("/api/v1/events/a/ptg.json",)]
    assert reads.drop(None) == [("/api/v1/events/a/ptg.json",), ("/api/v1/events/b/ptg.json",)]


def test_the_events_a_write_made_are_known_once_when_heard_and_bounded():
    reads = PublicReads(ttl=30)
    reads.made(["e1", "e2"])
    assert reads.heard("e1") and not reads.heard("e1") and not reads.heard("other") and reads.heard("e2")
    reads.made([f"x{n}" for n in range(5000)])
    assert len(reads.own_events) == 4096 and not reads.heard("x0") and reads.heard("x4999")


def test_the_schedule_writes_are_the_documents_schedule_operations():
    writes = schedule_writes(gateway_app.SPEC, BASE)

    def schedule(method, path):
        return any(m == method and p.match(path) for m, p in writes)

    assert schedule("POST", "/api/v1/events/den/tracks/nova/status/now")
    assert schedule("POST", "/api/v1/events/den/ptgbot/commands") and schedule("PATCH", "/api/v1/sessions/x")
    assert not schedule("PUT", "/api/v1/events/den/tracks/nova/note")  # notes'
    assert not schedule("POST", "/api/v1/actions") and not schedule("GET", "/api/v1/events/den/ptg.json")
