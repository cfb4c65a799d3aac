"""Mail routing and session notices through the gateway only, with every process running: the
event's list, tag and sender are validated by the schedule and carried on its events; a moved
session tells its track's list, until the track's notices are switched off."""
from __future__ import annotations

import pytest

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver4", "name": "Denver IV PTG", "timezone": "America/Denver",
         "start_date": "2031-05-02", "end_date": "2031-05-04"}
LIST, NOVA = "kolla@lists.example", "nova@lists.example"


def test_session_notices_and_the_events_mail_routing_through_the_gateway(start_stack, smtp_server):
    stack = start_stack(postgres=False)
    s = stack.session
    bad = s.post(stack.url("/events"), json={**EVENT, "mail_from": "ptg@ptg.example\r\nBcc: x@evil.example"})
    assert bad.status_code == 400 and "mail_from" in bad.json()["errors"], bad.text
    created = s.post(stack.url("/events"), json={**EVENT, "mailing_list": "ptg@lists.example", "subject_tag": "ptg",
                                                 "mail_from": "Denver PTG <ptg@ptg.example>"})
    assert created.status_code == 201, created.text
    assert created.json()["mail_from"] == "Denver PTG <ptg@ptg.example>"
    assert s.post(stack.url("/events/denver4/rooms"), json={"slug": "aspen", "name": "Aspen"}).status_code == 201
    assert s.post(stack.url("/events/denver4/rooms"), json={"slug": "birch", "name": "Birch"}).status_code == 201
    assert s.post(stack.url("/events/denver4/tracks"), json={"slug": "kolla", "name": "Kolla", "mailing_list": LIST,
                                                             "subject_tag": "kolla"}).status_code == 201
    assert s.post(stack.url("/events/denver4/tracks"), json={"slug": "nova", "name": "Nova", "mailing_list": NOVA,
                                                             "subject_tag": "nova"}).status_code == 201
    route = wait_until(lambda: (r := s.get(stack.url("/mail-routes/denver4/kolla"))).status_code == 200 and r.json(),
                       timeout=20, message="notify's route of the track")
    assert route["session_notices"] is True and route["mailing_list"] == LIST
    session = s.post(stack.url("/events/denver4/sessions"), json={
        "track": "kolla", "room": "aspen", "start": "2031-05-02T09:00:00-06:00", "end": "2031-05-02T10:45:00-06:00",
        "title": "Python 3 images"}).json()
    moved = s.patch(stack.url(f"/sessions/{session['id']}"), json={"room": "birch"})
    assert moved.status_code == 200, moved.text
    (notice,) = wait_until(lambda: [m for to, m in smtp_server.messages if LIST in to], timeout=20,
                           message="the moved notice")
    assert notice["Subject"] == "[kolla] Moved: Python 3 images"
    assert "room birch" in notice.get_body(("plain",)).get_content()

    switched = s.patch(stack.url("/mail-routes/denver4/kolla"), json={"session_notices": False})
    assert switched.status_code == 200 and switched.json()["session_notices"] is False, switched.text
    assert s.post(stack.url(f"/sessions/{session['id']}/cancel")).status_code == 200
    # nova's notices are on: once its cancellation (published after kolla's) is mailed, notify's
    # one consumer has handled kolla's too, which mailed nothing
    nova = s.post(stack.url("/events/denver4/sessions"), json={
        "track": "nova", "room": "aspen", "start": "2031-05-03T09:00:00-06:00", "end": "2031-05-03T10:45:00-06:00",
        "title": "Placement"}).json()
    assert s.post(stack.url(f"/sessions/{nova['id']}/cancel")).status_code == 200
    (cancelled,) = wait_until(lambda: [m for to, m in smtp_server.messages if NOVA in to], timeout=20,
                              message="nova's cancelled notice")
    assert cancelled["Subject"] == "[nova] Cancelled: Placement"
    assert len([m for to, m in smtp_server.messages if LIST in to]) == 1
