"""The shapes of note text: physical lines, units (a bullet, a paragraph's run of lines, a heading, a
marker line, an IRC log line) and the sentences of a unit.

What a pad export or a pasted mail looks like, and what this module makes of it:

- Bullets ``*``, ``-``, ``+``, ``•``, numbered ``1.``/``1)``, checkboxes ``[ ]``/``[x]``: each starts a unit;
  indentation gives its depth.
- Lines wrapped mid-sentence (mail text): a line continues the unit above when that line looks wrapped
  (40 characters or more, or it ends with a comma or a word that cannot end a sentence) and this one is
  not a bullet, heading, marker, bare URL or log line. A short pad line is a unit of its own.
- Quoted ``>`` lines are kept (a reply quoting a summary quotes its decisions) but marked ``quoted``: their
  "I" is the quoted writer, not the author. A whole mail flattened onto one line with inline ``" > "``
  (what some archives give) is split back into its quoted lines.
- HTML (a pasted rich-text mail): block tags become line breaks, other tags go, entities are decoded.
  Plain text is left as it is (the pad export has already decoded its entities).
- Headings: markdown ``#``/``##`` followed by a space (``# Cross-project``; ``#action``/``#topic`` are markers),
  and setext underlines (a line of ``===`` or ``---`` under a line).
- The writer of a pasted mail: a ``From:`` line or the archive's "Name address at host" line near the top, a
  signature at the bottom ("-- " and a name, "Thanks,\\nMark", "// jim"); and for quoted text, the
  attribution "On <date>, Name <address> wrote:".
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from .memo import memo

HEADING = "heading"
BULLET = "bullet"
PARA = "para"
LOG = "log"  # an IRC log line: [12:00] <nick> text


class Line(NamedTuple):
    number: int   # 1-based line of the note
    text: str     # the quote prefix removed
    quoted: bool


@dataclass(slots=True)
class Unit:
    kind: str               # HEADING, BULLET, PARA or LOG
    line: int               # the note line it starts on
    text: str               # as written, bullet and quote prefix removed; wrapped lines joined by "\n"
    depth: int = 0          # indentation (columns) of the bullet or line
    quoted: bool = False
    speaker: str | None = None   # LOG: the nick that said it
    level: int = 0          # HEADING: 1 for "#", 2 for "##", ...
    checkbox: bool = False  # BULLET: "[ ]" or "[x]" in front
    blank_before: bool = False
    line_starts: tuple[int, ...] = (0,)  # offsets in text where each further note line starts

    def line_at(self, offset: int) -> int:
        return self.line + bisect_right(self.line_starts, offset) - 1


@dataclass(slots=True)
class Sentence:
    text: str    # as written (may span lines)
    line: int    # the note line it starts on
    start: int   # offset in the unit's text


@dataclass(frozen=True, slots=True)
class Senders:
    """Who wrote a pasted mail, as the text itself says: names or addresses as written."""

    header: str | None = None       # "From: Mark Goddard <mark@stackhpc.com>", the archive's header line
    signature: str | None = None    # the name under "-- " or "Thanks," at the end
    attribution: str | None = None  # "On <date>, Steven Hardy wrote:" (the writer of the quoted lines)


# --- physical lines -------------------------------------------------------------------------------

_HTML_BLOCK_OPEN = re.compile(
    r"<(?:div|p|li|ul|ol|h[1-6]|tr|table|blockquote|pre|dl|dt|dd)\b[^>]*>|<br\s*/?>", re.I)
_HTML_BLOCK_CLOSE = re.compile(r"</(?:div|p|li|ul|ol|h[1-6]|tr|table|blockquote|pre|dl|dt|dd)\s*>", re.I)
_HTML_OTHER = re.compile(
    r"</?(?:span|a|b|i|u|em|strong|font|code|small|big|sup|sub|img|td|th|tbody|thead|hr|wbr|o:p|s|strike)"
    r"\b[^>]*>", re.I)
_HTML_HINT = re.compile(r"<(?:div|br|p|span|li)\b[^>]*>", re.I)
_QUOTE_PREFIX = re.compile(r"^((?:[ \t]*>)+)[ \t]?")
_INLINE_QUOTE = re.compile(r"\s>(?=\s|$)")


_line = tuple.__new__  # Line(...) without the Python-level __new__ of a NamedTuple


def physical_lines(text: str) -> list[Line]:
    """The note's lines, HTML turned into lines, flattened quotes split, quote prefixes removed."""
    raws = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Plain lines (no HTML, no quote, not a flattened mail: the most of them) in one pass; None marks
    # the others, worked out below.
    out: list[Line | None] = [
        _line(Line, (number, raw.rstrip(), False))
        if "<" not in raw and len(raw) <= 400 and ">" not in raw[:12] else None
        for number, raw in enumerate(raws, 1)]
    if None not in out:
        return out
    plain, out = out, []
    append = out.append
    for number, raw in enumerate(raws, 1):
        if plain[number - 1] is not None:
            append(plain[number - 1])
            continue
        if "<" in raw and _HTML_HINT.search(raw):
            raw = _HTML_BLOCK_CLOSE.sub("", _HTML_BLOCK_OPEN.sub("\n", raw))
            raw = html.unescape(_HTML_OTHER.sub("", raw)).replace("\xa0", " ")
            pieces = raw.split("\n")
        else:
            pieces = [raw]
        for piece in pieces:
            if len(piece) > 400 and piece.count(" > ") >= 5:
                # A mail flattened onto one line: "On ..., X wrote: > Hi all, > > Some folks ..."
                parts = _INLINE_QUOTE.split(piece)
                out.append(Line(number, parts[0].rstrip(), False))
                out.extend(Line(number, part.strip(), True) for part in parts[1:])
                continue
            quote = _QUOTE_PREFIX.match(piece) if ">" in piece[:12] else None
            if quote:
                out.append(Line(number, piece[quote.end():].rstrip(), True))
            else:
                out.append(Line(number, piece.rstrip(), False))
    return out


