"""Note extraction: who owns an action (nicks, @nick, e-mail, several, MeetBot's first word, stop words)."""
from __future__ import annotations

import pytest

from services.notes.extraction import Context, People, extract
from services.notes.extraction.owners import looks_like_nick


def owners(text, **context):
    found = [item for item in extract(text, Context(**context)) if item.kind == "action"]
    assert len(found) == 1, found
    return found[0].owners


@pytest.mark.parametrize("line, expected", [
    ("#action mgoddard write the spec", ("mgoddard",)),
    ("#action mgoddard: write the spec", ("mgoddard",)),
    ("#action mgoddard to write the spec", ("mgoddard",)),
    ("#action @hrw review the series", ("hrw",)),
    ("#action ping the NetApp maintainers @eharney", ("eharney",)),
    ("#action mark@stackhpc.com to send the mail", ("mark@stackhpc.com",)),
    ("#action mgoddard and hrw to look into it", ("mgoddard", "hrw")),
    ("#action mgoddard, hrw and yoctozepto will test it", ("mgoddard", "hrw", "yoctozepto")),
    ("#action mgoddard/hrw: fix the gate", ("mgoddard", "hrw")),
    ("#action TheJulia investigate the sync loop", ("TheJulia",)),
    ("#action whoami-rajat review the backup driver refactor", ("whoami-rajat",)),
    ("#action diablo_rojo book the rooms", ("diablo_rojo",)),
    ("#action write the spec (mgoddard)", ("mgoddard",)),
    ("#action cut the release (owner: jbernard)", ("jbernard",)),
    ("#action [hrw] rebuild the images", ("hrw",)),
    ("#action I will write it", ("jroll",)),
])
def test_owner_forms(line, expected):
    assert owners(line, author="jroll") == expected


def test_an_address_ptghub_knows_is_its_nick():
    people = People({"mgoddard": ["Mark Goddard", "mark@stackhpc.com"]})
    assert owners("#action mark@stackhpc.com to send the mail", people=people) == ("mgoddard",)


@pytest.mark.parametrize("line", [
    "#action write the spec",
    "#action update the docs",
    "#action we should write the spec",
    "#action someone to look at the console proxies",
    "#action the team to triage the RFEs",
    "#action kolla to support python 3",
    "#action nova will call the ironic API",
    "#action tripleo: consume the healthchecks",
    "#action Ironic to add a conductor group field",
    "#action CI needs fixing",
    "#action frobnicate the docs",
    "#action review the series (WIP)",
    "#action re-run the tests on the new nodes",
    "#action caching needs a second look",
    "#action networking-sfc moves to the new template",
    "#action PowerDNS needs testing against the new backend",
    "#action ipv6 support needs tests",
    "#action send the notice to openstack-discuss@lists.openstack.org",
    "#action mail security@openstack.org about the embargo",
    "#action read https://lists.openstack.org/archives/list/openstack-discuss@lists.openstack.org/thread/X/",
])
def test_no_owner_is_invented(line):
    assert owners(line) == ()


def test_first_word_unknown_nick_needs_a_verb_after_it_or_a_separator():
    assert owners("#action hrw rebuild the aarch64 images") == ("hrw",)
    assert owners("#action hrw: the aarch64 images") == ("hrw",)
    assert owners("#action aarch64 images") == ()


def test_first_word_known_person_without_a_verb():
    assert owners("#action hrw the aarch64 images", people=People(["hrw"])) == ("hrw",)


@pytest.mark.parametrize("word, expected", [
    ("mgoddard", True), ("TheJulia", True), ("diablo_rojo", True), ("sean-k-mooney", True),
    ("write", False), ("we", False), ("the", False), ("someone", False), ("kolla", False),
    ("kolla-ansible", False), ("nova", False), ("Oath", False), ("Julia", False), ("CI", False),
    ("OpenStack", False), ("kolla-core", False), ("caching", False), ("migration", False),
    ("re-run", False), ("networking-sfc", False), ("tweining", True), ("PowerDNS", False), ("RabbitMQ", False),
    ("ipv6", False), ("oauth2", False), ("JayF", True), ("d34dh0r53", True),
])
def test_looks_like_nick(word, expected):
    assert looks_like_nick(word) is expected


def test_owners_under_a_person_in_an_action_list():
    found = extract("Action items\n- rpittau:\n  - cut the bifrost release\n  - update the docs\n"
                    "- iurygregory: move the CI\n")
    assert [(i.text, i.owners) for i in found] == [
        ("cut the bifrost release", ("rpittau",)), ("update the docs", ("rpittau",)),
        ("move the CI", ("iurygregory",))]
