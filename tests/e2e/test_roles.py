"""Roles that hold at the gateway, through real processes (issue 10): a chair of track A is refused
every write on track B (sessions, status, notes, items, actions); a reader is refused every write
operation of openapi/gateway.yaml (enumerated from it, so a new one is covered by itself); an
integration sees and changes only its own webhooks; an organiser of one event organises that one
only; an expired token is a 401; token pages follow their cursor; ``last_used_at`` is recorded.
One stack serves the module.
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
import yaml

from ..infra import wait_until
from .conftest import ROOT, bearer_session, issue_token, module_stack, session_with_new_token

pytestmark = pytest.mark.e2e

EVENT = "roles"
GATEWAY = yaml.safe_load((ROOT / "openapi" / "gateway.yaml").read_text())
WRITE_METHODS = ("put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def stack(infra, tmp_path_factory):
    with module_stack(infra, tmp_path_factory.mktemp("roles") / "var") as stack:
        yield stack


def ok(response: requests.Response, *statuses: int) -> dict:
    assert response.status_code in (statuses or (200, 201)), f"{response.request.method} {response.url}: " \
                                                              f"{response.status_code} {response.text}"
    return response.json() if response.content else {}


@pytest.fixture(scope="module")
def world(stack) -> dict:
    """An event with tracks alpha and beta, a session, a note with items and an action in each;
    the tokens the tests use."""
    s = stack.session
    ok(s.post(stack.url("/events"), json={"slug": EVENT, "name": "Roles PTG", "timezone": "UTC",
                                          "start_date": "2030-05-02", "end_date": "2030-05-03"}))
    ok(s.post(stack.url(f"/events/{EVENT}/rooms"), json={"slug": "r1", "name": "Room 1"}))
    world: dict = {"sessions": {}, "items": {}, "track_items": {}, "actions": {}}
    for track, at in (("alpha", "09"), ("beta", "11")):
        ok(s.post(stack.url(f"/events/{EVENT}/tracks"), json={"slug": track, "name": track}))
        session = ok(s.post(stack.url(f"/events/{EVENT}/sessions"), json={
            "track": track, "room": "r1", "start": f"2030-05-02T{at}:00:00+00:00",
            "end": f"2030-05-02T{at}:45:00+00:00", "title": f"{track} session"}))
        world["sessions"][track] = session["id"]
        note = f"/sessions/{session['id']}/note"
        wait_until(lambda: s.get(stack.url(note)).status_code == 200, timeout=30, message=f"{track}'s session note")
        ok(s.put(stack.url(note), json={"body": "#action ttx write it\nhrw offered to review\n", "revision": 0}))
        world["items"][track] = next(i["id"] for i in ok(s.get(stack.url(f"{note}/items")))["items"] if i["suggested"])
        track_note = f"/events/{EVENT}/tracks/{track}/note"
        wait_until(lambda: s.get(stack.url(track_note)).status_code == 200, timeout=30, message=f"{track}'s note")
        ok(s.put(stack.url(track_note), json={"body": "amy offered to test\n", "revision": 0}))
        world["track_items"][track] = ok(s.get(stack.url(f"{track_note}/items")))["items"][0]["id"]
        world["actions"][track] = ok(s.post(stack.url("/actions"), json={
            "title": f"{track} follow-up", "owners": ["ttx"], "event": EVENT, "track": track}))["id"]
    world["chair"] = issue_token(stack, name="alpha chairs", role="chair", tracks=[{"event": EVENT, "track": "alpha"}])
    world["reader"] = issue_token(stack, name="dashboard", role="reader")
    return world


# -- a chair of alpha, on beta ------------------------------------------------------------------------

def chair_writes(world: dict) -> list[tuple[str, str, str, dict | None]]:
    """(what, method, path, body): each write of track beta's a chair of alpha could try."""
    beta, alpha = world["sessions"]["beta"], world["sessions"]["alpha"]
    track = f"/events/{EVENT}/tracks/beta"
    action = world["actions"]["beta"]
    return [
        ("session: schedule one in beta", "POST", f"/events/{EVENT}/sessions", {
            "track": "beta", "room": "r1", "start": "2030-05-02T14:00:00+00:00", "end": "2030-05-02T14:45:00+00:00",
            "title": "sneaked in"}),
        ("session: retitle", "PATCH", f"/sessions/{beta}", {"title": "hijacked"}),
        ("session: move own into beta", "PATCH", f"/sessions/{alpha}", {"track": "beta"}),
        ("session: cancel", "POST", f"/sessions/{beta}/cancel", None),
        ("session: delete", "DELETE", f"/sessions/{beta}", None),
        ("track: change", "PATCH", track, {"description": "hijacked"}),
        ("status: now", "POST", f"{track}/status/now", {"text": "hijacked"}),
        ("status: next", "POST", f"{track}/status/next", {"text": "hijacked"}),
        ("status: clean", "POST", f"{track}/status/clean", None),
        ("status: location", "PUT", f"{track}/location", {"text": "the car park"}),
        ("notes: session note", "PUT", f"/sessions/{beta}/note", {"body": "hijacked", "revision": 1}),
        ("notes: session line", "POST", f"/sessions/{beta}/note/lines", {"text": "hijacked"}),
        ("notes: session restore", "POST", f"/sessions/{beta}/note/restore", {"revision": 1}),
        ("notes: track note", "PUT", f"{track}/note", {"body": "hijacked", "revision": 1}),
        ("notes: track line", "POST", f"{track}/note/lines", {"text": "hijacked"}),
        ("notes: track restore", "POST", f"{track}/note/restore", {"revision": 1}),
        ("notes: publish the summary", "POST", f"{track}/summary/publish", {}),
        ("items: confirm", "POST", f"/sessions/{beta}/note/items/{world['items']['beta']}/confirm", None),
        ("items: dismiss", "POST", f"/sessions/{beta}/note/items/{world['items']['beta']}/dismiss", None),
        ("items: confirm on the track", "POST", f"{track}/note/items/{world['track_items']['beta']}/confirm", None),
        ("items: dismiss on the track", "POST", f"{track}/note/items/{world['track_items']['beta']}/dismiss", None),
        ("actions: create", "POST", "/actions", {"title": "sneaked", "owners": ["ttx"], "event": EVENT, "track": "beta"}),
        ("actions: change", "PATCH", f"/actions/{action}", {"title": "hijacked"}),
        ("actions: bulk", "POST", "/actions/bulk", {"ids": [action], "status": "dropped"}),
        ("actions: reminder policy", "PUT", f"/actions/{action}/reminder-policy", {"on_due": False}),
    ]


