"""Which note items are action items, the words that may name an owner, and stale announcements."""
from datetime import datetime, timedelta, timezone

from services.actions.domain import note_items
from services.actions.domain.note_items import NoteItem

T = datetime(2027, 5, 2, 15, 0, tzinfo=timezone.utc)


def item(**fields):
    return NoteItem(**{"id": "i", "kind": "action", "text": "write the spec", **fields})


def test_an_action_item_is_written_as_one_or_confirmed():
    assert note_items.is_action(item())
    assert note_items.is_action(item(suggested=True, state="confirmed"))
    assert not note_items.is_action(item(suggested=True, state="open"))
    assert not note_items.is_action(item(suggested=True, state="dismissed"))
    assert not note_items.is_action(item(kind="decision"))


def test_the_title_is_the_text_on_one_line_and_at_most_300_characters():
    assert note_items.title(item(text="write\n the   spec")) == "write the spec"
    assert note_items.title(item(text="", source="#action write it")) == "#action write it"
    long = note_items.title(item(text="x" * 400))
    assert len(long) == 300 and long.endswith("…")


def test_the_words_that_may_be_a_nick_are_whole_words_in_lower_case_each_once():
    assert note_items.candidate_nicks("Ask HRW, hrw's @mgoddard (j.smith). kolla-ansible!") == [
        "ask", "hrw", "s", "mgoddard", "j.smith", "kolla-ansible"]
    assert note_items.candidate_nicks("") == []
    assert len(note_items.candidate_nicks(" ".join(f"w{n}" for n in range(1000)))) == note_items.MAX_WORDS


def test_owners_the_notes_wrote_that_name_no_one_are_left_out():
    assert note_items.written_owners(item(owners=("@hrw", "A@B.org", "not a nick", ""))) == ["hrw", "A@B.org"]


def test_an_older_revision_or_an_earlier_publication_of_the_same_is_stale():
    assert not note_items.is_stale(None, None, 1, T)
    assert note_items.is_stale(3, T, 2, T + timedelta(hours=1))
    assert not note_items.is_stale(3, T + timedelta(hours=1), 4, T)
    assert note_items.is_stale(3, T, 3, T) and note_items.is_stale(3, T, 3, T - timedelta(seconds=1))
    assert not note_items.is_stale(3, T, 3, T + timedelta(seconds=1))
    assert not note_items.is_stale(3, None, 3, T) and not note_items.is_stale(3, T, 3, None)
