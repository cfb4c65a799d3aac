"""ptgbot's command path: one chat line, from a nick, applied as ptgbot would, with ptgbot's answer.

The line is read and parsed by :mod:`..ptgbot.commands`; the nick is checked against the event's
organisers and the track's chairs (:mod:`..ptgbot.nicks`); then the command calls the same
operations the REST routes call (:mod:`.live`, :mod:`.booking`, :mod:`.motd`), so a change made
from chat is checked, written and published exactly as the same change made over HTTP. What they
refuse becomes ptgbot's reply. A few commands have no REST twin here and are applied below: a
track's url/color/etherpad, ``~add``/``~del`` of tracks and the voice setting.

Nothing is committed: the caller commits when the outcome is ``applied`` (a refusal has written nothing).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.kit.cloudevents import event_type
from services.kit.problems import Conflict, NotFound, Problem

from .. import SERVICE, domain, store
from ..domain import live as rules
from ..ptgbot import commands as language
from ..ptgbot import nicks, replies
from ..ptgbot.commands import CommandError
from ..schemas.gathering import EventSchema, TrackSchema
from ..schemas.live import NoteLineSchema
from ..store import live as live_queries
from . import booking, live, motd

track_schema, event_schema, note_line_schema = TrackSchema(), EventSchema(), NoteLineSchema()


@dataclass
class CommandOutcome:
    """What the bot says (``reply``, None: nothing), whether the command was carried out, and what it was."""

    reply: str | None
    applied: bool
    nick: str
    command: str | None = None
    track: str | None = None


def run_command(uow, event_slug: str, nick: str, text: str, at: datetime,
                channel_track: str | None = None) -> CommandOutcome:
    """Understand one chat line from ``nick``, check the nick may do it, do it; ptgbot's answer.

    ``channel_track``: the track whose channel the line was said in; a MeetBot line there goes to
    its note (:func:`_note_line`)."""
    event = store.get_event(uow.session, event_slug, lock=True)
    marker = language.meetbot_marker(text) if channel_track else None
    if marker is not None:
        try:
            return _note_line(uow, event, channel_track, nick, text, marker, at)
        except CommandError as refusal:
            return CommandOutcome(replies.with_nick(nick, refusal.reply), False, nick, marker[0], channel_track)
    line = language.read_line(text)
    if line is None:  # chatter, not a command: ptgbot says nothing
        return CommandOutcome(None, False, nick)
    try:
        if line.kind == "help":
            return CommandOutcome(replies.with_nick(nick, replies.help_reply()), True, nick, "help")
        if line.kind == "user":
            raise CommandError(replies.not_supported_user_command(line.name))
        if line.kind == "track":
            return _track_command(uow, event, nick, line, at)
        return _admin_command(uow, event, nick, line, at)
    except CommandError as refusal:
        return CommandOutcome(replies.with_nick(nick, refusal.reply), False, nick,
                              None, line.name if line.kind == "track" else None)


# -- MeetBot's lines, for the notes ---------------------------------------------------------------

def _note_line(uow, event: store.Event, slug: str, nick: str, text: str, marker: tuple[str, str],
               at: datetime) -> CommandOutcome:
    """``#action ...``, ``#agreed ...`` in a track's channel, as MeetBot would record it: published as
    ``ptghub.schedule.note.line`` for the note of the track's session under way (the track's note
    between sessions). Anyone in the channel may, as with MeetBot; it says nothing back."""
    try:
        track = store.get_track(uow.session, event, slug)
    except NotFound:
        raise CommandError(replies.unknown_track_reply(slug)) from None
    name, words = marker
    if not words:
        raise CommandError(replies.meetbot_needs_text_reply(name))
    current = live_queries.current_session_of_track(uow.session, track, at)
    uow.publish(event_type(SERVICE, "note", "line"), note_line_schema.dump({
        "event": event.slug, "track": track.slug, "session_id": current.id if current else None, "nick": nick,
        "text": " ".join(text.split()), "at": at}), subject=f"{event.slug}/{track.slug}")
    return CommandOutcome(None, True, nick, name, track.slug)


# -- #TRACK ... --------------------------------------------------------------------------------

def _track_command(uow, event: store.Event, nick: str, line: language.Line, at: datetime) -> CommandOutcome:
    if not line.name:
        raise CommandError("'#' is not a valid command: use '#TRACK COMMAND [PARAMETERS]'")
    try:
        track = store.get_track(uow.session, event, line.name)
    except NotFound:
        raise CommandError(replies.unknown_track_reply(line.name)) from None
    if not nicks.may_command_track(nick, event.organisers, track.chairs, event.open_commands):
        raise CommandError(replies.not_allowed_track_reply(track.slug))
    command = language.parse_track_command(track.slug, line.params)
    reply = _apply_track_command(uow, event, track, command, at)
    return CommandOutcome(replies.with_nick(nick, reply), True, nick, command.name, track.slug)


def _apply_track_command(uow, event: store.Event, track: store.Track, command, at: datetime) -> str | None:
    """Carry out a parsed ``#TRACK`` command; returns ptgbot's reply (None: it says nothing)."""
    if isinstance(command, language.Now):
        live.set_now(uow, event.slug, track.slug, command.text, at)
        return _unless_meeting_today(uow, event, track, at)
    if isinstance(command, language.Next):
        try:
            live.add_next(uow, event.slug, track.slug, command.text, at)
        except Conflict as refusal:  # too many next entries
            raise CommandError(refusal.detail) from refusal
        return _unless_meeting_today(uow, event, track, at)
    if isinstance(command, language.Clean):
        live.clean(uow, event.slug, track.slug, at)
    elif isinstance(command, language.Location):
        live.set_location(uow, event.slug, track.slug, command.text, at)
    elif isinstance(command, language.Url):
        _set_track_fields(uow, track, meeting_url=command.url)
    elif isinstance(command, language.Colour):
        _set_track_fields(uow, track, colour=command.colour)
    elif isinstance(command, language.Etherpad):
        _set_track_fields(uow, track, notes_url=command.url)
    elif isinstance(command, language.Book):
        return _book(uow, event, track, command)
    elif isinstance(command, language.Unbook):
        return _unbook(uow, event, track, command)
    return None


