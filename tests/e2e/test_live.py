"""The live stream and the board page, through the gateway of a whole stack (deploy/launcher.py).

One stack for the module (the Denver grid imported, a ptgbot relay token), with a 1-second heartbeat
(``PTGHUB_STREAM_HEARTBEAT=1``). The board page runs in headless Chromium driven by selenium; its
screenshots go to the test's ``tmp_path`` (pytest keeps the last runs under
``/tmp/pytest-of-<user>/``; the path is printed).
"""
from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
import requests
from aiosmtpd.controller import Controller

from ..infra import DENVER_BASE_JSON, wait_until
from .conftest import MailBox, Stack, free_port, stack_environment

pytestmark = pytest.mark.e2e

DENVER = {"slug": "den", "name": "Denver PTG (Stein)", "timezone": "America/Denver", "location": "Denver, CO",
          "start_date": "2018-09-10", "end_date": "2018-09-14", "organisers": ["ttx"]}
STATUS = "ptghub.schedule.status.changed"
MOTD = "ptghub.schedule.motd.changed"
ITEMS = "ptghub.notes.note.items.changed"


@pytest.fixture(scope="module")
def live_stack(infra, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("live") / "var"
    smtp = Controller(MailBox(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = stack_environment(infra, var_dir, f"smtp://127.0.0.1:{smtp.port}", postgres=False)
    env["PTGHUB_STREAM_HEARTBEAT"] = "1"
    stack = Stack(env, var_dir)
    try:
        s = stack.session
        assert s.post(stack.url("/events"), json=DENVER).status_code == 201
        imported = s.post(stack.url("/events/den/ptgbot/import"), json=json.loads(DENVER_BASE_JSON.read_text()))
        assert imported.status_code in (200, 201), imported.text
        relay = s.post(stack.url("/tokens"), json={"name": "ptgbot relay", "role": "integration", "relay": True})
        assert relay.status_code == 201, relay.text
        stack.relay = requests.Session()
        stack.relay.headers["Authorization"] = f"Bearer {relay.json()['token']}"
        yield stack
    finally:
        stack.stop()
        smtp.stop()


def say(stack, text: str, nick: str = "ttx") -> dict:
    response = stack.relay.post(stack.url("/events/den/ptgbot/commands"), json={"nick": nick, "text": text})
    assert response.status_code == 200 and response.json()["applied"], response.text
    return response.json()


class EventStream:
    """A stream read on a thread: every frame (events and comments), as it arrives."""

    def __init__(self, url: str, headers: dict | None = None):
        self.frames: list[dict] = []
        self._lock = threading.Lock()
        self.response = requests.get(url, headers={"Accept": "text/event-stream", **(headers or {})}, stream=True,
                                     timeout=(5, 30))
        self.status = self.response.status_code
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        frame: dict = {}
        try:
            for raw in self.response.iter_lines(chunk_size=None):
                line = raw.decode()
                if not line:
                    if frame:
                        with self._lock:
                            self.frames.append(frame)
                    frame = {}
                elif line.startswith(":"):
                    frame.setdefault("comments", []).append(line[1:].strip())
                else:
                    key, _, value = line.partition(":")
                    frame[key] = value.removeprefix(" ")
        except (requests.RequestException, AttributeError, ValueError):
            pass  # closed by the test

    def events(self, event_type: str | None = None) -> list[dict]:
        with self._lock:
            found = [f for f in self.frames if "event" in f and (event_type is None or f["event"] == event_type)]
        return [{**f, "cloud": json.loads(f["data"])} if f["event"] != "reset" else f for f in found]

    def wait(self, predicate, timeout: float = 10.0, what: str = "a frame"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                frames = list(self.frames)
            for f in frames:
                if predicate(f):
                    return f
            time.sleep(0.02)
        raise AssertionError(f"no {what} within {timeout}s; got {frames}")

    def wait_event(self, event_type: str, predicate=lambda cloud: True, timeout: float = 10.0) -> dict:
        frame = self.wait(lambda f: f.get("event") == event_type and predicate(json.loads(f["data"])), timeout,
                          what=event_type)
        return {**frame, "cloud": json.loads(frame["data"])}

    def close(self):
        self.response.close()


@pytest.fixture
def streams():
    opened: list[EventStream] = []

    def open_stream(url: str, headers: dict | None = None) -> EventStream:
        stream = EventStream(url, headers)
        opened.append(stream)
        if stream.status == 200:
            stream.wait(lambda f: "connected" in f.get("comments", []), 10, "the connected comment")
        return stream

    yield open_stream
    for stream in opened:
        stream.close()


def test_the_stream_ids_resume_filter_heartbeat_and_what_the_public_sees(live_stack, streams):
    stack = live_stack
    url = stack.url("/events/den/stream")
    everything = streams(url)
    assert everything.response.headers["content-type"].startswith("text/event-stream")
    assert everything.response.headers["cache-control"] == "no-cache"
    nova = streams(url + "?track=nova")

    say(stack, "#nova now cells v2")
    say(stack, "#edge now edge computing use cases")
    say(stack, "~motd add info Lunch is served at noon")
    first = everything.wait_event(STATUS, lambda c: c["data"]["track"] == "nova" and c["data"]["now"] == "cells v2")
    everything.wait_event(STATUS, lambda c: c["data"]["track"] == "edge")
    everything.wait_event(MOTD, lambda c: c["data"]["items"][-1]["message"] == "Lunch is served at noon")

    # id: the CloudEvent id, one per event; the data is the CloudEvent with its type
    events = everything.events()
    assert all(e["id"] == e["cloud"]["id"] and e["event"] == e["cloud"]["type"] for e in events)
    assert len({e["id"] for e in events}) == len(events)
    assert first["cloud"]["source"] == "/ptghub/schedule" and first["cloud"]["subject"] == "den/nova"

    # track=nova: nova's status and the event-wide message of the day, never edge's
    nova.wait_event(MOTD, lambda c: c["data"]["items"][-1]["message"] == "Lunch is served at noon")
    assert [e["cloud"]["data"]["track"] for e in nova.events(STATUS)] == ["nova"]

    # Last-Event-ID: everything after that event, in order, then live
    after = [e["id"] for e in everything.events()]
    after = after[after.index(first["id"]) + 1:]
    resumed = streams(url, headers={"Last-Event-ID": first["id"]})
    resumed.wait(lambda f: len([x for x in resumed.frames if "id" in x]) >= len(after), 5, "the replay")
    assert [e["id"] for e in resumed.events()][:len(after)] == after
    say(stack, "#nova next python 3 jobs")
    resumed.wait_event(STATUS, lambda c: c["data"]["next"] == ["python 3 jobs"])
    # an id no longer kept (or never seen): one reset, then the live events
    lost = streams(url, headers={"Last-Event-ID": "no-such-event"})
    reset = lost.wait(lambda f: f.get("event") == "reset", 5, "a reset")
    assert "id" not in reset and json.loads(reset["data"])["last_event_id"] == "no-such-event"

    # a heartbeat comment every PTGHUB_STREAM_HEARTBEAT (1 s here)
    everything.wait(lambda f: "heartbeat" in f.get("comments", []), 3, "a heartbeat")

    # a note's items: counts for the public, the items for a token holder
    member = streams(url + "?track=nova", headers={"Authorization": f"Bearer {stack.session.headers['Authorization'][7:]}"})
    note = stack.url("/events/den/tracks/nova/note")
    wait_until(lambda: stack.session.get(note).status_code == 200, timeout=20, message="notes knows nova")
    revision = stack.session.get(note).json()["revision"]
    put = stack.session.put(note, json={"body": "#action mgoddard write the cells v2 spec\n", "revision": revision})
    assert put.status_code == 200, put.text
    shown = nova.wait_event(ITEMS, timeout=15)["cloud"]["data"]
    assert shown["counts"] == {"added": 1, "changed": 0, "removed": 0} and shown["note"]["track"] == "nova"
    assert "mgoddard" not in json.dumps(shown) and "added" not in shown
    full = member.wait_event(ITEMS, timeout=15)["cloud"]["data"]
    assert "write the cells v2 spec" in full["added"][0]["text"]


def test_a_stream_of_an_unknown_event_or_track_is_a_404_problem(live_stack, streams):
    unknown = streams(live_stack.url("/events/nowhere/stream"))
    assert unknown.status == 404 and unknown.response.headers["content-type"] == "application/problem+json"
    assert "event" in unknown.response.json()["errors"]
    no_track = streams(live_stack.url("/events/den/stream?track=nosuchtrack"))
    assert no_track.status == 404 and no_track.response.headers["content-type"] == "application/problem+json"
    assert "track" in no_track.response.json()["errors"]
    assert streams(live_stack.url("/events/den/stream?colour=red")).status == 400, "unknown parameters are refused"
    forged = streams(live_stack.url("/events/den/stream"), headers={"Authorization": "Bearer ptg_not-a-token"})
    assert forged.status == 401 and set(forged.response.json()["errors"]) == {"authorization"}


def browser():
    """Headless Chromium through chromedriver, or the reason there is none."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("no browser: install Debian's chromium and chromium-driver (apt-get install -y chromium "
                    "chromium-driver; .ci/run does) to run the board page in headless Chromium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver), options=options)


def text_of(driver, selector: str) -> str:
    """The text of the first element matching ``selector`` now (the page re-renders: no element handles)."""
    return driver.execute_script("const n = document.querySelector(arguments[0]); return n ? n.innerText : '';",
                                 selector)


def test_the_board_page_shows_a_chat_command_without_a_reload(live_stack, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    stack = live_stack
    page = stack.gateway.removesuffix("/api/v1") + "/board/den"
    say(stack, "#nova clean")
    say(stack, "~motd add info Coffee in the lobby")
    driver = browser()
    try:
        driver.get(page)
        WebDriverWait(driver, 15, 0.05).until(
            lambda d: d.execute_script("return document.body.dataset.live") == "open"
            and text_of(d, '.other[data-track="nova"]'))
        assert "cells v2" not in text_of(driver, "#tracks"), "nova says nothing yet: among the other tracks"
        # what ptgbot's page shows: the grid with booked and free slots, the message of the day
        assert driver.find_elements(By.CSS_SELECTOR, "#grid td.booked .badge")
        assert driver.find_elements(By.CSS_SELECTOR, "#grid td.free")
        assert "Coffee in the lobby" in text_of(driver, "#motd")
        driver.execute_script("window.__notReloaded = true;")

        say(stack, "#nova now cells v2")
        said = time.monotonic()
        WebDriverWait(driver, 2, 0.02).until(lambda d: "cells v2" in text_of(d, '.track[data-track="nova"] .now'))
        shown_after = time.monotonic() - said
        assert driver.execute_script("return window.__notReloaded === true;"), "the page was reloaded"
        driver.save_screenshot(str(tmp_path / "board.png"))

        say(stack, "#nova location Ballroom A")
        WebDriverWait(driver, 2, 0.02).until(lambda d: "Ballroom A" in text_of(d, '.track[data-track="nova"] .who'))
        room_url = requests.get(stack.url("/events/den/ptg.json")).json()["schedule"]["Ballroom A"].get("url")
        assert room_url, "Denver's Ballroom A has a video link"
        video = driver.execute_script(
            "const a = document.querySelector('.track[data-track=\"nova\"] a.badge'); return a ? a.href : null;")
        assert video == room_url, "with no meeting URL of its own, the track's badge joins its room's video"

        say(stack, "~motd add warning Room Aspen moves to Ballroom B")
        WebDriverWait(driver, 2, 0.02).until(lambda d: "Ballroom B" in text_of(d, "#motd"))

        driver.get(page + "?signage=1")
        WebDriverWait(driver, 15, 0.05).until(
            lambda d: d.execute_script("return document.body.classList.contains('signage')")
            and "cells v2" in text_of(d, "#tracks"))
        size = driver.execute_script(
            "return parseFloat(getComputedStyle(document.querySelector('.now .text')).fontSize);")
        assert size >= 20, f"signage type is large ({size}px)"
        driver.save_screenshot(str(tmp_path / "board-signage.png"))

        driver.set_window_size(390, 844)  # a phone
        driver.get(page)
        WebDriverWait(driver, 15, 0.05).until(lambda d: "cells v2" in text_of(d, "#tracks"))
        width = driver.execute_script("return document.documentElement.scrollWidth;")
        assert width <= 400, f"the page fits a phone's width ({width}px); the grid scrolls in its own box"
        driver.save_screenshot(str(tmp_path / "board-phone.png"))
    finally:
        driver.quit()
    print(f"board: 'cells v2' shown {shown_after * 1000:.0f} ms after the command; screenshots in {tmp_path}")
