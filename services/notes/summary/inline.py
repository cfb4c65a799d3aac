"""Inline text of a summary: URLs numbered once as references, code spans and emphasis kept.

A line of a note becomes a tuple of *segments*, the same for every format:

- ``("t", text)``           words, as written
- ``("r", n, url)``         a URL, shown as ``[n]`` and listed as ``[n] url`` at the end
- ``("c", code)``           a code span (kept verbatim: URLs inside it are not numbered)
- ``("b", segments)``       strong (``**x**``), ``("i", segments)`` emphasis (``*x*``)

The renderers at the bottom turn segments into plain text, Markdown or (escaped) HTML.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

Segment = tuple
Inline = tuple  # tuple[Segment, ...]

# A URL: http(s) only (no javascript:, data:, ...). Brackets, quotes and angle brackets end it.
URL = r"https?://[^\s<>\"'`\[\]{}|\\^]+"
_TRAILING = ".,;:!?'\"*_"


def trim_url(url: str) -> tuple[str, str]:
    """A URL as found in prose, without the punctuation that ends the sentence: (url, the rest)."""
    end = len(url)
    while end:
        char = url[end - 1]
        if char in _TRAILING:
            end -= 1
        elif char == ")" and url.count("(", 0, end) < url.count(")", 0, end):
            end -= 1
        else:
            break
    return url[:end], url[end:]


class References:
    """The numbered references of one mail: each URL numbered once, in the order it first appears."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def number(self, url: str) -> int:
        found = self._numbers.get(url)
        if found is None:
            found = self._numbers[url] = len(self._numbers) + 1
        return found

    def ref(self, url: str) -> Segment:
        return ("r", self.number(url), url)

    def __contains__(self, url: str) -> bool:
        return url in self._numbers

    def listing(self) -> tuple[tuple[int, str], ...]:
        return tuple((n, url) for url, n in self._numbers.items())


# Control characters (a pad export may carry some) never reach a rendering.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Code spans first (their content is left alone), then links of every kind, then emphasis.
_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(
    r"\[(?P<label>[^\[\]]+)\]\((?P<inline>" + URL + r")\)"     # [text](https://...)
    r"|\[(?P<rlabel>[^\[\]]+)\]\[(?P<rref>[^\[\]]*)\]"          # [text][1], [text][]
    r"|<(?P<auto>" + URL + r")>"                                # <https://...>
    r"|(?P<bare>" + URL + r")"                                  # https://...
    r"|\[(?P<short>[^\[\]]+)\]"                                 # [1] (a footnote of the note itself)
)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\w*])")


def parse(text: str, refs: References, footnotes: Mapping[str, str] | None = None) -> Inline:
    """Segments of one line. ``footnotes``: the note's own numbered links (``[1] https://...`` lines,
    ``[label]: https://...`` definitions), so that its ``[1]`` points at the mail's reference."""
    footnotes = footnotes or {}
    text = CONTROL.sub("", text)
    out: list[Segment] = []
    pos = 0
    for match in _CODE.finditer(text):
        out += _links(text[pos:match.start()], refs, footnotes)
        out.append(("c", match.group(2)))
        pos = match.end()
    out += _links(text[pos:], refs, footnotes)
    return _merge(out)


def _links(text: str, refs: References, footnotes: Mapping[str, str]) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for match in _LINK.finditer(text):
        groups = match.groupdict()
        before = text[pos:match.start()]
        if groups["inline"]:
            url, rest = trim_url(groups["inline"])
            if rest:  # "[x](https://a.b/c.)": the dot is the URL's, keep it whole
                url = groups["inline"]
            found = [*_emphasis(groups["label"]), ("t", " "), refs.ref(url)]
        elif groups["rlabel"] is not None:
            key = (groups["rref"] or groups["rlabel"]).strip().lower()
            if key not in footnotes:
                continue
            found = [*_emphasis(groups["rlabel"]), ("t", " "), refs.ref(footnotes[key])]
        elif groups["auto"]:
            found = [refs.ref(groups["auto"])]
        elif groups["bare"]:
            url, rest = trim_url(groups["bare"])
            found = [refs.ref(url), ("t", rest)] if rest else [refs.ref(url)]
        else:
            key = groups["short"].strip().lower()
            if key not in footnotes:
                continue
            found = [refs.ref(footnotes[key])] if key.isdigit() else [
                *_emphasis(groups["short"]), ("t", " "), refs.ref(footnotes[key])]
        out += _emphasis(before)
        out += found
        pos = match.end()
    out += _emphasis(text[pos:])
    return out


