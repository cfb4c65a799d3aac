"""Summary mail: a track's summary to its list, an event's summary to the event's list (or its
tracks' lists), each from its own templates (``track_summary``, ``event_summary``).

The publisher's renderings come as they are: its plain text (72 columns, numbered references,
signed with the event's name) and its HTML, given to the templates as ``text`` and ``html``; the
packaged templates pass them through untouched, so the one signature is the summary's. A summary
published before it carried HTML (text only) is wrapped by the templates, which sign it ("Sent by
ptghub ..."). An override may wrap either.
"""
from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from markupsafe import Markup

from .headers import Thread, build_message, header_text, subject
from .templates import current

TRACK_SUMMARY, EVENT_SUMMARY = "track_summary", "event_summary"


def summary_subject(summary: dict[str, Any], tag: str | None, fallback_tag: str | None = None) -> str:
    """The publisher's subject (a track's comes as ``[tag] <event name> summary``); an event's is
    tagged with the event's ``subject_tag`` (``tag``) when it has one. A summary without a subject
    (published before it sent one) gets ``[tag] <title>`` (``fallback_tag`` when there is no tag)."""
    if summary.get("subject"):
        text = header_text(summary["subject"], 900)
        return subject(tag, text) if tag and summary.get("scope") == "event" else text
    return subject(tag or fallback_tag, summary.get("title") or "")


def _context(summary: dict[str, Any]) -> dict[str, Any]:
    text = summary.get("text") or ""
    return {
        "title": summary.get("title") or "",
        "text": text,
        "html": Markup(summary["html"]) if summary.get("html") else None,  # the publisher's, trusted as given
        "paragraphs": [p for p in re.split(r"\n\s*\n", text.strip()) if p],
        "track": summary.get("track") or "",
        "track_name": summary.get("track_name") or summary.get("track") or "",
        "event": summary.get("event") or "",
        "event_name": summary.get("event_name") or summary.get("event") or "",
        "tracks": list(summary.get("tracks") or []),
    }


def summary_mail(summary: dict[str, Any], *, tag: str | None, sender: str, recipient: str, message_id: str,
                 date: datetime, thread: Thread = Thread(), fallback_tag: str | None = None) -> EmailMessage:
    """The mail that carries a summary (a track's or, ``scope`` event, an event's) to a list."""
    kind = EVENT_SUMMARY if summary.get("scope") == "event" else TRACK_SUMMARY
    text, html = current().parts(kind, _context(summary))
    return build_message(sender=sender, recipient=recipient, subject_line=summary_subject(summary, tag, fallback_tag),
                         message_id=message_id, date=date, text=text, html=html, thread=thread)
