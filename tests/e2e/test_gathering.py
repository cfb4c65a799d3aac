"""The real Denver PTG grid through the gateway only: import, ptgbot commands from a relay,
the board, and every export (validated against the reference schemas), with conditional GETs."""
from __future__ import annotations

import json

import jsonschema
import pytest
import requests
from icalendar import Calendar
from lxml import etree

from ..infra import DENVER_BASE_JSON, SCHEMAS_MISSING, schedule_schemas_dir

pytestmark = pytest.mark.e2e

BASE_JSON = json.loads(DENVER_BASE_JSON.read_text())
DENVER = {"slug": "den", "name": "Denver PTG (Stein)", "timezone": "America/Denver", "location": "Denver, CO",
          "start_date": "2018-09-10", "end_date": "2018-09-14", "organisers": ["ttx"]}


def test_the_denver_grid_through_the_gateway(start_stack):
    stack = start_stack(postgres=True)
    s = stack.session
    assert s.post(stack.url("/events"), json=DENVER).status_code == 201
    imported = s.post(stack.url("/events/den/ptgbot/import"), json=BASE_JSON)
    assert imported.status_code in (200, 201), imported.text
    again = s.post(stack.url("/events/den/ptgbot/import"), json=BASE_JSON)
    assert again.status_code in (200, 201)
    sessions = s.get(stack.url("/events/den/sessions?limit=500")).json()["items"]
    booked_cells = sum(1 for room in BASE_JSON["schedule"].values() for k, v in room.items()
                       if k not in ("desc", "url", "cap_icon", "cap_desc") and v)
    assert len(sessions) == booked_cells, "the second import added nothing"

    public = requests.Session()  # exports and board need no token
    ptg = public.get(stack.url("/events/den/ptg.json"))
    assert ptg.status_code == 200 and ptg.headers["content-type"].startswith("application/json")
    document = ptg.json()
    assert set(BASE_JSON) <= set(document)
    assert document["slots"] == BASE_JSON["slots"] or [s["name"] for s in document["slots"]["Monday"]] == \
        [s["name"] for s in BASE_JSON["slots"]["Monday"]]
    assert document["schedule"]["Ballroom A"]["TueA1"] == "edge"
    assert public.get(stack.url("/events/den/ptg.json"), headers={"If-None-Match": ptg.headers["etag"]}).status_code == 304

    # a chat relay forwards what people say; the nick decides what they may do
    relay = s.post(stack.url("/tokens"), json={"name": "ptgbot relay", "role": "integration", "relay": True})
    assert relay.status_code == 201, relay.text
    bot = requests.Session()
    bot.headers["Authorization"] = f"Bearer {relay.json()['token']}"

    def say(nick, text):
        response = bot.post(stack.url("/events/den/ptgbot/commands"), json={"nick": nick, "text": text})
        assert response.status_code == 200, response.text
        return response.json()

    booked = say("ttx", "#edge book Aspen-FriP1")
    assert booked["applied"] and "Room Aspen is now booked on FriP1 for edge" in booked["reply"]
    # Denver ran with voice 0 (everyone may speak); an organiser closes that from chat
    assert say("ttx", "~requirevoice")["applied"]
    assert not say("someone", "#nova now cells v2")["applied"], "a stranger may not speak for nova"
    assert say("ttx", "#nova now cells v2")["applied"]
    assert not say("ttx", "#nova frobnicate")["applied"]
    assert s.post(stack.url("/events/den/ptgbot/commands"), json={"nick": "ttx", "text": "#nova next"},
                  headers={"Authorization": "Bearer wrong"}).status_code == 401

    after = public.get(stack.url("/events/den/ptg.json"), headers={"If-None-Match": ptg.headers["etag"]})
    assert after.status_code == 200, "every change moves the ETag"
    assert after.json()["now"]["nova"] == "cells v2"
    assert after.json()["schedule"]["Aspen"]["FriP1"] == "edge"
    board = public.get(stack.url("/events/den/board"))
    assert board.status_code == 200
    assert any(t.get("now") == "cells v2" for t in board.json()["tracks"])
    board_tag = board.headers["etag"]
    assert public.get(stack.url("/events/den/board"), headers={"If-None-Match": board_tag}).status_code == 304
    assert say("ttx", "#nova next python 3 jobs")["applied"]
    assert public.get(stack.url("/events/den/board"), headers={"If-None-Match": board_tag}).status_code == 200

    calendar = public.get(stack.url("/events/den/schedule.ics"))
    assert calendar.headers["content-type"].startswith("text/calendar")
    vevents = [c for c in Calendar.from_ical(calendar.content).walk("VEVENT")]
    assert len(vevents) == booked_cells + 1
    for path in ("/events/den/tracks/nova/schedule.ics", "/events/den/rooms/aspen/schedule.ics"):
        feed = public.get(stack.url(path))
        assert feed.status_code == 200 and Calendar.from_ical(feed.content).walk("VEVENT"), path
        assert public.get(stack.url(path), headers={"If-None-Match": feed.headers["etag"]}).status_code == 304

    xml = public.get(stack.url("/events/den/schedule.xml"))
    document = etree.fromstring(xml.content)
    frab = public.get(stack.url("/events/den/schedule.json")).json()
    assert document.tag == "schedule" and frab["schedule"]["conference"]["acronym"]
    assert public.get(stack.url("/events/nowhere/schedule.xml")).status_code == 404
    schemas = schedule_schemas_dir()
    if schemas is None:  # everything else above ran; only the third-party validation is left out
        pytest.skip(f"exports not validated: {SCHEMAS_MISSING}")
    schema = etree.XMLSchema(etree.parse(str(schemas / "schedule.xml.xsd")))
    assert schema.validate(document), schema.error_log
    jsonschema.validate(frab, json.loads((schemas / "schema.json").read_text()))
