"""Note extraction: commitments and decisions written as prose become suggested items; no owner is
ever invented (team and project names, "we", "someone", objects of the sentence)."""
from __future__ import annotations

import pytest

from services.notes.extraction import ACTION, DECISION, Context, People, extract


def found(text, author="jroll", people=()):
    return [(i.kind, i.owners) for i in extract(text, Context(author=author, people=People(people)))]


def one(text, **kw):
    items = extract(text, Context(author=kw.get("author", "jroll"), people=People(kw.get("people", ()))))
    assert len(items) == 1, items
    assert items[0].suggested
    return items[0]


@pytest.mark.parametrize("sentence, owners", [
    ("penick took an action item to draw up the architecture diagrams.", ("penick",)),
    ("Myself and mgoddard took an action item to open an RFE for this.", ("jroll", "mgoddard")),
    ("I took an action to make a task to document this better.", ("jroll",)),
    ("TheJulia is going to look into it.", ("TheJulia",)),
    ("mnasiadka offered to\npick this up after the Ceph Nautilus upgrade.", ("mnasiadka",)),
    ("I offered to help Tengu with a PoC to see how it would work.", ("jroll",)),
    ("I will follow up with a mail about this.", ("jroll",)),
    ("I'll look into the multi-cell issue next week.", ("jroll",)),
    ("I intend to investigate this more during this cycle.", ("jroll",)),
    ("I plan to move the fullstack job to the experimental queue.", ("jroll",)),
    ("rpioso is going to write a small spec to make sure we get the details right.", ("rpioso",)),
    ("slaweq signed up to write the spec for the new binding API.", ("slaweq",)),
    ("acoles has agreed to write up the proposal.", ("acoles",)),
    ("clayg kindly agreed to review them.", ("clayg",)),
    ("mlavalle volunteered.", ("mlavalle",)),
    ("gibi and sean-k-mooney will prototype the threading mode.", ("gibi", "sean-k-mooney")),
    ("mgoddard, hrw and yoctozepto will test it.", ("mgoddard", "hrw", "yoctozepto")),
    ("Action item for lajoskatona: update the migration guide.", ("lajoskatona",)),
    ("Owner: haleyb for the grenade job cleanup.", ("haleyb",)),
    ("lajoskatona to review the OVN docs patches", ("lajoskatona",)),
    ("I'll be looking into the timeouts.", ("jroll",)),
    ("I'm going to add a devstack job that exercises catalog zones.", ("jroll",)),
    ("I've volunteered to write the removal patch.", ("jroll",)),
    ("I have an action to update the contributor guide.", ("jroll",)),
    ("hberaud signed up.", ("hberaud",)),
    ("gagehugo's going to look at the token format changes.", ("gagehugo",)),
    ("knikolla will own the OAuth 2.0 work for this cycle.", ("knikolla",)),
    ("eandersson to investigate the worker memory growth", ("eandersson",)),
    ("hrybacki and I will pair on the federation docs rewrite.", ("hrybacki", "jroll")),
])
def test_commitments(sentence, owners):
    item = one(sentence)
    assert (item.kind, item.owners) == (ACTION, owners)


def test_the_item_text_is_the_commitment():
    assert one("penick took an action item to draw up the diagrams.").text == "draw up the diagrams"
    assert one("I will send out a separate mail about this.").text == "send out a separate mail about this"


def test_a_helper_joins_the_commitment_before_it():
    assert found("I volunteered to look at this, and dansmith volunteered to help out.") == [
        (ACTION, ("jroll", "dansmith"))]
    assert found("I also volunteered to investigate this, and dansmith again agreed to help.") == [
        (ACTION, ("jroll", "dansmith"))]
    assert found("slaweq signed up to write the spec, and obondarev will help.") == [
        (ACTION, ("slaweq", "obondarev"))]


def test_two_commitments_in_one_sentence():
    assert found("hjensas will write the first draft of the spec, and mgoddard agreed to review it.") == [
        (ACTION, ("hjensas",)), (ACTION, ("mgoddard",))]
    assert found("sean-k-mooney volunteered to review the series and dansmith offered to help with the db "
                 "migration") == [(ACTION, ("sean-k-mooney",)), (ACTION, ("dansmith",))]


def test_a_clause_without_a_subject_takes_the_sentence_subject():
    assert found("I am led to believe tripleo already does this, so will ask how they do it.") == [
        (ACTION, ("jroll",))]


@pytest.mark.parametrize("sentence", [
    "This work needs an owner.",
    "Needs an owner.",
    "networking-bgpvpn still needs an owner.",
    "needs an owner: the functional tests for the PCI healing",
    "No reviewers left; looking for someone to pick it up.",
    "Nobody volunteered for the sticker design, so it needs a volunteer.",
    "The Horizon plugin is up for grabs.",
    "We need a volunteer to test it against PowerDNS 4.8.",
    "We'll need someone to drive the remaining service-role changes.",
    "There's no owner for the LDAP connection pool refactor yet.",
])
def test_actions_that_need_an_owner(sentence):
    item = one(sentence)
    assert (item.kind, item.owners) == (ACTION, ())


def test_needs_an_owner_takes_its_text_from_the_sentence_before():
    items = extract("We will also need to switch to python 3 for CentOS. This work needs an owner.")
    assert [(i.kind, i.text) for i in items] == [(ACTION, "We will also need to switch to python 3 for CentOS")]


