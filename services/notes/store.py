"""Notes persistence: SQLAlchemy models and every query the operations need.

``Event`` is a copy of the schedule's events, ``Track`` of its tracks, and ``Note`` carries a copy
of its session, all kept from events: notes never calls the schedule service.

Search (the section at the end) needs what the ORM does not map: on PostgreSQL a ``search`` tsvector
column (GIN-indexed) on ``notes`` (the session's title weighted A, the body B), filled after the save
by the worker's indexer (:func:`index_notes`), and a generated one on ``note_items``; on SQLite two
FTS5 tables, ``notes_fts`` and ``note_items_fts``, kept in step by triggers. :data:`SEARCH_DDL` creates
them with the tables (``create_all``) and migrations 0005 and 0007 do the same for a migrated
database. A later SQLite migration that rebuilds ``notes`` or ``note_items`` (``batch_alter_table``)
drops their triggers and must create them again.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from services.kit.copies import TrackChange, TrackCopy
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow
from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate
from services.kit.wake import postgres_channel

from . import domain, search


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class Event(Base):
    """A copy of a schedule event, from ``ptghub.schedule.event.*`` events, keyed by slug: the name a
    summary gives it and the timezone it shows times in; kept, ``deleted``, when the schedule deletes it."""

    __tablename__ = "events"
    slug: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    event_updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="the schedule's updated_at of the copied event version")


class Track(TrackCopy, Base):
    """A copy of a schedule track, from ``ptghub.schedule.track.*`` events, keyed by (event, slug);
    retired (kept, ``deleted_at`` set) when the schedule deletes it. ``chairs`` (notes' own column)
    are the people extraction knows for the track's notes."""

    chairs: Mapped[list[dict[str, Any]] | None] = mapped_column(
        sa.JSON, comment="the track's chairs as the schedule gave them: [{nick, name, email}]")


class Note(Base):
    """A note: a session's (``kind`` session, with a copy of the session from the schedule's events;
    its id is the session's), a track's (``kind`` track: the pad a team keeps all week, one per
    (event, track), made on its first save) or one of an event's free notes (``kind`` event: named by
    ``slug``, one per (event, slug), with a ``title``; ``track`` is :data:`domain.EVENT_SCOPE`, empty;
    deleted, it is kept with ``status`` deleted)."""

    __tablename__ = "notes"
    __table_args__ = (
        sa.Index("ix_notes_event_track_start", "event", "track", "start"),
        sa.Index("ux_notes_track_note", "event", "track", unique=True,
                 sqlite_where=sa.text("kind = 'track'"), postgresql_where=sa.text("kind = 'track'")),
        sa.Index("ux_notes_free_note", "event", "slug", unique=True,
                 sqlite_where=sa.text("kind = 'event'"), postgresql_where=sa.text("kind = 'event'")),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, comment="a session note's: the session's id")
    kind: Mapped[str] = mapped_column(sa.String(10), default=domain.SESSION)
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))  # empty for an event's free note
    slug: Mapped[str | None] = mapped_column(sa.String(64), comment="a free note's slug; null for the other kinds")
    room: Mapped[str | None] = mapped_column(sa.String(64))
    title: Mapped[str | None] = mapped_column(sa.String(300))  # the session's title, or a free note's
    start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(sa.String(20), default="scheduled")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    session_updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="the schedule's updated_at of the copied session version")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, comment="when the body last changed")

    @property
    def session_id(self) -> str | None:
        return self.id if self.kind == domain.SESSION else None

    @property
    def track_slug(self) -> str | None:
        """The track the note belongs to; None for an event's free note."""
        return None if self.kind == domain.EVENT else self.track


class NoteRevision(Base):
    """The body of every revision of a note, and who wrote it."""

    __tablename__ = "note_revisions"
    note_id: Mapped[str] = mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    body: Mapped[str] = mapped_column(sa.Text)
    author: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[Note] = relationship(lazy="select")  # in the identity map already: no query


