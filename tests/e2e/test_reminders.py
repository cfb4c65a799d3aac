"""Issue 8's "done when", through the whole stack (real PostgreSQL, RabbitMQ, SMTP on loopback) and only
through the gateway: ``#action mgoddard write the spec due <date>`` in a track's note becomes mgoddard's
action; the actions worker's sweep queues his digest and notify mails it (RFC 8058 headers, one-click
links); the done link's GET changes nothing, its POST (no login) marks the item done, a second POST is
refused, and the preview plans no further reminder; the unsubscribe POST from the mail's own
``List-Unsubscribe`` header stops his reminders: a new action of his brings no mail.
"""
from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver9", "name": "Denver IX PTG", "timezone": "America/Denver",
         "start_date": "2027-05-02", "end_date": "2027-05-04"}
NOTE = "/events/denver9/tracks/kolla/note"
ADDRESS = "mgoddard@example.org"


@pytest.fixture
def stack(start_stack):
    return start_stack(postgres=True)


def anonymous() -> requests.Session:
    return requests.Session()  # no Authorization header: the links work without a login


def mails_to(smtp_server, address: str) -> list:
    return [message for recipients, message in smtp_server.messages if address in recipients]


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def preview(stack, at: date) -> list[dict]:
    """The digests the sweep would queue at noon (Denver) of ``at``: nothing is sent."""
    moment = datetime(at.year, at.month, at.day, 18, 0, tzinfo=timezone.utc).isoformat()
    response = stack.session.get(stack.url("/events/denver9/reminders/preview"), params={"at": moment})
    assert response.status_code == 200, response.text
    return response.json()["digests"]


def test_a_note_action_is_reminded_done_from_the_mail_and_unsubscribed(stack, smtp_server):
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/denver9/tracks"), json={"slug": "kolla", "name": "Kolla"}).status_code == 201
    person = s.post(stack.url("/people"), json={"nick": "mgoddard", "name": "Mark Goddard", "email": ADDRESS,
                                                "timezone": "Europe/London"})
    assert person.status_code == 201, person.text
    # reminders at any hour, so the test does not depend on the time of day it runs at
    policy = s.put(stack.url("/events/denver9/reminder-policy"), json={"window": {"start": "00:00", "end": "23:59"}})
    assert policy.status_code == 200, policy.text
    wait_until(lambda: s.get(stack.url(NOTE)).status_code == 200, timeout=20, message="the track's note")

    due = date.today() + timedelta(days=10)
    saved = s.put(stack.url(NOTE), json={"body": f"#action mgoddard write the spec due {due}\n", "revision": 0})
    assert saved.status_code == 200, saved.text
    [action] = wait_until(lambda: s.get(stack.url("/actions"), params={"owner": "mgoddard"}).json()["items"],
                          timeout=20, message="mgoddard's action from the note")
    assert action["due_date"] == due.isoformat() and action["owners"][0]["known"] is True

    # the sweep (a second apart in this stack) mails the assignment notice: one digest, links in it
    [mail] = wait_until(lambda: mails_to(smtp_server, ADDRESS), timeout=30, message="mgoddard's reminder digest")
    assert "write the spec" in mail["Subject"]
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(r"<(\S+)>", re.sub(r"\s+", "", str(mail["List-Unsubscribe"]))).group(1)
    assert unsubscribe_url.startswith(stack.url("/unsubscribe/"))
    text = text_part(mail)
    links = dict(re.findall(r"^\s*(Done|Snooze 7 days|Drop):\s+(\S+)\s*$", text, re.M))
    assert set(links) == {"Done", "Snooze 7 days", "Drop"} and all(
        url.startswith(stack.url("/a/")) for url in links.values()), text
    done_url = links["Done"]
    assert mail.get_body(preferencelist=("html",)) is not None
    assert [d["items"][0]["reason"] for d in preview(stack, due)] == ["on_due"]

    web = anonymous()
    page = web.get(done_url)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "write the spec" in page.text and '<form method="post">' in page.text
    assert s.get(stack.url(f"/actions/{action['id']}")).json()["status"] == "open"
    result = web.post(done_url, data={"confirm": "1"})
    assert result.status_code == 200, result.text
    assert s.get(stack.url(f"/actions/{action['id']}")).json()["status"] == "done"
    assert web.post(done_url, data={"confirm": "1"}).status_code == 410  # a link works once
    history = s.get(stack.url(f"/actions/{action['id']}/history")).json()["items"]
    assert [(entry["who"], entry["kind"]) for entry in history][-1] == ("link", "changed")
    assert preview(stack, due) == []  # done: nothing planned any more

    # the one-click unsubscribe from the mail's own header (RFC 8058)
    stopped = web.post(unsubscribe_url, data="List-Unsubscribe=One-Click",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert stopped.status_code == 200, stopped.text
    assert s.get(stack.url("/people/mgoddard")).json()["reminders"] is False
    saved = s.put(stack.url(NOTE), json={"body": f"#action mgoddard write the spec due {due}\n"
                                                 "#action mgoddard review the images spec\n", "revision": 1})
    assert saved.status_code == 200, saved.text
    wait_until(lambda: len(s.get(stack.url("/actions"), params={"owner": "mgoddard"}).json()["items"]) == 2,
               timeout=20, message="mgoddard's second action")
    time.sleep(4)  # four sweeps: an assignment notice would have gone by now
    assert len(mails_to(smtp_server, ADDRESS)) == 1
    assert preview(stack, due) == []
