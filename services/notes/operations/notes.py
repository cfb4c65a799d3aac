"""The notes: one per session, one per track, and an event's free notes
(:class:`~services.notes.domain.NoteKey`), and every use case on them written once for the three
kinds: read, save (PUT, restore, an appended line), revisions and diffs, and the items drawn out of
the text. Creating, retitling and deleting a free note are :mod:`.free_notes`'.

Every save goes through :func:`_save`: the body's limit (413), extraction (a marker with no text:
422, nothing saved), the next revision, the items reconciled with the previous ones (identity kept
across saves) and the events: ``note.updated``, and ``note.items.changed`` when the items changed.
Who may write: organisers, and chairs of the note's (event, track), or, for a free note, chairs of
any track of its event; an appended line also relays. A note of a track the schedule deleted is read
only (409 naming ``track``), and so is a deleted free note (409 naming ``slug``) and a free note of an
event the schedule deleted (409 naming ``event``). Nothing is committed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.kit.auth import require_event_writer, require_track_writer
from services.kit.cloudevents import event_type
from services.kit.copies import require_offered
from services.kit.db import UnitOfWork, utcnow
from services.kit.problems import Conflict, Forbidden

from .. import SERVICE, domain, extraction, store
from ..domain import NoteKey
from ..schemas.items import ItemSchema
from ..schemas.notes import NoteSchema

note_data, item_data = NoteSchema(), ItemSchema()
NOTE_UPDATED = event_type(SERVICE, "note", "updated")
ITEMS_CHANGED = event_type(SERVICE, "note", "items.changed")


@dataclass(frozen=True)
class NoteEdit:
    """A new body for a note, made on revision ``revision`` (and ``If-Match``, if sent)."""

    key: NoteKey
    body: str
    revision: int
    if_match: str | None = None


@dataclass(frozen=True)
class Restore:
    """Save the body of revision ``revision`` as the note's next revision."""

    key: NoteKey
    revision: int


@dataclass(frozen=True)
class LineAppend:
    """Append ``text`` to a note (``nick``: the chat nick a relay speaks for)."""

    key: NoteKey
    text: str
    nick: str | None = None


@dataclass(frozen=True)
class RelayedLine:
    """A MeetBot line said in a track's channel (``ptghub.schedule.note.line``): for the note of the
    session under way (``session_id``), or the track's note between sessions."""

    event: str
    track: str
    session_id: str | None
    nick: str
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class Diff:
    key: NoteKey
    old: int
    new: int


@dataclass(frozen=True)
class ItemDecision:
    """A chair's word on an item: ``state`` confirmed or dismissed."""

    key: NoteKey
    item_id: str
    state: str


@dataclass(frozen=True)
class Shown:
    """A note as asked for: ``text`` None for the note itself (JSON), else its body as ``media_type``."""

    note: store.Note
    text: str | None = None
    media_type: str | None = None


# -- which note ------------------------------------------------------------------------------
def _load(uow: UnitOfWork, key: NoteKey, lock: bool = False) -> store.Note:
    """The note ``key`` names. A session's: 404 naming ``session_id`` when notes has no copy of the
    session. A track's: 404 naming ``track`` when the schedule never announced the track; before its
    first save it is empty, at revision 0 (not stored yet). A free note: 404 naming ``event`` or
    ``slug``. ``lock``: the row (for a track note, the track copy's row first: two first saves cannot
    both create it)."""
    if key.kind == domain.SESSION:
        return store.get_session_note(uow.session, key.session_id, lock)
    if key.kind == domain.EVENT:
        return store.get_free_note(uow.session, key.event, key.slug, lock)
    track = store.get_track_copy(uow.session, key.event, key.track, lock)
    note = store.find_track_note(uow.session, key.event, key.track, lock)
    if note is None:
        _first, _last, zone = store.event_span(uow.session, key.event)
        note = store.new_track_note(uow.session, track, zone or "UTC")
    return note


def _writable(uow: UnitOfWork, principal: dict | None, key: NoteKey, relay_ok: bool = False) -> store.Note:
    """The note, locked, if ``principal`` may change it (None: a consumer, trusted) and its track was
    not deleted from the schedule (409 naming ``track``); a free note, if it is not deleted and
    neither is its event (:func:`writable_free_note`)."""
    note = _load(uow, key, lock=True)
    if note.kind == domain.EVENT:
        if principal is not None and not (relay_ok and principal.get("relay")):
            require_event_writer(principal, note.event)
        return writable_free_note(uow, note)
    if principal is not None and not (relay_ok and principal.get("relay")):
        require_track_writer(principal, note.event, note.track)
    track = store.find_track_copy(uow.session, note.event, note.track)
    if track is not None:
        require_offered(track, "its notes can no longer be changed")
    return note


