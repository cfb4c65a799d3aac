"""Summaries: a publish request, a preview's query, a published summary (as kept, and with its renderings)."""
from __future__ import annotations

from datetime import datetime

from marshmallow import fields, pre_dump, validate

from services.kit.schemas import StrictSchema

from .. import domain
from ..summary import FORMATS, INCLUDE
from ..summary.model import SUGGESTED_POLICIES


class SummaryRequestSchema(StrictSchema):
    title = fields.String(validate=validate.Length(min=1, max=300), metadata={
        "description": "the mail's subject (a track's `[tag]` is put in front when it lacks it); default "
                       "`[tag] <event name> summary` for a track, `<event name> summary` for the event"})
    force = fields.Boolean(load_default=False, metadata={
        "description": "publish even when nothing changed since the last published summary (else 409)"})


class SummaryQuery(StrictSchema):
    format = fields.String(load_default="text", validate=validate.OneOf(list(FORMATS)), metadata={
        "description": "text (what is mailed: 72 columns, numbered references), markdown or html"})
    suggested = fields.String(load_default=INCLUDE, validate=validate.OneOf(list(SUGGESTED_POLICIES)), metadata={
        "description": "items drawn from prose that no chair confirmed: listed (include, as published), "
                       "listed and marked `suggested` (mark) or left out of the sections (omit)"})


class SummarySessionSchema(StrictSchema):
    session_id = fields.String()
    track = fields.String()
    title = fields.String()
    start = fields.AwareDateTime(metadata={"description": "RFC 3339, in the event's timezone"})
    end = fields.AwareDateTime()


class SummarySchema(StrictSchema):
    id = fields.String(dump_only=True)
    scope = fields.String(dump_only=True, validate=validate.OneOf(["track", "event"]),
                          metadata={"description": "a track's summary or the whole event's"})
    event = fields.String(dump_only=True)
    track = fields.String(dump_only=True, allow_none=True, metadata={"description": "null for an event's summary"})
    track_name = fields.String(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True, metadata={"description": "the mail's subject"})
    text = fields.String(dump_only=True, metadata={"description": "plain text, ready to mail"})
    sessions = fields.List(fields.Nested(SummarySessionSchema), dump_only=True,
                           metadata={"description": "the sessions summarised, by track and in schedule order"})
    published_at = fields.AwareDateTime(dump_only=True)

    @pre_dump
    def _present(self, summary, **_kwargs):
        if isinstance(summary, dict):
            return summary
        return _stored(summary)


class PublishedSummarySchema(SummarySchema):
    """A summary as published: what is kept (:class:`SummarySchema`) and the other renderings."""

    subject = fields.String(dump_only=True, metadata={"description": "the mail's subject (as `title`)"})
    event_name = fields.String(dump_only=True, metadata={"description": "the event's name, as the summary signs it"})
    tracks = fields.List(fields.String(), dump_only=True, metadata={"description": "the slugs of the tracks covered"})
    thread = fields.String(dump_only=True, metadata={
        "description": "the id of the first summary published for this track (or event): the mail thread"})
    update = fields.Boolean(dump_only=True, metadata={
        "description": "a summary was published for it before: this one replaces it (and says so)"})
    content_hash = fields.String(dump_only=True, metadata={
        "description": "`sha256:` of the plain text without the update notice"})
    markdown = fields.String(dump_only=True)
    html = fields.String(dump_only=True, metadata={"description": "a whole HTML document, links real"})

    @pre_dump
    def _present(self, published, **_kwargs):
        if isinstance(published, dict):
            return published
        return {**_stored(published.row), "subject": published.subject, "event_name": published.event_name,
                "tracks": list(published.tracks), "thread": published.thread, "update": published.update,
                "content_hash": published.content_hash, "markdown": published.markdown, "html": published.html}


def _stored(summary) -> dict:
    event_scope = summary.track == domain.EVENT_SCOPE
    return {
        "id": summary.id, "scope": "event" if event_scope else "track", "event": summary.event,
        "track": None if event_scope else summary.track, "track_name": None if event_scope else summary.track_name,
        "title": summary.title, "text": summary.text, "published_at": summary.created_at,
        "sessions": [{**s, "start": datetime.fromisoformat(s["start"]), "end": datetime.fromisoformat(s["end"])}
                     for s in summary.sessions],
    }


SCHEMAS = {
    "SummaryRequest": SummaryRequestSchema, "SummaryQuery": SummaryQuery, "SummarySession": SummarySessionSchema,
    "Summary": SummarySchema, "PublishedSummary": PublishedSummarySchema,
}
