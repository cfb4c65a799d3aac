"""A summary rendered as plain text (what is posted to a list), Markdown or HTML, with Jinja2 templates.

The templates (``templates/summary.{txt,md,html}.j2``) lay the mail out; the filters here do what a
template cannot do well: wrapping at 72 columns, inline text per format, escaping. HTML is rendered with
autoescape on: every piece of user text is escaped, links are ``http``/``https`` only.
"""
from __future__ import annotations

import hashlib
import textwrap
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import inline as il
from .model import Summary

WIDTH = 72
FORMATS = {"text": "summary.txt.j2", "markdown": "summary.md.j2", "html": "summary.html.j2"}
MEDIA_TYPES = {"text": "text/plain; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
               "html": "text/html; charset=utf-8"}

# The text and Markdown templates mark the blank lines they mean with BLANK and the empty lines of
# preformatted text with EMPTY; every other empty line is template whitespace and is dropped. So the
# layout does not depend on Jinja's whitespace control.
BLANK, EMPTY = "\x01", "\x02"


@lru_cache(maxsize=256)
def _wrapper(first: str, rest: str) -> textwrap.TextWrapper:
    return textwrap.TextWrapper(width=WIDTH, initial_indent=first, subsequent_indent=rest,
                                break_long_words=False, break_on_hyphens=False)


def wrap(text: str, first: str = "", rest: str | None = None) -> str:
    """``text`` wrapped at 72 columns: a word longer than the line (a URL) is never broken; ``first``
    starts the first line (a bullet), ``rest`` the others (its hanging indent)."""
    rest = " " * len(first) if rest is None else rest
    if len(first) + len(text) <= WIDTH and text == text.strip() and text.isprintable():
        return first + text if text else first.rstrip()  # it fits: what textwrap would give, sooner
    lines = _wrapper(first, rest).wrap(text)
    return "\n".join(lines) if lines else first.rstrip()


def text_heading(text: str, level: int) -> str:
    """``# Title`` (seed 003's style), ``##`` below it; a long title wraps under itself."""
    marks = "#" * min(level, 6) + " "
    return wrap(text, marks, " " * len(marks))


def pre(line: str, indent: str = "    ") -> str:
    """A line of preformatted text, verbatim (never wrapped), indented."""
    return indent + line if line.strip() else EMPTY


def md_pre(lines) -> str:
    fence = "```"
    while any(line.lstrip().startswith(fence) for line in lines):
        fence += "`"
    body = "\n".join(line if line.strip() else EMPTY for line in lines)
    return f"{fence}\n{body}\n{fence}"


def md_heading(text: str, level: int) -> str:
    return "#" * min(level, 6) + " " + text


def md_lines(lines, indent: str = "", lead: bool = True) -> str:
    """The lines of a paragraph or list item: one per line, with Markdown hard breaks between.
    ``lead``: the first line starts a line too (in a list item it follows the bullet)."""
    rendered = [il.markdown_of(line) for line in lines]
    return ("\\\n" + indent).join(il.md_line(line) if n or lead else line for n, line in enumerate(rendered))


def groups(lines) -> list[list]:
    """A paragraph's lines as they are shown: a run of short lines (a pad's one-line notes, markers
    turned into prose) stays together, a line longer than the width stands apart."""
    out: list[list] = []
    for line in lines:
        long = len(il.text_of(line)) > WIDTH
        if long or not out or out[-1][-1] is None:
            out.append([line])
        else:
            out[-1].append(line)
        if long:
            out[-1].append(None)
    return [[line for line in group if line is not None] for group in out]


def entry_text(entry, fmt: str = "text") -> str:
    """``Accepted: use the base names (Python 3; due 2027-06-01)`` in text or Markdown."""
    if fmt == "text":
        body = il.text_of(entry.inline)
        label = f"{entry.label}: " if entry.label else ""
        tail = f" ({entry.tail})" if entry.tail else ""
    else:
        body = il.markdown_of(entry.inline)
        label = f"**{entry.label}:** " if entry.label else ""
        tail = f" ({il.md_escape(entry.tail)})" if entry.tail else ""
    return f"{label}{body}{tail}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters.update(
        itext=il.text_of, imd=il.markdown_of, ihtml=il.html_of, mdesc=il.md_escape, wrap=wrap,
        heading=text_heading, pre=pre, md_pre=md_pre, md_heading=md_heading, md_lines=md_lines, groups=groups,
        entry=entry_text,
    )
    env.globals.update(BLANK=BLANK)
    return env


_ENV = _environment()


def render(summary: Summary, format: str = "text") -> str:  # noqa: A002 - the API's word
    """The summary as ``text``, ``markdown`` or ``html``."""
    try:
        template = _ENV.get_template(FORMATS[format])
    except KeyError:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}") from None
    out = template.render(summary=summary)
    return out if format == "html" else _tidy(out)


def _tidy(out: str) -> str:
    lines: list[str] = []
    for line in out.split("\n"):
        mark = line.strip()
        if not mark:
            continue  # template whitespace
        if mark == EMPTY:
            lines.append("")
            continue
        if mark == BLANK:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        lines.append(line.replace(BLANK, "").replace(EMPTY, ""))
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def content_hash(summary: Summary) -> str:
    """``sha256:<hex>`` of the canonical (plain text) rendering, without the "this is an update" notice:
    equal hashes mean nothing a reader would see has changed since the last publish."""
    return text_hash(canonical_text(summary))


def canonical_text(summary: Summary) -> str:
    """The plain text rendering without the "this is an update" notice (what :func:`content_hash` hashes)."""
    return render(replace(summary, update=False), "text")


def text_hash(canonical: str) -> str:
    """``sha256:<hex>`` of a canonical text rendering (:func:`canonical_text`)."""
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
