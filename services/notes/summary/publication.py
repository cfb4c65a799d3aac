"""The rules of publishing a summary, free of I/O: its subject, and whether it says anything new."""
from __future__ import annotations

from .model import Summary
from .render import FORMATS, canonical_text, render


def subject(summary: Summary, title: str | None, tag: str | None) -> str:
    """The mail's subject: the renderer's (``[tag] <event name> summary``; an event's summary has no
    tag) unless a ``title`` is given, then that title with the track's ``[tag]`` in front when it
    lacks it."""
    if title is None:
        return summary.subject
    title = " ".join(title.split())
    prefix = f"[{tag}]" if tag else ""
    return title if not prefix or title.startswith(prefix) else f"{prefix} {title}"


def unchanged(texts: tuple[str, str], title: str, last_title: str, last_text: str) -> bool:
    """Whether publishing a summary again would send nothing a reader has not had: the last
    published one had the same ``title`` and the same plain text, with or without the notice that
    it is an update (``texts``: the new one's text rendering and its canonical text, without the
    notice; so the content hash of both is the same)."""
    return title == last_title and last_text in texts


def renderings(summary: Summary) -> dict[str, str]:
    """The summary in every format, and its canonical text (``"canonical"``: without the update
    notice, what the content hash is of), each rendered once."""
    out = {fmt: render(summary, fmt) for fmt in FORMATS}
    out["canonical"] = canonical_text(summary) if summary.update else out["text"]
    return out
