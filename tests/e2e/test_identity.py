"""Identities the services can verify, through real processes as ``make run`` starts them.

A forged principal sent straight to a service's port does nothing; a chair writes only its own
(event, track) pairs; ownership is by token id, never by name; revoking a token is announced and
disables its webhooks. One stack serves the module (each test uses its own events and tokens).
"""
from __future__ import annotations

import json

import pytest
import requests

from services.kit import identity
from services.kit.config import SERVICE_NAMES

from ..infra import wait_until
from .conftest import TOKEN, Stack, bearer_session, issue_token, module_stack, session_with_new_token

pytestmark = pytest.mark.e2e

REVOKED = "ptghub.gateway.token.revoked"


@pytest.fixture(scope="module")
def stack(infra, tmp_path_factory):
    with module_stack(infra, tmp_path_factory.mktemp("identity") / "var") as stack:
        yield stack


def service_url(stack: Stack, service: str, path: str) -> str:
    return f"http://127.0.0.1:{stack.env[f'PTGHUB_{service.upper()}_PORT']}{path}"


def lay_out(stack: Stack, slug: str, track: str = "nova") -> dict:
    """An event with a room, a track and one session in it; returns the session."""
    s = stack.session
    event = {"slug": slug, "name": f"{slug} PTG", "timezone": "UTC", "start_date": "2030-05-02",
             "end_date": "2030-05-03"}
    assert s.post(stack.url("/events"), json=event).status_code == 201
    assert s.post(stack.url(f"/events/{slug}/rooms"), json={"slug": "r1", "name": "Room 1"}).status_code == 201
    assert s.post(stack.url(f"/events/{slug}/tracks"), json={"slug": track, "name": track}).status_code == 201
    return create_session(s, stack, slug, track, "09:00")


def create_session(session: requests.Session, stack: Stack, slug: str, track: str, at: str,
                   expect: int = 201) -> dict:
    hour = int(at[:2])
    response = session.post(stack.url(f"/events/{slug}/sessions"), json={
        "track": track, "room": "r1", "start": f"2030-05-02T{at}:00+00:00",
        "end": f"2030-05-02T{hour:02d}:45:00+00:00", "title": f"{track} at {at}"})
    assert response.status_code == expect, response.text
    return response.json()


# -- a forged principal, straight to each service's port --------------------------------------------

ORGANISER = {"sub": "forger", "name": "forger", "role": "organiser", "tracks": []}


def forged_headers(key: bytes, audience: str) -> dict[str, str]:
    other = next(s for s in SERVICE_NAMES if s != audience)
    return {
        "an unsigned JSON principal": json.dumps(ORGANISER),
        "a JWT signed with another key": identity.sign(ORGANISER, audience=audience, key=b"not the key" * 4),
        "an expired JWT": identity.sign(ORGANISER, audience=audience, key=key,
                                        ttl=-(identity.LEEWAY_SECONDS + 30)),
        f"a JWT signed for {other}": identity.sign(ORGANISER, audience=other, key=key),
    }


def writes(session_id: str) -> dict[str, tuple[str, str, dict]]:
    """For each service, a write an organiser may make: (method, path, body)."""
    return {
        "schedule": ("POST", "/events", {"slug": "forged", "name": "Forged", "timezone": "UTC",
                                         "start_date": "2030-01-01", "end_date": "2030-01-02"}),
        "notes": ("PUT", f"/sessions/{session_id}/note", {"body": "#agreed forged", "revision": 0}),
        "actions": ("POST", "/actions", {"title": "forged action", "owners": ["forger"]}),
        "notify": ("POST", "/webhooks", {"url": "http://127.0.0.1:9/forged", "event_types": ["#"]}),
    }


READS = {"schedule": "/events", "notes": "/summaries/none", "actions": "/actions", "notify": "/webhooks"}


