"""Note extraction: the shapes of pad and mail text (bullets, indents, wrapped lines, quotes, HTML,
headings, the writer of a pasted mail)."""
from __future__ import annotations

from services.notes.extraction import ACTION, DECISION, Context, People, extract
from services.notes.extraction.sentences import BULLET, HEADING, PARA, physical_lines, senders, sentences, units


def shapes(text):
    return [(u.kind, u.depth, u.text) for u in units(physical_lines(text))]


def test_bullets_and_indents():
    assert shapes("* one\n  - two\n    + three\n1. four\n2) five\n[ ] six\n- [x] seven") == [
        (BULLET, 0, "one"), (BULLET, 2, "two"), (BULLET, 4, "three"), (BULLET, 0, "four"),
        (BULLET, 0, "five"), (BULLET, 0, "six"), (BULLET, 0, "seven")]


def test_a_wrapped_mail_line_continues_its_sentence_and_a_bullet_starts_anew():
    text = ("We decided that a good starting point would be to define some\ncategories of support:\n"
            "* images we maintain\n* OracleLinux - this is small but non-zero maintenance overhead. It's\n"
            "a candidate because we don't see people using it.\n")
    got = shapes(text)
    assert got[0] == (PARA, 0, "We decided that a good starting point would be to define some\ncategories of support:")
    assert got[1] == (BULLET, 0, "images we maintain")
    assert got[2][2].endswith("using it.")


def test_short_pad_lines_stay_apart():
    assert [u.text for u in units(physical_lines("Ceph upgrade\nmnasiadka offered to help"))] == [
        "Ceph upgrade", "mnasiadka offered to help"]


def test_sentences_keep_their_line():
    unit = units(physical_lines("We agreed on this. mnasiadka offered to\npick it up after the Ceph Nautilus upgrade. Then\n"
                                "I will mail the list."))[0]
    assert [(s.text, s.line) for s in sentences(unit)] == [
        ("We agreed on this.", 1), ("mnasiadka offered to\npick it up after the Ceph Nautilus upgrade.", 1),
        ("Then\nI will mail the list.", 2)]


def test_abbreviations_do_not_end_a_sentence():
    unit = units(physical_lines("Replace modules (e.g. kolla_keystone_user) with T. Carrez's list. Done."))[0]
    assert len(sentences(unit)) == 2


def test_headings():
    got = shapes("# Cross-project\n## Sustainability\nOVN migration\n-------------\nText\n#action a b")
    assert [(k, t) for k, _, t in got][:3] == [(HEADING, "Cross-project"), (HEADING, "Sustainability"),
                                                (HEADING, "OVN migration")]


def test_quoted_lines_are_kept_and_marked():
    lines = physical_lines("> We agreed to drop v1.\n>> I will write it.\nplain")
    assert [(line.text, line.quoted) for line in lines] == [
        ("We agreed to drop v1.", True), ("I will write it.", True), ("plain", False)]


def test_a_flattened_mail_is_split_back_into_its_quoted_lines():
    text = "On 05/03/2016 10:34 AM, Steven Hardy wrote: > Hi all, > > " + " > ".join(
        f"line {i} of the summary with enough words to be long" for i in range(12))
    lines = physical_lines(text)
    assert lines[0].text == "On 05/03/2016 10:34 AM, Steven Hardy wrote:" and not lines[0].quoted
    assert lines[1].quoted and lines[2].text == ""


def test_html_becomes_lines():
    text = ('<div dir="ltr"><div>penick took an action item to draw the diagrams.</div><div><br></div>'
            '<div>We agreed it&#39;s a config issue. I took an action to document this.</div></div>')
    items = extract(text, Context(author="jroll"))
    assert [(i.kind, i.owners, i.line) for i in items] == [
        (ACTION, ("penick",), 1), (DECISION, (), 1), (ACTION, ("jroll",), 1)]
    assert "it's a config issue" in items[1].source


def test_entities_in_plain_text_are_left_alone():
    assert extract("#agreed use &lt;br&gt; tags")[0].text == "use &lt;br&gt; tags"


def test_the_writer_of_a_pasted_mail():
    lines = physical_lines("[kolla] Virtual PTG summary\n\nMark Goddard mark at stackhpc.com\nFri May 31\n\n"
                           "I will send a mail.\n")
    assert senders(lines).header == "Mark Goddard mark at stackhpc.com"
    lines = physical_lines("Text.\n\nThanks,\nPierre\n")
    assert senders(lines).signature == "Pierre"
    lines = physical_lines("Text.\n\n-- \nBrian\n")
    assert senders(lines).signature == "Brian"


def test_i_in_a_pasted_mail_is_its_sender():
    mail = "From: Pierre Riteau <pierre@stackhpc.com>\n\nI will write the spec.\n"
    people = People({"priteau": ["Pierre Riteau", "pierre@stackhpc.com"]})
    # a sender ptghub knows: them, whoever saved the note
    assert extract(mail, Context(author="mgoddard", people=people))[0].owners == ("priteau",)
    # a sender who may be the author by name: the author
    assert extract(mail, Context(author="priteau"))[0].owners == ("priteau",)
    # a sender who cannot be the author: nobody (not the author, not a guess)
    assert extract(mail, Context(author="mgoddard"))[0].owners == ()


def test_i_in_quoted_lines_is_the_quoted_writer():
    mail = ("Hi Mark,\n\nOn Fri, 9 Apr 2027, Mark Goddard <mark@stackhpc.com> wrote:\n"
            "> I will write a spec for this.\n\nI'll look into the multi-cell issue.\n")
    people = People({"mgoddard": ["Mark Goddard", "mark@stackhpc.com"]})
    items = extract(mail, Context(author="priteau", people=people))
    assert [i.owners for i in items] == [("mgoddard",), ("priteau",)]
    # no attribution, or one ptghub cannot tie to a person: the quoted "I" is nobody
    assert extract("> I will write a spec.\n", Context(author="priteau"))[0].owners == ()
