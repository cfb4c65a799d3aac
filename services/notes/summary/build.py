"""The summary model from a track's (or an event's) sessions, notes and extracted items. No I/O."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from . import inline as il
from .blocks import ParsedBody, parse_body, strip_owners
from .model import (CONFIRMED, DISMISSED, FREE_NOTES_SLUG, INCLUDE, MARK, OMIT, SUGGESTED_POLICIES, Entry, Event,
                    FreeNote, Note, PersonActions, Section, Session, Summary, Track, TrackNotes, TrackPart)

TRACK_NOTE_TITLE = "Track notes"
FREE_NOTES_TITLE = "Event notes"  # the heading of an event summary's free notes, after the tracks
DECISION_KINDS = {"decision": None, "accepted": "Accepted", "rejected": "Rejected"}


def build_track_summary(event: Event, track: Track, sessions: Sequence[Session], note: Note | None = None, *,
                        suggested: str = INCLUDE, update: bool = False) -> Summary:
    """One track: its sessions in the order given (schedule order), then the track's own note."""
    return _build("track", event, [TrackNotes(track, sessions, note)], suggested, update)


def build_event_summary(event: Event, tracks: Sequence[TrackNotes], *, free_notes: Sequence[FreeNote] = (),
                        suggested: str = INCLUDE, update: bool = False) -> Summary:
    """Every track one after another, each with its decisions and action items, then the event's free
    notes (in the order given) under "Event notes" with theirs; one reference list."""
    return _build("event", event, list(tracks), suggested, update, list(free_notes))


def _build(scope: str, event: Event, tracks: list[TrackNotes], suggested: str, update: bool,
           free_notes: list[FreeNote] | None = None) -> Summary:
    if suggested not in SUGGESTED_POLICIES:
        raise ValueError(f"suggested must be one of {', '.join(SUGGESTED_POLICIES)}, not {suggested!r}")
    refs = il.References()
    the_event = _the(event.name)
    if scope == "track":
        track = tracks[0].track
        subject = f"[{track.subject_tag or track.slug}] {event.name} summary"
        intro = (f"Here is a summary of the {track.name} sessions at {the_event}: what was discussed, "
                 "the decisions we took and the action items, by person.",)
        signature = (f"{track.name} team, {event.name}",)
    else:
        subject = f"{event.name} summary"
        intro = (f"Here is a summary of {the_event}, track by track: what each team discussed, the "
                 "decisions it took and its action items, by person.",)
        signature = (f"The {event.name} organisers" if not event.name.lower().startswith("the ")
                     else f"{event.name} organisers",)
    intro_lines = tuple(il.parse(line, refs) for line in intro)
    parts = [_track_part(notes.track, _bodies(event, notes), refs, suggested) for notes in tracks]
    free = [(note.title, None, None, note.body, note.items) for note in free_notes or ()
            if note.body.strip() or note.items]
    if free:
        parts.append(_track_part(Track(FREE_NOTES_SLUG, FREE_NOTES_TITLE), free, refs, suggested))
    parts = tuple(parts)
    meta = {
        "tracks": len(tracks),
        "free_notes": len(free),
        "sessions": sum(sum(1 for s in part.sections if s.when is not None) for part in parts),
        "decisions": sum(len(part.decisions) for part in parts),
        "actions": sum(part.action_count for part in parts),
        "needs_owner": sum(len(part.needs_owner) for part in parts),
        "help_wanted": sum(len(part.help_wanted) for part in parts),
        "references": len(refs.listing()),
    }
    return Summary(scope=scope, subject=subject, event_name=event.name, event_slug=event.slug, intro=intro_lines,
                   tracks=parts, references=refs.listing(), signature=signature, update=update,
                   suggested=suggested, meta=meta)


@dataclass
class _Found:
    item: object
    state: str
    order: tuple          # (section index, line): where it was written
    context: str
    footnotes: dict


Body = tuple  # (title, when, room, body, items): a section of a part, a session or a note


def _bodies(event: Event, notes: TrackNotes) -> list[Body]:
    """A track's sections: its sessions (with their times), then its own note."""
    bodies: list[Body] = [(s.title, when(s.start, s.end, event.timezone), s.room, s.body, s.items)
                          for s in notes.sessions]
    if notes.note is not None and (notes.note.body.strip() or notes.note.items):
        bodies.append((TRACK_NOTE_TITLE, None, None, notes.note.body, notes.note.items))
    return bodies


