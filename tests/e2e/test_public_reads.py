"""The gateway's cache of public reads (gateway/public_reads.py) through the real stack: anonymous
GETs served from memory (``Age``), revalidated with a 304 by the gateway itself, true again right
after a write through the gateway, never used for a caller with a token."""
from __future__ import annotations

import pytest
import requests

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "cache", "name": "Cache PTG", "timezone": "UTC", "start_date": "2031-05-05",
         "end_date": "2031-05-09", "organisers": ["ttx"]}


def test_public_reads_are_kept_and_become_true_again_after_a_write(start_stack):
    stack = start_stack(postgres=False)
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/cache/rooms"), json={"slug": "aspen", "name": "Aspen"}).status_code == 201
    assert s.post(stack.url("/events/cache/tracks"), json={"slug": "nova", "name": "Nova"}).status_code == 201

    public = requests.Session()
    first = public.get(stack.url("/events/cache/sessions"))
    assert first.status_code == 200 and first.json()["items"] == [] and "age" not in first.headers
    # kept once the answer is in (a fetch the writes' events overtook is not kept, and is made again)
    wait_until(lambda: "age" in public.get(stack.url("/events/cache/sessions")).headers, timeout=10,
               message="the listing served from the gateway's cache")
    again = public.get(stack.url("/events/cache/sessions"))
    assert again.status_code == 200 and again.json() == first.json()
    authenticated = s.get(stack.url("/events/cache/sessions"))
    assert authenticated.status_code == 200 and "age" not in authenticated.headers  # a token is never served a copy

    ptg = public.get(stack.url("/events/cache/ptg.json"))
    assert ptg.status_code == 200 and ptg.headers.get("etag")
    wait_until(lambda: "age" in public.get(stack.url("/events/cache/ptg.json")).headers, timeout=10,
               message="ptg.json served from the gateway's cache")
    kept = public.get(stack.url("/events/cache/ptg.json"), headers={"If-None-Match": ptg.headers["etag"]})
    assert kept.status_code == 304 and "age" in kept.headers and kept.headers["etag"] == ptg.headers["etag"]

    created = s.post(stack.url("/events/cache/sessions"), json={
        "title": "Cells v2", "track": "nova", "room": "aspen",
        "start": "2031-05-05T09:00:00+00:00", "end": "2031-05-05T10:00:00+00:00"})
    assert created.status_code == 201, created.text
    # The next reader gets the new answers from the gateway (its copy, or the fetch it waits for).
    # Whether the write waited for that fetch does not show here: bench/public_reads.py times it.
    after = public.get(stack.url("/events/cache/sessions"))
    assert [item["title"] for item in after.json()["items"]] == ["Cells v2"] and "age" in after.headers
    changed = public.get(stack.url("/events/cache/ptg.json"), headers={"If-None-Match": ptg.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != ptg.headers["etag"] and "age" in changed.headers
    assert "ptghub-committed-events" not in {k.lower() for k in created.headers}  # kept from the client

    missing = public.get(stack.url("/events/nowhere/sessions"))
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    assert "age" not in public.get(stack.url("/events/nowhere/sessions")).headers  # only 200s are kept


def test_a_change_the_gateway_only_hears_of_drops_the_kept_read(start_stack):
    """A change that does not pass through this gateway (here: straight to the schedule's port, as
    another gateway or a timer would make one) reaches it on its live queue and drops the kept read."""
    from services.kit import identity

    stack = start_stack(postgres=False)
    s = stack.session
    assert s.post(stack.url("/events"), json={**EVENT, "slug": "heard"}).status_code == 201
    public = requests.Session()
    ptg = stack.url("/events/heard/ptg.json")
    wait_until(lambda: "age" in public.get(ptg).headers, timeout=10, message="ptg.json kept")
    key = (stack.var_dir / "internal-key").read_bytes().strip()
    signed = identity.sign({"sub": "other-gateway", "name": "ttx", "role": "organiser", "tracks": []},
                           audience="schedule", key=key)
    schedule = f"http://127.0.0.1:{stack.env['PTGHUB_SCHEDULE_PORT']}"
    changed = requests.post(f"{schedule}/events/heard/motd", json={"message": "lunch is served", "level": "info"},
                            headers={identity.HEADER: signed})
    assert changed.status_code in (200, 201), changed.text
    wait_until(lambda: any(m["message"] == "lunch is served" for m in public.get(ptg).json()["motd"]), timeout=10,
               message="the kept ptg.json dropped on the change's event")
