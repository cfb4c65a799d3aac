"""A note's text: its size limit, a line appended, rendered as sanitised HTML, a diff between two versions."""
from __future__ import annotations

import difflib

import nh3
from markdown_it import MarkdownIt

from services.kit.problems import Problem

MAX_BODY_BYTES = 1_048_576  # 1 MiB of UTF-8


def check_body(body: str) -> str:
    """A note's body is at most :data:`MAX_BODY_BYTES` of UTF-8: larger is a 413 naming the limit."""
    if len(body) * 4 > MAX_BODY_BYTES and len(body.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise Problem(f"body: a note holds at most {MAX_BODY_BYTES} bytes of UTF-8 (1 MiB)", status=413,
                      title="Content Too Large", errors={"body": [f"at most {MAX_BODY_BYTES} bytes"]},
                      limit=MAX_BODY_BYTES)
    return body


def appended(body: str, text: str) -> str:
    """``body`` with ``text`` as new line(s) at its end (a relay's or a bot's line)."""
    text = text.strip("\n")
    if not body:
        return text + "\n"
    return body + ("" if body.endswith("\n") else "\n") + text + "\n"


_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").enable("strikethrough")
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_html(body: str) -> str:
    """The body's markdown as HTML, sanitised: no script or style, no event handlers, links only to
    http(s) and mailto (never ``javascript:``), and every link ``rel="noopener noreferrer nofollow"``."""
    return nh3.clean(_MARKDOWN.render(body), url_schemes=ALLOWED_SCHEMES, link_rel="noopener noreferrer nofollow")


def diff(old: str, new: str, old_revision: int, new_revision: int) -> str:
    """A unified diff from one revision's body to another's (``difflib``)."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"revision {old_revision}", tofile=f"revision {new_revision}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
