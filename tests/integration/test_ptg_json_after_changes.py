"""ptg.json right after each kind of change, against real PostgreSQL: what the schedule serves is,
byte for byte, what a process that kept nothing (no occupancy, no grid encoding, no rendering)
renders from the database, so the parts it keeps across changes never hold an old answer."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.schedule.exports import ptg_json
from services.schedule.store import exports as export_queries

from ..conftest import ORGANISER
from .test_schedule_exports import gathering  # noqa: F401  (the fixture)

pytestmark = pytest.mark.integration


def cold(built) -> bytes:
    """ptg.json as a fresh process renders it: nothing kept."""
    export_queries.forget_occupancy()
    with export_queries.snapshot(built.engine) as connection:
        data = export_queries.ptg_data(connection, export_queries.event_by_slug(connection, "denver"))
    return ptg_json.ptg_json_bytes(data, ptg_json.GridFragments())


# (what, method, path (``{cells}`` etc. name built sessions), body, what the new document shows)
CHANGES = [
    ("status now", "post", "/events/denver/tracks/nova/status/now", {"text": "cross-cell resize"},
     lambda doc: doc["now"]["nova"] == "cross-cell resize"),
    ("status next", "post", "/events/denver/tracks/kolla/status/next", {"text": "python 3 images"},
     lambda doc: doc["next"]["kolla"] == ["python 3 images"]),
    ("motd", "post", "/events/denver/motd", {"level": "info", "message": "Coffee in the lobby"},
     lambda doc: {"level": "info", "message": "Coffee in the lobby"} in doc["motd"]),
    ("link", "post", "/events/denver/links", {"label": "wiki", "url": "https://wiki.example.org/ptg"},
     lambda doc: doc["links"]["wiki"] == "https://wiki.example.org/ptg"),
    ("track colour", "patch", "/events/denver/tracks/swift", {"colour": "#123456"},
     lambda doc: doc["colors"]["swift"] == "#123456"),
    ("track renamed", "patch", "/events/denver/tracks/nova", {"name": "Compute"},
     lambda doc: doc["schedule"]["Ballroom A"]["MonA1"] == "nova"),
    ("track notes link", "patch", "/events/denver/tracks/kolla", {"notes_url": "https://etherpad.example.org/p/k"},
     lambda doc: doc["etherpads"]["kolla"] == "https://etherpad.example.org/p/k"),
    ("room renamed", "patch", "/events/denver/rooms/vail", {"name": "Vail Room"},
     lambda doc: "Vail Room" in doc["schedule"] and "Vail" not in doc["schedule"]),
    ("room video link", "patch", "/events/denver/rooms/aspen", {"video_url": "https://meet.jit.si/aspen"},
     lambda doc: doc["schedule"]["Aspen"]["url"] == "https://meet.jit.si/aspen"),
    ("slot added", "post", "/events/denver/slots", {"code": "TueP1", "day": "2018-09-11", "start": "13:30",
                                                    "end": "15:15"},
     lambda doc: "TueP1" in [s["name"] for s in doc["slots"]["Tuesday"]] and doc["schedule"]["Vail"]["TueP1"] == ""),
    ("session moved", "patch", "/sessions/{keynote}", {"start": "2018-09-11T10:45:00-06:00",
                                                       "end": "2018-09-11T12:30:00-06:00"},
     lambda doc: doc["schedule"]["Vail"]["TueA2"] == "nova" and doc["schedule"]["Vail"]["TueA1"] == ""),
    ("session retitled", "patch", "/sessions/{keynote}", {"title": "Stein goals, again"},
     lambda doc: doc["schedule"]["Vail"]["TueA1"] == "nova"),
    ("session cancelled", "post", "/sessions/{cells}/cancel", None,
     lambda doc: doc["schedule"]["Ballroom A"]["MonA1"] == "" and doc["schedule"]["Ballroom A"]["MonA2"] == ""),
    ("session deleted", "delete", "/sessions/{images}", None,
     lambda doc: doc["schedule"]["Aspen"]["MonA1"] == ""),
    ("session created", "post", "/events/denver/sessions", {
        "track": "kolla", "room": "vail", "title": "Kolla-ansible upgrades",
        "start": "2018-09-11T10:45:00-06:00", "end": "2018-09-11T12:30:00-06:00"},
     lambda doc: doc["schedule"]["Vail"]["TueA2"] == "kolla"),
]


@pytest.mark.parametrize("what, method, path, body, shows", CHANGES, ids=[c[0] for c in CHANGES])
def test_the_first_read_after_a_change_is_what_a_cold_process_renders(gathering, what, method, path, body,  # noqa: F811
                                                                      shows):
    client = gathering.client
    before = client.get("/events/denver/ptg.json")
    assert before.data == cold(gathering)
    client.get("/events/denver/ptg.json")  # the parts are kept now
    answer = getattr(client, method)(path.format(**gathering.ids), headers=ORGANISER,
                                     **({} if body is None else {"json": body}))
    assert answer.status_code in (200, 201, 204), (what, answer.get_json())
    after = client.get("/events/denver/ptg.json")
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert shows(json.loads(after.data)), what
    assert after.data == cold(gathering), what


def test_a_change_that_leaves_the_grid_keeps_its_encoding(gathering):  # noqa: F811
    client = gathering.client
    client.get("/events/denver/ptg.json")
    made = ptg_json.GRIDS.made
    for text in ("resize", "limits"):
        assert client.post("/events/denver/tracks/nova/status/now", headers=ORGANISER,
                           json={"text": text}).status_code == 200
        assert json.loads(client.get("/events/denver/ptg.json").data)["now"]["nova"] == text
    assert ptg_json.GRIDS.made == made
    assert client.patch(f"/sessions/{gathering.ids['keynote']}", headers=ORGANISER,
                        json={"title": "Stein goals, retitled"}).status_code == 200
    client.get("/events/denver/ptg.json")
    assert ptg_json.GRIDS.made == made  # the occupancy came out the same: the same grid
    assert client.post(f"/sessions/{gathering.ids['keynote']}/cancel", headers=ORGANISER).status_code == 200
    assert json.loads(client.get("/events/denver/ptg.json").data)["schedule"]["Vail"]["TueA1"] == ""
    assert ptg_json.GRIDS.made == made + 1


def test_requests_for_a_version_being_rendered_wait_for_that_rendering(gathering, monkeypatch):  # noqa: F811
    """Single flight: the gateway's workers each fetch again what a change made untrue; the schedule
    renders a version once, however many ask for it at the same time."""
    rendered = []
    render = ptg_json.ptg_json_bytes

    def slow(data):
        rendered.append(data.event.version)
        time.sleep(0.3)
        return render(data)

    monkeypatch.setattr(ptg_json, "ptg_json_bytes", slow)
    assert gathering.client.post("/events/denver/tracks/nova/status/now", headers=ORGANISER,
                                 json={"text": "single flight"}).status_code == 200
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: gathering.service.app.test_client().get("/events/denver/ptg.json"), range(4)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.data for a in answers}) == 1 and b'"nova":"single flight"' in answers[0].data
    assert len(rendered) == 1