def _unless_meeting_today(uow, event: store.Event, track: store.Track, at: datetime) -> str | None:
    """ptgbot warns a chair whose track has no room today (the event's local day)."""
    start, end = domain.day_bounds(domain.local_day(at, event.timezone), event.timezone)
    if live_queries.track_sessions_overlapping(uow.session, track, start, end):
        return None
    return replies.not_scheduled_today_reply(track.slug)


def _room_and_slot(uow, event: store.Event, command) -> tuple[store.Room | None, store.Slot | None]:
    """The room-slot a chat user means (their spelling forgiven), or None for what matches nothing."""
    room = language.match_room(command.room, live_queries.event_rooms(uow.session, event))
    slot = language.match_slot(command.slot, store.event_slots(uow.session, event)) if command.slot else None
    return room, slot


def _book(uow, event: store.Event, track: store.Track, command: language.Book) -> str:
    room, slot = _room_and_slot(uow, event, command)
    if room is None or slot is None:
        raise CommandError(replies.book_refused_reply(command.spec))
    try:
        booking.book(uow, event.slug, track.slug, room.slug, slot.code)
    except Problem as problem:
        if problem.extra.get("reason") == "track":
            raise CommandError(replies.track_meets_elsewhere_reply(command.spec, track.slug)) from problem
        raise CommandError(replies.book_refused_reply(command.spec)) from problem
    return replies.booked_reply(command.room, command.slot, track.slug)


def _unbook(uow, event: store.Event, track: store.Track, command: language.Unbook) -> str:
    room, slot = _room_and_slot(uow, event, command)
    refused = CommandError(replies.unbook_refused_reply(command.spec, track.slug))
    if room is None or slot is None:
        raise refused
    try:
        booking.unbook(uow, event.slug, room.slug, slot.code, track_slug=track.slug)
    except Problem as problem:
        raise refused from problem
    return replies.unbooked_reply(command.room, command.slot, track.slug)


# -- ~... ----------------------------------------------------------------------------------------

