"""The gateway's kept public reads (gateway/public_reads.py): what a change drops, what an overtaken
fetch may not keep, which paths are public, the weak ETag comparison."""
import time

from gateway import app as gateway_app
from gateway.public_reads import Entry, PublicReads, _etag_matches, event_of, public_get_paths

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