def _track_part(track: Track, bodies: list[Body], refs: il.References, suggested: str) -> TrackPart:
    intro = ()
    if track.notes_url:
        intro = (il.parse(f"The notes are kept at {track.notes_url}.", refs),)
    sections, found = [], []
    for index, (title, when_, room, body, items) in enumerate(bodies):
        pairs = [_unwrap(x) for x in items]
        by_line: dict[int, list] = {}
        for item, _state in pairs:
            by_line.setdefault(item.line, []).append(item)
        parsed: ParsedBody = parse_body(body or "", refs, by_line)
        sections.append(Section(title, when_, room, parsed.blocks, empty=not parsed.blocks))
        for item, state in pairs:
            found.append(_Found(item, state, (index, item.line), parsed.context(item.line) or title,
                                parsed.footnotes))
    kept = [f for f in found if _kept(f, suggested)]
    kept.sort(key=lambda f: f.order)
    mark = suggested == MARK

    def entry(f: _Found, text: str, **extra) -> Entry:
        return Entry(il.parse(text, refs, f.footnotes), f.context,
                     suggested=mark and _unconfirmed(f), due=getattr(f.item, "due", None), **extra)

    # Rendered in this order, so that the references are numbered as a reader meets them.
    decisions, seen = [], set()
    for f in kept:
        if f.item.kind in DECISION_KINDS:
            key = (f.item.kind, _key(f.item.text))
            if key not in seen:
                seen.add(key)
                decisions.append(entry(f, f.item.text, label=DECISION_KINDS[f.item.kind]))
    by_owner: dict[str, list] = {}
    spelling: dict[str, str] = {}
    unowned, seen = [], set()
    for f in kept:
        if f.item.kind != "action":
            continue
        owners = _owners(f.item.owners)
        key = (_key(f.item.text), tuple(o.casefold() for o in owners))
        if key in seen:
            continue
        seen.add(key)
        if not owners:
            unowned.append(f)
        for owner in owners:
            spelling.setdefault(owner.casefold(), owner)
            by_owner.setdefault(owner.casefold(), []).append((f, owners))
    actions = []
    for folded in sorted(by_owner, key=lambda o: (o, spelling[o])):
        rows = sorted(by_owner[folded], key=lambda row: (_due_key(row[0].item), row[0].order))
        entries = []
        for f, owners in rows:
            others = tuple(o for o in owners if o.casefold() != folded)
            entries.append(entry(f, strip_owners(f.item.text, owners), owner=spelling[folded], others=others))
        actions.append(PersonActions(spelling[folded], tuple(entries)))
    needs_owner = [entry(f, f.item.text) for f in unowned]
    help_wanted = [entry(f, f.item.text) for f in kept if f.item.kind == "help"]
    return TrackPart(track.slug, track.name, tuple(sections), tuple(decisions), tuple(actions),
                     tuple(needs_owner), tuple(help_wanted), intro)


def when(start: datetime, end: datetime, timezone: str) -> str:
    """``Wed 2018-09-12 09:00-10:45 America/Denver``: a session's time in its event's timezone."""
    zone = ZoneInfo(timezone)
    start = start.astimezone(zone) if start.tzinfo else start.replace(tzinfo=zone)
    end = end.astimezone(zone) if end.tzinfo else end.replace(tzinfo=zone)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %Y-%m-%d %H:%M}"
    return f"{start:%a %Y-%m-%d %H:%M}-{until} {timezone}"


def _the(name: str) -> str:
    return name if name.lower().startswith("the ") else f"the {name}"


def _unwrap(x) -> tuple[object, str]:
    """(item, state) of an Item, a NoteItem or a stored row with a ``state``."""
    if hasattr(x, "item") and hasattr(x, "state") and not hasattr(x, "kind"):
        return x.item, x.state
    state = getattr(x, "state", None)
    if state is None:
        state = CONFIRMED if getattr(x, "confirmed", False) else "open"
    return x, state


def _unconfirmed(f: _Found) -> bool:
    return bool(getattr(f.item, "suggested", False)) and f.state != CONFIRMED


def _kept(f: _Found, suggested: str) -> bool:
    if f.state == DISMISSED:
        return False
    return not (suggested == OMIT and _unconfirmed(f))


def _owners(owners: Iterable[str]) -> tuple[str, ...]:
    out, seen = [], set()
    for owner in owners or ():
        name = owner.strip().lstrip("@")
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)


def _key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def _due_key(item) -> tuple:
    due: date | None = getattr(item, "due", None)
    return (due is None, due or date.min)
