"""Note extraction: MeetBot markers, the minutes' forms, bare URLs, and markers with no text."""
from __future__ import annotations

import pytest

from services.notes.extraction import (ACCEPTED, ACTION, DECISION, HELP, IDEA, INFO, LINK, REJECTED, TOPIC,
                                       Context, InvalidNote, analyse, extract)


def items(text, **context):
    return extract(text, Context(**context))


def only(text, **context):
    found = items(text, **context)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("line, kind, text", [
    ("#action mgoddard write the spec", ACTION, "write the spec"),
    ("#ACTION mgoddard write the spec", ACTION, "write the spec"),
    ("#agreed move the meetings to #openstack-kolla", DECISION, "move the meetings to #openstack-kolla"),
    ("#agree move the meetings", DECISION, "move the meetings"),
    ("#accepted the spec for 2027.2", ACCEPTED, "the spec for 2027.2"),
    ("#rejected the py2 backport", REJECTED, "the py2 backport"),
    ("#info the gate is broken", INFO, "the gate is broken"),
    ("#idea a shared CI job", IDEA, "a shared CI job"),
    ("#help need reviewers for the sharding series", HELP, "need reviewers for the sharding series"),
    ("#topic Python 3 images", TOPIC, "Python 3 images"),
    ("#action: mgoddard write the spec", ACTION, "write the spec"),
])
def test_hash_markers(line, kind, text):
    item = only(line)
    assert (item.kind, item.text, item.suggested, item.line) == (kind, text, False, 1)


def test_link_marker_keeps_the_url_and_the_text():
    item = only("#link https://review.opendev.org/642375 the python 3 images")
    assert item.kind == LINK
    assert item.url == "https://review.opendev.org/642375"
    assert item.urls == ("https://review.opendev.org/642375",)


@pytest.mark.parametrize("line, kind", [
    ("ACTION: kevko to write the migration guide", ACTION),
    ("AGREED: podman becomes the default", DECISION),
    ("IDEA: pin ansible-core per branch", IDEA),
    ("HELP: we need someone to test ACME", HELP),
    ("INFO: the haproxy role reloads certificates", INFO),
    ("LINK: https://review.opendev.org/910021", LINK),
    ("Action: hrw check the aarch64 images", ACTION),
    ("agreed: bump the minimum ganesha version", DECISION),
    ("Decision: move the plugin to maintenance mode", DECISION),
    ("TODO: rewrite the PXE filter docs", ACTION),
])
def test_minutes_and_colon_forms(line, kind):
    assert only(line).kind == kind


def test_markers_after_a_bullet_and_indent():
    found = items("* #action hrw rebuild the images\n   - #agreed drop py2\n  1. AGREED: keep ceph")
    assert [(i.kind, i.line) for i in found] == [(ACTION, 1), (DECISION, 2), (DECISION, 3)]
    assert found[0].owners == ("hrw",)


def test_the_minutes_trailer_is_dropped_and_wrapped_lines_are_joined():
    text = ("  * ACTION: kevko to write the docker to podman migration guide\n"
            "    (mnasiadka, 13:22:30)\n"
            "  * AGREED: support ansible-core 2.16 and 2.17 on master  (mnasiadka,\n"
            "    13:40:18)\n")
    action, decision = items(text)
    assert (action.text, action.owners) == ("write the docker to podman migration guide", ("kevko",))
    assert decision.text == "support ansible-core 2.16 and 2.17 on master"


def test_minutes_topics_and_their_repeated_action_items():
    text = ("Meeting summary\n---------------\n\n* Podman  (mnasiadka, 13:05:12)\n"
            "  * ACTION: kevko to write the guide  (mnasiadka, 13:22:30)\n\n"
            "Action items, by person\n-----------------------\n\n* kevko\n  * kevko to write the guide\n"
            "* **UNASSIGNED**\n  * (none)\n\n"
            "People present (lines said)\n---------------------------\n\n* mnasiadka (84)\n")
    found = items(text)
    assert [(i.kind, i.text, i.owners) for i in found] == [
        (TOPIC, "Podman", ()), (ACTION, "write the guide", ("kevko",))]


def test_trailing_and_owned_markers():
    assert only("johnsom: try the minimal kernel -- ACTION").owners == ("johnsom",)
    assert only("ACTION(gthiemonge): upgrade docs for jobboard").owners == ("gthiemonge",)
    assert only("next meeting moves to Thursdays (agreed)").kind == DECISION


@pytest.mark.parametrize("line, url", [
    ("https://etherpad.opendev.org/p/kolla-train-ptg", "https://etherpad.opendev.org/p/kolla-train-ptg"),
    ("* https://bugs.launchpad.net/cinder/+bug/2051234", "https://bugs.launchpad.net/cinder/+bug/2051234"),
    ("<https://ptg.opendev.org/ptg.html>", "https://ptg.opendev.org/ptg.html"),
    ("[1] https://review.opendev.org/642375", "https://review.opendev.org/642375"),
    ("- [recording](https://youtu.be/abc123)", "https://youtu.be/abc123"),
])
def test_a_line_that_is_only_a_url_is_a_link(line, url):
    item = only(line)
    assert (item.kind, item.url) == (LINK, url)


def test_a_line_with_a_url_and_words_is_not_a_link():
    assert items("review the backup driver patch: https://review.opendev.org/912345") == []


def test_markdown_headings_are_not_markers():
    found = items("# Cross-project\n## #action is not a heading\n#action mgoddard write it\n#topic CI")
    assert [i.kind for i in found] == [ACTION, TOPIC]


def test_other_meetbot_commands_are_not_items():
    assert items("#startmeeting kolla\n#chair mgoddard\n#undo\n#endmeeting") == []


def test_a_marker_with_no_text_is_reported_with_its_line():
    result = analyse("notes\n#action\n#agreed   \n#link\n#action hrw fix it\n")
    assert [(p.line, p.marker) for p in result.invalid] == [(2, "#action"), (3, "#agreed"), (4, "#link")]
    assert [i.text for i in result.items] == ["fix it"]
    with pytest.raises(InvalidNote) as raised:
        extract("#topic\n", strict=True)
    assert raised.value.problems[0].line == 1
    assert "line 1" in str(raised.value)


def test_a_colon_form_with_no_text_heads_a_list():
    found = items("Action items:\n- hrw: check the images\n- write the docs (mgoddard)\n\nDecisions:\n- keep ceph")
    assert [(i.kind, i.text, i.owners) for i in found] == [
        (ACTION, "check the images", ("hrw",)), (ACTION, "write the docs", ("mgoddard",)),
        (DECISION, "keep ceph", ())]
