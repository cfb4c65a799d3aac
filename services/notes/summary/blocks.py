"""A note's body as the blocks of a summary: headings, paragraphs, lists, preformatted text.

Bodies are Markdown or a pad's plain-text export: ``#``/``##`` headings (and underlined ones), ``-``,
``*``, ``+``, ``•`` and ``1.`` lists nested by indentation, fenced or indented code, prose wrapped at
some width or one paragraph per line. MeetBot markers become prose here (``#agreed X`` -> "Agreed: X",
``#action mgoddard write the spec`` -> "Action (mgoddard): write the spec", ``#topic X`` -> a
heading); a line that is only a URL becomes "See [n]."; the note's own numbered links (``[1] https://..``
lines, as a pasted mail has them) are taken out and its ``[1]`` pointed at the mail's reference.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import inline as il
from .model import BulletList, Heading, ListItem, Paragraph, Preformatted

_MARKER = re.compile(
    r"^(?:(?:[-*+\u2022]|\d{1,3}[.)])\s+)?"
    r"(?:#(?P<hash>action|agreed|agree|accepted|rejected|info|idea|help|link|topic)\b:?"
    r"|(?P<colon>ACTION|AGREED|ACCEPTED|REJECTED|INFO|IDEA|HELP|LINK|TOPIC)\s*:)"
    r"\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_MARKER_KIND = {"agree": "decision", "agreed": "decision"}
_PROSE = {"decision": "Agreed", "accepted": "Accepted", "rejected": "Rejected", "info": "Note",
          "idea": "Idea", "help": "Help wanted", "action": "Action"}
_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(={3,}|-{3,})\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_BULLET = re.compile(r"^(\s*)([-*+\u2022]|\d{1,3}[.)])\s+(.*)$")
_BARE_URL = re.compile(r"^\s*(?:[-*+\u2022]\s+)?<?(" + il.URL + r")>?\s*$")
_FOOTNOTE = re.compile(r"^\s*\[(\d{1,3})\]:?\s+<?(" + il.URL + r")>?\s*$"
                       r"|^\s*\[([^\[\]]+)\]:\s+<?(" + il.URL + r")>?\s*$")
_SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")
_ABBREVIATION = re.compile(r"(?:\be\.g|\bi\.e|\betc|\bvs|\bcf)\.$", re.IGNORECASE)


@dataclass
class ParsedBody:
    blocks: tuple
    headings: list = field(default_factory=list)   # (line, heading text) in order
    footnotes: dict = field(default_factory=dict)  # the note's own numbered links: label -> URL

    def context(self, line: int) -> str | None:
        """The heading a line was written under (the nearest one above it)."""
        at = bisect.bisect_right([n for n, _ in self.headings], line)
        return self.headings[at - 1][1] if at else None


@dataclass
class _Flat:
    depth: int
    marker: str
    lines: list


def parse_body(body: str, refs: il.References, items_by_line: Mapping[int, Sequence] | None = None) -> ParsedBody:
    """The blocks of one note, numbering its URLs in ``refs`` as they come.

    ``items_by_line``: the extracted items by their 1-based line, so that a ``#action`` line names
    the owners extraction found (none is guessed here)."""
    items_by_line = items_by_line or {}
    lines = body.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).replace("\u00a0", " ")
    lines = il.CONTROL.sub("", lines).split("\n")
    footnotes: dict[str, str] = {}
    skip: set[int] = set()
    for index, raw in enumerate(lines):
        match = _FOOTNOTE.match(raw)
        if match:
            label, url = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
            footnotes.setdefault(label.strip().lower(), url)
            skip.add(index)
    parser = _Parser(refs, footnotes, items_by_line)
    parser.run(lines, skip)
    _level_headings(parser.blocks)
    unused = [url for url in dict.fromkeys(footnotes.values()) if url not in parser.used]
    if unused:  # links the note listed but never pointed at: kept, at the end of its part
        parser.close()
        segments: list = [("t", "See also ")]
        for n, url in enumerate(unused):
            if n:
                segments.append(("t", ", " if n < len(unused) - 1 else " and "))
            segments.append(refs.ref(url))
        segments.append(("t", "."))
        parser.blocks.append(Paragraph((tuple(segments),)))
    return ParsedBody(tuple(parser.blocks), parser.headings, footnotes)


class _Parser:
    def __init__(self, refs, footnotes, items_by_line):
        self.refs, self.footnotes, self.items_by_line = refs, footnotes, items_by_line
        self.blocks: list = []
        self.headings: list = []
        self.used: set[str] = set()
        self.para: list[str] = []            # logical lines of the open paragraph
        self.para_last = ""                  # the last raw line of it (for joining wrapped prose)
        self.para_joinable = False           # False after a marker line: the next line starts anew
        self.flat: list[_Flat] = []          # the open list, flat: (depth, marker, lines)
        self.indents: list[int] = []
        self.pre: list[str] | None = None    # an indented code block being collected
        self.item_last = ""                  # the last raw line of the open list

    def inline(self, text: str) -> tuple:
        segments = il.parse(text, self.refs, self.footnotes)
        for segment in _refs_in(segments):
            self.used.add(segment[2])
        return segments

    # -- closing blocks ---------------------------------------------------------------------
    def close_para(self):
        if self.para:
            self.blocks.append(Paragraph(tuple(self.inline(line) for line in self.para)))
        self.para, self.para_joinable = [], False

    def close_list(self):
        if self.flat:
            self.blocks.append(_tree(self.flat, self.inline))
        self.flat, self.indents = [], []

    def close_pre(self):
        if self.pre is not None:
            while self.pre and not self.pre[-1].strip():
                self.pre.pop()
            if self.pre:
                self.blocks.append(Preformatted(tuple(self.pre)))
        self.pre = None

    def close(self):
        self.close_para()
        self.close_list()
        self.close_pre()

    # -- lines ------------------------------------------------------------------------------
    def run(self, lines: list[str], skip: set[int]):
        fence: str | None = None
        fenced: list[str] = []
        blank_before = True
        for index, raw in enumerate(lines):
            number = index + 1
            if fence is not None:
                if raw.strip().startswith(fence):
                    self.blocks.append(Preformatted(tuple(fenced)))
                    fence, fenced = None, []
                else:
                    fenced.append(raw.rstrip())
                continue
            if index in skip:
                continue
            stripped = raw.strip()
            if self.pre is not None:
                if not stripped or raw.startswith("    "):
                    self.pre.append(raw[4:].rstrip())
                    continue
                self.close_pre()
            if not stripped:
                self.close_para()
                blank_before = True
                continue
            after_blank, blank_before = blank_before, False
            match = _FENCE.match(raw)
            if match:
                self.close()
                fence, fenced = match.group(1), []
                continue
            bullet = _BULLET.match(raw)
            if raw.startswith("    ") and after_blank and not self.flat and not bullet:
                self.close()
                self.pre = [raw[4:].rstrip()]
                continue
            if _SETEXT.match(raw) and self.para and self.para_joinable and not self.flat:
                text = self.para.pop()
                self.close_para()
                self.heading(1 if stripped[0] == "=" else 2, text, number - 1)
                continue
            if _RULE.match(raw):
                self.close()
                continue
            match = _ATX.match(raw)
            if match:
                self.close()
                if match.group(2).strip():
                    self.heading(len(match.group(1)), match.group(2), number)
                continue
            match = _MARKER.match(stripped)
            if match:
                text = self.marker(match, number)
                if text is not None:
                    self.add(raw, bullet, text, after_blank, closed=True)
                continue
            match = _BARE_URL.match(raw)
            if match:
                url, _ = il.trim_url(match.group(1))
                self.add(raw, bullet, f"See {url}.", after_blank, closed=True)
                continue
            self.add(raw, bullet, bullet.group(3).strip() if bullet else stripped, after_blank)
        if fence is not None:  # an unclosed fence: what followed it is code
            self.blocks.append(Preformatted(tuple(fenced)))
        self.close()

    def heading(self, level: int, text: str, number: int):
        self.blocks.append(Heading(level, self.inline(text)))
        self.headings.append((number, il.plain(il.parse(text, il.References(), self.footnotes)) or text))

    def marker(self, match: re.Match, number: int) -> str | None:
        """The prose a marker line says; None for ``#topic`` (it became a heading)."""
        name = (match.group("hash") or match.group("colon")).lower()
        kind = _MARKER_KIND.get(name, name)
        rest = match.group("rest").strip()
        if kind == "topic":
            self.close()
            self.heading(0, rest or "Topic", number)  # 0: the note's top level, set at the end
            return None
        if kind == "link":
            return _link_text(rest) if rest else "Link."
        if kind == "action":
            owners = _owners_of(self.items_by_line.get(number, ()), "action")
            if owners:
                return f"Action ({', '.join(owners)}): {strip_owners(rest, owners)}".rstrip()
            return f"Action: {rest}" if rest else "Action."
        return f"{_PROSE[kind]}: {rest}" if rest else f"{_PROSE[kind]}."

    def add(self, raw: str, bullet, text: str, after_blank: bool, closed: bool = False):
        """A line of text: a list item, the continuation of one, or a line of a paragraph."""
        if bullet:
            self.close_para()
            self.item(len(bullet.group(1)), bullet.group(2), text)
            self.item_last = raw
            return
        if self.flat:
            last = self.flat[-1]
            if not after_blank and not closed and _continues_item(self.item_last, text):  # lazy continuation
                last.lines[-1] += " " + text
                self.item_last = raw
                return
            if after_blank and raw.startswith("  "):  # a paragraph indented under the item
                last.lines.append(text)
                return
            self.close_list()
        if closed:
            self.para.append(text)
            self.para_joinable = False
            return
        if self.para and self.para_joinable and _joins(self.para_last, text):
            self.para[-1] += " " + text
        else:
            self.para.append(text)
        self.para_last, self.para_joinable = text, True

    def item(self, indent: int, marker: str, content: str):
        while self.indents and indent < self.indents[-1]:
            self.indents.pop()
        if not self.indents or indent > self.indents[-1]:
            self.indents.append(indent)
        self.flat.append(_Flat(len(self.indents) - 1, marker, [content]))