def writable_free_note(uow: UnitOfWork, note: store.Note) -> store.Note:
    """A free note that may still change: 409 naming ``slug`` once deleted (it is kept, read only),
    naming ``event`` once the schedule deleted its event."""
    if note.status == domain.DELETED:
        raise Conflict(f"the free note {note.slug} of event {note.event} was deleted: it is kept, read only",
                       errors={"slug": ["deleted"]})
    require_live_event(store.require_event_copy(uow.session, note.event))
    return note


def require_live_event(event: store.Event) -> store.Event:
    """An event whose free notes may change: 409 naming ``event`` when the schedule deleted it."""
    if event.deleted:
        raise Conflict(f"event {event.slug} was deleted from the schedule: its notes can no longer be changed",
                       errors={"event": ["deleted"]})
    return event


# -- reading ---------------------------------------------------------------------------------
def get_note(uow: UnitOfWork, key: NoteKey) -> store.Note:
    return _load(uow, key)


def show_note(uow: UnitOfWork, key: NoteKey, format: str) -> Shown:
    """The note (``json``), its body rendered as sanitised HTML (``html``) or as written (``markdown``)."""
    note = _load(uow, key)
    if format == "html":
        return Shown(note, domain.render_html(note.body), "text/html")
    if format == "markdown":
        return Shown(note, note.body, "text/markdown")
    return Shown(note)


def list_revisions(uow: UnitOfWork, key: NoteKey, limit: int, cursor: str | None):
    """A page of the note's revisions, newest first, and the next page's cursor."""
    return store.revisions_page(uow.session, _load(uow, key), limit, cursor)


def get_revision(uow: UnitOfWork, key: NoteKey, revision: int) -> store.NoteRevision:
    """One revision; 404 naming ``revision`` when the note has none of that number."""
    return store.get_revision(uow.session, _load(uow, key), revision)


def diff(uow: UnitOfWork, request: Diff) -> str:
    """A unified diff between two revisions (404 naming ``from`` or ``to`` for an unknown one)."""
    note = _load(uow, request.key)
    old = store.get_revision(uow.session, note, request.old, field="from")
    new = store.get_revision(uow.session, note, request.new, field="to")
    return domain.diff(old.body, new.body, old.revision, new.revision)


def list_items(uow: UnitOfWork, key: NoteKey) -> list[store.NoteItem]:
    """The items drawn out of the note's current text, in line order."""
    return store.note_items(uow.session, _load(uow, key))


# -- saving ----------------------------------------------------------------------------------
def edit_note(uow: UnitOfWork, principal: dict, edit: NoteEdit) -> store.Note:
    """Save ``edit`` as the note's next revision, if it was made on the current one.

    A chair edits the notes of its own tracks only (403); ``If-Match`` other than the current
    ETag is 412 and an edit of an older revision is 409: nothing is written either way.
    """
    note = _writable(uow, principal, edit.key)
    domain.check_if_match(edit.if_match, note.revision)
    domain.next_revision(edit.revision, note.revision)
    return _save(uow, note, edit.body, domain.author(principal))


def restore(uow: UnitOfWork, principal: dict, request: Restore) -> store.Note:
    """The body of an earlier revision as the note's next revision (404 naming ``revision``)."""
    note = _writable(uow, principal, request.key)
    old = store.get_revision(uow.session, note, request.revision)
    return _save(uow, note, old.body, domain.author(principal))


def append_line(uow: UnitOfWork, principal: dict, append: LineAppend) -> store.Note:
    """``text`` as the note's last line(s): never a conflict (the note's row is locked, so two appends
    at once are both kept, one after the other). Relays may append, and name the nick that spoke."""
    if append.nick is not None and not principal.get("relay"):
        raise Forbidden("only a chat relay speaks for a nick", errors={"nick": ["only for relay tokens"]})
    note = _writable(uow, principal, append.key, relay_ok=True)
    return _save(uow, note, domain.appended(note.body, append.text), append.nick or domain.author(principal))


