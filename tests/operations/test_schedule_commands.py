"""ptgbot's command path: a chat line from a nick, applied through the same operations as the REST
routes, answered in ptgbot's words; a refusal writes nothing."""
import json
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from services.schedule import store
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import commands, live

from .conftest import outbox_types
from .schedule_live_gathering import THURSDAY, build, local, outbox

AT = local(THURSDAY, 10)


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    build(database)
    return database


def say(database, nick, text, at=AT):
    """What the route does: run the line, commit only when it was applied."""
    with database.unit_of_work() as uow:
        outcome = commands.run_command(uow, "denver", nick, text, at)
        if outcome.applied:
            uow.commit()
        else:
            assert uow.events == [], "a refusal published something"
    return outcome


def track(database, slug):
    """The track's live fields as they are stored."""
    with database.unit_of_work(readonly=True) as uow:
        row = live.read(uow, "denver", slug)
        return SimpleNamespace(now=row.now, next=list(row.next), location=row.location, meeting_url=row.meeting_url)


def test_a_track_command_by_a_nick_that_is_no_chair_is_refused_and_writes_nothing(database):
    outcome = say(database, "johndoe", "#nova now x")
    assert (outcome.applied, outcome.track, outcome.command) == (False, "nova", None)
    assert outcome.reply == ("johndoe: Need voice to issue commands: you are not allowed to change track 'nova' "
                             "(only its chairs and the organisers may)")
    assert track(database, "nova").now is None and outbox_types(database) == []


def test_chairs_and_organisers_speak_for_a_track_and_anyone_when_the_event_is_open(database):
    assert say(database, "GIBI", "#nova now cells").applied  # nicks compare case-insensitively
    assert say(database, "ttx", "#nova next placement").applied
    assert not say(database, "notmyname", "#nova clean").applied  # swift's chair, not nova's
    assert say(database, "ttx", "~alloweveryone").applied
    assert say(database, "johndoe", "#nova location Ballroom A").applied
    row = track(database, "nova")
    assert (row.now, row.next, row.location) == ("cells", ["placement"], "Ballroom A")
    assert outbox_types(database)[-2:] == ["ptghub.schedule.event.updated", "ptghub.schedule.status.changed"]


def test_chat_and_rest_publish_the_same_change(database):
    say(database, "gibi", "#nova next placement")
    with database.unit_of_work() as uow:
        live.add_next(uow, "denver", "swift", "placement", AT)
        uow.commit()
    by_chat, by_rest = (e["data"] for e in outbox(database, "status.changed"))
    assert {**by_chat, "track": "swift", "name": "Swift"} == by_rest


def test_a_track_without_a_room_today_gets_ptgbots_warning(database):
    assert say(database, "gibi", "#nova now cells").reply is None
    outcome = say(database, "ttx", "#kolla now images")
    assert outcome.applied and outcome.reply == ("ttx: Message added, but please note that track 'kolla' does not "
                                                 "appear to have a room scheduled today.")


def test_too_many_next_is_refused_in_chat_words(database):
    for i in range(20):
        assert say(database, "gibi", f"#nova next topic {i}").applied
    outcome = say(database, "gibi", "#nova next one more")
    assert not outcome.applied
    assert outcome.reply == "gibi: Too many 'next' entries (at most 20): set 'now' or 'clean' first"


def test_booking_by_chat_books_through_the_booking_operation_and_refuses_a_taken_slot(database):
    outcome = say(database, "notmyname", "#swift book Aspen-ThuP1")
    assert (outcome.applied, outcome.reply) == (True, "notmyname: Room Aspen is now booked on ThuP1 for swift")
    assert outbox(database, "session.scheduled")[0]["data"]["booked"] is True
    assert say(database, "ttx", "#kolla book aspen-thup1").reply == "ttx: Slot 'aspen-thup1' is invalid (or booked)"
    assert say(database, "gibi", "#nova book Aspen-ThuA1").reply == \
        "gibi: Slot 'Aspen-ThuA1' is invalid (or booked): track nova already meets in another room then"
    assert say(database, "ttx", "#kolla unbook Aspen-ThuP1").reply == \
        "ttx: Slot 'Aspen-ThuP1' is invalid (or not booked for kolla)"
    assert say(database, "notmyname", "#swift unbook Aspen-ThuP1").reply == \
        "notmyname: Room Aspen (previously booked for swift) is now free on ThuP1"
    assert outbox_types(database) == ["ptghub.schedule.session.scheduled", "ptghub.schedule.session.cancelled"]


def test_admin_commands_are_the_organisers(database):
    outcome = say(database, "gibi", "~motd add info hello")
    assert outcome.reply == "gibi: Need op for admin commands: you are not one of the event's organisers"
    for line in ("~motd add info one", "~motd add warning two", "~motd add danger three", "~motd reorder 3 1",
                 "~motd del 2"):
        assert say(database, "ttx", line).applied, line
    assert say(database, "ttx", "~motd del 5").reply == "ttx: Incorrect message number 5"
    (last,) = [e["data"] for e in outbox(database, "motd.changed")][-1:]
    assert [(m["number"], m["message"]) for m in last["items"]] == [(1, "three")]
    assert say(database, "ttx", "~list").reply == "ttx: Available tracks: kolla nova swift"


def test_tracks_come_and_go_by_chat_but_a_track_with_sessions_stays(database):
    assert say(database, "ttx", "~add Cyborg cyborg").applied
    assert say(database, "ttx", "~del nova cyborg").reply == \
        "ttx: Track 'nova' has sessions and cannot be deleted from chat: an organiser cancels them first"
    assert say(database, "ttx", "~del cyborg ghost").applied
    assert [e["type"] for e in outbox(database) if ".track." in e["type"]] == \
        ["ptghub.schedule.track.created", "ptghub.schedule.track.deleted"]
    with database.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(store.Track)).scalar_one() == 3


def test_newday_and_clean_by_chat(database):
    say(database, "ttx", "#nova now a")
    say(database, "ttx", "#swift next b")
    say(database, "ttx", "#swift location Vail")
    assert say(database, "ttx", "~clean swift ghost").applied
    assert track(database, "swift").next == [] and track(database, "nova").now == "a"
    assert say(database, "ttx", "~newday").applied
    assert track(database, "nova").now is None and track(database, "swift").location == "Vail"


@pytest.mark.parametrize("text, reply", [
    ("hello there", None),
    ("#help", "ttx: See PTGbot documentation at: https://opendev.org/openstack/ptgbot/src/branch/master/README.rst"),
    ("#ghost now x", "ttx: unknown track 'ghost'"),
    ("+in the pub", None),
    ("#nova url javascript:alert(1)", "ttx: 'javascript:alert(1)' is not an http(s) URL"),
])
def test_lines_that_change_nothing(database, text, reply):
    outcome = say(database, "ttx", text)
    if reply is not None:
        assert outcome.reply == reply
    assert outbox_types(database) == []


def test_track_settings_by_chat_publish_track_updated_on_change_only(database):
    assert say(database, "gibi", "#nova color #42f4c5").applied
    assert say(database, "gibi", "#nova color #42f4c5").applied
    assert say(database, "gibi", "#nova url https://meet.jit.si/nova").applied
    assert say(database, "gibi", "#nova etherpad auto").applied
    updated = [json.dumps(e["data"]) for e in outbox(database, "track.updated")]
    assert len(updated) == 2 and track(database, "nova").meeting_url == "https://meet.jit.si/nova"