def _level_headings(blocks: list) -> None:
    """The note's top heading level becomes level 1 (a note may start at ``##``). A ``#topic`` is at
    level 1, so a ``##`` after it sits below it."""
    top = min((b.level or 1 for b in blocks if isinstance(b, Heading)), default=1)
    for n, block in enumerate(blocks):
        if isinstance(block, Heading):
            blocks[n] = Heading(max(1, (block.level or 1) - top + 1), block.inline)


def _joins(previous: str, line: str) -> bool:
    """Wrapped prose (a mail pasted in) continues on the next line; a pad's one-line paragraphs,
    short label lines ("Tuesday: edge") and lines ending a sentence before a capital do not. Lines of
    wrapped text are all about as long as the width: a much longer one starts something new."""
    previous = previous.rstrip()
    if len(previous) < 40 or len(previous) > 100 or len(line) > 100 or previous.endswith(":"):
        return False
    if _SENTENCE_END.search(previous) and (line[:1].isupper() or line[:1].isdigit()):
        return False
    return True


def _continues_item(previous: str, line: str) -> bool:
    """A line right after a list item continues it (Markdown's lazy continuation) only when the item
    looks wrapped, cut mid-sentence: in a pad, a line after a list item is a line of its own."""
    if _SENTENCE_END.search(previous.rstrip()) and not _ABBREVIATION.search(previous.rstrip()):
        return False
    return _joins(previous, line) and (line[:1].islower() or 55 <= len(previous.strip()) <= 80)