def test_a_chair_of_one_track_is_refused_every_write_on_another(stack, world):
    chair = bearer_session(world["chair"]["token"])
    s = stack.session
    before = {path: s.get(stack.url(path)).json() for path in (
        f"/sessions/{world['sessions']['beta']}", f"/sessions/{world['sessions']['beta']}/note",
        f"/events/{EVENT}/tracks/beta", f"/events/{EVENT}/tracks/beta/note", f"/actions/{world['actions']['beta']}")}
    wrong = []
    for what, method, path, body in chair_writes(world):
        response = chair.request(method, stack.url(path), json=body)
        if response.status_code != 403 or response.headers["content-type"] != "application/problem+json":
            wrong.append(f"{what}: {method} {path} -> {response.status_code} {response.text[:200]}")
    assert not wrong, "a chair of alpha changed beta:\n" + "\n".join(wrong)
    after = {path: s.get(stack.url(path)).json() for path in before}
    assert after == before, "nothing of beta changed"
    items = s.get(stack.url(f"/sessions/{world['sessions']['beta']}/note/items")).json()["items"]
    assert next(i for i in items if i["id"] == world["items"]["beta"])["state"] == "open"
    # the control: the same chair writes its own track
    own = chair.patch(stack.url(f"/sessions/{world['sessions']['alpha']}"), json={"title": "alpha, retitled"})
    assert own.status_code == 200, own.text
    assert chair.post(stack.url(f"/events/{EVENT}/tracks/alpha/status/now"), json={"text": "on it"}).status_code == 200


# -- a reader, on every write --------------------------------------------------------------------------

def write_operations() -> list[tuple[str, str, dict]]:
    """Every write of the public API that needs a token: (METHOD, path template, operation).
    The link pages (``security: []``; the token in the path is their credential) are not among them."""
    return [(method.upper(), path, operation) for path, item in GATEWAY["paths"].items()
            for method, operation in item.items()
            if method in WRITE_METHODS and operation.get("security") != []]


