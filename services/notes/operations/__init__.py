"""The notes service layer: one function per use case (summaries and the copies of the schedule here for now; the notes, their revisions and items: :mod:`.notes`).

Each takes a unit of work (and the principal, where who may do it depends on the note or track),
applies the domain's rules, queues its events in the outbox and returns the result. The caller owns
the transaction: a route commits the unit of work after the operation returns, the kit's event
router commits it together with the event's inbox row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.kit.auth import require_track_writer
from services.kit.cloudevents import event_type
from services.kit.copies import TrackChange, require_offered
from services.kit.db import UnitOfWork

from .. import SERVICE, domain, store
from ..schemas import SummarySchema, summary_sessions

summary_data = SummarySchema()


@dataclass(frozen=True)
class SummaryRequest:
    """Publish the summary of ``track`` at ``event`` (``title`` None: the default title)."""

    event: str
    track: str
    title: str | None = None


@dataclass(frozen=True)
class SessionChange:
    """What a ``ptghub.schedule.session.<verb>`` event says (``session``: its loaded data)."""

    verb: str
    session: dict[str, Any]


# -- summaries ------------------------------------------------------------------------------
def publish_summary(uow: UnitOfWork, principal: dict, request: SummaryRequest) -> store.Summary:
    """Render the track's notes, in start order, as a summary for its mailing list, and publish it.

    403 for a chair of another track, 404 for a track the schedule never announced, 409 for one it
    deleted, 422 when the track has no session left to summarise.
    """
    require_track_writer(principal, request.event, request.track)
    track = store.get_track_copy(uow.session, request.event, request.track)
    require_offered(track, "its summary can no longer be published")
    sections = domain.summary_sections(store.track_sections(uow.session, track.event, track.slug), track.slug)
    title = request.title or domain.default_summary_title(track.name)
    summary = store.add_summary(uow.session, track, title, domain.render_summary(title, sections),
                                summary_sessions(sections))
    uow.publish(event_type(SERVICE, "summary", "published"), summary_data.dump(summary),
                subject=f"{track.event}/{track.slug}")
    return summary


def get_summary(uow: UnitOfWork, summary_id: str) -> store.Summary:
    return store.get_summary(uow.session, summary_id)


# -- copies of the schedule ------------------------------------------------------------------
def follow_track(uow: UnitOfWork, change: TrackChange, chairs: list[dict] | None = None) -> store.Track | None:
    """Keep the copy of a track (its summary, its note, its chairs as the people its notes name);
    a deleted track is retired."""
    return store.follow_track(uow.session, change, chairs)


def follow_session(uow: UnitOfWork, change: SessionChange) -> store.Note | None:
    """Create the session's (empty) note, or bring its copy of the session up to date.

    An older version of the session than the copy (events reordered) changes nothing; a deleted
    session keeps its note, marked deleted (out of summaries).
    """
    data = change.session
    note = store.find_session_note(uow.session, data["id"], lock=True)
    if note is not None and domain.is_stale(data["updated_at"], note.session_updated_at):
        return note
    return store.copy_session(uow.session, note, data, domain.copied_status(change.verb, data["status"]))