def test_a_forged_principal_sent_straight_to_a_service_does_nothing(stack):
    key_file = stack.var_dir / identity.KEY_FILE
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600, "make run keeps the key under var/"
    key = key_file.read_text().strip().encode()
    session = lay_out(stack, "forgery")
    wait_until(lambda: stack.session.get(stack.url(f"/sessions/{session['id']}/note")).status_code == 200,
               timeout=20, message="the session's note")

    for service, (method, path, body) in writes(session["id"]).items():
        url = service_url(stack, service, path)
        for what, header in {"no principal at all": None, **forged_headers(key, service)}.items():
            headers = {identity.HEADER: header} if header is not None else {}
            response = requests.request(method, url, json=body, headers=headers, timeout=10)
            assert response.status_code == 401, f"{service} took {what}: {response.status_code} {response.text}"
            assert response.headers["content-type"] == "application/problem+json", (service, what)
            assert identity.HEADER in response.json()["errors"], (service, what)
        # the same key, this service's audience: the port is the right one, only the forgeries failed
        genuine = identity.sign(ORGANISER, audience=service, key=key)
        control = requests.get(service_url(stack, service, READS[service]), headers={identity.HEADER: genuine},
                               timeout=10)
        assert control.status_code in (200, 404), f"{service}: {control.status_code} {control.text}"
        assert control.status_code != 401

    # nothing was done, as the gateway shows it
    s = stack.session
    assert s.get(stack.url("/events/forged")).status_code == 404
    assert s.get(stack.url(f"/sessions/{session['id']}/note")).json()["revision"] == 0
    assert not [a for a in s.get(stack.url("/actions?limit=500")).json()["items"] if a["title"] == "forged action"]
    assert not [w for w in s.get(stack.url("/webhooks?limit=500")).json()["items"] if "forged" in w["url"]]


# -- chair scope is per event -----------------------------------------------------------------------

def test_a_chair_token_is_validated(stack):
    s = stack.session
    none = s.post(stack.url("/tokens"), json={"name": "nova chairs", "role": "chair"})
    assert none.status_code == 422 and set(none.json()["errors"]) == {"tracks"}
    slugs = s.post(stack.url("/tokens"), json={"name": "nova chairs", "role": "chair", "tracks": ["nova"]})
    assert slugs.status_code == 400 and list(slugs.json()["errors"]) == ["tracks.0"]
    assert slugs.headers["content-type"] == "application/problem+json"


def test_a_chair_of_nova_in_one_event_writes_nothing_of_nova_in_another(stack):
    in_a, in_b = lay_out(stack, "chair-a"), lay_out(stack, "chair-b")
    chair = session_with_new_token(stack, name="nova chairs", role="chair",
                                   tracks=[{"event": "chair-a", "track": "nova"}])

    create_session(chair, stack, "chair-b", "nova", "11:00", expect=403)
    patched = chair.patch(stack.url(f"/sessions/{in_b['id']}"), json={"title": "hijacked"})
    assert patched.status_code == 403, patched.text
    now = chair.post(stack.url("/events/chair-b/tracks/nova/status/now"), json={"text": "hijacked"})
    assert now.status_code == 403, now.text
    assert stack.session.get(stack.url(f"/sessions/{in_b['id']}")).json()["title"] == "nova at 09:00"
    assert stack.session.get(stack.url("/events/chair-b/tracks/nova/status")).json().get("now") != "hijacked"

    create_session(chair, stack, "chair-a", "nova", "11:00")
    patched = chair.patch(stack.url(f"/sessions/{in_a['id']}"), json={"title": "cells v2"})
    assert patched.status_code == 200 and patched.json()["title"] == "cells v2", patched.text
    now = chair.post(stack.url("/events/chair-a/tracks/nova/status/now"), json={"text": "cells v2"})
    assert now.status_code == 200, now.text


# -- ownership by token id ----------------------------------------------------------------------------

def subscribe(session: requests.Session, stack: Stack, url: str) -> dict:
    response = session.post(stack.url("/webhooks"), json={"url": url, "event_types": ["ptghub.schedule.#"]})
    assert response.status_code == 201, response.text
    return response.json()


