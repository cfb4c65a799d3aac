"""The actions domain, pure: the status life cycle, owners as written, who may change what,
If-Match, a person's timezone and aliases."""
from datetime import date, datetime, timezone

import pytest

from services.actions.domain import access, owners, people, status, versions
from services.kit.problems import Conflict, Forbidden, Invalid, PreconditionFailed

NOW = datetime(2030, 5, 2, 9, 0, tzinfo=timezone.utc)
LATER = datetime(2030, 5, 3, 9, 0, tzinfo=timezone.utc)


# -- the status life cycle ---------------------------------------------------------------------

def test_an_action_starts_open_and_one_created_done_is_completed_now():
    assert status.next_status(None, {}, NOW) == status.Status("open", None, None)
    assert status.next_status(None, {"status": "done"}, NOW).completed_at == NOW


@pytest.mark.parametrize("before, after", [
    ("open", "in_progress"), ("open", "done"), ("open", "dropped"), ("in_progress", "open"),
    ("in_progress", "done"), ("in_progress", "dropped"), ("done", "open"), ("dropped", "open"),
    ("done", "done"), ("dropped", "dropped"),
])
def test_the_transitions_that_make_sense(before, after):
    assert status.next_status(status.Status(before), {"status": after}, NOW).status == after


@pytest.mark.parametrize("before, after", [
    ("done", "in_progress"), ("done", "dropped"), ("dropped", "done"), ("dropped", "in_progress")])
def test_a_settled_action_only_reopens(before, after):
    with pytest.raises(Conflict) as refused:
        status.next_status(status.Status(before), {"status": after}, NOW)
    assert "status" in refused.value.errors and "reopen" in refused.value.detail


def test_completion_is_kept_while_done_and_cleared_on_reopen():
    done = status.next_status(status.Status("open"), {"status": "done"}, NOW)
    assert done.completed_at == NOW
    assert status.next_status(done, {"status": "done"}, LATER).completed_at == NOW
    assert status.next_status(done, {"status": "open"}, LATER).completed_at is None


def test_a_snooze_lasts_while_active_and_goes_when_the_action_settles():
    snoozed = status.next_status(status.Status("open"), {"snoozed_until": date(2030, 6, 1)}, NOW)
    assert snoozed.snoozed_until == date(2030, 6, 1)
    assert status.next_status(snoozed, {"status": "in_progress"}, NOW).snoozed_until == date(2030, 6, 1)
    assert status.next_status(snoozed, {"status": "dropped"}, NOW).snoozed_until is None
    assert status.next_status(snoozed, {"snoozed_until": None}, NOW).snoozed_until is None
    with pytest.raises(Invalid) as refused:
        status.next_status(status.Status("done"), {"snoozed_until": date(2030, 6, 1)}, NOW)
    assert "snoozed_until" in refused.value.errors


def test_arrival_verbs_only_when_the_status_arrives():
    assert status.arrival_verbs(None, status.Status("done")) == ["completed"]
    assert status.arrival_verbs(status.Status("open"), status.Status("dropped")) == ["dropped"]
    assert status.arrival_verbs(status.Status("done"), status.Status("done")) == []
    assert status.arrival_verbs(status.Status("open"), status.Status("in_progress")) == []


def test_a_track_needs_its_event():
    with pytest.raises(Invalid) as refused:
        status.check_scope(None, "kolla")
    assert "event" in refused.value.errors
    status.check_scope("denver", None)


# -- owners as written -------------------------------------------------------------------------

@pytest.mark.parametrize("written, text, key, email", [
    ("mgoddard", "mgoddard", "mgoddard", False),
    ("@MGoddard", "MGoddard", "mgoddard", False),
    (" sean-k-mooney ", "sean-k-mooney", "sean-k-mooney", False),
    ("Mark@Example.com", "Mark@Example.com", "mark@example.com", True),
    ("[m]goddard|away", "[m]goddard|away", "[m]goddard|away", False),
])
def test_an_owner_is_a_nick_or_an_address_matched_in_lower_case(written, text, key, email):
    assert owners.handle(written) == owners.Handle(text, key, email)
    assert owners.key(written) == key


