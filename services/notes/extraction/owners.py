"""Who owns an item: ``@nick``, e-mail addresses, MeetBot's first-word convention, "owner: X", a trailing
"(X)", and the people a prose subject names ("Myself and mgoddard", "mgoddard, hrw and yoctozepto").

A word is a person when ptghub knows it (a nick or an alias in :class:`People`), when it is "I", "me" or
"myself" (the writer), or when it *looks like a nick*: IRC-nick characters, not an English word, not a
project, team, tool or company name (:mod:`words`), and either lower-case ("mnasiadka", "penick") or
marked as a nick by its shape ("TheJulia": a capital inside the word, a digit, ``_`` or ``|``). A plain
capitalised word ("Oath", "Intel", "Tengu", "Julia") or an acronym ("CI", "WIP") is never taken for an
unknown nick: it is a person only when ptghub knows it. Owners are never invented: when in doubt, none.
"""
from __future__ import annotations

import re

from .context import People
from .words import CAMEL_CASE_NAMES, SELF_WORDS, STOP_WORDS, VERBS, WORD_SUFFIXES

# What a person reference resolves to.
SELF = "\x00self"        # I / me / myself: the writer (who may be unknown)

_NICK_SHAPE = re.compile(r"^[A-Za-z_\[\]\\^{}|`][\w\-\[\]\\^{}|`]{1,31}$")
_ACRONYM_END = re.compile(r"[a-z][A-Z]{2,}$")
_TECH_NUMBER = re.compile(r"[a-z]{1,10}\d{1,4}[a-z]{0,2}")
_STRONG = re.compile(r"[a-z][A-Z]|\d|[_|`^{}\[\]\\]")
_EMAIL = re.compile(r"(?<![\w.+\-/=:])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+(?![\w/])")
_LIST_LOCAL = re.compile(
    r"(?:^|[-_.])(?:discuss|dev|devel|announce|users?|request|bounces|list|lists|team|core)$"
    r"|^(?:info|admin|support|security|noreply|no-reply|help|contact|abuse|postmaster|webmaster|root|ops)$")


def _not_a_person(address: str) -> bool:
    """A mailing list or a role address ("openstack-discuss@lists.openstack.org", "security@...")."""
    local, _, domain = address.partition("@")
    return domain.startswith(("lists.", "list.", "groups.", "googlegroups.")) or bool(_LIST_LOCAL.search(local))
_AT_NICK = re.compile(r"(?<![\w.+\-@/])@([A-Za-z_\[\]\\^{}|`][\w\-\[\]\\^{}|`]*)")
_SEP = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*&\s*|\s*/\s*|\s*\+\s*)", re.I)
_OWNER_FIELD = re.compile(
    r"\b(?:owners?|assignees?|assigned\s+to|assignee)\s*[:=]\s*"
    r"(@?[\w\-|`^]+(?:\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*&\s*|\s*/\s*)@?[\w\-|`^]+)*)", re.I)
_TRAILING = re.compile(r"[(\[]\s*([^()\[\]]{1,80}?)\s*[)\]]\s*[.!]?\s*$")
_LEADING = re.compile(r"^[\[(]\s*([^\[\]()]{1,60}?)\s*[\])]\s*")
_LEAD_LIST = re.compile(
    r"^(?P<list>@?[\w\-\[\]\\^{}|`]+(?:(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*|\s*/\s*|\s*\+\s*)"
    r"@?[\w\-\[\]\\^{}|`]+){0,5})"
    r"(?P<sep>\s*:\s*|\s*(?:->|=>|→)\s*|\s*[-–]\s+|\s+(?:to|will|shall|should|is going to|are going to|"
    r"can|'ll)\s+|\s+)(?P<rest>\S.*)$", re.S | re.I)
_SUFFIXES = ("ing", "es", "ed", "s", "d")


