"""The rules of publishing a summary, free of I/O: its subject, and whether it says anything new."""
from __future__ import annotations

from dataclasses import replace

from .model import Summary
from .render import render


def subject(summary: Summary, title: str | None, tag: str | None) -> str:
    """The mail's subject: the renderer's (``[tag] <event name> summary``; an event's summary has no
    tag) unless a ``title`` is given, then that title with the track's ``[tag]`` in front when it
    lacks it."""
    if title is None:
        return summary.subject
    title = " ".join(title.split())
    prefix = f"[{tag}]" if tag else ""
    return title if not prefix or title.startswith(prefix) else f"{prefix} {title}"


def unchanged(summary: Summary, text: str, title: str, last_title: str, last_text: str) -> bool:
    """Whether publishing ``summary`` (rendered as ``text``, under ``title``) again would send nothing
    a reader has not had: the last published summary had the same title and the same plain text,
    with or without the notice that it is an update (so the content hash of both is the same)."""
    if title != last_title:
        return False
    return last_text == text or last_text == render(replace(summary, update=False), "text")