def fill(template: str, world: dict) -> str:
    """The path with real ids where the world has them (so a service's own check would be reached)."""
    values = {"event": EVENT, "track": "beta", "room": "r1", "session_id": world["sessions"]["beta"],
              "action_id": world["actions"]["beta"], "item": world["items"]["beta"], "slug": "free",
              "token_id": world["chair"]["id"], "nick": "ttx", "code": "mon-am", "slot": "mon-am",
              "link_id": "x", "motd_id": "x", "webhook_id": "x", "revision": "0"}
    return re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "x"), template)


def test_the_write_operations_are_enumerated_from_the_document():
    operations = write_operations()
    ids = {operation["operationId"] for _, _, operation in operations}
    assert len(operations) > 60 and {"schedule.events.create_event", "gateway.revoke_token", "notify.create_webhook",
                                     "notes.session_put_note", "actions.actions.bulk_change"} <= ids
    assert "actions.links.use_link" not in ids


def test_a_reader_is_refused_every_write_operation(stack, world):
    reader = bearer_session(world["reader"]["token"])
    wrong = []
    for method, template, operation in write_operations():
        path = fill(template, world)
        body = {} if "requestBody" in operation else None
        response = reader.request(method, stack.url(path), json=body)
        problem = response.json() if response.headers.get("content-type") == "application/problem+json" else {}
        if response.status_code != 403 or "role" not in problem.get("errors", {}):
            wrong.append(f"{operation['operationId']}: {method} {path} -> {response.status_code} {response.text[:160]}")
    assert not wrong, "a reader was not refused:\n" + "\n".join(wrong)
    s = stack.session
    assert s.get(stack.url(f"/events/{EVENT}")).status_code == 200, "the event is still there"
    assert s.get(stack.url(f"/sessions/{world['sessions']['beta']}")).json()["status"] == "scheduled"
    assert world["chair"]["id"] in [t["id"] for t in s.get(stack.url("/tokens?limit=500")).json()["items"]]


def test_a_reader_reads_what_an_organiser_reads_but_webhooks_mail_and_tokens(stack, world):
    reader = bearer_session(world["reader"]["token"])
    for path in ("/people", f"/events/{EVENT}/reminder-policy", f"/events/{EVENT}/reminders/preview?at=2030-05-02T09:00:00%2B00:00",
                 f"/sessions/{world['sessions']['beta']}/note", f"/actions/{world['actions']['beta']}",
                 f"/events/{EVENT}/tracks/beta/note/items", "/actions"):
        response = reader.get(stack.url(path))
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    for path in ("/webhooks", "/messages", "/tokens"):
        response = reader.get(stack.url(path))
        assert response.status_code == 403 and "role" in response.json()["errors"], (path, response.text)


# -- integrations and their webhooks ---------------------------------------------------------------------

def test_an_integration_neither_sees_nor_changes_anothers_webhooks(stack):
    bots = [session_with_new_token(stack, name=f"bot {n}", role="integration") for n in (1, 2)]
    hooks = [ok(bot.post(stack.url("/webhooks"), json={"url": f"http://127.0.0.1:9/hook{n}", "event_types": ["#"]}))["id"]
             for n, bot in enumerate(bots)]
    for mine, theirs, bot in ((hooks[0], hooks[1], bots[0]), (hooks[1], hooks[0], bots[1])):
        assert [w["id"] for w in ok(bot.get(stack.url("/webhooks?limit=500")))["items"]] == [mine]
        for method, path in (("GET", f"/webhooks/{theirs}"), ("GET", f"/webhooks/{theirs}/deliveries"),
                             ("DELETE", f"/webhooks/{theirs}")):
            response = bot.request(method, stack.url(path))
            assert response.status_code == 404, f"{method} {path}: {response.status_code} {response.text}"
        assert bot.get(stack.url(f"/webhooks/{mine}")).status_code == 200
    assert all(stack.session.get(stack.url(f"/webhooks/{hook}")).status_code == 200 for hook in hooks), "both kept"


# -- an organiser of one event ----------------------------------------------------------------------------

