"""Reminders' one-click links through the whole stack (real PostgreSQL, RabbitMQ, SMTP on loopback),
driven only through the gateway and without any login: a done link's page changes nothing, its POST
marks the item done, a second POST is refused; the RFC 8058 unsubscribe POST stops the person's
reminders.

The sweep that mails the links lives in the reminders feature; until it is merged here the links
are minted as the sweep mints them (services.actions.domain.links.sign with the stack's internal key).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests
import sqlalchemy as sa

from services.actions.domain import links

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(start_stack):
    return start_stack(postgres=True)


def actions_db(stack) -> sa.Engine:
    return sa.create_engine(stack.env["PTGHUB_ACTIONS_DATABASE_URL"])


def add_person(stack, nick: str, email: str) -> str:
    """The person through the people API; on a branch without it yet, into the actions database."""
    response = stack.session.post(stack.url("/people"), json={"nick": nick, "email": email, "timezone": "Europe/London"})
    if response.status_code not in (404, 405):
        assert response.status_code == 201, response.text
    else:
        engine = actions_db(stack)
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO people (id, nick, nick_key, email, timezone, reminders, version, created_at, updated_at) "
                "VALUES (:id, :nick, :key, :email, 'Europe/London', true, 1, :now, :now)"),
                {"id": f"person-{nick}", "nick": nick, "key": nick.lower(), "email": email,
                 "now": datetime.now(timezone.utc)})
        engine.dispose()
    return person_row(stack, nick)["id"]


def person_row(stack, nick: str) -> dict:
    engine = actions_db(stack)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT id, reminders FROM people WHERE nick_key = :key"),
                                 {"key": nick.lower()}).mappings().one()
    engine.dispose()
    return dict(row)


def reminders_on(stack, nick: str) -> bool:
    response = stack.session.get(stack.url(f"/people/{nick}"))
    if response.status_code == 200:
        return response.json()["reminders"]
    return person_row(stack, nick)["reminders"]


def anonymous() -> requests.Session:
    session = requests.Session()
    session.headers.pop("Authorization", None)
    return session


def test_a_done_link_then_unsubscribe_through_the_gateway_without_a_login(stack):
    person = add_person(stack, "mgoddard", "mgoddard@example.org")
    response = stack.session.post(stack.url("/actions"), json={"title": "write the spec", "owners": ["mgoddard"],
                                                               "due_date": "2030-06-01"})
    assert response.status_code == 201, response.text
    action = response.json()
    assert [owner["nick"] for owner in action["owners"]] == ["mgoddard"]
    key = (stack.var_dir / "internal-key").read_text().strip().encode()
    now = datetime.now(timezone.utc)
    done = links.sign(links.DONE, person, action["id"], now, key=key)
    web = anonymous()

    page = web.get(stack.url(f"/a/{done}"))  # what a mail scanner does: nothing changes
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "write the spec" in page.text and '<form method="post">' in page.text and "Mark done" in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and "default-src 'none'" in page.headers["content-security-policy"]
    assert stack.session.get(stack.url(f"/actions/{action['id']}")).json()["status"] == "open"

    result = web.post(stack.url(f"/a/{done}"), data={"confirm": "done"})
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("text/html") and "Marked done" in result.text
    assert stack.session.get(stack.url(f"/actions/{action['id']}")).json()["status"] == "done"

    again = web.post(stack.url(f"/a/{done}"), data={"confirm": "done"})
    assert again.status_code == 410 and again.headers["content-type"].startswith("text/html")
    as_json = web.post(stack.url(f"/a/{done}"), headers={"Accept": "application/json"})
    assert as_json.status_code == 410 and as_json.headers["content-type"] == "application/problem+json"
    assert as_json.json()["errors"] == {"token": ["used"]}

    forged = web.post(stack.url(f"/a/{links.sign(links.DROP, person, action['id'], now, key=b'not the key' * 4)}"),
                      headers={"Accept": "application/json"})
    assert forged.status_code == 400 and forged.json()["errors"] == {"token": ["invalid"]}
    assert stack.session.get(stack.url(f"/actions/{action['id']}")).json()["status"] == "done"

    unsubscribe = links.sign(links.UNSUBSCRIBE, person, None, now, key=key)
    confirm = web.get(stack.url(f"/unsubscribe/{unsubscribe}"))
    assert confirm.status_code == 200 and "Unsubscribe" in confirm.text
    assert reminders_on(stack, "mgoddard") is True
    one_click = web.post(stack.url(f"/unsubscribe/{unsubscribe}"), data="List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert one_click.status_code == 200, one_click.text
    assert reminders_on(stack, "mgoddard") is False
    assert web.get(stack.url(f"/a/{unsubscribe}")).status_code == 400, "an unsubscribe link is no item link"
