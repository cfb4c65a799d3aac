"""Track and event summaries: the layout a team lead sends as is, in plain text, Markdown and HTML.

The inputs are a realistic pad (an etherpad export written like seed 004: bullets, MeetBot markers,
prose commitments, bare URLs) and a mail pasted in the shape of seed 003 (``#`` headings, wrapped
prose, ``* `` lists, its own ``[n]`` links listed at the end).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from services.notes.extraction.items import Item
from services.notes.summary import (CONFIRMED, DISMISSED, Event, FreeNote, Note, NoteItem, Session, Track, TrackNotes,
                                    build_event_summary, build_track_summary, content_hash, render)
from services.notes.summary import publication
from services.notes.summary.render import wrap

UTC = timezone.utc
EVENT = Event("OpenStack PTG Denver 2018", "denver-2018", "America/Denver")
IRONIC = Track("ironic", "Ironic", "ironic")

RETRO = """\
Retrospective
* See https://etherpad.openstack.org/p/ironic-stein-ptg-retrospective for the notes - there wasn't many surprising things here
* target some quick wins for the beginning of the cycle, so that we don't have all of our features trying to land at the end
* wsgi with the ironic-api was mentioned as a potential regression
#agreed wsgi with ironic-api is a config/documentation issue, not a regression
#action jroll make a task to document wsgi deployments better
Next we quickly reviewed our vision doc, and people didn't have much to say about it.
"""

DEPLOY = """\
# Deploy steps/templates
- what are the next steps, what does an MVP look like?
- Deploy templates are triggered by the traits that nodes are scheduled against
    - can add steps before or after (or in between?) the default deploy steps
    - standing questions: how are arguments passed to a deploy step, what do the defaults look like