def relay_line(uow: UnitOfWork, line: RelayedLine) -> store.Note:
    """A MeetBot line from a track's channel, appended with the nick as its author: to the note of
    the session under way, or to the track's note between sessions. A session notes has no copy of
    yet is a 404 (the event is retried, the copy's event being on its way)."""
    key = NoteKey.of_session(line.session_id) if line.session_id else NoteKey.of_track(line.event, line.track)
    note = _writable(uow, None, key)
    return _save(uow, note, domain.appended(note.body, line.text), line.nick, line.at)


def _save(uow: UnitOfWork, note: store.Note, body: str, author: str, at: datetime | None = None) -> store.Note:
    at = at or utcnow()
    domain.check_body(body)
    authors = [*store.revision_authors(uow.session, note), author]
    context = domain.context(author, _chairs(uow, note), authors, store.event_span(uow.session, note.event), at)
    items = domain.extract_items(body, context)
    if note.revision == 0 and note.kind == domain.TRACK:
        store.add_note(uow.session, note)
    store.save_revision(uow.session, note, note.revision + 1, body, author, at)
    added, changed, removed = _reconcile(uow, note, items)
    uow.publish(NOTE_UPDATED, note_data.dump(note), subject=subject(note))
    if added or changed or removed:
        _items_changed(uow, note, added, changed, removed)
    return note


def _chairs(uow: UnitOfWork, note: store.Note) -> list[dict]:
    """The people extraction knows for a note: its track's chairs; for a free note, the chairs of every
    track of its event."""
    if note.kind == domain.EVENT:
        return [chair for track in store.event_tracks(uow.session, note.event) if not track.retired
                for chair in track.chairs or []]
    track = store.find_track_copy(uow.session, note.event, note.track)
    return (track.chairs or []) if track else []


def _reconcile(uow: UnitOfWork, note: store.Note, items) -> tuple[list, list, list]:
    """Pair the new text's items with the stored ones (:func:`extraction.reconcile`) and store the
    outcome; answers the (added, changed, removed) items, dumped."""
    rows = {row.id: row for row in store.note_items(uow.session, note)}
    changes = extraction.reconcile([(item_id, domain.as_item(row)) for item_id, row in rows.items()], items)
    for item_id, item in changes.kept:
        store.update_item(rows[item_id], {"line": item.line, "source": item.source})
    changed = []
    for item_id, item in changes.changed:
        changed.append(item_data.dump(store.update_item(rows[item_id], domain.item_values(item))))
    removed = []
    for item_id in changes.removed:
        removed.append(item_data.dump(rows[item_id]))
        store.remove_item(uow.session, rows[item_id])
    added = [store.add_item(uow.session, note, {**domain.item_values(item), "state": domain.initial_state(item)})
             for item in changes.added]
    uow.session.flush()
    return [item_data.dump(row) for row in added], changed, removed


def _items_changed(uow: UnitOfWork, note: store.Note, added: list, changed: list, removed: list) -> None:
    uow.publish(ITEMS_CHANGED, {
        "note": note_ref(note),
        "revision": note.revision, "added": added, "changed": changed, "removed": removed,
    }, subject=subject(note))


def note_ref(note: store.Note) -> dict:
    """Which note an event is about (``track`` null and ``slug`` set for a free note)."""
    return {"id": note.id, "kind": note.kind, "session_id": note.session_id, "event": note.event,
            "track": note.track_slug, "slug": note.slug}


def subject(note: store.Note) -> str:
    """The CloudEvent subject of a note's events: a session note's id, ``<event>/<track>`` for a track
    note, ``<event>/notes/<slug>`` for a free note."""
    if note.kind == domain.SESSION:
        return note.id
    if note.kind == domain.EVENT:
        return f"{note.event}/notes/{note.slug}"
    return f"{note.event}/{note.track}"


# -- items -------------------------------------------------------------------------------------
def decide_item(uow: UnitOfWork, principal: dict, decision: ItemDecision) -> store.NoteItem:
    """A chair of the note's track (or an organiser) confirms or dismisses an item: 403 for a chair
    of another track, 404 naming ``item`` for one the note does not have. ``note.items.changed``
    when the state changes (deciding again the same is no change)."""
    note = _writable(uow, principal, decision.key)
    item = store.get_item(uow.session, note, decision.item_id, lock=True)
    if item.state != decision.state:
        store.update_item(item, {"state": decision.state})
        uow.session.flush()
        _items_changed(uow, note, [], [item_data.dump(item)], [])
    return item
