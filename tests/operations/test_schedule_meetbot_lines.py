"""MeetBot's lines in a track's channel (issue 7): the command path publishes them as
``ptghub.schedule.note.line`` for the notes service, naming the track's session under way."""
import pytest

from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import commands

from .conftest import outbox_types
from .schedule_live_gathering import THURSDAY, build, local, outbox


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    build(database)
    return database


def say(database, nick, text, at, track):
    with database.unit_of_work() as uow:
        outcome = commands.run_command(uow, "denver", nick, text, at, track)
        if outcome.applied:
            uow.commit()
    return outcome


def test_a_meetbot_line_names_the_session_under_way_and_the_nick(database):
    outcome = say(database, "johndoe", "#action  mgoddard write the spec", local(THURSDAY, 10), "nova")
    assert (outcome.applied, outcome.reply, outcome.command, outcome.track) == (True, None, "action", "nova")
    [line] = outbox(database, "note.line")
    assert line["type"] == "ptghub.schedule.note.line" and line["subject"] == "denver/nova"
    assert line["data"]["session_id"] is not None
    assert {k: line["data"][k] for k in ("event", "track", "nick", "text")} == {
        "event": "denver", "track": "nova", "nick": "johndoe", "text": "#action mgoddard write the spec"}


def test_between_sessions_the_line_is_for_the_track_note(database):
    assert say(database, "hrw", "#agreed: py3 first", local(THURSDAY, 15), "nova").applied
    assert outbox(database, "note.line")[0]["data"]["session_id"] is None


def test_refusals_and_lines_that_are_no_meetbot_lines(database):
    empty = say(database, "hrw", "#action", local(THURSDAY, 10), "nova")
    assert not empty.applied and empty.reply.startswith("hrw: #action needs some text")
    unknown = say(database, "hrw", "#info x", local(THURSDAY, 10), "cinder")
    assert not unknown.applied and unknown.reply == "hrw: unknown track 'cinder'"
    assert say(database, "hrw", "#help", local(THURSDAY, 10), "nova").command == "help"  # ptgbot's help still
    without_channel = say(database, "hrw", "#action x", local(THURSDAY, 10), None)
    assert not without_channel.applied and without_channel.reply == "hrw: unknown track 'action'"  # as before
    assert outbox_types(database) == []
