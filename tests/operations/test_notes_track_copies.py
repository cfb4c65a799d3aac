"""The schedule-track copy (services/kit/copies.py, kept alike by notes and actions), through notes'
operation: a deleted track is retired, re-created it comes back, reordered events change nothing."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from services.kit.copies import TrackChange
from services.notes.descriptor import DESCRIPTOR
from services.notes.operations import copies


def change(verb, track_id="first", name="Kolla"):
    return TrackChange(verb, track_id, "denver", "kolla", name, "openstack-discuss@lists.openstack.org", "kolla")


@pytest.fixture
def follow(make_database):
    database = make_database(DESCRIPTOR)

    def apply(*changes):
        """Each change in its own unit of work (as consumed); the copy after the last, as a dict."""
        for track_change in changes:
            with database.unit_of_work() as uow:
                track = copies.follow_track(uow, track_change)
                copy = None if track is None else {"track_id": track.track_id, "name": track.name,
                                                   "retired": track.retired, "deleted_at": track.deleted_at}
                uow.commit()
        return copy

    return apply


def test_a_created_track_is_copied_and_follows_its_updates(follow):
    assert follow(change("created"), change("updated", name="Kolla-ansible")) == {
        "track_id": "first", "name": "Kolla-ansible", "retired": False, "deleted_at": None}


def test_a_deleted_track_keeps_its_copy_retired(follow):
    copy = follow(change("created"), change("deleted"))
    assert copy["retired"] and copy["deleted_at"] is not None and copy["name"] == "Kolla"


def test_the_copy_is_retired_when_the_schedule_deleted_it(follow):
    deleted = datetime(2019, 5, 2, 18, 30, tzinfo=timezone.utc)  # the event's time
    assert follow(change("created"), replace(change("deleted"), at=deleted))["deleted_at"] == deleted


def test_a_deletion_never_seen_created_leaves_a_retired_copy(follow):
    assert follow(change("deleted"))["retired"]


def test_a_track_created_again_comes_back(follow):
    assert follow(change("created"), change("deleted"), change("created", "second")) == {
        "track_id": "second", "name": "Kolla", "retired": False, "deleted_at": None}


def test_a_late_update_or_creation_of_the_deleted_track_does_not_bring_it_back(follow):
    copy = follow(change("created"), change("deleted"), change("updated", name="Late"), change("created"))
    assert copy["retired"] and copy["name"] == "Kolla"


def test_the_late_deletion_of_an_earlier_incarnation_leaves_the_new_one(follow):
    copy = follow(change("created"), change("created", "second"), change("deleted", "first"))
    assert copy["track_id"] == "second" and not copy["retired"]


def test_a_second_deletion_keeps_the_first_time(follow):
    first = follow(change("created"), change("deleted"))
    assert follow(change("deleted"))["deleted_at"] == first["deleted_at"]