def _emphasis(text: str) -> list[Segment]:
    if not text:
        return []
    if "*" not in text and "__" not in text:
        return [("t", text)]
    out: list[Segment] = []
    pos = 0
    for match in _STRONG.finditer(text):
        out += _em(text[pos:match.start()])
        out.append(("b", tuple(_em(match.group(2)))))
        pos = match.end()
    out += _em(text[pos:])
    return out


def _em(text: str) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for match in _EM.finditer(text):
        if match.start() > pos:
            out.append(("t", text[pos:match.start()]))
        out.append(("i", (("t", match.group(1)),)))
        pos = match.end()
    if pos < len(text):
        out.append(("t", text[pos:]))
    return out


def _merge(segments: list[Segment]) -> Inline:
    """Adjacent words joined, runs of spaces collapsed, the line stripped."""
    out: list[Segment] = []
    for segment in segments:
        if segment[0] == "t":
            if not segment[1]:
                continue
            if out and out[-1][0] == "t":
                out[-1] = ("t", out[-1][1] + segment[1])
                continue
        out.append(segment)
    out = [("t", re.sub(r"\s+", " ", s[1])) if s[0] == "t" else s for s in out]
    if out and out[0][0] == "t":
        out[0] = ("t", out[0][1].lstrip())
    if out and out[-1][0] == "t":
        out[-1] = ("t", out[-1][1].rstrip())
    return tuple(s for s in out if s[0] != "t" or s[1])


def text_of(segments: Inline) -> str:
    """Plain text, each URL as ``[n]``."""
    parts = []
    for segment in segments:
        tag = segment[0]
        if tag == "t":
            parts.append(segment[1])
        elif tag == "r":
            parts.append(f"[{segment[1]}]")
        elif tag == "c":
            parts.append(f"`{segment[1]}`")
        elif tag == "b":
            parts.append(f"**{text_of(segment[1])}**")
        else:
            parts.append(f"*{text_of(segment[1])}*")
    return "".join(parts)


def plain(segments: Inline) -> str:
    """The words only (no reference numbers, no markup): for matching and ordering."""
    parts = []
    for segment in segments:
        if segment[0] in ("t", "c"):
            parts.append(segment[1])
        elif segment[0] in ("b", "i"):
            parts.append(plain(segment[1]))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


# What would become markup in Markdown: a tag, a link, emphasis, a code span. An underscore inside a
# word (``pxe_enabled``) is no emphasis in CommonMark and stays as it is.
_MD_SPECIAL = re.compile(r"[\\`*\[\]<]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?\w+;)")
# What would start a block (a quote, a heading, a list item, an underline) at the start of a line.
_MD_LINE_START = re.compile(r"^(?:(?=>)|(?=#{1,6}(?:\s|$))|(?=[-+]\s)|(?=[=-]{3,}\s*$)|\d{1,9}(?=[.)]\s))")


def md_escape(text: str) -> str:
    """Words for Markdown: what would become markup is backslash-escaped."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def md_line(rendered: str) -> str:
    """A rendered line that is to start a line of Markdown, kept from starting a block."""
    return _MD_LINE_START.sub(lambda m: m.group(0) + "\\", rendered, count=1)


def md_code(code: str) -> str:
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def markdown_of(segments: Inline) -> str:
    """Markdown: each URL a reference link ``[\\[n\\]][n]`` (defined at the end of the mail)."""
    parts = []
    for segment in segments:
        tag = segment[0]
        if tag == "t":
            parts.append(md_escape(segment[1]))
        elif tag == "r":
            parts.append(f"[\\[{segment[1]}\\]][{segment[1]}]")
        elif tag == "c":
            parts.append(md_code(segment[1]))
        elif tag == "b":
            parts.append(f"**{markdown_of(segment[1])}**")
        else:
            parts.append(f"*{markdown_of(segment[1])}*")
    return "".join(parts)


def html_of(segments: Inline) -> Markup:
    """HTML: every word escaped, each URL a real link ``<a href="url">[n]</a>``."""
    parts = []
    for segment in segments:
        tag = segment[0]
        if tag == "t":
            parts.append(str(escape(segment[1])))
        elif tag == "r":
            parts.append(f'<a href="{escape(segment[2])}">[{segment[1]}]</a>')
        elif tag == "c":
            parts.append(f"<code>{escape(segment[1])}</code>")
        elif tag == "b":
            parts.append(f"<strong>{html_of(segment[1])}</strong>")
        else:
            parts.append(f"<em>{html_of(segment[1])}</em>")
    return Markup("".join(parts))