We agreed that we should add a RAID deploy step, with standing questions for how arguments are passed to that deploy step.
Myself and mgoddard took an action item to open an RFE for this.
#idea split the current (only) deploy step into multiple steps
ACTION: mgoddard write the spec for the RAID deploy step due 2018-10-05
#link https://storyboard.openstack.org/#!/story/2003817 the RAID deploy step story
"""

CONSOLE = """\
Graphical console
#agreed document the interface and what is returned (a URL)
#agreed start working on a redfish driver for graphical consoles
#info we can test in the gate with qemu, but only need to test that a correct URL is returned
#help reviewers for the redfish console driver
#action someone write the qemu gate job
https://etherpad.openstack.org/p/ironic-stein-ptg-retrospective
"""

PYTHON3 = """\
## Python 3
We agreed to use the base name of the jobs for Python 3 (as those will be used for a long time), and add a "python2" prefix for the Python 2 jobs.
#rejected dropping all Python 2 coverage this cycle
#accepted mixed Python 2 and 3 testing limited to oslo.messaging
TheJulia is going to look into pre-upgrade checks.
"""

PERFORMANCE = """\
Performance improvements
* Nova's power sync loop makes a call to Ironic for each instance the compute service manages
* WIP patch: https://review.openstack.org/#/c/602127/
* I volunteered to look at this, and dansmith volunteered to help out.
```
[DEFAULT]
sync_power_state_interval = 600   # seconds between two power syncs of every node, nova-compute default
```
#action TheJulia dig through the code and make a task list for the UEFI default by 2018-09-28
"""

TRACK_NOTE = """\
Etherpad for the week: https://etherpad.openstack.org/p/ironic-stein-ptg
Stein goals: we put together a list of goals and voted on them. Julia has since proposed the patch to document them: https://review.openstack.org/#/c/603161/
"""


def line_of(body: str, phrase: str) -> int:
    for number, line in enumerate(body.splitlines(), 1):
        if phrase in line:
            return number
    raise AssertionError(f"{phrase!r} is not in the note")


def item(body, phrase, kind, text, owners=(), **kwargs):
    return Item(kind, text, line_of(body, phrase), phrase, owners=tuple(owners), **kwargs)


def at(hour, minute=0, day=12):
    return datetime(2018, 9, day, hour, minute, tzinfo=UTC)  # Denver is UTC-6 in September


SESSIONS = [
    Session("Retrospective & vision", at(15), at(15, 45), "Steamboat", RETRO, [
        item(RETRO, "#agreed wsgi", "decision", "wsgi with ironic-api is a config/documentation issue, not a regression"),
        item(RETRO, "#action jroll", "action", "jroll make a task to document wsgi deployments better", ["jroll"]),
    ]),
    Session("Deploy steps", at(16), at(17), "Steamboat", DEPLOY, [
        item(DEPLOY, "We agreed that we should add a RAID", "decision",
             "add a RAID deploy step, with standing questions for how arguments are passed", suggested=True),
        item(DEPLOY, "Myself and mgoddard", "action", "open an RFE for the RAID deploy step",
             ["jroll", "mgoddard"], suggested=True),
        item(DEPLOY, "#idea", "idea", "split the current (only) deploy step into multiple steps"),
        item(DEPLOY, "ACTION: mgoddard", "action", "write the spec for the RAID deploy step", ["mgoddard"],
             due=date(2018, 10, 5)),
        item(DEPLOY, "#link", "link", "the RAID deploy step story", url="https://storyboard.openstack.org/#!/story/2003817"),
    ]),
    Session("Graphical console", at(17), at(17, 30), "Steamboat", CONSOLE, [
        item(CONSOLE, "#agreed document", "decision", "document the interface and what is returned (a URL)"),
        item(CONSOLE, "#agreed start", "decision", "start working on a redfish driver for graphical consoles"),
        item(CONSOLE, "#info", "info", "we can test in the gate with qemu"),
        item(CONSOLE, "#help", "help", "reviewers for the redfish console driver"),
        item(CONSOLE, "#action someone", "action", "someone write the qemu gate job"),
    ]),
    Session("Python 3", at(15, day=13), at(16, day=13), "Winter Park", PYTHON3, [
        item(PYTHON3, "We agreed to use", "decision", "use the base name of the jobs for Python 3", suggested=True),
        item(PYTHON3, "#rejected", "rejected", "dropping all Python 2 coverage this cycle"),
        item(PYTHON3, "#accepted", "accepted", "mixed Python 2 and 3 testing limited to oslo.messaging"),
        item(PYTHON3, "TheJulia is going", "action", "look into pre-upgrade checks", ["TheJulia"], suggested=True),
    ]),
    Session("Performance", at(16, day=13), at(17, day=13), "Winter Park", PERFORMANCE, [
        item(PERFORMANCE, "I volunteered", "action", "look at Ironic calling back to Nova on power changes",
             ["jroll", "dansmith"], suggested=True),
        item(PERFORMANCE, "#action TheJulia", "action", "dig through the code and make a task list for the UEFI default",
             ["TheJulia"], due=date(2018, 9, 28)),
    ]),
]


def ironic(sessions=SESSIONS, note=Note(TRACK_NOTE), **kwargs):
    return build_track_summary(EVENT, IRONIC, sessions, note, **kwargs)


@pytest.fixture(scope="module")
def text():
    return render(ironic(), "text")


def section(text: str, heading: str) -> list[str]:
    """The lines under ``# heading`` up to the next heading of that level (or the signature)."""
    lines = text.split("\n")
    start = lines.index(heading) + 1
    marks = heading.split(" ")[0] + " "
    end = next((n for n in range(start, len(lines))
                if lines[n].startswith(marks) or lines[n] == "-- "), len(lines))
    return lines[start:end]


def bullets(lines: list[str]) -> list[str]:
    """Bullet items with their continuation lines joined back."""
    out: list[str] = []
    for line in lines:
        if line.startswith("- "):
            out.append(line[2:])
        elif line.startswith("  ") and out:
            out[-1] += " " + line.strip()
    return out


# -- layout ------------------------------------------------------------------------------------
def test_a_heading_per_session_in_schedule_order_then_the_sections(text):
    headings = [line for line in text.split("\n") if line.startswith("# ")]
    assert headings == ["# Retrospective & vision", "# Deploy steps", "# Graphical console", "# Python 3",
                        "# Performance", "# Track notes", "# Decisions", "# Action items, by person",
                        "# Needs an owner", "# Help wanted", "# References"]
    # The time in the event's timezone, and the room, under each session's heading.
    assert section(text, "# Deploy steps")[1] == "Wed 2018-09-12 10:00-11:00 America/Denver, Steamboat"
    # The note's own headings sit one level below the session's.
    assert "## Deploy steps/templates" in text and "## Python 3" in text


