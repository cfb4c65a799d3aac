"""ptg.json made from kept parts (:func:`ptg_json.ptg_json_bytes`): byte for byte what the whole
document encodes to, after every kind of change, and the grid's encoding kept only while nothing it
shows changed."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.schedule.exports import ptg_json
from services.schedule.exports.data import ExportData, LinkData, MotdData, RoomData, SlotData, dump_json

from .test_schedule_exports import gathering, local


def with_key(data: ExportData, key=("db", "ev-1", 1)) -> ExportData:
    """The data as the reads give it: the occupancy worked out, with its content key."""
    return replace(data, occupancy=ptg_json.slot_occupancy(data.sessions, data.slots), occupancy_key=key)


def changed(data: ExportData, **changes) -> ExportData:
    return replace(data, **changes)


def test_the_bytes_are_the_whole_documents_encoding():
    data = gathering()
    assert ptg_json.ptg_json_bytes(data, ptg_json.GridFragments()) == dump_json(ptg_json.ptg_json(data))
    keyed = with_key(data)
    assert ptg_json.ptg_json_bytes(keyed, ptg_json.GridFragments()) == dump_json(ptg_json.ptg_json(keyed))


def test_without_an_occupancy_key_nothing_is_kept():
    grids = ptg_json.GridFragments()
    data = gathering()
    ptg_json.ptg_json_bytes(data, grids)
    ptg_json.ptg_json_bytes(data, grids)
    assert grids.made == 2


def _track(data: ExportData, which: str, **changes):
    return [replace(t, **changes) if t.slug == which else t for t in data.tracks]


def _room(data: ExportData, slug: str, **changes):
    return [replace(r, **changes) if r.slug == slug else r for r in data.rooms]


# (what changed, the data after it, whether the grid shows it)
CHANGES = [
    ("status now", lambda d: changed(d, tracks=_track(d, "nova", now="placement")), False),
    ("status next", lambda d: changed(d, tracks=_track(d, "kolla", next=["images", "upgrades"])), False),
    ("track renamed (name)", lambda d: changed(d, tracks=_track(d, "nova", name="Compute")), False),
    ("track notes and meeting links", lambda d: changed(d, tracks=_track(d, "kolla", notes_url="https://e.org/p/k",
                                                                         meeting_url=None)), False),
    ("track colour", lambda d: changed(d, tracks=_track(d, "kolla", colour="#123456")), False),
    ("motd", lambda d: changed(d, motd=[MotdData("warning", "Lunch moved")]), False),
    ("links", lambda d: changed(d, links=[*d.links, LinkData("etherpads", "https://e.org/p/list")]), False),
    ("event voice", lambda d: changed(d, event=replace(d.event, open_commands=True)), False),
    ("event version and time", lambda d: changed(d, event=replace(d.event, version=8,
                                                                  updated_at=d.event.updated_at + timedelta(hours=1))),
     False),
    ("track renamed (slug)", lambda d: changed(d, tracks=_track(d, "nova", slug="compute")), True),
    ("room renamed", lambda d: changed(d, rooms=_room(d, "aspen", name="Aspen Lodge")), True),
    ("room video link", lambda d: changed(d, rooms=_room(d, "ballroom-a", video_url="https://meet.jit.si/B2")), True),
    ("room offers another slot", lambda d: changed(d, rooms=_room(d, "aspen", offered_slots=["MonA1", "TueA1"])),
     True),
    ("room added", lambda d: changed(d, rooms=[*d.rooms, RoomData("r-vail", "vail", "Vail")]), True),
    ("slot added", lambda d: changed(d, slots=[*d.slots, SlotData("TueA2", local(11, 10, 45), local(11, 12, 30))]),
     True),
    ("event time zone", lambda d: changed(d, event=replace(d.event, timezone="Europe/Berlin")), True),
    ("sessions changed (another occupancy)", lambda d: changed(d, occupancy={}, occupancy_key=("db", "ev-1", 2)), True),
]


@pytest.mark.parametrize("what, change, shows", CHANGES, ids=[c[0] for c in CHANGES])
def test_after_each_kind_of_change_the_bytes_are_the_new_documents(what, change, shows):
    grids = ptg_json.GridFragments()
    before = with_key(gathering())
    ptg_json.ptg_json_bytes(before, grids)
    after = change(before)
    assert ptg_json.ptg_json_bytes(after, grids) == dump_json(ptg_json.ptg_json(after))
    # the grid is encoded again exactly when the change is one it shows
    assert grids.made == (2 if shows else 1), what
    if shows:
        assert ptg_json.ptg_json(after)["schedule"] != ptg_json.ptg_json(before)["schedule"] or \
            ptg_json.ptg_json(after)["slots"] != ptg_json.ptg_json(before)["slots"]


def test_a_track_renamed_shows_its_new_slug_in_the_kept_grid():
    grids = ptg_json.GridFragments()
    before = with_key(gathering())
    ptg_json.ptg_json_bytes(before, grids)
    after = changed(before, tracks=_track(before, "nova", slug="compute"))
    schedule = ptg_json.ptg_json(after)["schedule"]
    assert schedule["Ballroom A"]["MonA1"] == "compute"
    assert b'"MonA1":"compute"' in ptg_json.ptg_json_bytes(after, grids)


def test_the_kept_grids_are_bounded():
    grids = ptg_json.GridFragments(kept=2)
    data = with_key(gathering())
    for n in range(4):
        ptg_json.ptg_json_bytes(changed(data, occupancy_key=("db", "ev-1", n)), grids)
    ptg_json.ptg_json_bytes(changed(data, occupancy_key=("db", "ev-1", 0)), grids)  # dropped: made again
    ptg_json.ptg_json_bytes(changed(data, occupancy_key=("db", "ev-1", 3)), grids)  # kept
    assert grids.made == 5
