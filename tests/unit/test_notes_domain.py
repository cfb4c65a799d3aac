"""The notes service's pure rules."""
from datetime import datetime, timedelta, timezone

import pytest

from services.kit.problems import Conflict, Invalid, PreconditionFailed
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


# -- the body, rendering, diffs, items (issue 7) -------------------------------------------------
def test_the_body_limit_counts_utf8_bytes():
    assert domain.check_body("x" * domain.MAX_BODY_BYTES)
    with pytest.raises(Exception) as caught:
        domain.check_body("é" * (domain.MAX_BODY_BYTES // 2 + 1))  # 2 bytes each
    assert caught.value.status == 413 and caught.value.errors == {"body": ["at most 1048576 bytes"]}


@pytest.mark.parametrize("body, text, result", [
    ("", "first", "first\n"), ("a", "b", "a\nb\n"), ("a\n", "b", "a\nb\n"), ("a\n", "\nb\n", "a\nb\n")])
def test_an_appended_line_is_a_line_of_its_own(body, text, result):
    assert domain.appended(body, text) == result


@pytest.mark.parametrize("markdown", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                      "<a href=\"javascript:alert(1)\">x</a>", "[x](javascript:alert(1))",
                                      "<p style=\"x\" onclick=\"alert(1)\">x</p>"])
def test_the_html_has_no_script_no_handlers_no_javascript_links(markdown):
    html = domain.render_html(markdown)
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert 'href="javascript' not in html


def test_the_diff_is_unified():
    assert domain.diff("a\nb\n", "a\nc\n", 1, 2) == "--- revision 1\n+++ revision 2\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"


def test_the_context_knows_chairs_authors_and_the_event_calendar():
    start = datetime(2019, 5, 2, 15, tzinfo=UTC)
    context = domain.context("mgoddard", [{"nick": "hrw", "name": "Marcin Juszkiewicz", "email": None}],
                             ["ops", "Somebody With Spaces"], (start, start + timedelta(days=2), "America/Denver"),
                             start)
    assert context.author == "mgoddard" and context.people.lookup("Marcin Juszkiewicz") == "hrw"
    assert "ops" in context.people and "Somebody With Spaces" not in context.people
    assert (str(context.calendar.start), str(context.calendar.end), str(context.calendar.today)) == (
        "2019-05-02", "2019-05-04", "2019-05-02")
    assert domain.context(None, [], [], (None, None, None), start).calendar.start is None


def test_a_marker_with_no_text_is_422_naming_the_line():
    with pytest.raises(Invalid) as caught:
        domain.extract_items("ok\n\n#agreed\n", domain.context(None, [], [], (None, None, None), datetime.now(UTC)))
    assert caught.value.extra["lines"] == [3] and caught.value.errors["body"][0].startswith("line 3:")