class NoteItem(Base):
    """An item drawn out of a note's current text (an action, a decision, a link ...), with the
    identity it keeps across saves and the state a chair gives it."""

    __tablename__ = "note_items"
    __table_args__ = (sa.Index("ix_note_items_note_line", "note_id", "line"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    note_id: Mapped[str] = mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.Text, comment="the line or sentence it came from, as written")
    line: Mapped[int] = mapped_column(sa.Integer)
    owners: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    due: Mapped[date | None] = mapped_column(sa.Date)
    suggested: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    state: Mapped[str] = mapped_column(sa.String(20))
    url: Mapped[str | None] = mapped_column(sa.Text)
    urls: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class Summary(Base):
    """A published summary, as it was sent: ``text`` is its plain-text rendering. An event's summary
    has ``track`` :data:`domain.EVENT_SCOPE` (empty) and ``track_name`` empty."""

    __tablename__ = "summaries"
    __table_args__ = (sa.Index("ix_summaries_event_track_created", "event", "track", "created_at"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event: Mapped[str] = mapped_column(sa.String(64))
    track: Mapped[str] = mapped_column(sa.String(64))
    track_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, comment="[{session_id, title, start, end}]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# -- events ---------------------------------------------------------------------------------
def find_event_copy(session: Session, slug: str, lock: bool = False) -> Event | None:
    return session.get(Event, slug, with_for_update=True if lock else None)


def copy_event(session: Session, event: Event | None, data: dict[str, Any], deleted: bool) -> Event:
    """Create the copy of an event, or bring it up to date (``deleted``: the schedule deleted it)."""
    if event is None:
        event = Event(slug=data["slug"])
        session.add(event)
    event.name = data["name"]
    event.timezone = data["timezone"]
    event.start_date = data.get("start_date")
    event.end_date = data.get("end_date")
    event.deleted = deleted
    event.event_updated_at = data.get("updated_at")
    session.flush()
    return event


def require_event_copy(session: Session, slug: str, lock: bool = False) -> Event:
    """notes' copy of an event; 404 naming ``event`` when the schedule never announced it to notes."""
    event = find_event_copy(session, slug, lock)
    if event is None:
        raise NotFound(f"no event {slug!r} (notes knows the events the schedule announced)",
                       errors={"event": ["unknown event"]})
    return event


# -- tracks ---------------------------------------------------------------------------------
def get_track_copy(session: Session, event: str, slug: str, lock: bool = False) -> Track:
    """The copy of a track (retired ones too); 404 naming ``track`` when the schedule never announced it."""
    track = session.get(Track, (event, slug), with_for_update=True if lock else None)
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event!r} (notes knows the tracks the schedule announced)",
                       errors={"track": ["unknown track"]})
    return track


def follow_track(session: Session, change: TrackChange, chairs: list[dict[str, Any]] | None = None) -> Track | None:
    """Apply a schedule track event to its copy (see :mod:`services.kit.copies`), with its chairs."""
    track = Track.follow(session, change)
    if track is not None and change.verb != "deleted" and chairs is not None:
        track.chairs = chairs
    return track


def find_track_copy(session: Session, event: str, slug: str, lock: bool = False) -> Track | None:
    return session.get(Track, (event, slug), with_for_update=True if lock else None)


def summary_notes(session: Session, event: str, track: str | None = None) -> list[Note]:
    """The notes a summary covers: of one track (``track``) or of the whole event, sessions neither
    cancelled nor deleted, by track and then in schedule order (start, then id)."""
    statement = sa.select(Note).where(Note.kind == domain.SESSION, Note.event == event,
                                      Note.status.not_in(domain.NOT_SUMMARISED))
    if track is not None:
        statement = statement.where(Note.track == track)
    return list(session.scalars(statement.order_by(Note.track, Note.start, Note.id)))


def track_session_notes(session: Session, event: str, track: str) -> list[Note]:
    """Every session note of a track, cancelled and deleted sessions' too, in schedule order."""
    statement = sa.select(Note).where(Note.kind == domain.SESSION, Note.event == event, Note.track == track)
    return list(session.scalars(statement.order_by(Note.start, Note.id)))


def event_track_notes(session: Session, event: str) -> dict[str, Note]:
    """The track notes of an event (those ever saved), by track slug."""
    notes = session.scalars(sa.select(Note).where(Note.kind == domain.TRACK, Note.event == event))
    return {note.track: note for note in notes}


def items_by_note(session: Session, notes: list[Note]) -> dict[str, list[NoteItem]]:
    """The stored items of each of ``notes`` (a query per 500 notes), by note id, in line order."""
    ids = [note.id for note in notes if note.revision]
    found: dict[str, list[NoteItem]] = {}
    for start in range(0, len(ids), 500):  # bound the IN list
        for item in session.scalars(sa.select(NoteItem).where(NoteItem.note_id.in_(ids[start:start + 500]))
                                    .order_by(NoteItem.note_id, NoteItem.line, NoteItem.id)):
            found.setdefault(item.note_id, []).append(item)
    return found


def event_tracks(session: Session, event: str) -> list[Track]:
    """Every copied track of an event, retired ones too, by slug."""
    return list(session.scalars(sa.select(Track).where(Track.event == event).order_by(Track.slug)))


# -- summaries ------------------------------------------------------------------------------
def add_summary(session: Session, summary_id: str, event: str, track: str, track_name: str, title: str, text: str,
                sessions: list[dict[str, Any]]) -> Summary:
    """A published summary, as sent (``track`` :data:`domain.EVENT_SCOPE` for an event's summary)."""
    summary = Summary(id=summary_id, event=event, track=track, track_name=track_name, title=title, text=text,
                      sessions=sessions)
    session.add(summary)
    session.flush()
    return summary


def published_summaries(session: Session, event: str, track: str) -> tuple[Summary | None, Summary | None]:
    """The first and the last summary published for a track (or, ``track`` :data:`domain.EVENT_SCOPE`, for
    the event): None, None before the first publish."""
    scope = sa.select(Summary).where(Summary.event == event, Summary.track == track)
    first = session.scalar(scope.order_by(Summary.created_at, Summary.id).limit(1))
    if first is None:
        return None, None
    last = session.scalar(scope.order_by(Summary.created_at.desc(), Summary.id.desc()).limit(1))
    return first, last


def get_summary(session: Session, summary_id: str) -> Summary:
    summary = session.get(Summary, summary_id)
    if summary is None:
        raise NotFound(f"no summary {summary_id!r}", errors={"summary_id": ["unknown summary"]})
    return summary


# -- notes ----------------------------------------------------------------------------------
def find_session_note(session: Session, session_id: str, lock: bool = False) -> Note | None:
    note = session.get(Note, session_id, with_for_update=True if lock else None)
    return note if note is not None and note.kind == domain.SESSION else None


def find_track_note(session: Session, event: str, track: str, lock: bool = False) -> Note | None:
    statement = sa.select(Note).where(Note.kind == domain.TRACK, Note.event == event, Note.track == track)
    return session.scalar(statement.with_for_update() if lock else statement)


def get_session_note(session: Session, session_id: str, lock: bool = False) -> Note:
    note = find_session_note(session, session_id, lock)
    if note is None:
        raise NotFound(f"no note for session {session_id!r}", errors={"session_id": ["unknown session"]})
    return note


def find_free_note(session: Session, event: str, slug: str, lock: bool = False) -> Note | None:
    statement = sa.select(Note).where(Note.kind == domain.EVENT, Note.event == event, Note.slug == slug)
    return session.scalar(statement.with_for_update() if lock else statement)


def get_free_note(session: Session, event: str, slug: str, lock: bool = False) -> Note:
    """An event's free note (a deleted one too); 404 naming ``event`` for an event notes does not know,
    ``slug`` for a note the event has none of."""
    note = find_free_note(session, event, slug, lock)
    if note is None:
        require_event_copy(session, event)
        raise NotFound(f"event {event!r} has no free note {slug!r}", errors={"slug": ["unknown note"]})
    return note


def add_free_note(session: Session, event: Event, slug: str, title: str) -> Note:
    """A new free note of ``event``: empty, at revision 0, shown in the event's timezone."""
    note = Note(id=new_id(), kind=domain.EVENT, event=event.slug, track=domain.EVENT_SCOPE, slug=slug, title=title,
                body="", revision=0, status=None, timezone=event.timezone, updated_at=utcnow(), created_at=utcnow())
    session.add(note)
    session.flush()
    return note


class FreeNoteEntry:
    """A free note as the event's list shows it: the note and who saved its current revision."""

    __slots__ = ("note", "author")

    def __init__(self, note: Note, author: str | None):
        self.note, self.author = note, author


def free_notes_page(session: Session, event: str, limit: int, cursor: str | None
                    ) -> tuple[list[FreeNoteEntry], str | None]:
    """A page of the event's free notes (deleted ones left out), by slug, each with its last author."""
    statement = sa.select(Note).where(Note.kind == domain.EVENT, Note.event == event, _not_deleted())
    notes, next_cursor = paginate(session, statement, [Note.slug], lambda note: [note.slug], limit, cursor,
                                  parse=_parse_slug_cursor)
    current = [(note.id, note.revision) for note in notes if note.revision]
    authors = {(row.note_id, row.revision): row.author for row in session.execute(
        sa.select(NoteRevision.note_id, NoteRevision.revision, NoteRevision.author)
        .where(sa.tuple_(NoteRevision.note_id, NoteRevision.revision).in_(current)))} if current else {}
    return [FreeNoteEntry(note, authors.get((note.id, note.revision))) for note in notes], next_cursor


def _parse_slug_cursor(values: list) -> list[str]:
    if not isinstance(values[0], str):
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values


def event_free_notes(session: Session, event: str) -> list[Note]:
    """The free notes an event summary covers: not deleted, ever saved, by slug."""
    return list(session.scalars(sa.select(Note).where(Note.kind == domain.EVENT, Note.event == event,
                                                      Note.revision > 0, _not_deleted()).order_by(Note.slug)))


def _not_deleted():
    return sa.or_(Note.status.is_(None), Note.status != domain.DELETED)


def new_track_note(session: Session, track: Track, timezone: str) -> Note:
    """A track's note, empty, at revision 0 (added to the session on its first save)."""
    return Note(id=new_id(), kind=domain.TRACK, event=track.event, track=track.slug, body="", revision=0,
                status=None, timezone=timezone, updated_at=utcnow(), created_at=utcnow())


def add_note(session: Session, note: Note) -> Note:
    session.add(note)
    session.flush()
    return note


def copy_session(session: Session, note: Note | None, data: dict[str, Any], status: str) -> Note:
    """Create the session's (empty) note, or update its copy of the session."""
    if note is None:
        note = Note(id=data["id"], kind=domain.SESSION, body="", revision=0)
        session.add(note)
    note.event = data["event"]
    note.track = data["track"]
    note.room = data["room"]
    note.title = data["title"]
    note.start = data["start"]
    note.end = data["end"]
    note.status = status
    note.timezone = data.get("timezone") or "UTC"
    note.session_updated_at = data.get("updated_at")
    return note


def save_revision(session: Session, note: Note, revision: int, body: str, author: str, at: datetime) -> Note:
    """The note's new body as its revision ``revision``, kept with its author."""
    note.revision = revision
    note.body = body
    note.updated_at = at
    session.add(NoteRevision(note_id=note.id, revision=revision, body=body, author=author, created_at=at))
    session.flush()
    return note


def get_revision(session: Session, note: Note, revision: int, field: str = "revision") -> NoteRevision:
    """One revision of ``note``; 404 naming ``field`` when it has none of that number."""
    found = session.get(NoteRevision, (note.id, revision)) if note.revision else None
    if found is None:
        raise NotFound(f"the note has no revision {revision} (it is at revision {note.revision})",
                       errors={field: [f"unknown revision; the note has revisions 1 to {note.revision}"
                                       if note.revision else "unknown revision; the note has none yet"]})
    return found


def revisions_page(session: Session, note: Note, limit: int, cursor: str | None) -> tuple[list[NoteRevision], str | None]:
    """A page of a note's revisions, newest first.

    ``paginate`` walks keys in ascending order, so the key is the negated revision number.
    """
    statement = sa.select(NoteRevision).where(NoteRevision.note_id == note.id)
    return paginate(session, statement, [-NoteRevision.revision], lambda r: [-r.revision], limit, cursor,
                    parse=_parse_revision_cursor)


def _parse_revision_cursor(values: list) -> list[int]:
    if not isinstance(values[0], int) or isinstance(values[0], bool) or abs(values[0]) >= 2 ** 31:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values


def revision_authors(session: Session, note: Note) -> list[str]:
    """Everyone who saved a revision of ``note`` (display names), in no particular order."""
    if not note.revision:
        return []
    return list(session.scalars(sa.select(NoteRevision.author).where(NoteRevision.note_id == note.id).distinct()))


def event_span(session: Session, event: str) -> tuple[datetime | None, datetime | None, str | None]:
    """The first start and last end of the event's sessions notes has copies of, and their timezone."""
    first, last = session.execute(sa.select(sa.func.min(Note.start), sa.func.max(Note.end))
                                  .where(Note.kind == domain.SESSION, Note.event == event)).one()
    zone = session.scalar(sa.select(Note.timezone).where(Note.kind == domain.SESSION, Note.event == event)
                          .limit(1)) if first is not None else None
    return first, last, zone


# -- items ----------------------------------------------------------------------------------
def note_items(session: Session, note: Note) -> list[NoteItem]:
    """The note's items, in the order of their lines."""
    if not note.revision:
        return []
    return list(session.scalars(sa.select(NoteItem).where(NoteItem.note_id == note.id)
                                .order_by(NoteItem.line, NoteItem.id)))


def get_item(session: Session, note: Note, item_id: str, lock: bool = False) -> NoteItem:
    item = session.get(NoteItem, item_id, with_for_update=True if lock else None)
    if item is None or item.note_id != note.id:
        raise NotFound(f"the note has no item {item_id!r}", errors={"item": ["unknown item"]})
    return item


def add_item(session: Session, note: Note, values: dict[str, Any]) -> NoteItem:
    item = NoteItem(id=new_id(), note_id=note.id, **values)
    session.add(item)
    return item


def update_item(item: NoteItem, values: dict[str, Any]) -> NoteItem:
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
    return item


def remove_item(session: Session, item: NoteItem) -> None:
    session.delete(item)


# -- search ---------------------------------------------------------------------------------
# What each dialect needs besides the mapped tables (migrations 0005 and 0007 hold the same statements).
# PostgreSQL: a note's ``search`` vector is computed after the save, not in it (to_tsvector of a 200 KB
# note and its GIN entries cost more than the rest of the save): the trigger empties it when the title or
# the body changes and rings the indexer (``NOTIFY``, delivered on commit), which fills it
# (:func:`index_notes`). Until then a search computes that note's vector itself, so a note is found the
# moment it is saved. The bodies (note, revision, outbox event) are compressed with lz4, not pglz.
SEARCH_WAKE = "notes.search"  # rung by the trigger below; the worker's search indexer waits on it
NOTE_VECTOR = ("setweight(to_tsvector('english', coalesce({n}title, '')), 'A') || "
               "setweight(to_tsvector('english', {n}body), 'B')")
SEARCH_DDL = {
    "postgresql": (
        "ALTER TABLE notes ADD COLUMN search tsvector",
        "CREATE INDEX ix_notes_search ON notes USING gin (search)",
        "CREATE INDEX ix_notes_unindexed ON notes (id) WHERE search IS NULL",
        "CREATE FUNCTION notes_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "NEW.search := NULL; "
        f"PERFORM pg_notify('{postgres_channel(SEARCH_WAKE)}', ''); RETURN NEW; END $$",
        "CREATE TRIGGER notes_search_new BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION notes_search_stale()",
        "CREATE TRIGGER notes_search_stale BEFORE UPDATE OF title, body ON notes FOR EACH ROW "
        "WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body) "
        "EXECUTE FUNCTION notes_search_stale()",
        "ALTER TABLE notes ALTER COLUMN body SET COMPRESSION lz4",
        "ALTER TABLE note_revisions ALTER COLUMN body SET COMPRESSION lz4",
        "ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4",
        "ALTER TABLE note_items ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        "to_tsvector('english', text)) STORED",
        "CREATE INDEX ix_note_items_search ON note_items USING gin (search)",
    ),
    "sqlite": (
        "CREATE VIRTUAL TABLE notes_fts USING fts5(note_id UNINDEXED, title, body, tokenize='porter unicode61')",
        "CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN "
        "INSERT INTO notes_fts (note_id, title, body) VALUES (new.id, new.title, new.body); END",
        "CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN "
        "DELETE FROM notes_fts WHERE note_id = old.id; "
        "INSERT INTO notes_fts (note_id, title, body) VALUES (new.id, new.title, new.body); END",
        "CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN "
        "DELETE FROM notes_fts WHERE note_id = old.id; END",
        "CREATE VIRTUAL TABLE note_items_fts USING fts5(item_id UNINDEXED, text, tokenize='porter unicode61')",
        "CREATE TRIGGER note_items_fts_insert AFTER INSERT ON note_items BEGIN "
        "INSERT INTO note_items_fts (item_id, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER note_items_fts_update AFTER UPDATE OF text ON note_items BEGIN "
        "DELETE FROM note_items_fts WHERE item_id = old.id; "
        "INSERT INTO note_items_fts (item_id, text) VALUES (new.id, new.text); END",
        "CREATE TRIGGER note_items_fts_delete AFTER DELETE ON note_items BEGIN "
        "DELETE FROM note_items_fts WHERE item_id = old.id; END",
    ),
}
for _dialect, _statements in SEARCH_DDL.items():
    for _statement in _statements:
        sa.event.listen(Base.metadata, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))