def test_the_subject_intro_and_signature_name_the_event_not_its_slug(text):
    summary = ironic()
    assert summary.subject == "[ironic] OpenStack PTG Denver 2018 summary"
    assert text.startswith("Here is a summary of the Ironic sessions at the OpenStack PTG Denver\n2018:")
    assert text.endswith("\n-- \nIronic team, OpenStack PTG Denver 2018\n")
    assert "denver-2018" not in text
    # A mailer that signs the mail itself drops the summary's signature.
    unsigned = replace(summary, signature=())
    assert all("Ironic team," not in render(unsigned, fmt) for fmt in ("text", "markdown", "html"))
    assert render(unsigned, "text").endswith("[5] https://review.openstack.org/#/c/603161/\n")


def test_decisions_list_agreed_accepted_and_rejected_in_the_order_written(text):
    assert bullets(section(text, "# Decisions")) == [
        "wsgi with ironic-api is a config/documentation issue, not a regression (Retrospective & vision)",
        "add a RAID deploy step, with standing questions for how arguments are passed (Deploy steps/templates)",
        "document the interface and what is returned (a URL) (Graphical console)",
        "start working on a redfish driver for graphical consoles (Graphical console)",
        "use the base name of the jobs for Python 3 (Python 3)",
        "Rejected: dropping all Python 2 coverage this cycle (Python 3)",
        "Accepted: mixed Python 2 and 3 testing limited to oslo.messaging (Python 3)",
    ]


def test_action_items_are_grouped_by_person_sorted_with_their_due_dates(text):
    assert bullets(section(text, "# Action items, by person")) == [
        "dansmith: look at Ironic calling back to Nova on power changes (Performance; with jroll)",
        "jroll: make a task to document wsgi deployments better (Retrospective & vision)",
        "jroll: open an RFE for the RAID deploy step (Deploy steps/templates; with mgoddard)",
        "jroll: look at Ironic calling back to Nova on power changes (Performance; with dansmith)",
        "mgoddard: write the spec for the RAID deploy step (Deploy steps/templates; due 2018-10-05)",
        "mgoddard: open an RFE for the RAID deploy step (Deploy steps/templates; with jroll)",
        # Dated items first, then in the order written; owners sorted whatever their case.
        "TheJulia: dig through the code and make a task list for the UEFI default (Performance; due 2018-09-28)",
        "TheJulia: look into pre-upgrade checks (Python 3)",
    ]


def test_actions_without_an_owner_need_one_and_help_is_wanted(text):
    assert bullets(section(text, "# Needs an owner")) == ["someone write the qemu gate job (Graphical console)"]
    assert bullets(section(text, "# Help wanted")) == ["reviewers for the redfish console driver (Graphical console)"]


def test_empty_sections_are_left_out_and_a_session_without_notes_says_so():
    quiet = Session("Federation", at(18), at(19), None, "", [])
    text = render(build_track_summary(EVENT, IRONIC, [quiet]), "text")
    assert "# Federation\n\nWed 2018-09-12 12:00-13:00 America/Denver\n\n(no notes were taken)\n" in text
    for heading in ("Decisions", "Action items", "Needs an owner", "Help wanted", "References", "Track notes"):
        assert f"# {heading}" not in text


# -- the discussion: markers turned into prose ---------------------------------------------------------
def test_markers_become_prose(text):
    assert "Agreed: wsgi with ironic-api is a config/documentation issue, not a\nregression" in text
    # The owner extraction found, not the first word guessed; the marker's own form is gone.
    assert "Action (jroll): make a task to document wsgi deployments better" in text
    assert "Action (mgoddard): write the spec for the RAID deploy step due\n2018-10-05" in text
    assert "Idea: split the current (only) deploy step into multiple steps" in text
    assert "Note: we can test in the gate with qemu, but only need to test that a\ncorrect URL is returned" in text
    assert "Help wanted: reviewers for the redfish console driver" in text
    assert "Action: someone write the qemu gate job" in text
    assert "Rejected: dropping all Python 2 coverage this cycle" in text
    assert "Accepted: mixed Python 2 and 3 testing limited to oslo.messaging" in text
    assert not re.search(r"(?m)^\s*(?:[-*] )?(?:#(?:agreed|action|info|idea|help|link|accepted|rejected)|ACTION:)", text)


def test_a_link_marker_and_a_bare_url_line_become_references(text):
    story = _number(text, "https://storyboard.openstack.org/#!/story/2003817")
    assert f"the RAID deploy step story [{story}]" in text
    retro = _number(text, "https://etherpad.openstack.org/p/ironic-stein-ptg-retrospective")
    assert f"See [{retro}]." in section(text, "# Graphical console")


