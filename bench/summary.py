"""A whole gathering's summary rendered: 60 tracks x 5 sessions with 200-line notes, in all three formats.

    .venv/bin/python bench/summary.py [--tracks 60] [--sessions 5] [--lines 200] [--repeat 5] [--json [PATH]]
                                      [--no-operation]

Pure and in-process (no stack, no database): builds synthetic but realistic notes (pad-style bullets
nested by indentation, MeetBot markers, prose commitments, wrapped mail paragraphs, bare URLs, code
blocks, the same links cited across tracks) with the items extraction would find in them, then times
building the event summary's model, rendering it as text, Markdown and HTML, and its content hash.
Figures are the median (and best) of ``--repeat`` runs; sizes are of one rendering.

Then (unless ``--no-operation``) the same sessions' notes are stored in a notes database on SQLite
(a temp file) and the event summary's text preview is timed through the operation
(:func:`services.notes.operations.summaries.preview_summary`): the queries (the event's copy, the
notes, the track notes, their stored items), building and rendering (the first run with extraction's memo empty, the
others warm: building still parses each body's blocks).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import textwrap
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.kit.db import Database  # noqa: E402
from services.notes import domain, store  # noqa: E402
from services.notes.descriptor import DESCRIPTOR  # noqa: E402
from services.notes.extraction import caching  # noqa: E402
from services.notes.extraction.items import Item  # noqa: E402
from services.notes.operations import summaries  # noqa: E402
from services.notes.summary import (Event, Note, NoteItem, Session, Track, TrackNotes, build_event_summary,  # noqa: E402
                                    build_track_summary, content_hash, render)

NICKS = ["mgoddard", "jroll", "TheJulia", "dtantsur", "mnasiadka", "hrw", "dansmith", "penick", "rpioso",
         "johnthetubaguy", "vdrok", "Tengu", "yoctozepto", "priteau", "gmann", "fungi"]
TOPICS = ["Retrospective", "Deploy steps", "Graphical console", "Python 3 jobs", "Performance", "Federation",
          "Agent polling", "L3 deployments", "Event processing", "CMDB", "Secure boot", "Power sync",
          "API heaviness", "Host grouping", "Capabilities filter", "Upgrades", "CI coverage", "Release notes"]
WORDS = ("the we should a conductor node API driver deploy step spec patch review gate job nova neutron "
         "ironic cell upgrade support owner cycle release config default boot mode UEFI BIOS power sync "
         "loop callback hash ring group polling agent operators scale security network tenant").split()
SHARED = [f"https://etherpad.opendev.org/p/ptg-shared-{n}" for n in range(20)]  # cited by many tracks


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def note(rng: random.Random, track: str, session: int, lines: int) -> tuple[str, list]:
    """A pad of about ``lines`` lines and the items extraction would find in it."""
    out: list[str] = []
    items: list = []

    def add(line: str) -> int:
        out.append(line)
        return len(out)

    while len(out) < lines:
        topic = rng.choice(TOPICS)
        add(f"## {topic}" if rng.random() < 0.6 else f"#topic {topic}")
        for _ in range(rng.randint(3, 7)):
            roll = rng.random()
            who = rng.choice(NICKS)
            if roll < 0.25:
                add(f"* {sentence(rng, rng.randint(6, 18))}")
                if rng.random() < 0.5:
                    add(f"  * {sentence(rng, rng.randint(6, 24))}")
                    add(f"    * {sentence(rng, rng.randint(4, 12))}")
            elif roll < 0.37:
                text = sentence(rng, rng.randint(5, 12))
                items.append(Item("decision", text, add(f"#agreed {text}"), text))
            elif roll < 0.52:
                text = sentence(rng, rng.randint(5, 12)).rstrip(".")
                due = date(2027, 6, 1) + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.3 else None
                owners = (who,) if rng.random() < 0.85 else ()
                line = add(f"#action {who + ' ' if owners else ''}{text}{f' due {due}' if due else ''}")
                items.append(Item("action", text, line, out[-1], owners=owners, due=due))
            elif roll < 0.60:
                url = rng.choice(SHARED) if rng.random() < 0.4 else \
                    f"https://review.opendev.org/c/openstack/{track}/+/{rng.randint(100000, 999999)}"
                items.append(Item("link", "review", add(f"#link {url} {sentence(rng, 4)}"), out[-1], url=url))
            elif roll < 0.66:
                text = f"{who} offered to pick up the {rng.choice(WORDS)} {rng.choice(WORDS)} work"
                item = Item("action", f"pick up the {text.split('the ', 1)[1]}", add(text + "."), text,
                            owners=(who,), suggested=True)
                items.append(NoteItem(item, rng.choice(["open", "open", "confirmed", "dismissed"])))
            elif roll < 0.70:
                text = sentence(rng, 8)
                items.append(Item("help", text, add(f"#help {text}"), text))
            elif roll < 0.74:
                add(f"https://storyboard.openstack.org/#!/story/{rng.randint(2000000, 2999999)}")
            elif roll < 0.77:
                add("```")
                for n in range(rng.randint(2, 5)):
                    add(f"openstack baremetal node set --property capabilities='boot_mode:uefi' node-{n:03d}")
                add("```")
            else:  # a paragraph wrapped at ~70, as a pasted mail has it
                words = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 5)))
                for line in textwrap.wrap(words, 70):
                    add(line)
            if rng.random() < 0.3:
                add("")
        add("")
    return "\n".join(out[:lines]) + "\n", [i for i in items if _line(i) <= lines]


def _line(x) -> int:
    return x.item.line if isinstance(x, NoteItem) else x.line


def gathering(tracks: int, sessions: int, lines: int, seed: int = 2018) -> tuple[Event, list[TrackNotes]]:
    rng = random.Random(seed)
    event = Event("OpenStack PTG Denver 2027", "denver-2027", "America/Denver")
    start = datetime(2027, 5, 3, 15, tzinfo=timezone.utc)
    out = []
    for t in range(tracks):
        slug = f"team-{t + 1}"
        track = Track(slug, f"Team {t + 1}", slug, f"https://etherpad.opendev.org/p/{slug}-ptg")
        notes = []
        for s in range(sessions):
            body, items = note(rng, slug, s, lines)
            begin = start + timedelta(days=s % 5, hours=(t + s) % 6)
            notes.append(Session(f"{rng.choice(TOPICS)} ({s + 1})", begin, begin + timedelta(minutes=105),
                                 f"Room {(t + s) % 40 + 1}", body, items))
        body, items = note(rng, slug, sessions, lines // 4)
        out.append(TrackNotes(track, notes, Note(body, items)))
    return event, out


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - begin)
    return times, result


def through_operation(event: Event, tracks: list[TrackNotes], repeat: int) -> dict[str, list[float]]:
    """The event summary's text preview through the operation, on SQLite: cold (extraction's memo
    empty) once, then warm ``repeat`` times."""
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/notes.db", DESCRIPTOR.metadata, source="/ptghub/notes")
        DESCRIPTOR.metadata.create_all(database.engine)
        with database.unit_of_work() as uow:
            uow.session.add(store.Event(slug=event.slug, name=event.name, timezone=event.timezone))
            for part in tracks:
                uow.session.add(store.Track(event=event.slug, slug=part.track.slug, track_id=str(uuid.uuid4()),
                                            name=part.track.name, subject_tag=part.track.subject_tag))
                notes = [(store.Note(
                    id=str(uuid.uuid4()), event=event.slug, track=part.track.slug, room=session.room,
                    title=session.title, start=session.start, end=session.end, timezone=event.timezone,
                    body=session.body, revision=1, updated_at=session.start), session.items)
                    for session in part.sessions]
                if part.note is not None:
                    notes.append((store.Note(id=str(uuid.uuid4()), kind=domain.TRACK, event=event.slug,
                                             track=part.track.slug, timezone=event.timezone, body=part.note.body,
                                             revision=1), part.note.items))
                for note, items in notes:
                    uow.session.add(note)
                    for item in (getattr(x, "item", x) for x in items):
                        store.add_item(uow.session, note, {**domain.item_values(item),
                                                           "state": domain.initial_state(item)})
            uow.commit()

        def preview():
            with database.unit_of_work(readonly=True) as uow:
                return summaries.preview_summary(uow, summaries.PreviewRequest(event.slug, None, "text"))

        caching(False)
        caching(True)
        cold, _ = timed(preview, 1)
        warm, _ = timed(preview, repeat)
        database.dispose()
    return {"preview through the operation (SQLite), cold": cold, "preview through the operation (SQLite), warm": warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=60)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--lines", type=int, default=200, help="lines in each session's note")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", nargs="?", const="-", help="also write the figures as JSON (to PATH or stdout)")
    parser.add_argument("--no-operation", action="store_true", help="skip the preview through the operation")
    args = parser.parse_args()

    begin = time.perf_counter()
    event, tracks = gathering(args.tracks, args.sessions, args.lines)
    made = time.perf_counter() - begin
    note_lines = sum(s.body.count("\n") for t in tracks for s in t.sessions) + \
        sum(t.note.body.count("\n") for t in tracks)
    item_count = sum(len(s.items) for t in tracks for s in t.sessions) + sum(len(t.note.items) for t in tracks)
    print(f"=== ptghub summary bench: {args.tracks} tracks x {args.sessions} sessions x {args.lines}-line notes "
          f"(+ a track note each): {note_lines:,} lines, {item_count:,} items; made in {made:.2f} s ===")

    figures: dict = {}
    build_times, summary = timed(lambda: build_event_summary(event, tracks), args.repeat)
    figures["build"] = build_times
    rendered = {}
    for fmt in ("text", "markdown", "html"):
        times, rendered[fmt] = timed(lambda fmt=fmt: render(summary, fmt), args.repeat)
        figures[fmt] = times
    figures["content_hash"], digest = timed(lambda: content_hash(summary), args.repeat)
    track_times, _ = timed(lambda: render(build_track_summary(event, tracks[0].track, tracks[0].sessions,
                                                              tracks[0].note), "text"), args.repeat)
    figures["one track (build + text)"] = track_times
    if not args.no_operation:
        figures.update(through_operation(event, tracks, args.repeat))

    width = max(len(k) for k in figures)
    for name, times in figures.items():
        size = f"{len(rendered[name].encode()):>12,} bytes" if name in rendered else ""
        print(f"{name:<{width}}  median {statistics.median(times) * 1000:8.1f} ms   best {min(times) * 1000:8.1f} ms"
              f"   {size}")
    text = rendered["text"]
    print(f"event summary: {summary.meta['sessions']} sessions, {summary.meta['decisions']:,} decisions, "
          f"{summary.meta['actions']:,} action lines, {summary.meta['needs_owner']:,} needing an owner, "
          f"{summary.meta['references']:,} references; {text.count(chr(10)):,} lines of text, widest "
          f"{max(len(line) for line in text.split(chr(10)) if not line.startswith(('[', '    ')))} columns "
          f"(reference and code lines aside); {digest}")
    print(f"({args.repeat} runs each, median and best; Python {sys.version.split()[0]})")
    if args.json:
        data = {"settings": vars(args), "note_lines": note_lines, "items": item_count,
                "ms": {k: {"median": statistics.median(v) * 1000, "best": min(v) * 1000} for k, v in figures.items()},
                "bytes": {k: len(v.encode()) for k, v in rendered.items()}, "meta": summary.meta,
                "content_hash": digest}
        if args.json == "-":
            print(json.dumps(data))
        else:
            Path(args.json).write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