def _admin_command(uow, event: store.Event, nick: str, line: language.Line, at: datetime) -> CommandOutcome:
    if not line.name:
        raise CommandError("'~' is not a valid command: use '~COMMAND [PARAMETERS]'")
    if not nicks.may_command_admin(nick, event.organisers):
        raise CommandError(replies.not_allowed_admin_reply())
    command = language.parse_admin_command(line.name, line.params)
    reply = _apply_admin_command(uow, event, command, at)
    return CommandOutcome(replies.with_nick(nick, reply), True, nick, command.name)


def _apply_admin_command(uow, event: store.Event, command, at: datetime) -> str | None:
    if isinstance(command, language.NewDay):
        live.new_day(uow, event.slug, at)
    elif isinstance(command, language.ListTracks):
        return replies.track_list_reply([t.slug for t in live_queries.event_tracks(uow.session, event)])
    elif isinstance(command, language.Voice):
        _set_open_commands(uow, event, not command.required)
    elif isinstance(command, language.AddTracks):
        existing = {t.slug for t in live_queries.event_tracks(uow.session, event)}
        for slug in dict.fromkeys(command.tracks):
            if slug not in existing:
                _add_track(uow, event, slug)
    elif isinstance(command, language.DelTracks):
        for track in _named_tracks(uow, event, command.tracks):
            _delete_track(uow, track)
    elif isinstance(command, language.CleanTracks):
        for track in _named_tracks(uow, event, command.tracks):
            live.clean(uow, event.slug, track.slug, at)
    else:
        _motd_command(uow, event, command)
    return None


def _named_tracks(uow, event: store.Event, slugs: tuple[str, ...]) -> list[store.Track]:
    """The event's tracks among ``slugs``, in the order named, each once; unknown names are skipped."""
    tracks = {t.slug: t for t in live_queries.event_tracks(uow.session, event)}
    return [tracks[slug] for slug in dict.fromkeys(slugs) if slug in tracks]


def _motd_command(uow, event: store.Event, command) -> None:
    if isinstance(command, language.MotdAdd):
        motd.add(uow, event.slug, command.level, command.message)
        return
    rows = live_queries.event_motd(uow.session, event)
    if isinstance(command, language.MotdDel):
        motd.remove(uow, event.slug, rows[language.motd_index(command.number, len(rows))].id)
    elif isinstance(command, language.MotdReorder):
        motd.reorder(uow, event.slug, [row.id for row in language.motd_reorder(rows, command.numbers)])
    elif isinstance(command, language.MotdClean):
        motd.clear(uow, event.slug)


# -- what only chat changes: a track's links and colour, tracks, the voice setting ----------------

def _set_track_fields(uow, track: store.Track, **values: Any) -> bool:
    """ptgbot's per-track settings (colour, meeting URL, notes URL); ``track.updated`` on change."""
    if all(getattr(track, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(track, name, value)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "track", "updated"), track_schema.dump(track),
                subject=f"{track.event.slug}/{track.slug}")
    return True


def _add_track(uow, event: store.Event, slug: str) -> store.Track:
    """``~add``: a track named by its slug, with a colour from ptgbot's palette; ``track.created``."""
    track = store.Track(event_id=event.id, event=event, slug=slug, name=slug,
                        colour=rules.default_colour(slug), chairs=[], next=[])
    uow.session.add(track)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "track", "created"), track_schema.dump(track), subject=f"{event.slug}/{slug}")
    return track


def _delete_track(uow, track: store.Track) -> None:
    """``~del``: a track without sessions (cancelled ones count) goes; ``track.deleted``. Chat never
    cascades: a track with sessions is refused."""
    held = store.event_sessions(uow.session, track.event, track=track)
    if held:
        raise CommandError(replies.track_has_sessions_reply(track.slug))
    body = track_schema.dump(track)
    event = track.event
    uow.session.delete(track)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "track", "deleted"), body, subject=f"{event.slug}/{track.slug}")


def _set_open_commands(uow, event: store.Event, open_commands: bool) -> bool:
    """``~alloweveryone`` / ``~requirevoice``: ptgbot's voice setting; ``event.updated`` on change."""
    if bool(event.open_commands) == open_commands:
        return False
    event.open_commands = open_commands
    uow.session.flush()
    uow.publish(event_type(SERVICE, "event", "updated"), event_schema.dump(event), subject=event.slug)
    return True
