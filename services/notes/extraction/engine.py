"""From a note's text to its items: the units of :mod:`sentences`, the markers of :mod:`markers`, lists
under an "Action items:"/"Decisions:" heading, checkboxes, and the prose of :mod:`prose`.

Who "I" is: the note's author (:attr:`Context.author`), unless the text is a pasted mail that names its
sender (a ``From:`` or archive header line, a signature): a sender ptghub knows is that person; a sender
who can be the author by name ("Mark Goddard" for mgoddard, "jim" for jroll) is the author; any other
sender means "I" is someone ptghub does not know, and their commitments get no owner. In quoted ``>``
lines "I" is the writer the attribution line names ("On ..., Steven Hardy wrote:"), resolved the same
way, and nobody when there is no attribution. On an IRC log line ``<nick> ...`` "I" is that nick.

Lists: the units under a heading or a line such as "Action items:", "Actions", "AIs", "TODO", "Next
steps" are actions; under "Decisions:", "Agreed:", "Outcomes:", "Conclusions" they are decisions. In an
action list a line that only names a person ("mgoddard:", or MeetBot's "Action items, by person") gives
the owner of the lines nested under it. A MeetBot minutes file's "People present" section is skipped, and
its "Action items, by person" repeats the ``ACTION:`` lines: an item equal to one already found (kind, text,
owners) is not listed twice. A minutes-style marker may also start a sentence inside a paragraph ("... at
two clouds. Outcome: no API change."); a bullet at the top level ending with MeetBot's "(nick, 15:00:18)"
is a topic of the minutes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import dates, markers, owners, prose
from .context import Calendar, Context, People
from .items import ACTION, DECISION, INFO, TOPIC, Item
from .markers import Invalid
from .memo import memo
from .sentences import BULLET, HEADING, LOG, PARA, Line, Unit, physical_lines, senders_of_blocks, sentences, units


@dataclass(frozen=True)
class Extraction:
    items: tuple[Item, ...]
    invalid: tuple[Invalid, ...] = ()


class InvalidNote(ValueError):
    """The text has lines extraction cannot accept (a marker with no text): the API's 422."""

    def __init__(self, problems: tuple[Invalid, ...]):
        self.problems = problems
        first = problems[0]
        super().__init__(f"line {first.line}: {first.message}"
                         + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


_ACTION_LEAD = re.compile(
    r"^(?:(?:new|open|the|our|key|main)\s+)?(?:action[ -]?items?|actions?|ais|todos?|to-?dos?|to\s+do|tasks|"
    r"next\s+steps|follow[- ]?ups?|work\s+items)(?:\s*,?\s*by\s+person)?(?:\s*\([^)]*\))?\s*:?$", re.I)
_DECISION_LEAD = re.compile(
    r"^(?:(?:key|main|the|our)\s+)?(?:decisions?(?:\s+made)?|agreed|agreements?|outcomes?|conclusions?|"
    r"resolutions?|decided|what\s+we\s+agreed|we\s+agreed)(?:\s*\([^)]*\))?\s*:?$", re.I)
# The letters a list's lead line can start with (the first letters of _ACTION_LEAD's and _DECISION_LEAD's
# words, any case, the Kelvin sign that re.I takes for a "k" too): the cheap test before either pattern.
_LEAD_FIRST = frozenset("aAcCdDfFkKmMnNoOrRtTwW\u212a")
_SKIP_SECTION = re.compile(r"^people\s+present\b", re.I)
_MINUTES_NOISE = re.compile(
    r"^(?:meeting\s+(?:started|ended)\b|generated\s+by\s+meetbot|minutes:|minutes\s+\(text\)|log:)", re.I)
_TRAILER_TOPIC = re.compile(r"\(([\w\-\[\]\\^{}|`]+),\s*\d{1,2}:\d{2}(?::\d{2})?\)\s*$")
_BOLD = re.compile(r"^\*\*(.+)\*\*$|^__(.+)__$")
_NONE_ENTRY = re.compile(r"^\(?(?:none|n/a|nothing)\)?\.?$", re.I)
# A pad line marked with who said it: "[carloss] I'll draft the spec", "kpdev: will update the jobs".
_SAID_BY = re.compile(r"^(?:\[(?P<a>[A-Za-z_`^{}|][\w\-`^{}|]{1,31})\]\s+|(?P<b>@?[A-Za-z_`^{}|][\w\-`^{}|]{1,31}):\s+)")
_CONTEXT_NEEDED = re.compile(r"^(?:this|it|that|needs|need|owner|volunteers?|looking|up\s+for)\b", re.I)


def extract(text: str, context: Context | None = None, *, strict: bool = False) -> list[Item]:
    """The items of a note's text. ``strict``: raise :class:`InvalidNote` when a marker has no text
    (otherwise such lines are left out; :func:`analyse` reports them)."""
    result = analyse(text, context)
    if strict and result.invalid:
        raise InvalidNote(result.invalid)
    return list(result.items)


def analyse(text: str, context: Context | None = None) -> Extraction:
    """The items of a note's text and the lines it cannot accept.

    The text is read in blocks, the runs of lines between empty lines: a unit never spans an empty
    line, so a block's units are its own. What a block gives depends on its text, on what the blocks
    before it left open (the heading, the lists it is in, the sentence before) and on the note's
    setting (its people, calendar and writers); it is remembered (:func:`_read_block`), so a note saved
    again with a few lines edited reads only the blocks that changed (and those after an edit that
    leaves something else open)."""
    context = context or Context()
    people = context.people.with_person(context.author)
    blocks = text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    found = senders_of_blocks(blocks, _block_lines)
    setting = _Setting.of(people, context.calendar, context.author,
                          writer(context.author, found.header or found.signature, people),
                          writer(context.author, found.attribution, people) if found.attribution else None)
    state = _OPEN
    items: list[Item] = []
    invalid: list[Invalid] = []
    seen: set[tuple] = set()
    offset = 0  # the note lines before the block
    for block in blocks:
        read = _read_block if len(block) <= MEMO_BLOCK else _read_block.uncached
        block_items, block_invalid, state = read(block, setting, state)
        for item, key in block_items:
            if key not in seen:  # an item equal to one listed already is not listed twice
                seen.add(key)
                items.append(replace(item, line=item.line + offset) if offset else item)
        invalid.extend(replace(problem, line=problem.line + offset) for problem in block_invalid)
        offset += block.count("\n") + 2  # its lines and the empty line after it
    return Extraction(tuple(items), tuple(invalid))


class _Setting:
    """What every block of a note is read with: its people, calendar, author and writers. Part of
    :func:`_read_block`'s memo key: made by :meth:`of`, one object for equal settings, so that the memo
    finds a block's key by identity."""

    __slots__ = ("_fields", "_hash", "author", "calendar", "me", "me_quoted", "people")
    _made: dict[tuple, _Setting] = {}

    @classmethod
    def of(cls, *fields) -> _Setting:
        setting = cls(*fields)
        known = cls._made.get(setting._fields)
        if known is not None:
            return known
        if len(cls._made) >= 1024:
            cls._made.clear()
        cls._made[setting._fields] = setting
        return setting

    def __init__(self, people: People, calendar: Calendar, author: str | None, me: str | None,
                 me_quoted: str | None):
        self.people, self.calendar, self.author, self.me, self.me_quoted = people, calendar, author, me, me_quoted
        self._fields = (people, calendar, author, me, me_quoted)
        self._hash = hash(self._fields)

    def __eq__(self, other: object) -> bool:
        return self is other or isinstance(other, _Setting) and self._fields == other._fields

    def __hash__(self) -> int:
        return self._hash


# The longest block remembered (characters): the memo holds a few thousand blocks, and a megabyte
# block of each would hold gigabytes. A longer block is read again at each save.
MEMO_BLOCK = 16 * 1024


def _block_lines(block: str) -> tuple[Line, ...]:
    """A block's physical lines, numbered from 1 (remembered for a block up to :data:`MEMO_BLOCK`)."""
    return _lines_of(block) if len(block) <= MEMO_BLOCK else _lines_of.uncached(block)


@memo(8192)
def _lines_of(block: str) -> tuple[Line, ...]:
    return tuple(physical_lines(block))


# What is open when a block starts: (heading, the section is skipped, the lists, the sentence before,
# an item was listed under the list's heading); a note's first block starts with nothing open.
_OPEN = (None, False, (), None, False)


@memo(8192)
def _read_block(block: str, setting: _Setting, state: tuple) -> tuple[tuple[tuple[Item, tuple], ...],
                                                                      tuple[Invalid, ...], tuple]:
    """A block's items, each with its :func:`_key`, and invalid lines (numbered from the block's first
    line, 1), and what it leaves open."""
    run = _Run(setting, state)
    for unit in units(_block_lines(block)):
        run.unit(unit)
    return (tuple((item, _key(item.kind, item.text, item.owners)) for item in run.items), tuple(run.invalid),
            run.state())


def writer(author: str | None, sender: str | None, people: People) -> str | None:
    """Who "I" is, given the note's author and the sender a pasted mail names (see the module's doc)."""
    if not sender:
        return author
    known = owners.sender_person(sender, people)
    if known:
        return known
    if author and owners.sender_matches(author, sender, people):
        return author
    return None


class _Run:
    """One block read unit by unit, from what the blocks before it left open (see :data:`_OPEN`)."""

    def __init__(self, setting: _Setting, state: tuple):
        self.people = setting.people
        self.calendar: Calendar = setting.calendar
        self.author = setting.author
        self.me = setting.me
        self.me_quoted = setting.me_quoted
        self.items: list[Item] = []
        self.invalid: list[Invalid] = []
        self.seen: set[tuple] = set()
        heading, skip_section, leads, previous_sentence, listed = state
        self.heading: str | None = heading
        # The lists the unit is in: (kind, depth, owners, from a heading, the lead line was a bullet)
        self.leads: list[tuple[str, int, tuple[str, ...], bool, bool]] = list(leads)
        self.skip_section = skip_section
        self.previous_sentence: str | None = previous_sentence
        self.listed = listed  # whether an item was listed under the current list heading (a count)

    def state(self) -> tuple:
        """What this block leaves open for the next (the shape of :data:`_OPEN`)."""
        return self.heading, self.skip_section, tuple(self.leads), self.previous_sentence, bool(self.listed)

    # -- one unit ----------------------------------------------------------------------------------

    def unit(self, unit: Unit) -> None:
        if unit.kind == HEADING:
            self.heading = unit.text
            self.previous_sentence = None
            self.skip_section = bool(_SKIP_SECTION.match(unit.text))
            self.leads = []
            self.listed = 0
            flat = unit.text.strip().rstrip(":")
            if _ACTION_LEAD.match(flat):
                self.leads = [(ACTION, -1, (), True, False)]
            elif _DECISION_LEAD.match(flat):
                self.leads = [(DECISION, -1, (), True, False)]
            return
        if self.skip_section:
            return
        flat = " ".join(unit.text.split())
        me = unit.speaker or (self.me_quoted if unit.quoted else self.me)
        if unit.kind == LOG:
            me = self.people.lookup(unit.speaker) or unit.speaker
        if flat[:1] in "MmGgLl" and _MINUTES_NOISE.match(flat):
            return
        marker = markers.parse(flat)
        if isinstance(marker, str):
            self.invalid.append(Invalid(unit.line, marker, f"{marker} needs text after it"))
            return
        if unit.blank_before and unit.kind == PARA:
            self._end_colon_leads()
            if self.listed:
                self.leads = []  # a paragraph after the list: the list under the heading has ended
        self._pop_leads(unit)
        if marker is not None:
            self._marker(unit, marker, me)
            return
        if flat.endswith(":") or len(flat) < 40 and flat[:1] in _LEAD_FIRST and (
                _ACTION_LEAD.match(flat) or _DECISION_LEAD.match(flat)):
            head = flat.rstrip(":").strip()
            if _ACTION_LEAD.match(head) and (flat.endswith(":") or unit.kind != BULLET or len(head.split()) <= 3):
                self.leads.append((ACTION, unit.depth, (), False, unit.kind == BULLET))
                return
            if _DECISION_LEAD.match(head) and (flat.endswith(":") or len(head.split()) <= 3):
                self.leads.append((DECISION, unit.depth, (), False, unit.kind == BULLET))
                return
        lead = self.leads[-1] if self.leads else None
        if lead is not None:
            self.listed += 1
        if lead is not None and lead[0] == ACTION:
            self._listed_action(unit, flat, me, lead)
            return
        if lead is not None and lead[0] == DECISION:
            self._add(Item(DECISION, flat, unit.line, unit.text, urls=markers.urls(flat)))
            return
        if unit.checkbox:
            self._action(unit, flat, me, ())
            return
        trailer = _TRAILER_TOPIC.search(flat) if flat.endswith(")") and unit.depth == 0 else None
        if trailer and unit.kind == BULLET and unit.depth == 0:
            self._add(Item(TOPIC, markers.strip_trailer(flat), unit.line, unit.text))
            return
        self._prose(unit, me)

    # -- lists -------------------------------------------------------------------------------------

    def _end_colon_leads(self) -> None:
        if self.leads:
            self.leads = [lead for lead in self.leads if lead[3]]

    def _pop_leads(self, unit: Unit) -> None:
        """Leave the lists this unit is not in: a list under a line "Actions:" holds the bullets at its
        indent or deeper (and lines right under it); a list under a bullet holds the deeper bullets."""
        while self.leads:
            _, depth, _, from_heading, nested = self.leads[-1]
            if from_heading:
                return
            if unit.kind == BULLET and (unit.depth > depth or unit.depth == depth and not nested):
                return
            if unit.kind == PARA and not unit.blank_before and (unit.depth > depth or unit.depth == depth
                                                                and not nested):
                return
            self.leads.pop()

    def _owner_line(self, flat: str) -> tuple[str, ...] | None:
        text = flat.strip().rstrip(":").strip()
        bold = _BOLD.match(text)
        if bold:
            text = bold.group(1) or bold.group(2)
        if text.upper() in ("UNASSIGNED", "NO OWNER", "NOBODY", "UNOWNED"):
            return ()
        if " " in text and not self.people.lookup(text):
            found = owners.people_in(text, self.people) if re.fullmatch(r"[\w\-|`^ ,&/]+", text) else None
            return tuple(owners.resolve(found, self.me)) if found and len(text.split()) <= 5 else None
        found = owners.people_in(text, self.people)
        if found and flat.strip().endswith(":") or found and not owners.is_verb(text):
            return tuple(owners.resolve(found, self.me))
        return None

    def _listed_action(self, unit: Unit, flat: str, me: str | None, lead) -> None:
        group = self._owner_line(flat)
        if group is not None and (unit.kind == BULLET or flat.endswith(":")):
            self.leads.append((ACTION, unit.depth, group, False, unit.kind == BULLET))
            return
        if _NONE_ENTRY.match(flat):
            return
        defaults = tuple(owner for lead_ in self.leads for owner in lead_[2])
        self._action(unit, flat, me, defaults)

    # -- items -------------------------------------------------------------------------------------

    def _marker(self, unit: Unit, marker: markers.Marker, me: str | None, line: int | None = None,
                source: str | None = None) -> None:
        line = unit.line if line is None else line
        source = unit.text if source is None else source
        if marker.kind == ACTION:
            self._action(unit, marker.text, me, (), line, source)
            return
        self._add(Item(marker.kind, marker.text, line, source, url=marker.url, urls=markers.urls(marker.text)))
        if marker.kind == INFO:
            self._prose(unit, me, text=marker.text)

    def _action(self, unit: Unit, text: str, me: str | None, defaults: tuple[str, ...], line: int | None = None,
                source: str | None = None) -> None:
        text = markers.strip_trailer(text)
        refs, rest = owners.leading(text, self.people)
        refs = refs + owners.mentioned(text, self.people)
        found = owners.dedupe(owners.resolve(refs, me) + defaults)
        body = owners.without_mentions(rest, self.people) or rest
        if _key(ACTION, body, found) in self.seen:
            return  # listed already: what _add would drop, not built
        self._add(Item(ACTION, body, unit.line if line is None else line, unit.text if source is None else source,
                       found, dates.due_date(text, self.calendar), urls=markers.urls(text)))

    def _prose(self, unit: Unit, me: str | None, text: str | None = None) -> None:
        if text is not None:
            pieces = [(text, unit.line)]
        else:
            body = unit.text
            if ". " not in body and "? " not in body and "! " not in body and "\n" not in body:
                pieces = [(body.strip(), unit.line)]   # one sentence: prose.find filters it itself
            elif not prose.hint_words(body) and " to " not in body:
                self.previous_sentence = body  # nothing to find here: no sentence needs splitting
                return
            else:
                pieces = [(sentence.text, sentence.line) for sentence in sentences(unit)]
        speaker = None
        if unit.kind != LOG and pieces:
            head = pieces[0][0]
            said = _SAID_BY.match(head) if head[:1] == "[" or ":" in head[:34] else None
            if said:
                nick = said.group("a") or said.group("b")
                who = owners.person(nick, self.people)
                if who and who != owners.SELF:
                    speaker = who
        for index, (sentence, line) in enumerate(pieces):
            rules_text = sentence
            if speaker and index == 0:
                rules_text = sentence[_SAID_BY.match(sentence).end():]
            if index and text is None:
                # "... in use at two clouds. Outcome: no API change.": a marker inside a paragraph
                marker = markers.parse(" ".join(sentence.split()))
                if isinstance(marker, markers.Marker) and marker.kind in (ACTION, DECISION):
                    marker = markers.Marker(marker.kind, marker.text.rstrip("."), marker.marker, marker.url)
                    self._marker(unit, marker, me, line, sentence)
                    self.previous_sentence = sentence
                    continue
            for found in prose.find(rules_text, self.people, me, speaker):
                item_text = found.text
                if found.needs_context and _CONTEXT_NEEDED.match(sentence.strip()) or (
                        found.needs_context and len(sentence.split()) <= 6):
                    item_text = (self.previous_sentence or self.heading or found.text).rstrip(".:")
                item_text = " ".join(item_text.split())
                if _key(found.kind, item_text, found.owners) in self.seen:
                    continue  # listed already: what _add would drop, not built
                due = dates.due_date(found.text if found.kind == ACTION else "", self.calendar) \
                    if found.kind == ACTION else None
                self._add(Item(found.kind, item_text, line, sentence, found.owners, due, suggested=True,
                               urls=markers.urls(sentence)))
            self.previous_sentence = sentence

    def _add(self, item: Item) -> None:
        key = _key(item.kind, item.text, item.owners)
        if key in self.seen:
            return
        self.seen.add(key)
        self.items.append(item)


def _key(kind: str, text: str, owners_: tuple[str, ...]) -> tuple:
    """What makes two items the same item of a note (the second is not listed)."""
    return kind, " ".join(text.lower().split()), tuple(o.lower() for o in owners_)