# --- units ----------------------------------------------------------------------------------------

_BULLET = re.compile(r"^([*\-+•·◦▪‣–]|\d{1,3}[.)])[ \t]+(?=\S)")
_BULLET_FIRST = frozenset("*-+•·◦▪‣–")
_CHECKBOX = re.compile(r"^\[[ xX✓]\][ \t]+")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(\S.*?)[ \t]*#*$")
_SEPARATOR = re.compile(r"^(?:[-=_*~#]{3,}|(?:[-*] ?){3,})$")
_LOG_LINE = re.compile(
    r"^(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?[ \t]+)?<[ \t]*[@+%]?([A-Za-z_\[\]\\^{}|`][\w\-\[\]\\^{}|`]*)[ \t]*>[ \t]?(.*)$")
_STARTS_ITEM = re.compile(
    r"^(?:#[A-Za-z]+\b|(?:action(?:[ -]items?)?|agreed|idea|help|info|link|accepted|rejected|decision|todo)"
    r"[ \t]*:|<?https?://\S+>?$|\[\d+\][ \t]*https?://|\[[A-Za-z][\w\-|`]*\][ \t])", re.I)
_OPEN_WORDS = frozenset(
    "and or but to the a an of for with in on at by from that which is are we our this will would should can "
    "could as it's its into about than so also be not i".split())


def _ends_open(text: str) -> bool:
    """Whether a line ends where a sentence cannot: a comma, "(", or a word such as "and", "the", "to"."""
    if text.endswith((",", "(")):
        return True
    return text[text.rfind(" ") + 1:].lower() in _OPEN_WORDS


def _indent(raw: str) -> int:
    if "\t" not in raw:
        return len(raw) - len(raw.lstrip(" "))
    return len(raw.expandtabs(4)) - len(raw.lstrip(" \t").expandtabs(4))