@pytest.mark.parametrize("written", ["two words", "1abc", "mark@", "@", "a@b", "x" * 65, "", "me@exa mple.com"])
def test_anything_else_is_refused_naming_the_field(written):
    with pytest.raises(Invalid) as refused:
        owners.handle(written, "owners")
    assert "owners" in refused.value.errors


def test_owners_are_each_kept_once_in_the_order_given():
    assert [h.text for h in owners.handles(["hrw", "@HRW", "mgoddard", "MGoddard"])] == ["hrw", "mgoddard"]


# -- who may change what -----------------------------------------------------------------------

ORGANISER = {"name": "ttx", "role": "organiser", "tracks": []}
KOLLA = {"name": "kolla chairs", "role": "chair", "tracks": [{"event": "denver", "track": "kolla"}]}


def owner(name, role="integration"):
    return {"name": name, "role": role, "tracks": []}


def test_a_tracks_writer_changes_anything_an_owner_only_status_and_snooze():
    assert access.check_action_change(ORGANISER, None, None, [], ["title"]) is True
    assert access.check_action_change(KOLLA, "denver", "kolla", [], ["title", "owners"]) is True
    assert access.check_action_change(owner("MGoddard"), "denver", "kolla", {"mgoddard"}, ["status"]) is False
    assert access.check_action_change(owner("@mgoddard"), None, None, {"mgoddard"},
                                      ["status", "snoozed_until"]) is False
    with pytest.raises(Forbidden) as refused:
        access.check_action_change(owner("mgoddard"), "denver", "kolla", {"mgoddard"}, ["status", "due_date"])
    assert list(refused.value.errors) == ["due_date"]
    with pytest.raises(Forbidden) as refused:
        access.check_action_change(owner("hrw"), "denver", "kolla", {"mgoddard"}, ["status"])
    assert "track" in refused.value.errors
    with pytest.raises(Forbidden):
        access.check_action_change(KOLLA, "denver", None, {"mgoddard"}, ["status"])  # no track: organisers'
    with pytest.raises(Forbidden):
        access.check_action_change(KOLLA, "berlin", "kolla", set(), ["status"])  # kolla at another event
    with pytest.raises(Forbidden):  # the public is nobody, whatever name it carries
        access.check_action_change({"name": "mgoddard", "role": "public"}, "denver", "kolla", {"mgoddard"}, ["status"])


def test_people_are_written_by_organisers_and_chairs_and_partly_by_themselves():
    access.check_person_writer(KOLLA)
    with pytest.raises(Forbidden):
        access.check_person_writer(owner("mgoddard"))
    access.check_person_change(owner("mgoddard"), {"mgoddard", "markg"}, ["timezone", "reminders", "name"])
    with pytest.raises(Forbidden) as refused:
        access.check_person_change(owner("markg"), {"mgoddard", "markg"}, ["email"])
    assert list(refused.value.errors) == ["email"]
    with pytest.raises(Forbidden):
        access.check_person_change(owner("hrw"), {"mgoddard"}, ["timezone"])
    with pytest.raises(Forbidden):
        access.check_reader({"sub": "anonymous", "role": "public"})


# -- If-Match ----------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, '"3"', '"2", "3"', "*"])
def test_if_match_that_names_the_current_version(header):
    versions.check_if_match(header, 3)


@pytest.mark.parametrize("header", ['"2"', 'W/"3"', '"4", "5"', ""])
def test_if_match_of_another_version_is_412(header):
    with pytest.raises(PreconditionFailed) as refused:
        versions.check_if_match(header, 3)
    assert "If-Match" in refused.value.errors and refused.value.extra["current_version"] == 3


# -- a person's fields -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires"])
def test_an_iana_timezone_is_taken(name):
    assert people.check_timezone(name) == name


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "/etc/localtime", "../UTC", " UTC", "Europe/Berlin/"])
def test_anything_else_is_not_a_timezone(name):
    with pytest.raises(Invalid) as refused:
        people.check_timezone(name)
    assert "timezone" in refused.value.errors


def test_aliases_are_nicks_not_the_nick_and_each_once():
    assert people.alias_keys("mgoddard", ["MarkG", "mark_"]) == {"markg": "MarkG", "mark_": "mark_"}
    for aliases in (["MGODDARD"], ["a", "A"], ["two words"]):
        with pytest.raises(Invalid) as refused:
            people.alias_keys("mgoddard", aliases)
        assert "aliases" in refused.value.errors