def looks_like_nick(word: str) -> bool:
    """IRC-nick shape, not a listed word, and lower-case or nick-marked (see the module docstring)."""
    if not _NICK_SHAPE.match(word):
        return False
    lower = word.lower()
    if lower in STOP_WORDS or lower in CAMEL_CASE_NAMES or lower.endswith(("-core", "-team", "-sig")):
        return False
    if "-" in lower and any(part in STOP_WORDS or part in VERBS or not part for part in lower.split("-")):
        return False  # "kolla-ansible", "re-run", "networking-sfc"
    if len(lower) >= 5 and lower.endswith(WORD_SUFFIXES) and not _STRONG.search(word):
        return False  # "migration", "deployment", "readiness"
    if lower.endswith("ing") and _gerund(lower):
        return False  # "caching", "testing", "running" (but "tweining", "yuanying" may be nicks)
    if word.isupper() or (word[0].isupper() and word[1:].islower()):
        return False  # an acronym or a capitalised word: an organisation, a project, a first name
    if _ACRONYM_END.search(word) or _TECH_NUMBER.fullmatch(lower):
        return False  # "PowerDNS", "RabbitMQ", "MariaDB"; "ipv6", "oauth2", "arm64", "sha256"
    if word[0].isupper() and not _STRONG.search(word):
        return False
    return True


def _gerund(lower: str) -> bool:
    stem = lower[:-3]
    return (stem in VERBS or stem in STOP_WORDS or stem + "e" in VERBS or stem + "e" in STOP_WORDS
            or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in VERBS))


def is_verb(word: str) -> bool:
    lower = word.lower().strip(",.;:")
    if lower in VERBS:
        return True
    return any(lower.endswith(suffix) and lower[: -len(suffix)] in VERBS for suffix in _SUFFIXES)


def person(word: str, people: People) -> str | None:
    """The nick a single word names (``SELF`` for I/me/myself), or None when it names no person."""
    word = word.strip().strip(",.;:!?\"'“”‘’()")
    if not word:
        return None
    word = word[1:] if word.startswith("@") else word
    if word.startswith("[") and word.endswith("]"):
        word = word[1:-1]
    if not word or word.endswith(("'s", "’s")):
        return None
    known = people.lookup(word)
    if known:
        return known
    if word.lower() in SELF_WORDS:
        return SELF
    return word if looks_like_nick(word) else None


def people_in(phrase: str, people: People) -> list[str] | None:
    """The people a subject phrase names, all of them ("Myself and mgoddard"), or None when any part of it
    is not a person ("mgoddard and the team", "kolla")."""
    phrase = phrase.strip()
    if not phrase:
        return None
    known = people.lookup(phrase)
    if known:
        return [known]
    found: list[str] = []
    for part in _SEP.split(phrase):
        if not part:
            return None
        who = people.lookup(part) if " " in part else person(part, people)
        if who is None:
            return None
        found.append(who)
    return found


def resolve(refs: list[str], self_nick: str | None) -> tuple[str, ...]:
    """Person references as owners: ``SELF`` becomes the writer's nick (or nobody when unknown)."""
    out: list[str] = []
    for ref in refs:
        nick = self_nick if ref == SELF else ref
        if nick and nick.lower() not in (o.lower() for o in out):
            out.append(nick)
    return tuple(out)


def leading(text: str, people: People) -> tuple[list[str], str]:
    """MeetBot's convention: the first word(s) of an ``#action`` are its owners when they are people.

    ``mgoddard write the spec``, ``mgoddard: write``, ``mgoddard to write``, ``mgoddard and hrw to write``,
    ``mgoddard, hrw and yoctozepto will write``, ``@hrw review``. A single unknown nick followed only by a
    space counts when the next word is a verb or the nick is nick-shaped beyond doubt ("TheJulia"); the
    team, "we", "someone" or an English word never do. Answers (references, the rest of the text)."""
    match = _LEAD_LIST.match(text)
    if not match:
        return [], text
    names = [part for part in _SEP.split(match.group("list")) if part]
    refs: list[str] = []
    for name in names:
        who = person(name, people)
        if who is None:
            return [], text
        refs.append(who)
    sep = match.group("sep").strip().lower()
    rest = match.group("rest")
    if not sep and len(refs) == 1:
        word = names[0].lstrip("@")
        if not (people.lookup(word) or refs[0] == SELF or names[0].startswith("@")):
            next_word = rest.split(None, 1)[0]
            if not (is_verb(next_word) or _STRONG.search(word)):
                return [], text
    if refs == [SELF] and not sep and names[0].lower() == "i":
        # "#action I will ..." reads as "I" + "will": the rest keeps its verb.
        pass
    return refs, rest