def test_an_organiser_of_one_event_organises_that_one_only(stack, world):
    s = stack.session
    ok(s.post(stack.url("/events"), json={"slug": "other", "name": "Other PTG", "timezone": "UTC",
                                          "start_date": "2030-06-02", "end_date": "2030-06-03"}))
    local = session_with_new_token(stack, name="roles team", role="organiser", events=[EVENT])
    assert local.post(stack.url(f"/events/{EVENT}/tracks"), json={"slug": "gamma", "name": "gamma"}).status_code == 201
    assert local.post(stack.url(f"/events/{EVENT}/motd"), json={"level": "info", "message": "hi"}).status_code == 201
    for method, path, body in (
            ("POST", "/events/other/tracks", {"slug": "gamma", "name": "gamma"}),
            ("POST", "/events/other/motd", {"level": "info", "message": "hi"}),
            ("POST", "/events", {"slug": "third", "name": "Third", "timezone": "UTC", "start_date": "2030-07-01",
                                 "end_date": "2030-07-02"}),
            ("POST", "/tokens", {"name": "x", "role": "reader"}),
            ("GET", "/tokens", None),
            ("GET", "/messages", None)):
        response = local.request(method, stack.url(path), json=body)
        assert response.status_code == 403, f"{method} {path}: {response.status_code} {response.text}"
    assert s.get(stack.url("/events/other/tracks/gamma")).status_code == 404
    refused = s.post(stack.url("/tokens"), json={"name": "x", "role": "chair", "events": [EVENT],
                                                 "tracks": [{"event": EVENT, "track": "alpha"}]})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["events"]


# -- tokens: expiry, last use, pages, revocation -------------------------------------------------------------

def test_an_expired_token_is_a_401_problem_saying_so(stack):
    soon = datetime.now(timezone.utc) + timedelta(seconds=3)
    token = issue_token(stack, name="short-lived", role="integration", expires_at=soon.isoformat())
    assert token["expires_at"] is not None
    bot = bearer_session(token["token"])
    assert bot.get(stack.url("/webhooks")).status_code == 200
    time.sleep(max(0.0, (soon - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    expired = bot.get(stack.url("/webhooks"))
    assert expired.status_code == 401 and expired.headers["content-type"] == "application/problem+json"
    assert "expired" in expired.json()["detail"] and expired.json()["errors"] == {"Authorization": ["expired token"]}
    past = stack.session.post(stack.url("/tokens"), json={"name": "x", "role": "reader",
                                                          "expires_at": "2020-01-01T00:00:00+00:00"})
    assert past.status_code == 422 and list(past.json()["errors"]) == ["expires_at"]
    naive = stack.session.post(stack.url("/tokens"), json={"name": "x", "role": "reader",
                                                           "expires_at": "2099-01-01T00:00:00"})
    assert naive.status_code == 422 and list(naive.json()["errors"]) == ["expires_at"]


def test_last_used_at_is_recorded(stack):
    token = issue_token(stack, name="used", role="reader")
    assert token["last_used_at"] is None
    assert bearer_session(token["token"]).get(stack.url("/people")).status_code == 200  # (a public read is no use of it)

    def used():
        listed = {t["id"]: t for t in stack.session.get(stack.url("/tokens?limit=500")).json()["items"]}
        return listed[token["id"]]["last_used_at"]

    at = datetime.fromisoformat(wait_until(used, timeout=10, message="last_used_at"))
    assert abs((datetime.now(timezone.utc) - at).total_seconds()) < 30


def test_token_pages_follow_their_cursor_and_the_page_size_is_capped(stack):
    for n in range(3):
        issue_token(stack, name=f"paged {n}", role="reader")
    everything = stack.session.get(stack.url("/tokens?limit=500")).json()
    assert everything["next_cursor"] is None
    seen, cursor = [], None
    while True:
        page = stack.session.get(stack.url("/tokens"), params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) <= 2
        seen += [t["id"] for t in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [t["id"] for t in everything["items"]] and len(seen) >= 5
    for path in ("/tokens?limit=501", "/events?limit=501", "/actions?limit=100000"):
        response = stack.session.get(stack.url(path))
        assert response.status_code == 400 and list(response.json()["errors"]) == ["limit"], (path, response.text)
    bad = stack.session.get(stack.url("/tokens?cursor=nonsense"))
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["cursor"]


def test_no_token_revokes_itself_and_another_organiser_may(stack):
    second = issue_token(stack, name="second organiser", role="organiser")
    organiser = bearer_session(second["token"])
    itself = organiser.delete(stack.url(f"/tokens/{second['id']}"))
    assert itself.status_code == 409 and list(itself.json()["errors"]) == ["token_id"]
    assert "does not revoke itself" in itself.json()["detail"]
    assert organiser.get(stack.url("/tokens")).status_code == 200, "and it still works"
    assert stack.session.delete(stack.url(f"/tokens/{second['id']}")).status_code == 204
    wait_until(lambda: organiser.get(stack.url("/tokens")).status_code == 401, timeout=15,
               message="the revoked token refused")