def test_prose_lists_and_code_are_kept(text):
    deploy = "\n".join(section(text, "# Deploy steps"))
    assert ("- Deploy templates are triggered by the traits that nodes are scheduled\n  against\n"
            "  - can add steps before or after (or in between?) the default deploy\n    steps\n") in deploy
    assert "Myself and mgoddard took an action item to open an RFE for this." in deploy
    # Preformatted text is kept verbatim, indented, never wrapped.
    assert "    sync_power_state_interval = 600   # seconds between two power syncs of every node, nova-compute default" \
        in text


# -- wrapping -----------------------------------------------------------------------------------------------
def test_lines_are_wrapped_at_72_and_urls_never_broken():
    long_url = "https://review.opendev.org/c/openstack/ironic/+/602127/14/ironic/conductor/manager.py#1234-very-long-anchor"
    body = f"* a bullet long enough to wrap twice over, and it carries a long URL: {long_url} that must stay whole\n"
    summary = build_track_summary(EVENT, IRONIC, [*SESSIONS, Session("Wrap", at(20), at(21), None, body, [])],
                                  Note(TRACK_NOTE))
    text = render(summary, "text")
    preformatted = {"    sync_power_state_interval = 600   # seconds between two power syncs of every node, nova-compute default"}
    for line in text.split("\n"):
        if line in preformatted:
            continue
        assert len(line) <= 72 or re.fullmatch(r"\[\d+\] https?://\S+", line), line
    assert f"] {long_url}\n" in text                  # the reference line, whole
    assert not any(len(line) > 72 for line in text.split("\n") if line.startswith("- "))
    # The bullet keeps its hanging indent.
    wrapped = [line for line in section(text, "# Wrap") if line][1:]  # after the time
    assert wrapped == ["* a bullet long enough to wrap twice over, and it carries a long URL:",
                       f"  [{_number(text, long_url)}] that must stay whole"]


def test_the_wrapper_keeps_a_url_whole_and_the_hanging_indent():
    url = "https://review.opendev.org/c/openstack/ironic/+/602127/14/ironic/conductor/manager.py#L1234"
    wrapped = wrap(f"a word or two, then {url} and a tail-with-hyphens that goes on past the width", "  - ")
    assert wrapped.split("\n") == ["  - a word or two, then", f"    {url}",
                                   "    and a tail-with-hyphens that goes on past the width"]


# -- numbered references ------------------------------------------------------------------------------------
def _references(text: str) -> dict[int, str]:
    return {int(n): url for n, url in re.findall(r"(?m)^\[(\d+)\] (https?://\S+)$", text)}


def _number(text: str, url: str) -> int:
    return next(n for n, u in _references(text).items() if u == url)


