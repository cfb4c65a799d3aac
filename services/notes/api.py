"""Notes API: the notes (a session's, a track's and an event's free notes, through the same routes),
an event's free notes as a collection, and the track and event summaries built from them.

Each route loads the request with a schema, calls one operation (:mod:`.operations.notes`, the free
notes' collection in :mod:`.operations.free_notes`, the summaries' in :mod:`.operations.summaries`)
and dumps its result with a schema.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, Response, request

from services.kit.schemas import PageQuery
from services.kit.web import json_response, load, load_query, page, principal, unit_of_work

from . import domain
from .domain import CONFIRMED, DISMISSED, NoteKey
from .operations import free_notes, notes, search, summaries
from .schemas import (DiffQuerySchema, FreeNoteCreateSchema, FreeNoteSchema, FreeNoteTitleSchema, ItemListSchema,
                      ItemSchema, LineSchema, NoteQuerySchema, NoteRevisionSchema, NoteSchema, PublishedSummarySchema,
                      RestoreSchema, SearchQuery, SearchResultSchema, SummaryQuery, SummaryRequestSchema, SummarySchema,
                      note_url)

blueprint = Blueprint("notes", __name__)

note_schema, revision_schema, summary_schema = NoteSchema(), NoteRevisionSchema(), SummarySchema()
published_schema = PublishedSummarySchema()
item_schema, items_schema = ItemSchema(), ItemListSchema()
free_note_schema = FreeNoteSchema()
result_schema = SearchResultSchema()


# -- notes: one set of routes, registered for the three path shapes --------------------------------
@dataclass(frozen=True)
class Shape:
    """Where a kind of note lives: its path prefix, the path's parameters (apispec YAML), its 404, who
    is refused a write (403) and why a note is read only (409)."""

    name: str
    prefix: str
    parameters: str
    unknown: str
    key: Callable[..., NoteKey]
    forbidden: str = "not your track"
    gone: str = "the schedule deleted the track"


EVENT_PARAMETER = "- {in: path, name: event, required: true, schema: {type: string}}"
SHAPES = (
    Shape("session", "/sessions/<session_id>/note",
          "- {in: path, name: session_id, required: true, schema: {type: string}}",
          "no note for that session (notes has no copy of it)", lambda session_id: NoteKey.of_session(session_id)),
    Shape("track", "/events/<event>/tracks/<track>/note",
          EVENT_PARAMETER + "\n      - {in: path, name: track, required: true, schema: {type: string}}",
          "a track the schedule never announced", lambda event, track: NoteKey.of_track(event, track)),
    Shape("event", "/events/<event>/notes/<slug>",
          EVENT_PARAMETER + "\n      - {in: path, name: slug, required: true, schema: {type: string}}",
          "an event notes does not know (`errors.event`), or no free note of that slug (`errors.slug`)",
          lambda event, slug: NoteKey.of_event(event, slug),
          forbidden="neither an organiser nor a chair of a track of the event",
          gone="the free note was deleted (`errors.slug`) or the schedule deleted the event (`errors.event`)"),
)
WRITE_ERRORS = """403: {description: '%(forbidden)s', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
        409: {description: '%(gone)s (its notes are read only)', content: {application/problem+json: {schema: Problem}}}
        413: {description: 'the body would be over 1 MiB (1048576 bytes of UTF-8); the problem gives `limit`', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a marker with no text (`#action` alone); `errors.body` and `lines` name the lines', content: {application/problem+json: {schema: Problem}}}"""


def get_note(key: NoteKey):
    """A note: JSON, or its body rendered (``format=html``, sanitised) or as written (``format=markdown``).
    Its ETag is the revision, for ``If-Match`` on the next edit.
    ---
    get:
      parameters:
      %(parameters)s
      - in: query
        schema: NoteQuerySchema
      responses:
        200:
          description: the note (a track's before its first save is empty, at revision 0)
          headers: {ETag: {description: 'the quoted revision, e.g. "3"', schema: {type: string}}}
          content:
            application/json: {schema: Note}
            text/html: {schema: {type: string}}
            text/markdown: {schema: {type: string}}
        400: {description: invalid format, content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(NoteQuerySchema())
    with unit_of_work() as uow:
        shown = notes.show_note(uow, key, query["format"])
        headers = {"ETag": domain.etag(shown.note.revision)}
        if shown.text is None:
            return json_response(note_schema.dump(shown.note), headers=headers)
        return Response(shown.text, mimetype=shown.media_type, headers=headers)


def put_note(key: NoteKey):
    """Replace a note's text; the edit names the revision it was made on. The items are drawn out again.
    ---
    put:
      parameters:
      %(parameters)s
      - {in: header, name: If-Match, required: false, schema: {type: string},
         description: 'the ETag the edit was made on; refused with 412 when the note has moved on'}
      requestBody:
        required: true
        content: {application/json: {schema: Note}}
      responses:
        200:
          description: saved as the next revision
          headers: {ETag: {description: 'the new revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        %(write_errors)s
        412: {description: If-Match does not match the current ETag, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(note_schema)
    edit = notes.NoteEdit(key, data["body"], data["revision"], request.headers.get("If-Match"))
    with unit_of_work() as uow:
        note = notes.edit_note(uow, principal(), edit)
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


def append_line(key: NoteKey):
    """Append a line (bots, chat relays): never a conflict; two at once are both kept.
    ---
    post:
      parameters:
      %(parameters)s
      requestBody:
        required: true
        content: {application/json: {schema: NoteLine}}
      responses:
        200:
          description: saved as the next revision
          headers: {ETag: {description: 'the new revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        %(write_errors)s
    """
    data = load(LineSchema())
    with unit_of_work() as uow:
        note = notes.append_line(uow, principal(), notes.LineAppend(key, data["text"], data["nick"]))
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


def restore_note(key: NoteKey):
    """Save an earlier revision's body as the note's next revision.
    ---
    post:
      parameters:
      %(parameters)s
      requestBody:
        required: true
        content: {application/json: {schema: Restore}}
      responses:
        200:
          description: saved as the next revision
          headers: {ETag: {description: 'the new revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        %(write_errors)s
    """
    data = load(RestoreSchema())
    with unit_of_work() as uow:
        note = notes.restore(uow, principal(), notes.Restore(key, data["revision"]))
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


def list_revisions(key: NoteKey):
    """A note's revisions, newest first.
    ---
    get:
      parameters:
      %(parameters)s
      - in: query
        schema: PageQuery
      responses:
        200: {description: a page of revisions, content: {application/json: {schema: NoteRevisionPage}}}
        400: {description: invalid cursor or limit, content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        items, cursor = notes.list_revisions(uow, key, query["limit"], query["cursor"])
        return page(items, revision_schema, cursor)


def get_revision(key: NoteKey, revision: int):
    """One revision of a note.
    ---
    get:
      parameters:
      %(parameters)s
      - {in: path, name: revision, required: true, schema: {type: integer, minimum: 1}}
      responses:
        200: {description: the revision, content: {application/json: {schema: NoteRevision}}}
        404: {description: '%(unknown)s, or no such revision (`errors.revision`)', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(revision_schema.dump(notes.get_revision(uow, key, revision)))


def diff_note(key: NoteKey):
    """A unified diff between two revisions of a note.
    ---
    get:
      parameters:
      %(parameters)s
      - in: query
        schema: DiffQuerySchema
      responses:
        200: {description: 'the unified diff (difflib)', content: {text/x-diff: {schema: {type: string}}}}
        400: {description: '`from` or `to` missing or not a revision number', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s, or no such revision (`errors.from`, `errors.to`)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(DiffQuerySchema())
    with unit_of_work() as uow:
        text = notes.diff(uow, notes.Diff(key, query["from_"], query["to"]))
    return Response(text, mimetype="text/x-diff")


def list_items(key: NoteKey):
    """The actions, decisions, links ... drawn out of the note's current text.
    ---
    get:
      parameters:
      %(parameters)s
      responses:
        200: {description: the items in line order, content: {application/json: {schema: ItemList}}}
        404: {description: '%(unknown)s', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(items_schema.dump({"items": notes.list_items(uow, key)}))


def _decide(key: NoteKey, item: str, state: str):
    with unit_of_work() as uow:
        decided = notes.decide_item(uow, principal(), notes.ItemDecision(key, item, state))
        uow.commit()
    return json_response(item_schema.dump(decided))


def confirm_item(key: NoteKey, item: str):
    """A chair confirms an item (a suggestion drawn out of prose, say).
    ---
    post:
      parameters:
      %(parameters)s
      - {in: path, name: item, required: true, schema: {type: string}}
      responses:
        200: {description: the item, confirmed, content: {application/json: {schema: Item}}}
        403: {description: '%(forbidden)s', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s, or no such item (`errors.item`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: '%(gone)s', content: {application/problem+json: {schema: Problem}}}
    """
    return _decide(key, item, CONFIRMED)


def dismiss_item(key: NoteKey, item: str):
    """A chair dismisses an item (it stays dismissed while its line is there).
    ---
    post:
      parameters:
      %(parameters)s
      - {in: path, name: item, required: true, schema: {type: string}}
      responses:
        200: {description: the item, dismissed, content: {application/json: {schema: Item}}}
        403: {description: '%(forbidden)s', content: {application/problem+json: {schema: Problem}}}
        404: {description: '%(unknown)s, or no such item (`errors.item`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: '%(gone)s', content: {application/problem+json: {schema: Problem}}}
    """
    return _decide(key, item, DISMISSED)


# (view, the path after the shape's prefix, method)
NOTE_ROUTES = (
    (get_note, "", "GET"), (put_note, "", "PUT"), (append_line, "/lines", "POST"),
    (restore_note, "/restore", "POST"), (list_revisions, "/revisions", "GET"),
    (get_revision, "/revisions/<int:revision>", "GET"), (diff_note, "/diff", "GET"),
    (list_items, "/items", "GET"), (confirm_item, "/items/<item>/confirm", "POST"),
    (dismiss_item, "/items/<item>/dismiss", "POST"),
)
KEY_PARAMETERS = {"session": ("session_id",), "track": ("event", "track"), "event": ("event", "slug")}


def _bind(view, shape: Shape):
    """``view`` for notes of ``shape``: the path's note parameters become the view's ``NoteKey``."""
    names = KEY_PARAMETERS[shape.name]

    def bound(**path):
        return view(shape.key(*(path.pop(name) for name in names)), **path)

    bound.__name__ = f"{shape.name}_{view.__name__}"
    texts = {"unknown": shape.unknown, "forbidden": shape.forbidden, "gone": shape.gone}
    bound.__doc__ = view.__doc__ % {"parameters": shape.parameters, **texts, "write_errors": WRITE_ERRORS % texts}
    return bound


for _shape in SHAPES:
    for _view, _suffix, _method in NOTE_ROUTES:
        _bound = _bind(_view, _shape)
        blueprint.add_url_rule(_shape.prefix + _suffix, _bound.__name__, _bound, methods=[_method])


# -- an event's free notes, as a collection ------------------------------------------------------
@blueprint.get("/events/<event>/notes")
def list_free_notes(event: str):
    """The event's free notes (deleted ones left out), by slug.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: PageQuery
      responses:
        200: {description: 'a page of free notes: slug, title, revision, when and by whom last saved', content: {application/json: {schema: FreeNotePage}}}
        400: {description: invalid cursor or limit, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(PageQuery())
    with unit_of_work() as uow:
        entries, cursor = free_notes.list_free_notes(uow, event, query["limit"], query["cursor"])
        return page(entries, free_note_schema, cursor)


@blueprint.post("/events/<event>/notes")
def create_free_note(event: str):
    """Create one of the event's free notes, named by a slug, with a title (and, optionally, its first text).
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: FreeNoteCreate}}
      responses:
        201:
          description: 'created: the note (revision 1 with a `body`, else 0); Location is its path'
          headers: {ETag: {description: 'the revision, quoted', schema: {type: string}}}
          content: {application/json: {schema: Note}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: neither an organiser nor a chair of a track of the event, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the event has a free note of that slug, a deleted one too (`errors.slug`), or the schedule deleted the event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
        413: {description: 'the body would be over 1 MiB (1048576 bytes of UTF-8); the problem gives `limit`', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'a bad slug (lowercase letters, digits, - and _, as the schedule''s track slugs) or title (`errors.slug`, `errors.title`); a marker with no text in the body (`errors.body`, `lines`)', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(FreeNoteCreateSchema())
    creation = free_notes.FreeNoteCreation(event, data["slug"], data["title"], data["body"])
    with unit_of_work() as uow:
        note = free_notes.create_free_note(uow, principal(), creation)
        uow.commit()
    return json_response(note_schema.dump(note), 201, {"ETag": domain.etag(note.revision),
                                                       "Location": note_url(note).removeprefix("/api/v1")})


@blueprint.patch("/events/<event>/notes/<slug>")
def retitle_free_note(event: str, slug: str):
    """Change a free note's title (organisers only); its body and revision are unchanged.
    ---
    patch:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: slug, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: FreeNoteTitle}}
      responses:
        200: {description: the note, retitled, content: {application/json: {schema: Note}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`), or no free note of that slug (`errors.slug`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the free note was deleted (`errors.slug`) or the schedule deleted the event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'an empty title, or one over 300 characters (`errors.title`)', content: {application/problem+json: {schema: Problem}}}
    """
    data = load(FreeNoteTitleSchema())
    with unit_of_work() as uow:
        note = free_notes.retitle_free_note(uow, principal(), free_notes.Retitle(NoteKey.of_event(event, slug),
                                                                                 data["title"]))
        uow.commit()
    return json_response(note_schema.dump(note), 200, {"ETag": domain.etag(note.revision)})


@blueprint.delete("/events/<event>/notes/<slug>")
def delete_free_note(event: str, slug: str):
    """Delete a free note (organisers only): it is kept, read only, with its revisions and items, out of
    the event's list, its summary and search; its slug stays taken.
    ---
    delete:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: slug, required: true, schema: {type: string}}
      responses:
        204: {description: deleted}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'an event notes does not know (`errors.event`), or no free note of that slug (`errors.slug`)', content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the free note was deleted already (`errors.slug`), or the schedule deleted the event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        free_notes.delete_free_note(uow, principal(), NoteKey.of_event(event, slug))
        uow.commit()
    return Response(status=204)


# -- summaries ----------------------------------------------------------------------------------


@blueprint.post("/events/<event>/tracks/<track>/summary/publish")
def publish_summary(event: str, track: str):
    """Publish a track's summary (its sessions' notes in schedule order, then the track's note) for its list.
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: SummaryRequest}}
      responses:
        202: {description: 'published (mailing follows): the summary and its three renderings', content: {application/json: {schema: PublishedSummary}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown track, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'the schedule deleted the track (the problem names `track`), or nothing changed since the last published summary (it names `summary`; send `force`)', content: {application/problem+json: {schema: Problem}}}
        422: {description: the track has no sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    return _publish(event, track)


@blueprint.get("/summaries/<summary_id>")
def get_summary(summary_id: str):
    """One published summary, as it was sent (its plain text).
    ---
    get:
      parameters:
      - {in: path, name: summary_id, required: true, schema: {type: string}}
      responses:
        200: {description: the summary, content: {application/json: {schema: Summary}}}
        404: {description: unknown summary, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(summary_schema.dump(summaries.get_summary(uow, summary_id)))


# -- summary previews and the event's summary ---------------------------------------------------
@blueprint.get("/events/<event>/tracks/<track>/summary")
def preview_track_summary(event: str, track: str):
    """A track's summary as it would be published now, in plain text, Markdown or HTML.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      - in: query
        schema: SummaryQuery
      responses:
        200:
          description: the summary as it would be published now (an update if one was published before)
          content:
            text/plain: {schema: {type: string}}
            text/markdown: {schema: {type: string}}
            text/html: {schema: {type: string}}
        400: {description: invalid format or suggested, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown track, content: {application/problem+json: {schema: Problem}}}
        409: {description: the schedule deleted the track, content: {application/problem+json: {schema: Problem}}}
        422: {description: the track has no sessions to summarise, content: {application/problem+json: {schema: Problem}}}
    """
    return _preview(event, track)


@blueprint.get("/events/<event>/summary")
def preview_event_summary(event: str):
    """The event's summary (every track's, then its free notes) as it would be published now, in plain text, Markdown or HTML.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SummaryQuery
      responses:
        200:
          description: the summary as it would be published now (an update if one was published before)
          content:
            text/plain: {schema: {type: string}}
            text/markdown: {schema: {type: string}}
            text/html: {schema: {type: string}}
        400: {description: invalid format or suggested, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        422: {description: 'nothing to summarise: no track of the event has sessions and no free note was saved', content: {application/problem+json: {schema: Problem}}}
    """
    return _preview(event, None)


@blueprint.post("/events/<event>/summary/publish")
def publish_event_summary(event: str):
    """Publish the event's summary: every track's, one after another, then its free notes (organisers only).
    ---
    post:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: false
        content: {application/json: {schema: SummaryRequest}}
      responses:
        202: {description: 'published (mailing follows): the summary and its three renderings', content: {application/json: {schema: PublishedSummary}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: 'nothing changed since the last published summary (the problem names `summary`; send `force`)', content: {application/problem+json: {schema: Problem}}}
        422: {description: 'nothing to summarise: no track of the event has sessions and no free note was saved', content: {application/problem+json: {schema: Problem}}}
    """
    return _publish(event, None)


def _preview(event: str, track: str | None):
    query = load_query(SummaryQuery())
    with unit_of_work() as uow:
        preview = summaries.preview_summary(
            uow, summaries.PreviewRequest(event, track, query["format"], query["suggested"]))
    return Response(preview.body, status=200, content_type=preview.media_type)


def _publish(event: str, track: str | None):
    data = load(SummaryRequestSchema(), None if request.get_data() else {})
    summary_request = summaries.SummaryRequest(event, track, data.get("title"), data["force"])
    with unit_of_work() as uow:
        published = summaries.publish_summary(uow, principal(), summary_request)
        uow.commit()
    return json_response(published_schema.dump(published), 202, {"Location": f"/summaries/{published.row.id}"})


# -- search -------------------------------------------------------------------------------------
@blueprint.get("/events/<event>/search")
def search_event(event: str):
    """Full-text search over an event's notes and their items, best first, with a highlighted snippet.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: SearchQuery
      responses:
        200: {description: 'a page of results (notes of deleted sessions, retired tracks and deleted free notes, and dismissed items, left out)', content: {application/json: {schema: SearchPage}}}
        400: {description: '`q` missing, empty, only punctuation or over 500 characters; or an invalid limit or cursor', content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event (`errors.event`)', content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(SearchQuery())
    with unit_of_work() as uow:
        results, cursor = search.search_event(uow, search.SearchRequest(
            event, query["q"], query["track"], query["limit"], query["cursor"]))
        return page(results, result_schema, cursor)