def units(lines: list[Line]) -> list[Unit]:
    """Group physical lines into units (see the module's docstring)."""
    out: list[Unit] = []
    append = out.append
    cur: Unit | None = None      # the unit being built (its text is its first line's until it closes)
    parts: list[str] | None = None   # its lines when wrapped lines continue it
    starts: list[int] = []       # then: the offset of each line in its text
    size = 0                     # then: the length of its text so far, plus one
    prev_text = ""               # the previous physical line of the current unit, stripped
    blank = True
    for number, raw, quoted in lines:
        content = raw.strip()
        if not content:
            if cur is not None:
                if parts is not None:
                    cur.text, cur.line_starts, parts = "\n".join(parts), tuple(starts), None
                append(cur)
                cur = None
            blank = True
            continue
        first = content[0]
        if first in "-=_*~#" and (content == "--" or content[1:2] in "-=_*~# " and len(content) >= 3
                                   and content[2] in "-=_*~# " and _SEPARATOR.match(content)):
            if cur is not None:
                # A setext underline turns the single line above it into a heading.
                if cur.kind is PARA and parts is None and first in "=-" and not blank:
                    cur.kind = HEADING
                    cur.level = 1 if first == "=" else 2
                if parts is not None:
                    cur.text, cur.line_starts, parts = "\n".join(parts), tuple(starts), None
                append(cur)
                cur = None
            blank = True
            continue
        depth = len(raw) - len(raw.lstrip(" ")) if "\t" not in raw else _indent(raw)
        if first == "#":
            heading = _MD_HEADING.match(content)
            if heading:
                if cur is not None:
                    if parts is not None:
                        cur.text, cur.line_starts, parts = "\n".join(parts), tuple(starts), None
                    append(cur)
                    cur = None
                append(Unit(HEADING, number, heading.group(2), depth, quoted, None, len(heading.group(1)), False,
                            blank))
                blank = True
                continue
        if first in "[<" or first.isdigit():
            log = _LOG_LINE.match(content)
            if log and log.group(2).strip():
                if cur is not None:
                    if parts is not None:
                        cur.text, cur.line_starts, parts = "\n".join(parts), tuple(starts), None
                    append(cur)
                    cur = None
                append(Unit(LOG, number, log.group(2).strip(), depth, quoted, log.group(1), 0, False, blank))
                blank = False
                continue
        bullet = _BULLET.match(content) if first in _BULLET_FIRST or first.isdigit() else None
        box = None
        if bullet:
            body = content[bullet.end():]
            box = _CHECKBOX.match(body) if body[:1] == "[" else None
            if box:
                body = body[box.end():]
        elif first == "[":
            box = _CHECKBOX.match(content)
            body = content[box.end():] if box else content
        if bullet or box:
            if cur is not None:
                if parts is not None:
                    cur.text, cur.line_starts, parts = "\n".join(parts), tuple(starts), None
                append(cur)
            cur = Unit(BULLET, number, body, depth, quoted, None, 0, box is not None, blank)
            prev_text = body
            blank = False
            continue
        if (cur is not None and cur.kind is not HEADING and cur.kind is not LOG and cur.quoted == quoted
                and (len(prev_text) >= 40 and prev_text[-1] != ":" or _ends_open(prev_text))
                and (cur.kind is PARA or depth > cur.depth or depth == cur.depth and len(prev_text) >= 40)
                and not _STARTS_ITEM.match(content)):
            if parts is None:
                parts, starts, size = [cur.text], [0], len(cur.text) + 1
            starts.append(size)
            parts.append(content)
            size += len(content) + 1
            prev_text = content
            continue
        if cur is not None:
            if parts is not None:
                cur.text, cur.line_starts, parts = "\n".join(parts), tuple(starts), None
            append(cur)
        cur = Unit(PARA, number, content, depth, quoted, None, 0, False, blank)
        prev_text = content
        blank = False
    if cur is not None:
        if parts is not None:
            cur.text, cur.line_starts = "\n".join(parts), tuple(starts)
        append(cur)
    return out


# --- sentences ------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Za-z0-9@#])")
_ABBREV = frozenset("e.g i.e etc vs cf mr mrs ms dr st no approx incl esp fig al jr sr inc ltd co".split())


def sentences(unit: Unit) -> list[Sentence]:
    """The unit's sentences, each with the note line it starts on."""
    return [Sentence(text, unit.line + rel, start) for text, rel, start in _sentences(unit.text)]


@memo(65536)
def _sentences(text: str) -> tuple[tuple[str, int, int], ...]:
    """(sentence, its line relative to the text's first, its offset) for each sentence of a text."""
    if ". " not in text and "? " not in text and "! " not in text and "\n" not in text:
        piece = text.strip()
        return ((piece, 0, 0),) if piece else ()
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    out: list[tuple[str, int, int]] = []
    begin = 0
    for match in _SPLIT.finditer(text):
        head = text[begin:match.start()].rstrip()
        if head:
            last = head[max(head.rfind(" "), head.rfind("\n")) + 1:].lower().strip("(\"'“")
            if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                continue
        end = match.end()
        piece = text[begin:end].strip()
        if piece:
            # the sentence's first character is the first of its piece at or after begin
            out.append((piece, bisect_right(starts, text.find(piece[0], begin)) - 1, begin))
        begin = end
    piece = text[begin:].strip()
    if piece:
        out.append((piece, bisect_right(starts, text.find(piece[0], begin)) - 1, begin))
    return tuple(out)


