"""The summaries' service layer: previews and publishing of a track's and an event's summary.

A track's summary is its sessions' notes in schedule order, then the track's own note; an event's
is every track's, one after another, then the event's free notes (by slug) under "Event notes" (the
renderer in :mod:`services.notes.summary` lays them out).
Each function takes a unit of work (and the principal, where who may publish depends on the
track), applies the rules, queues ``summary.published`` in the outbox and returns the result; the
caller commits.

What a summary is built from: the copies of the schedule's tracks and sessions, each session's
note and the track's own note (:func:`track_note_of`), the items stored at each save with the
state a chair gave them (:func:`items_of`: dismissed ones left out), and notes' copy of the
schedule's event, which names it (:func:`event_of`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from services.kit.auth import require_organiser, require_track_writer
from services.kit.cloudevents import event_type
from services.kit.copies import require_offered
from services.kit.db import UnitOfWork, new_id
from services.kit.problems import Conflict, Invalid, NotFound

from .. import SERVICE, domain, store
from .. import summary as renderer
from ..schemas.summaries import PublishedSummarySchema, SummarySessionSchema
from ..summary import publication
from ..summary.render import text_hash

PUBLISHED = event_type(SERVICE, "summary", "published")
session_data, published_data = SummarySessionSchema(many=True), PublishedSummarySchema()
TRACK, EVENT = "track", "event"
Items = Mapping[str, Sequence[store.NoteItem]]  # a note's stored items, by note id


@dataclass(frozen=True)
class PreviewRequest:
    """The summary of ``track`` at ``event`` (``track`` None: the whole event's) as ``format``."""

    event: str
    track: str | None = None
    format: str = "text"
    suggested: str = renderer.INCLUDE


@dataclass(frozen=True)
class SummaryRequest:
    """Publish the summary of ``track`` at ``event`` (``track`` None: the event's). ``title``: the
    subject (None: the renderer's); ``force``: publish even when nothing changed since the last time."""

    event: str
    track: str | None = None
    title: str | None = None
    force: bool = False


@dataclass(frozen=True)
class Preview:
    body: str
    media_type: str


@dataclass(frozen=True)
class Published:
    """A summary just published: the row kept, and what ``summary.published`` carries besides."""

    row: store.Summary
    scope: str                # "track" or "event"
    subject: str
    thread: str               # the id of the first summary published for that track (or event)
    update: bool              # a summary was published for it before: this one replaces it
    content_hash: str
    markdown: str
    html: str
    event_name: str
    tracks: tuple[str, ...] = ()  # the slugs of the tracks it covers


@dataclass(frozen=True)
class _Built:
    summary: renderer.Summary
    tag: str | None
    track_name: str
    tracks: tuple[str, ...]
    notes: tuple[store.Note, ...]


# -- what a summary is built from -------------------------------------------------------------
def event_of(uow: UnitOfWork, slug: str, notes: Sequence[store.Note]) -> renderer.Event:
    """The event as a summary names it ("Denver III PTG") and shows its times: from notes' copy of
    the event (a deleted event keeps its name). Without a copy (an event the schedule announced
    before notes followed its events) the name is the slug and the timezone its sessions' (UTC
    without sessions)."""
    event = store.find_event_copy(uow.session, slug)
    if event is not None:
        return renderer.Event(event.name, slug, event.timezone)
    return renderer.Event(slug, slug, notes[0].timezone if notes else "UTC")


def track_note_of(note: store.Note | None, items: Items) -> renderer.Note | None:
    """The track's own note (kind ``track``: the team's pad for the week) with its items; None when
    no one ever saved one."""
    if note is None:
        return None
    return renderer.Note(note.body or "", items_of(note, items))


def items_of(note: store.Note, items: Items) -> tuple[renderer.NoteItem, ...]:
    """The items of a note as the summary lists them: those stored at its last save (``items``: by
    note id), each with the state a chair gave it. Dismissed ones are left out; confirmed ones are
    listed, and open ones (suggestions drawn out of prose) as the renderer's ``suggested`` policy
    says (listed, marked or left out)."""
    return tuple(renderer.NoteItem(domain.as_item(row), row.state)
                 for row in items.get(note.id, ()) if row.state != domain.DISMISSED)


def _session(note: store.Note, items: Items) -> renderer.Session:
    return renderer.Session(note.title, note.start, note.end, note.room, note.body or "", items_of(note, items))


def _track(track: store.Track) -> renderer.Track:
    return renderer.Track(track.slug, track.name, subject_tag=track.subject_tag)


def _nothing_to_summarise(field_name: str, what: str) -> Invalid:
    return Invalid(field_name, f"{what} has no sessions to summarise")


def _build_track(uow: UnitOfWork, event: str, slug: str, update: bool, suggested: str) -> _Built:
    track = require_offered(store.get_track_copy(uow.session, event, slug),
                            "its summary can no longer be published")
    notes = store.summary_notes(uow.session, event, slug)
    track_note = store.find_track_note(uow.session, event, slug)
    if not notes and track_note is None:
        raise _nothing_to_summarise("track", f"track {slug}")
    items = store.items_by_note(uow.session, [*notes, *([track_note] if track_note else [])])
    summary = renderer.build_track_summary(event_of(uow, event, notes), _track(track),
                                           [_session(n, items) for n in notes], track_note_of(track_note, items),
                                           suggested=suggested, update=update)
    return _Built(summary, track.subject_tag or track.slug, track.name, (track.slug,), tuple(notes))


def free_note_of(note: store.Note, items: Items) -> renderer.FreeNote:
    """One of the event's free notes as its summary shows it: under its title, with its items."""
    return renderer.FreeNote(note.title or note.slug or "", note.body or "", items_of(note, items))


def _build_event(uow: UnitOfWork, event: str, update: bool, suggested: str) -> _Built:
    tracks = store.event_tracks(uow.session, event)
    if not tracks and store.find_event_copy(uow.session, event) is None:
        raise NotFound(f"no event {event!r} (notes knows the events the schedule announced)",
                       errors={"event": ["unknown event"]})
    notes = store.summary_notes(uow.session, event)
    track_notes = store.event_track_notes(uow.session, event)
    free_notes = store.event_free_notes(uow.session, event)
    items = store.items_by_note(uow.session, [*notes, *track_notes.values(), *free_notes])
    by_track: dict[str, list[store.Note]] = {}
    for note in notes:
        by_track.setdefault(note.track, []).append(note)
    parts, covered = [], []
    for track in sorted((t for t in tracks if not t.retired), key=lambda t: (t.name.casefold(), t.slug)):
        sessions, track_note = by_track.get(track.slug, []), track_notes.get(track.slug)
        if sessions or track_note is not None:
            parts.append(renderer.TrackNotes(_track(track), [_session(n, items) for n in sessions],
                                             track_note_of(track_note, items)))
            covered += sessions
    free = [free_note_of(note, items) for note in free_notes]
    if not parts and not any(note.body.strip() or note.items for note in free):
        raise _nothing_to_summarise("event", f"event {event}")
    summary = renderer.build_event_summary(event_of(uow, event, notes), parts, free_notes=free,
                                           suggested=suggested, update=update)
    return _Built(summary, None, "", tuple(part.track.slug for part in parts), tuple(covered))


def _build(uow: UnitOfWork, event: str, track: str | None, update: bool, suggested: str) -> _Built:
    if track is None:
        return _build_event(uow, event, update, suggested)
    return _build_track(uow, event, track, update, suggested)


def _scope_key(track: str | None) -> str:
    return domain.EVENT_SCOPE if track is None else track


# -- previews -----------------------------------------------------------------------------------
def preview_summary(uow: UnitOfWork, request: PreviewRequest) -> Preview:
    """The summary as it would be published now (an update when one was published before), in
    ``request.format``. 404 for an unknown track or event, 409 for a track the schedule deleted,
    422 when there is nothing to summarise."""
    _first, last = store.published_summaries(uow.session, request.event, _scope_key(request.track))
    built = _build(uow, request.event, request.track, last is not None, request.suggested)
    return Preview(renderer.render(built.summary, request.format), renderer.MEDIA_TYPES[request.format])


# -- publishing ---------------------------------------------------------------------------------
def publish_summary(uow: UnitOfWork, principal: dict, request: SummaryRequest) -> Published:
    """Render the summary of a track (or, ``request.track`` None, of the event), keep it and
    publish it (``summary.published``, with its text, Markdown and HTML renderings) for the list.

    A track's summary: organisers and that track's chairs (403 otherwise); an event's: organisers.
    A summary published before makes this one an update (it says so, and notify threads it on the
    first). 409 naming ``summary`` when nothing changed since the last one (unless ``force``); 404,
    409 and 422 as :func:`preview_summary`.
    """
    if request.track is None:
        require_organiser(principal, f"the summary of event {request.event}", request.event)
    else:
        require_track_writer(principal, request.event, request.track)
    key = _scope_key(request.track)
    first, last = store.published_summaries(uow.session, request.event, key)
    built = _build(uow, request.event, request.track, last is not None, renderer.INCLUDE)
    summary = built.summary
    subject = publication.subject(summary, request.title, built.tag)
    summary = replace(summary, subject=subject)
    rendered = publication.renderings(summary)
    text = rendered["text"]
    if last is not None and not request.force and publication.unchanged(
            (text, rendered["canonical"]), subject, last.title, last.text):
        raise Conflict(f"nothing changed since the summary published at {last.created_at:%Y-%m-%d %H:%M} UTC "
                       f"({last.id}); send {{\"force\": true}} to publish it again",
                       errors={"summary": [f"unchanged since {last.id}"]}, last_summary=last.id)
    summary_id = new_id()
    row = store.add_summary(uow.session, summary_id, request.event, key, built.track_name, subject, text,
                            _sessions(built.notes))
    published = Published(
        row=row, scope=TRACK if request.track else EVENT, subject=subject,
        thread=first.id if first is not None else summary_id, update=last is not None,
        content_hash=text_hash(rendered["canonical"]), markdown=rendered["markdown"], html=rendered["html"],
        event_name=summary.event_name, tracks=built.tracks)
    uow.publish(PUBLISHED, _published_data(published),
                subject=f"{request.event}/{request.track}" if request.track else request.event)
    return published


def get_summary(uow: UnitOfWork, summary_id: str) -> store.Summary:
    return store.get_summary(uow.session, summary_id)


def _sessions(notes: Sequence[store.Note]) -> list[dict]:
    """The ``sessions`` of a summary as stored (JSON), times in the event's timezone."""
    return session_data.dump([
        {"session_id": n.session_id, "track": n.track, "title": n.title,
         "start": n.start.astimezone(ZoneInfo(n.timezone)), "end": n.end.astimezone(ZoneInfo(n.timezone))}
        for n in notes])


def _published_data(published: Published) -> dict:
    return published_data.dump(published)