@pytest.mark.parametrize("sentence", [
    "We agreed that we should add a RAID deploy step.",
    "We decided to move the meetings to #openstack-kolla.",
    "We generally agreed that this should be part of a wider assessment.",
    "We agreed it's a config/documentation issue.",
    "We agreed to use the base name of the jobs for Python 3.",
    "On Thursday, we talked with Nova, and agreed we should implement a hook in Nova.",
    "We came to a decent compromise (I think), and agreed to continue in the ironic spec.",
    "It was agreed that team members will create a list of scenarios.",
    "There was consensus that the old binding extension stays.",
    "The consensus is to turn on auto-sharding by default.",
    "The main outcomes were that we will add support for more granular upgrades.",
    "Nova agreed to call the new Ironic event API instead of polling.",
    "OpenStack-Ansible agreed that sharing the scripts makes sense.",
    "We're not going to backport this to stable branches.",
    "Not much interest, we'll drop it from the roadmap.",
    "the last py2 shims go this cycle, it was decided on Wednesday.",
    "After a long back and forth we ended up agreeing that the device flow is a separate plugin.",
    "Folks agreed that the current pool code is too fragile.",
])
def test_decisions(sentence):
    item = one(sentence)
    assert (item.kind, item.owners) == (DECISION, ())


@pytest.mark.parametrize("sentence", [
    "hrw has been working on this for Ubuntu and Debian source images.",
    "Julia has since proposed the patch to document them.",
    "ralonsoh proposed the patch last week.",
    "ykarel is looking into the timeouts and found a pattern in the logs.",
    "This also may require better distributed locking, which TheJulia has started investigating.",
    "I sent an email to the ML asking if others had done this.",
    "I'll probably write to the list about the other projects later.",
    "I'll cover them one-by-one:",
    "I would like us to agree as a team on some priorities.",
    "We will also need to switch to python 3.",
    "They will probably need some syncing tooling.",
    "If someone volunteers, we can keep the driver.",
    "Could someone take over the hyper-v driver?",
    "Nobody has decided anything yet.",
    "We did not agree on the config format.",
    "I agree with the proposal.",
    "We need to decide on the format.",
    "The session concluded with some discussion around networking.",
    "Kolla will support the new healthchecks from the next release.",
    "TripleO will consume them as they are.",
    "Cinder may adopt the same approach later.",
    "it would require an owner.",
    "Thanks to jroll and johnthetubaguy for getting involved.",
    "I will be out next week.",
    "It is going to be a busy cycle.",
])
def test_not_items(sentence):
    assert found(sentence) == []


@pytest.mark.parametrize("sentence", [
    "Oath is going to investigate upstreaming those changes.",
    "The Kolla team offered to host a shared CI job.",
    "The storage squad signed up to test the migration.",
    "Infra is going to double the quota of the periodic pipeline.",
    "Some folks are going to try and talk to the wider community.",
    "the oslo team is going to publish a migration guide",
    "We took an action to write the upgrade docs.",
])
def test_groups_commit_with_no_owner(sentence):
    item = one(sentence)
    assert (item.kind, item.owners) == (ACTION, ())


@pytest.mark.parametrize("sentence", [
    "TheJulia is going to follow up with dtantsur and vdrok to see if we can get someone to do it.",
    "I offered to help Tengu with a PoC.",
    "The scheduler will take care of it.",
    "sure, I'll take a look at the osh-infra charts this week",
    "Ceph upgrade: mnasiadka offered to pick this up.",
    "Windriver will never budge, and penick will draw up the diagrams.",
    "caching will help with the load on the API",
    "- migration will take a week per cloud",
    "networking-sfc will move to the new job template.",
    "Nice to see support for this in kolla.",
])
def test_objects_and_other_nouns_are_not_owners(sentence):
    allowed = {"TheJulia", "jroll", "mnasiadka", "penick"}
    for item in extract(sentence, Context(author="jroll")):
        assert set(item.owners) <= allowed, item


def test_an_unknown_word_that_may_be_a_nick_still_commits_but_owns_nothing_it_should_not():
    assert found("tweining volunteers to test redis sentinel support") == [(ACTION, ("tweining",))]
    assert found("batching will reduce the number of calls") == []


def test_i_is_the_author_and_nobody_without_one():
    assert found("I will send the mail.", author="mgoddard") == [(ACTION, ("mgoddard",))]
    assert found("I will send the mail.", author=None) == [(ACTION, ())]


def test_a_marker_inside_a_paragraph():
    items = extract("The shared zones API is in use at two clouds. Outcome: no API change in Dalmatian.")
    assert [(i.kind, i.text, i.suggested) for i in items] == [(DECISION, "no API change in Dalmatian", False)]


def test_will_be_doing_reads_as_the_doing():
    assert one("johnsom will be driving the docs work.").text == "driving the docs work"


def test_a_pad_line_said_by_someone():
    assert found("[carloss] I'll draft the spec", author="gouthamr") == [(ACTION, ("carloss",))]
    assert found("- kpdev: will update the job definitions too", author="gouthamr") == [(ACTION, ("kpdev",))]


def test_an_irc_log_line_speaks_for_its_nick():
    items = extract("[13:05:40] <portdirect> sure, I'll take a look at the charts this week\n"
                    "[13:10:44] <mnaser> #action jsuchome look at the loci build", Context(author="mnaser"))
    assert [(i.kind, i.owners, i.suggested) for i in items] == [
        (ACTION, ("portdirect",), True), (ACTION, ("jsuchome",), False)]


def test_known_people_by_name():
    people = {"mgoddard": ["Mark Goddard"]}
    assert found("Mark Goddard will write the spec.", people=people) == [(ACTION, ("mgoddard",))]
