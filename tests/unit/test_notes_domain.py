"""The notes service's pure rules."""
from datetime import datetime, timedelta, timezone

import pytest

from services.kit.problems import Conflict, PreconditionFailed
from services.notes import domain

UTC = timezone.utc


def test_the_etag_is_the_quoted_revision():
    assert domain.etag(0) == '"0"'
    assert domain.etag(12) == '"12"'


@pytest.mark.parametrize("header", [None, '"3"', "*", '"2", "3"', "3"])
def test_if_match_passes_when_absent_or_matching(header):
    domain.check_if_match(header, 3)


@pytest.mark.parametrize("header", ['"2"', 'W/"3"', "", '"30"', "garbage\""])
def test_if_match_fails_otherwise_with_the_current_revision(header):
    with pytest.raises(PreconditionFailed) as caught:
        domain.check_if_match(header, 3)
    assert caught.value.status == 412
    assert caught.value.extra["current_revision"] == 3
    assert "If-Match" in caught.value.errors


def test_an_edit_on_the_current_revision_makes_the_next_one():
    assert domain.next_revision(0, 0) == 1
    assert domain.next_revision(7, 7) == 8


@pytest.mark.parametrize("based_on", [0, 4, 6])
def test_an_edit_on_another_revision_is_a_conflict_naming_revision(based_on):
    with pytest.raises(Conflict) as caught:
        domain.next_revision(based_on, 5)
    assert caught.value.status == 409
    assert "revision" in caught.value.errors
    assert caught.value.extra["current_revision"] == 5


def test_an_older_session_version_is_stale():
    now = datetime(2019, 5, 2, 12, tzinfo=UTC)
    assert domain.is_stale(now - timedelta(seconds=1), now)
    assert not domain.is_stale(now, now)
    assert not domain.is_stale(now + timedelta(seconds=1), now)
    assert not domain.is_stale(None, now)
    assert not domain.is_stale(now, None)


def test_copied_status_follows_the_event_verb():
    assert domain.copied_status("cancelled", "scheduled") == "cancelled"
    assert domain.copied_status("scheduled", None) == "scheduled"
    assert domain.copied_status("updated", "cancelled") == "cancelled"


def test_a_deleted_session_keeps_its_note_but_leaves_the_summary():
    assert domain.copied_status("deleted", "scheduled") == domain.DELETED
    assert domain.copied_status("updated", "scheduled") == domain.SCHEDULED


def test_a_revision_is_written_by_the_tokens_display_name():
    assert domain.author({"sub": "6f1c-token-id", "name": "mgoddard", "role": "chair"}) == "mgoddard"
    assert domain.author({"sub": "6f1c-token-id", "role": "chair"}) == "6f1c-token-id"