def test_two_integrations_named_bot_see_only_their_own_webhooks(stack, webhook_receiver):
    first, second = (issue_token(stack, name="bot", role="integration") for _ in range(2))
    assert first["id"] != second["id"]
    bots = {t["id"]: bearer_session(t["token"]) for t in (first, second)}
    hooks = {token_id: subscribe(bot, stack, webhook_receiver.url)["id"] for token_id, bot in bots.items()}

    for token_id, bot in bots.items():
        mine = hooks[token_id]
        theirs = next(h for t, h in hooks.items() if t != token_id)
        listed = bot.get(stack.url("/webhooks")).json()["items"]
        assert [w["id"] for w in listed] == [mine] and listed[0]["owner"] == token_id
        assert bot.get(stack.url(f"/webhooks/{mine}")).status_code == 200
        assert bot.get(stack.url(f"/webhooks/{theirs}")).status_code == 404
        assert bot.get(stack.url(f"/webhooks/{theirs}/deliveries")).status_code == 404
        assert bot.delete(stack.url(f"/webhooks/{theirs}")).status_code == 404
    every = {w["id"] for w in stack.session.get(stack.url("/webhooks?limit=500")).json()["items"]}
    assert set(hooks.values()) <= every, "an organiser sees both"


def test_revoking_a_token_is_announced_and_it_works_no_more(stack, probe):
    bot = issue_token(stack, name="bot", role="integration")
    assert stack.session.delete(stack.url(f"/tokens/{bot['id']}")).status_code == 204
    event = probe.wait_for(REVOKED, lambda e: e["subject"] == bot["id"], timeout=20)
    assert event["source"] == "/ptghub/gateway"
    assert {k: event["data"][k] for k in ("id", "name", "role")} == {"id": bot["id"], "name": "bot",
                                                                    "role": "integration"}
    assert event["data"]["revoked_at"]
    assert bearer_session(bot["token"]).get(stack.url("/webhooks")).status_code == 401
    assert stack.session.delete(stack.url(f"/tokens/{bot['id']}")).status_code == 404


def test_revoking_a_token_disables_its_webhooks_with_the_reason(stack, webhook_receiver):
    """Needs notify's consumer of ptghub.gateway.token.revoked (the notify branch)."""
    doomed, kept = (issue_token(stack, name="bot", role="integration") for _ in range(2))
    doomed_hook = subscribe(bearer_session(doomed["token"]), stack, webhook_receiver.url)["id"]
    kept_hook = subscribe(bearer_session(kept["token"]), stack, webhook_receiver.url)["id"]
    assert stack.session.delete(stack.url(f"/tokens/{doomed['id']}")).status_code == 204

    def disabled():
        hook = stack.session.get(stack.url(f"/webhooks/{doomed_hook}")).json()
        return hook if not hook["enabled"] else None

    hook = wait_until(disabled, timeout=30, message="the revoked token's webhook disabled")
    assert hook["disabled_reason"] and "revoked" in hook["disabled_reason"].lower(), hook
    assert hook["disabled_at"]
    assert stack.session.get(stack.url(f"/webhooks/{kept_hook}")).json()["enabled"] is True


# -- the last organiser ---------------------------------------------------------------------------------

def test_the_last_active_organiser_token_cannot_be_revoked(stack):
    s = stack.session
    organisers = [t for t in s.get(stack.url("/tokens")).json()["items"] if t["role"] == "organiser"]
    assert len(organisers) == 1, organisers
    refused = s.delete(stack.url(f"/tokens/{organisers[0]['id']}"))
    assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
    assert "last active organiser" in refused.json()["detail"]
    assert list(refused.json()["errors"]) == ["token_id"]
    assert s.get(stack.url("/tokens")).status_code == 200, "and it still works"
    assert TOKEN  # the bootstrap token is that organiser