_PG_HEADLINE = f"StartSel={search.START}, StopSel={search.STOP}, MaxWords=30, MinWords=12, MaxFragments=2"
_SQLITE_SNIPPET_TOKENS = 24


class Hit:
    """A search result as the store finds it: a note (``item`` None) or an item of it, its rank (higher
    is better, comparable within a kind) and its excerpt with :mod:`.search`'s sentinels around matches."""

    __slots__ = ("note", "item", "rank", "highlighted")

    def __init__(self, note: Note, item: NoteItem | None, rank: float, highlighted: str):
        self.note, self.item, self.rank, self.highlighted = note, item, rank, highlighted


def event_known(session: Session, event: str) -> bool:
    """Whether notes has heard of ``event``: a copy of it, of one of its tracks or of its sessions."""
    if session.get(Event, event) is not None:
        return True
    return session.scalar(sa.select(sa.literal(1)).where(sa.or_(
        sa.exists().where(Track.event == event), sa.exists().where(Note.event == event)))) is not None


def find_matches(session: Session, event: str, track: str | None, words: list[str], limit: int) -> list[Hit]:
    """The ``limit`` best notes and the ``limit`` best items of ``event`` (of one ``track``) holding
    every one of ``words``, best first within each kind. Left out: the notes of deleted sessions, of
    retired tracks, and dismissed items."""
    dialect = session.get_bind().dialect.name
    find = _search_postgres if dialect == "postgresql" else _search_sqlite
    notes_found, items_found = find(session, event, track, words, limit)
    notes = {note.id: note for note in session.scalars(sa.select(Note).where(
        Note.id.in_({row.note_id for row in notes_found} | {row.note_id for row in items_found})))}
    items = {item.id: item for item in session.scalars(sa.select(NoteItem).where(
        NoteItem.id.in_([row.item_id for row in items_found])))} if items_found else {}
    return [Hit(notes[row.note_id], None, float(row.rank), row.highlighted) for row in notes_found] + \
        [Hit(notes[row.note_id], items[row.item_id], float(row.rank), row.highlighted) for row in items_found]