# --- who wrote a pasted mail ----------------------------------------------------------------------

_NAME = r"[A-Z][\w'’.\-]*(?:[ \t]+[A-Z][\w'’.\-]*){0,3}"
_FROM = re.compile(r"^From:[ \t]*(.+?)[ \t]*$", re.I)
_ARCHIVE_HEADER = re.compile(rf"^({_NAME})[ \t]+<?([\w.+\-]+(?:@| at )[\w\-]+(?:\.[\w\-]+)+)>?[ \t]*$")
_ATTRIBUTION = re.compile(
    r"^(?:On\b.{3,120}?,[ \t]*)?([^,<>\n]{2,60}?)[ \t]*(?:<[^>]*>|\([^)]*\)|\[[^\]]*\])?[ \t]+wrote:[ \t]*$")
_CLOSING = re.compile(
    r"^(?:thanks|thank you|many thanks|cheers|regards|best|best regards|kind regards|warm regards|br|"
    r"ciao|hth|yours|sincerely|thanks again|all the best)[ \t]*[,!.]?[ \t]*$", re.I)
_SIGN_DASH = re.compile(r"^(?:--|//|~|-)[ \t]*([A-Za-z][\w.'’\- ]{0,30}?)[ \t]*$")
_SHORT_NAME = re.compile(r"^([A-Za-z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){0,2})[ \t]*$")
_FOOTER = re.compile(r"mailing list|unsubscribe|listinfo|^_{5,}|^-{5,}|more information about", re.I)


HEAD_LINES = 12  # the non-empty lines at the top where a From: or archive header line is looked for
TAIL_LINES = 12  # the lines at the bottom where a signature is looked for


def senders_of_blocks(blocks: list[str], lines_of) -> Senders:
    """:func:`senders` of a text given as blocks (``lines_of(block)``: a block's lines), reading only
    the blocks it looks at: those at the top holding the first :data:`HEAD_LINES` non-empty lines,
    those that say "wrote", those at the bottom holding the last :data:`TAIL_LINES` lines a signature
    may be in."""
    chosen: set[int] = set()
    count = 0
    for index, block in enumerate(blocks):
        if count >= HEAD_LINES:
            break
        chosen.add(index)
        count += sum(1 for line in lines_of(block) if line.text.strip())
    count = 0
    for index in range(len(blocks) - 1, -1, -1):
        if count >= TAIL_LINES:
            break
        chosen.add(index)
        count += sum(1 for line in lines_of(blocks[index]) if _tail_line(line))
    chosen.update(index for index, block in enumerate(blocks) if "wrote" in block)
    return senders([line for index in sorted(chosen) for line in lines_of(blocks[index])])


def _tail_line(line: Line) -> bool:
    text = line.text.strip()
    return bool(text) and not line.quoted and not _FOOTER.search(text)


def senders(lines: list[Line]) -> Senders:
    """The writers a pasted mail names (see :class:`Senders`)."""
    header = signature = attribution = None
    seen = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        seen += 1
        if seen > HEAD_LINES:
            break
        if line.quoted:
            continue
        match = _FROM.match(text) or _ARCHIVE_HEADER.match(text)
        if match:
            header = match.group(0)[5:].strip() if text.lower().startswith("from:") else text
            break
    for line in lines:
        if not line.quoted and "wrote:" in line.text:
            match = _ATTRIBUTION.match(line.text.strip())
            if match:
                attribution = line.text.strip()
                break
    tail: list[str] = []
    for line in reversed(lines):
        if _tail_line(line):
            tail.append(line.text.strip())
            if len(tail) == TAIL_LINES:
                break
    tail.reverse()
    for i, text in enumerate(tail):
        following = tail[i + 1] if i + 1 < len(tail) else None
        if text in ("--", "-- ") and following:
            signature = following
        elif _CLOSING.match(text) and following and _SHORT_NAME.match(following):
            signature = following
        elif i == len(tail) - 1 and _SIGN_DASH.match(text) and len(text.split()) <= 4:
            signature = _SIGN_DASH.match(text).group(1)
        elif text.lower().startswith(("thanks, ", "cheers, ", "regards, ")) and _SHORT_NAME.match(
                text.split(",", 1)[1].strip() or "-") and len(text.split()) <= 4:
            signature = text.split(",", 1)[1].strip()
    return Senders(header, signature, attribution)