def _link_text(text: str) -> str:
    """``#link URL description`` reads "description URL" ("the spec [6]"); a bare one "See URL.\""""
    match = re.match(r"^<?(" + il.URL + r")>?\s+(.+)$", text)
    if match and not re.match(il.URL, match.group(2)):
        url, _ = il.trim_url(match.group(1))
        return f"{match.group(2).strip()} {url}"
    if re.fullmatch(r"<?" + il.URL + r">?", text.strip()):
        return f"See {text.strip()}."
    return text


def _tree(flat: list[_Flat], parse) -> BulletList:
    """Nested lists from (depth, marker, lines) in order."""
    def build(start: int, depth: int) -> tuple[BulletList, int]:
        items = []
        index = start
        while index < len(flat) and flat[index].depth >= depth:
            node = flat[index]
            index += 1
            children = []
            while index < len(flat) and flat[index].depth > depth:
                child, index = build(index, flat[index].depth)
                children.append(child)
            items.append(ListItem(node.marker, tuple(parse(line) for line in node.lines), tuple(children)))
        first = flat[start].marker
        ordered = first[:-1].isdigit()
        return BulletList(tuple(items), ordered, int(first[:-1]) if ordered else 1), index

    lists = []
    index = 0
    while index < len(flat):
        built, index = build(index, flat[index].depth)
        lists.append(built)
    if len(lists) == 1:
        return lists[0]
    return BulletList(tuple(item for built in lists for item in built.items))


def _refs_in(segments):
    for segment in segments:
        if segment[0] == "r":
            yield segment
        elif segment[0] in ("b", "i"):
            yield from _refs_in(segment[1])


def _owners_of(items: Sequence, kind: str) -> tuple[str, ...]:
    for item in items:
        if item.kind == kind and item.owners:
            return tuple(item.owners)
    return ()


def strip_owners(text: str, owners: Sequence[str]) -> str:
    """``mgoddard and hrw to write the spec`` -> ``write the spec`` when those are the owners
    (MeetBot's first-word convention, which extraction has already applied)."""
    names = {owner.lower().lstrip("@") for owner in owners}
    rest = text.strip()
    stripped = False
    while True:
        match = re.match(r"^@?([\w.+-]+(?:@[\w.-]+)?)[:,]?\s+", rest)
        if match and match.group(1).lower() in names:
            rest, stripped = rest[match.end():], True
            continue
        match = re.match(r"^(?:and|&)\s+", rest, re.IGNORECASE)
        if match and stripped:
            rest = rest[match.end():]
            continue
        break
    if stripped:
        rest = re.sub(r"^(?:to|will|should)\s+", "", rest, flags=re.IGNORECASE)
    return rest or text.strip()