_SEARCHABLE = ("n.event = :event AND (n.status IS NULL OR n.status <> 'deleted') AND n.revision > 0 "
               "AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.event = n.event AND t.slug = n.track "
               "AND t.deleted_at IS NOT NULL)")


def index_notes(session: Session, limit: int) -> int:
    """Fill the ``search`` vector of up to ``limit`` notes saved since they were last indexed (PostgreSQL;
    on SQLite the FTS5 triggers index in the save). How many it filled. The vectors are computed without
    a lock; a note saved again meanwhile (its row version, ``xmin``, moved on) is left for the next pass,
    and a save never waits on a vector being computed."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return session.execute(sa.text(
        "UPDATE notes n SET search = fresh.vector FROM ("
        f" SELECT id, xmin AS version, {NOTE_VECTOR.format(n='')} AS vector FROM notes"
        " WHERE search IS NULL ORDER BY id LIMIT :limit) fresh"
        " WHERE n.id = fresh.id AND n.xmin = fresh.version"), {"limit": limit}).rowcount


def unindexed_notes(session: Session) -> int:
    """How many notes wait for their ``search`` vector (PostgreSQL; 0 on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return session.scalar(sa.text("SELECT count(*) FROM notes WHERE search IS NULL"))


def _search_postgres(session: Session, event: str, track: str | None, words: list[str], limit: int):
    # An item's matches come from the GIN index first (MATERIALIZED: the planner, without statistics on
    # a young table, would otherwise probe the index once per note); ts_headline runs on the page only.
    # A note not indexed yet (``search`` null: just saved) has its vector computed here.
    where = _SEARCHABLE + (" AND n.track = :track" if track is not None else "")
    params = {"event": event, "track": track, "q": search.postgres_query(words), "limit": limit,
              "options": _PG_HEADLINE}
    vector = f"coalesce(n.search, {NOTE_VECTOR.format(n='n.')})"
    notes_found = session.execute(sa.text(
        "WITH q AS MATERIALIZED (SELECT plainto_tsquery('english', :q) AS query),"
        f" hits AS (SELECT n.id, ts_rank({vector}, q.query) AS rank, n.body FROM notes n, q"
        f" WHERE (n.search @@ q.query OR (n.search IS NULL AND {NOTE_VECTOR.format(n='n.')} @@ q.query))"
        f" AND {where} ORDER BY rank DESC, n.id LIMIT :limit)"
        " SELECT hits.id AS note_id, hits.rank, ts_headline('english', hits.body, q.query, :options) AS highlighted"
        " FROM hits, q ORDER BY hits.rank DESC, hits.id"), params).all()
    items_found = session.execute(sa.text(
        "WITH q AS MATERIALIZED (SELECT plainto_tsquery('english', :q) AS query),"
        " matched AS MATERIALIZED (SELECT m.id, m.note_id, m.text, ts_rank(m.search, q.query) AS rank"
        " FROM note_items m, q WHERE m.search @@ q.query AND m.state <> 'dismissed'),"
        " hits AS (SELECT matched.* FROM matched JOIN notes n ON n.id = matched.note_id"
        f" WHERE {where} ORDER BY matched.rank DESC, matched.id LIMIT :limit)"
        " SELECT hits.id AS item_id, hits.note_id, hits.rank,"
        " ts_headline('english', hits.text, q.query, :options) AS highlighted"
        " FROM hits, q ORDER BY hits.rank DESC, hits.id"), params).all()
    return notes_found, items_found


def _search_sqlite(session: Session, event: str, track: str | None, words: list[str], limit: int):
    where = _SEARCHABLE + (" AND n.track = :track" if track is not None else "")
    params = {"event": event, "track": track, "match": search.fts5_query(words), "limit": limit,
              "start": search.START, "stop": search.STOP, "tokens": _SQLITE_SNIPPET_TOKENS}
    notes_found = session.execute(sa.text(
        "SELECT notes_fts.note_id AS note_id, -bm25(notes_fts, 0.0, 10.0, 1.0) AS rank,"
        " snippet(notes_fts, 2, :start, :stop, '…', :tokens) AS highlighted"
        " FROM notes_fts JOIN notes n ON n.id = notes_fts.note_id"
        f" WHERE notes_fts MATCH :match AND {where} ORDER BY rank DESC, n.id LIMIT :limit"), params).all()
    items_found = session.execute(sa.text(
        "SELECT note_items_fts.item_id AS item_id, i.note_id, -bm25(note_items_fts) AS rank,"
        " snippet(note_items_fts, 1, :start, :stop, '…', :tokens) AS highlighted"
        " FROM note_items_fts JOIN note_items i ON i.id = note_items_fts.item_id JOIN notes n ON n.id = i.note_id"
        f" WHERE note_items_fts MATCH :match AND i.state <> 'dismissed' AND {where}"
        " ORDER BY rank DESC, i.id LIMIT :limit"), params).all()
    return notes_found, items_found
