"""What ptgbot answers, word for word where ptgbot had the words (its ``trackcommands.py`` /
``admincommands.py``); ptghub's own refusals say what is wrong and how to do it right."""
from __future__ import annotations

DOC_URL = "https://opendev.org/openstack/ptgbot/src/branch/master/README.rst"


def with_nick(nick: str, reply: str | None) -> str | None:
    """ptgbot answers in the channel as ``<nick>: <reply>``."""
    return None if reply is None else f"{nick}: {reply}"


def help_reply() -> str:
    return "See PTGbot documentation at: " + DOC_URL


def unknown_track_reply(track: str) -> str:
    return f"unknown track '{track}'"


def booked_reply(room: str, slot: str, track: str) -> str:
    return f"Room {room} is now booked on {slot} for {track}"


def book_refused_reply(spec: str) -> str:
    return f"Slot '{spec}' is invalid (or booked)"


def unbooked_reply(room: str, slot: str, track: str) -> str:
    return f"Room {room} (previously booked for {track}) is now free on {slot}"


def unbook_refused_reply(spec: str, track: str) -> str:
    return f"Slot '{spec}' is invalid (or not booked for {track})"


def not_scheduled_today_reply(track: str) -> str:
    return (f"Message added, but please note that track '{track}' does not appear to have a room "
            "scheduled today.")


def track_list_reply(tracks: list[str]) -> str:
    return "Available tracks: " + " ".join(sorted(tracks))


def not_allowed_track_reply(track: str) -> str:
    return (f"Need voice to issue commands: you are not allowed to change track '{track}' "
            "(only its chairs and the organisers may)")


def not_allowed_admin_reply() -> str:
    return "Need op for admin commands: you are not one of the event's organisers"


def not_supported_user_command(name: str) -> str:
    return (f"'{name}' is not a valid command here: ptghub takes track commands "
            "('#TRACK now|next|clean|book|unbook|location|url|color|etherpad ...') and organisers' '~' commands")


def track_has_sessions_reply(track: str) -> str:
    return f"Track '{track}' has sessions and cannot be deleted from chat: an organiser cancels them first"


def track_meets_elsewhere_reply(spec: str, track: str) -> str:
    return f"{book_refused_reply(spec)}: track {track} already meets in another room then"


def meetbot_needs_text_reply(marker: str) -> str:
    return f"#{marker} needs some text after it, e.g. '#{marker} ...'"
