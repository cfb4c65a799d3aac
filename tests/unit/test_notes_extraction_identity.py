"""Note extraction: items keep their identity across saves (unchanged, edited, replaced, moved)."""
from __future__ import annotations

from services.notes.extraction import Context, extract, reconcile
from services.notes.extraction.identity import similarity

BEFORE = ("#action mgoddard write the python3 images spec\n"
          "#agreed move the meetings to #openstack-kolla\n"
          "#link https://review.opendev.org/642375\n")


def ids(text):
    return {f"i{n}": item for n, item in enumerate(extract(text, Context(author="mgoddard")))}


def test_unchanged_lines_are_the_same_items():
    previous = ids(BEFORE)
    changes = reconcile(previous, extract(BEFORE))
    assert not changes.any
    assert [i for i, _ in changes.kept] == ["i0", "i1", "i2"]


def test_lines_moved_down_keep_their_ids_and_new_line_numbers():
    previous = ids(BEFORE)
    changes = reconcile(previous, extract("Notes of the day\n\n" + BEFORE))
    assert not changes.any
    assert [(i, item.line) for i, item in changes.kept] == [("i0", 3), ("i1", 4), ("i2", 5)]


def test_an_edited_line_is_the_same_item_changed():
    previous = ids(BEFORE)
    after = BEFORE.replace("write the python3 images spec", "write the python3 images spec by Friday")
    changes = reconcile(previous, extract(after))
    assert [(i, item.text) for i, item in changes.changed] == [("i0", "write the python3 images spec by Friday")]
    assert changes.added == () and changes.removed == ()


def test_a_replaced_line_is_removed_and_added():
    previous = ids(BEFORE)
    after = BEFORE.replace("#agreed move the meetings to #openstack-kolla", "#agreed drop the kolla-cli project")
    changes = reconcile(previous, extract(after))
    assert changes.removed == ("i1",)
    assert [item.text for item in changes.added] == ["drop the kolla-cli project"]
    assert changes.changed == ()


def test_another_owner_is_another_item():
    previous = ids(BEFORE)
    changes = reconcile(previous, extract(BEFORE.replace("#action mgoddard", "#action hrw")))
    assert changes.removed == ("i0",) and [i.owners for i in changes.added] == [("hrw",)]


def test_a_removed_line_and_a_new_one():
    previous = ids(BEFORE)
    after = BEFORE.replace("#link https://review.opendev.org/642375\n", "") + "#action hrw check aarch64\n"
    changes = reconcile(previous, extract(after))
    assert changes.removed == ("i2",)
    assert [i.owners for i in changes.added] == [("hrw",)]
    assert {i for i, _ in changes.kept} == {"i0", "i1"}


def test_equal_lines_pair_in_order():
    text = "#action hrw check it\n#action hrw check it\n"
    previous = {"a": extract(text)[0], "b": extract("x\n#action hrw check it")[0]}
    changes = reconcile(previous, extract(text))
    assert [i for i, _ in changes.kept] == ["a"]  # the note lists the item once


def test_similarity():
    assert similarity("write the spec", "write the spec") == 1.0
    assert similarity("write the spec", "write the python3 spec") == 0.75
    assert similarity("write the spec", "drop the project") < 0.6