def mentioned(text: str, people: People) -> list[str]:
    """Owners the text names outright: ``@nick``, e-mail addresses, "owner: X", a trailing "(X)"/"[X]"
    or a leading "[X]" whose every part is a person."""
    refs: list[str] = []
    for match in (_EMAIL.finditer(text) if "@" in text else ()):
        address = match.group(0).rstrip(".").lower()
        known = people.lookup(address)
        if known or not _not_a_person(address):
            refs.append(known or address)
    for match in (_AT_NICK.finditer(text) if "@" in text else ()):
        who = person(match.group(1), people) or (
            match.group(1) if _NICK_SHAPE.match(match.group(1)) and match.group(1).lower() not in STOP_WORDS
            and not match.group(1).lower().endswith(("-core", "-team")) else None)
        if who:
            refs.append(who)
    lower = text.lower()
    for match in (_OWNER_FIELD.finditer(text) if "owner" in lower or "assign" in lower else ()):
        found = people_in(match.group(1), people)
        if found:
            refs.extend(found)
    for pattern in (_TRAILING, _LEADING):
        if pattern is _TRAILING and not text.rstrip(" .!").endswith((")", "]")):
            continue
        if pattern is _LEADING and not text.startswith(("[", "(")):
            continue
        match = pattern.search(text)
        if match:
            found = people_in(match.group(1).lstrip("@"), people)
            if found:
                refs.extend(found)
    return refs


def without_mentions(text: str, people: People) -> str:
    """The text with a trailing "(X)" or leading "[X]" owner tag removed."""
    for pattern in (_TRAILING, _LEADING):
        if pattern is _TRAILING and not text.rstrip(" .!").endswith((")", "]")):
            continue
        if pattern is _LEADING and not text.startswith(("[", "(")):
            continue
        match = pattern.search(text)
        if match and people_in(match.group(1).lstrip("@"), people):
            text = (text[:match.start()] + text[match.end():]).strip()
    return text


def dedupe(owners: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for owner in owners:
        if owner and owner.lower() not in seen:
            seen.add(owner.lower())
            out.append(owner)
    return tuple(out)


def sender_matches(nick: str, sender: str, people: People) -> bool:
    """Whether a mail's sender ("Mark Goddard mark at stackhpc.com", "Steve", "jim") can be the person
    ``nick``: a known alias of theirs, or the usual ways a nick is made from a name (first initial and
    surname, first name, surname, the address's local part); a first name alone, unless it is another
    known person's, does not rule the author out."""
    if not sender:
        return False
    known = sender_person(sender, people)
    if known:
        return known.lower() == nick.lower()
    nick_l = re.sub(r"[^a-z0-9]", "", nick.lower())
    name, address = split_sender(sender)
    words = [re.sub(r"[^a-z]", "", w.lower()) for w in name.split()]
    words = [w for w in words if w]
    candidates: set[str] = set()
    if address:
        candidates.add(re.sub(r"[^a-z0-9]", "", address.split("@")[0].split(" at ")[0].lower()))
    if words:
        first, last = words[0], words[-1]
        candidates |= {first, last, first[0] + last, first + last, first + last[0], "".join(words)}
        if nick_l in candidates:
            return True
        if len(words) == 1:
            return True  # a first name alone ("jim" for jroll) says too little to make "I" someone else
    return nick_l in candidates


def sender_person(sender: str, people: People) -> str | None:
    name, address = split_sender(sender)
    for key in (address, name):
        if key:
            known = people.lookup(key)
            if known:
                return known
    return None


_SENDER_ADDRESS = re.compile(r"<?([\w.+\-]+(?:@| at )[\w\-]+(?:\.[\w\-]+)+)>?")


def split_sender(sender: str) -> tuple[str, str | None]:
    """("Mark Goddard", "mark@stackhpc.com") from the ways a mail names its sender."""
    text = sender.strip()
    text = re.sub(r"^On\b.{3,120}?,\s*", "", text)
    text = re.sub(r"\s+wrote:\s*$", "", text)
    match = _SENDER_ADDRESS.search(text)
    address = match.group(1).replace(" at ", "@") if match else None
    name = _SENDER_ADDRESS.sub("", text).strip(" \"'()[]<>,")
    return name, address