def test_every_url_is_numbered_once_in_the_order_it_first_appears(text):
    refs = _references(text)
    assert list(refs) == list(range(1, len(refs) + 1))
    assert len(set(refs.values())) == len(refs)  # the retrospective pad, twice in the notes, once here
    body = text[:text.index("# References")]
    first_seen = list(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", body)))
    assert first_seen == list(refs)              # each [n] is in the text, met in order
    assert re.findall(r"https?://", body) == []  # and no URL is left in the text itself
    assert refs[1] == "https://etherpad.openstack.org/p/ironic-stein-ptg-retrospective"
    assert text.count("[1]") == 3                # the same URL, the same number


def test_a_pasted_mail_with_its_own_numbered_links_is_renumbered():
    # Seed 003's shape: '#' headings, prose wrapped at 70, '* ' lists, '[n]' pointing at its own list.
    mail = """\
This week we held a virtual PTG. The etherpad [1] includes the agenda
and notes. Here is my summary of what was discussed.

# Kolla (images)

## Python 3 images

In the Train cycle all projects should be moving to support python 3
only. hrw has been working on this [2] for Ubuntu and Debian source
images. This work needs an owner.

* MariaDB: https://review.opendev.org/655663
* Ceph - this is well used but does require maintenance. We support
integration with external ceph clusters.

## Others

Please update the etherpad [1] if you have thoughts on any of these.

[1] https://etherpad.openstack.org/p/kolla-train-ptg
[2] https://review.opendev.org/642375
[3] https://review.openstack.org/616645
"""
    items = [Item("action", "This work needs an owner.", line_of(mail, "needs an owner"), "")]
    session = Session("Kolla", at(15), at(16), None, "See https://review.opendev.org/655663 first.", [])
    summary = build_track_summary(Event("Virtual PTG", "train-virtual", "UTC"), Track("kolla", "Kolla"), [session],
                                  Note(mail, items))
    text = render(summary, "text")
    assert summary.subject == "[kolla] Virtual PTG summary"
    assert _references(text) == {1: "https://review.opendev.org/655663", 2: "https://etherpad.openstack.org/p/kolla-train-ptg",
                                 3: "https://review.opendev.org/642375", 4: "https://review.openstack.org/616645"}
    assert "The etherpad [2] includes the agenda" in text and "Please update the etherpad [2] if" in text
    assert "hrw has been working on this [3]" in text and "* MariaDB: [1]" in text
    assert "See also [4]." in text                   # listed by the mail, never pointed at: kept
    assert "## Kolla (images)\n\n### Python 3 images\n" in text
    assert "* Ceph - this is well used but does require maintenance. We support\n  integration with" in text
    assert bullets(section(text, "# Needs an owner")) == ["This work needs an owner. (Python 3 images)"]


# -- other formats -----------------------------------------------------------------------------------------
def test_html_escapes_every_piece_of_user_text():
    evil = "<script>alert('x')</script>"
    body = (f"#agreed {evil}\n<img src=x onerror=alert(1)>\n[click](javascript:alert(1))\n"
            "https://example.org/a?b=1&c=\"2\"\n")
    session = Session(f"Title {evil}", at(15), at(16), f"Room {evil}", body, [
        Item("decision", evil, 1, "", ), Item("action", f"fix {evil}", 1, "", owners=(f"{evil}",))])
    summary = build_track_summary(Event(f"PTG {evil}", "x", "UTC"), Track("t", f"Team {evil}", "t"), [session])
    html = render(summary, "html")
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "javascript:" not in re.sub(r"\[click\]\(javascript:alert\(1\)\)", "", html)
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.org/a?b=1&amp;c=", "https://example.org/a?b=1&amp;c="]
    assert f"Title {evil}" not in html and "<title>[t] PTG &lt;script&gt;" in html
    # Markdown keeps it text too: no raw tag survives (each "<" is escaped).
    markdown = render(summary, "markdown")
    assert not re.search(r"(?<!\\)<(?:script|img)", markdown) and "\\<script>" in markdown


def test_html_has_real_links_and_the_same_reference_list(text):
    html = render(ironic(), "html")
    refs = _references(text)
    listed = re.findall(r'<li id="ref-(\d+)" value="\d+"><a href="([^"]+)">', html)
    assert [(int(n), url.replace("&amp;", "&")) for n, url in listed] == list(refs.items())
    assert f'<a href="{refs[1]}">[1]</a>' in html
    assert "<h1>Retrospective &amp; vision</h1>" in html and "<h2>Deploy steps/templates</h2>" in html
    assert "<li><strong>jroll</strong>: make a task to document wsgi deployments better" in html
    assert "<pre>[DEFAULT]\nsync_power_state_interval = 600" in html


def test_markdown_says_the_same_as_the_text(text):
    markdown = render(ironic(), "markdown")
    refs = _references(text)
    assert dict((int(n), url) for n, url in re.findall(r"(?m)^\[(\d+)\]: <(\S+)>$", markdown)) == refs
    assert dict((int(n), url) for n, url in re.findall(r"(?m)^(\d+)\. <(\S+)>$", markdown)) == refs
    # The same [n], in the same order, pointing at the same definitions.
    in_text = re.findall(r"\[(\d+)\]", text[:text.index("# References")])
    in_markdown = re.findall(r"\[\\\[(\d+)\\\]\]\[(\d+)\]", markdown)
    assert [a for a, b in in_markdown] == [b for a, b in in_markdown] == in_text
    # The same headings and the same items.
    assert [h for h in re.findall(r"(?m)^(#+ .*)$", markdown)] == re.findall(r"(?m)^(#+ .*)$", text)
    md_actions = re.findall(r"(?m)^- \*\*(\S+)\*\*: (.*)$", markdown)
    assert [f"{who}: {what}" for who, what in md_actions] == bullets(section(text, "# Action items, by person"))
    assert "- **Rejected:** dropping all Python 2 coverage this cycle (Python 3)" in markdown
    assert "*Wed 2018-09-12 10:00-11:00 America/Denver, Steamboat*" in markdown


# -- suggested, confirmed and dismissed items ------------------------------------------------------------------
def _with_states(states: dict[str, str]):
    sessions = []
    for s in SESSIONS:
        items = [NoteItem(i, states[i.text]) if i.text in states else i for i in s.items]
        sessions.append(replace(s, items=items))
    return sessions


def test_suggested_items_are_listed_by_default_marked_on_request_or_omitted():
    rfe = "open an RFE for the RAID deploy step"
    default = render(ironic(), "text")
    assert f"mgoddard: {rfe} (Deploy steps/templates; with jroll)" in " ".join(bullets(section(default, "# Action items, by person")))
    marked = bullets(section(render(ironic(suggested="mark"), "text"), "# Action items, by person"))
    assert f"mgoddard: {rfe} (Deploy steps/templates; with jroll; suggested)" in marked
    assert "mgoddard: write the spec for the RAID deploy step (Deploy steps/templates; due 2018-10-05)" in marked
    omitted = render(ironic(suggested="omit"), "text")
    assert rfe not in omitted and "dansmith" not in omitted.split("# Action items")[1]
    assert "Myself and mgoddard took an action item" in omitted  # the prose stays in the discussion
    with pytest.raises(ValueError):
        ironic(suggested="sometimes")


def test_dismissed_items_are_left_out_and_confirmed_ones_are_not_marked():
    sessions = _with_states({"open an RFE for the RAID deploy step": DISMISSED,
                             "look into pre-upgrade checks": CONFIRMED})
    actions = bullets(section(render(ironic(sessions, suggested="mark"), "text"), "# Action items, by person"))
    assert not any("open an RFE" in a for a in actions)
    assert "TheJulia: look into pre-upgrade checks (Python 3)" in actions


# -- the event summary -------------------------------------------------------------------------------------
def test_the_event_summary_has_every_track_with_its_sections_and_one_reference_list():
    nova_body = ("#agreed Ironic calls back to Nova on power state changes\n"
                 "See https://etherpad.openstack.org/p/nova-ptg-stein and "
                 "https://review.openstack.org/#/c/602127/\n")
    nova = TrackNotes(Track("nova", "Nova", "nova"), [Session("Ironic cross-project", at(20, day=13), at(21, day=13),
                      "Ballroom", nova_body, [Item("decision", "Ironic calls back to Nova on power state changes", 1, "")])])
    summary = build_event_summary(EVENT, [TrackNotes(IRONIC, SESSIONS, Note(TRACK_NOTE)), nova])
    text = render(summary, "text")
    assert summary.subject == "OpenStack PTG Denver 2018 summary" and summary.scope == "event"
    top = [line for line in text.split("\n") if line.startswith("# ")]
    assert top == ["# Ironic", "# Nova", "# References"]
    assert text.count("## Decisions") == 2 and text.count("## Action items, by person") == 1
    nova_part = text[text.index("# Nova"):text.index("# References")]
    assert "## Ironic cross-project" in nova_part and "## Decisions" in nova_part
    assert "Ironic calls back to Nova on power state changes (Ironic cross-project)" in bullets(
        section(nova_part, "## Decisions"))
    # One list for the whole mail: the patch both tracks link to has one number.
    refs = _references(text)
    patch = _number(text, "https://review.openstack.org/#/c/602127/")
    assert f"[{patch}]" in nova_part and list(refs) == list(range(1, len(refs) + 1))
    assert text.endswith("-- \nThe OpenStack PTG Denver 2018 organisers\n")
    assert summary.meta["tracks"] == 2 and summary.meta["sessions"] == 6
    for fmt in ("markdown", "html"):
        assert "Nova" in render(summary, fmt) and "The OpenStack PTG Denver 2018 organisers" in render(summary, fmt)


def test_the_event_summary_ends_with_its_free_notes_under_event_notes():
    free = [FreeNote("Hallway track", "#agreed one cross-project goal\nsee https://example.org/goal\n",
                     [Item("decision", "one cross-project goal", 1, "")]),
            FreeNote("Nothing yet", "")]
    summary = build_event_summary(EVENT, [TrackNotes(IRONIC, SESSIONS)], free_notes=free)
    text = render(summary, "text")
    assert [line for line in text.split("\n") if line.startswith("# ")] == ["# Ironic", "# Event notes", "# References"]
    events_part = text[text.index("# Event notes"):text.index("# References")]
    assert "## Hallway track" in events_part and "Nothing yet" not in text
    assert "one cross-project goal (Hallway track)" in bullets(section(events_part, "## Decisions"))
    assert summary.meta["tracks"] == 1 and summary.meta["free_notes"] == 1
    assert summary.meta["sessions"] == len(SESSIONS)
    html = render(summary, "html")
    assert 'id="event-notes"' in html and "<h1>Event notes</h1>" in html
    assert "# Event notes" in render(summary, "markdown")


# -- the content hash ------------------------------------------------------------------------------------------
def test_the_content_hash_is_stable_and_follows_the_content():
    first = content_hash(ironic())
    assert first == content_hash(ironic()) and re.fullmatch(r"sha256:[0-9a-f]{64}", first)
    # "This is an update" alone is no change to publish.
    updated = ironic(update=True)
    assert render(updated, "text").startswith("This is an update of the summary sent earlier")
    assert content_hash(updated) == first
    edited = [*SESSIONS[:-1], replace(SESSIONS[-1], body=SESSIONS[-1].body + "One more line.\n")]
    assert content_hash(ironic(edited)) != first
    assert content_hash(ironic(_with_states({"look into pre-upgrade checks": DISMISSED}))) != first
    assert content_hash(ironic(note=None)) != first


# -- the shapes of a pad --------------------------------------------------------------------------------------
def test_a_pad_line_after_a_bullet_is_a_line_of_its_own_and_topics_are_headings():
    body = ("#topic Power sync\n"
            "* Nova asserts power state if the instance should be off but is on out-of-band.\n"
            "dansmith offered to help with the callback.\n"
            "### Details\n"
            "Operators need to be aware of this when doing maintenance on active machines.\n")
    text = render(build_track_summary(EVENT, IRONIC, [Session("Nova", at(15), at(16), None, body, [])]), "text")
    assert "## Power sync\n\n* Nova asserts power state" in text
    assert "  out-of-band.\n\ndansmith offered to help with the callback.\n" in text
    assert "#### Details\n" in text  # a topic is the note's level 1, a '###' stays two below it


def test_a_stored_row_with_a_state_is_an_item_and_formats_are_named():
    class Row:  # what a store might hand over: the Item's attributes and a state
        kind, text, line, owners, due, suggested, url, urls, state = (
            "action", "write the spec", 1, ("mgoddard",), None, True, None, (), "dismissed")
    session = Session("Specs", at(15), at(16), None, "#action mgoddard write the spec\n", [Row()])
    text = render(build_track_summary(EVENT, IRONIC, [session]), "text")
    assert "Action (mgoddard): write the spec" in text and "# Action items" not in text
    with pytest.raises(ValueError):
        render(ironic(), "pdf")


# -- publishing's rules (summary/publication.py) -------------------------------------------------
def test_the_subject_is_the_renderers_unless_a_title_is_given_and_gets_the_tag_once():
    summary = ironic()
    assert publication.subject(summary, None, "ironic") == "[ironic] OpenStack PTG Denver 2018 summary"
    assert publication.subject(summary, "Stein  PTG\nwrap-up", "ironic") == "[ironic] Stein PTG wrap-up"
    assert publication.subject(summary, "[ironic] Stein PTG", "ironic") == "[ironic] Stein PTG"
    assert publication.subject(summary, "Denver summary", None) == "Denver summary"  # an event's: no tag


def test_a_republish_is_unchanged_with_or_without_the_update_notice_and_changed_by_a_title():
    first = publication.renderings(ironic())
    again = publication.renderings(ironic(update=True))
    assert first["canonical"] == first["text"] == again["canonical"] != again["text"]
    assert again["text"].startswith("This is an update of the summary sent earlier")
    assert set(again) == {"text", "markdown", "html", "canonical"}
    title = "[ironic] OpenStack PTG Denver 2018 summary"
    texts = (again["text"], again["canonical"])
    assert publication.unchanged(texts, title, title, first["text"])      # the first one was not an update
    assert publication.unchanged(texts, title, title, again["text"])      # the last one was
    assert not publication.unchanged(texts, "[ironic] Stein", title, first["text"])
    edited = publication.renderings(ironic(sessions=SESSIONS[:2], update=True))
    assert not publication.unchanged((edited["text"], edited["canonical"]), title, title, first["text"])
    assert content_hash(ironic()) == content_hash(ironic(update=True))
