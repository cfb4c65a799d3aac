"""Commitments and decisions written as prose, found sentence by sentence. Items found here are
*suggested*: a chair confirms or dismisses them.

Commitments (actions), the subject being who commits:

- "X took an action (item) to ...", "X has an action to ...", "X took on ...";
- "X is going to ...", "X's going to ...", "X is planning to ...";  "X will ...", "X'll ...",
  "X will be <doing> ...";
- "X intends/plans/promised/committed to ...", "X is happy/keen/willing to ...";
- "X (has) offered/volunteered/signed up/stepped up to ...", "X volunteers to ...", the bare "X volunteered";
- "X (has) agreed to ..." when X is a person ("dansmith agreed to help");
- at the start of a sentence, the minutes' shorthand "X to <verb> ..." ("mgoddard to write the spec");
- "action item for X: ...", "AI for X", "AI(X)", "owner: X", "assigned to X";
- "needs an owner", "owner needed", "no owner (yet)", "we need a volunteer/someone to ...", "looking for
  someone to", "up for grabs": an action nobody owns.

Who the subject is decides the owners:

- people (known or nick-shaped, see :mod:`owners`), "I"/"me"/"myself" (the writer), several joined by
  "and", "&", "/" or "a, b and c" ("Myself and mgoddard"): they own it. A subject must begin its clause:
  in "review the series and dansmith offered to help" the series is not a person, and in "the scheduler
  will" nobody is;
- "he"/"she": an action with no owner (the text does not say who);
- a team, a project, a company, "folks", "someone": nobody owns it. Their "took an action", "is going to"
  and "volunteered" are actions with no owner ("Oath is going to investigate"); their "will" is a plan,
  not an item ("kolla will support python 3");
- "we": "we took an action" is an action nobody owns; "we will ...", "we're (not) going to ..." is the
  team's plan, a decision (not "we will need/have to/discuss/look at ...");
- a word ptghub does not know and that may be a nick ("tweining volunteers to ..."): took/offered
  commitments stand, owned by it only when it looks like a nick;
- a clause with no subject ("..., so will ask how they do it") takes the sentence's first subject when
  that is clearly a person (I, a known person, a nick-shaped word such as "TheJulia") or "we"; a pad line
  marked as said by someone ("kpdev: will update the jobs") is theirs.

A second clause that only helps ("and dansmith volunteered to help out") adds its subject as an owner of
the commitment before it instead of making an item of its own.

Not commitments: hedges ("will probably", "may", "might", "would"), "will need/have to/be" (unless
"will be <verb>ing"), the write-up talking about itself ("I'll cover them one by one:"), questions,
conditionals ("if someone volunteers"), negations, and past or ongoing work ("has been working on",
"proposed the patch", "is looking into", "has started investigating").

Decisions: "we (all/also/generally) agreed/decided/concluded/settled on/chose to/opted to ...", "we ended
up agreeing", "X agreed that ...", "it was agreed/decided", "there was (general) agreement/consensus
that", "the decision/outcome/consensus was that/to", "we came to a conclusion/compromise", a team's
"agreed" ("Nova agreed to add a hook"), the plans of "we" above. Not "to agree", "will decide", "need to
agree", "did not agree", "I agree". One decision per sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .context import People
from .memo import memo
from .items import ACTION, DECISION
from .owners import SELF, people_in, person, resolve
from .words import FUNCTION_WORDS, GROUP_HEADS, PROJECTS, STOP_WORDS

# Subject classes
PERSONS, HE_SHE, WE, GROUP, OTHER, ELIDED = "persons", "he/she", "we", "group", "other", "elided"


@dataclass(frozen=True, slots=True)
class Found:
    kind: str
    text: str
    owners: tuple[str, ...] = ()
    needs_context: bool = False   # "Needs an owner.": the item's text is the sentence before


_HINT_WORDS = frozenset(
    """will shall going planning intend intends plan plans promised committed offered volunteer volunteered
    volunteers signed stepped took action actions ai todo task owner owners assigned assignee agree agreed
    decided decision decisions concluded conclusion consensus outcome outcomes resolved settled chose opted
    voted accepted rejected agreement keen happy willing glad grabs champion looking seeking compromise ll
    someone somebody agreeing deciding won""".split())
# Punctuation to spaces, so that str.split gives words: much cheaper than a regex over every sentence.
_PUNCT = str.maketrans({c: " " for c in "'’.,;:!?()[]{}\"“”<>*/&+=|~`#@$%^"})


# The same for ASCII text, on bytes: a 256-byte table translates many times faster than a dict. The
# ASCII characters ``str.split`` takes for whitespace and ``bytes.split`` does not (\x1c-\x1f) become
# spaces too, so both split the same words.
_PUNCT_ASCII = "".join(chr(c) for c in _PUNCT if c < 128) + "\x1c\x1d\x1e\x1f"
_PUNCT_BYTES = bytes.maketrans(_PUNCT_ASCII.encode(), b" " * len(_PUNCT_ASCII))
_HINT_BYTES = frozenset(word.encode() for word in _HINT_WORDS)


def hint_words(sentence: str) -> frozenset[str]:
    """The trigger words a sentence has (lower-case), the cheap filter before any pattern runs."""
    if sentence.isascii():
        found = _HINT_BYTES.intersection(sentence.encode().lower().translate(_PUNCT_BYTES).split())
        return frozenset(word.decode() for word in found) if found else _NO_HINTS
    return _HINT_WORDS.intersection(sentence.lower().translate(_PUNCT).split())


_NO_HINTS: frozenset[str] = frozenset()


_DECISION_HINTS = frozenset(
    "agree agreed decided decision decisions concluded conclusion consensus outcome outcomes resolved settled "
    "chose opted voted accepted rejected agreement compromise agreeing deciding".split())
_COMMIT_HINTS = frozenset(
    "will shall going planning intend intends plan plans promised committed offered volunteer volunteered "
    "volunteers signed stepped took action agreed keen happy willing glad ll won".split())
_FOR_HINTS = frozenset("action actions ai todo task owner owners assigned assignee".split())
_OWNER_HINTS = frozenset("owner owners volunteer volunteers grabs champion looking seeking someone somebody".split())
_TO_START = re.compile(r"^(?:[-–*]\s*)?\S+(?:(?:\s*,\s*|\s+and\s+|\s*&\s*|\s*/\s*)\S+){0,5}\s+to\s+\w", re.I)

# The patterns below start with their literal words, not with \b: Python's re then skips ahead to where
# such a word occurs (a leading \b costs a full attempt at every position, several times slower).
# :func:`_bounded` checks the word boundary on the left instead.
_COMMIT = re.compile(
    r"(?P<took>took\s+(?:on\s+)?(?:an?|the|this|that|one|two|some|another)\s+(?:\w+\s+)?"
    r"(?:action(?:[- ]items?)?|ais?|todo|task)s?\s+(?:to|for|of)\b|took\s+on\s+(?:the\s+(?:task|job)\s+of\s+)?"
    r"|(?:has|have|got)\s+(?:an?|the)\s+action(?:[- ]item)?\s+to\b)"
    r"|(?P<going>(?:is|are|am)\s+(?:(?P<gadv>also|still|now|then|not|probably|likely|hopefully|definitely|"
    r"possibly|maybe)\s+)?(?:going|planning|intending|volunteering|offering|signing\s+up|hoping)\s+to\b"
    r"|'(?:s|re|m)\s+(?:(?P<gadv2>also|still|now|not|probably|likely)\s+)?(?:going|planning)\s+to\b)"
    r"|(?P<will>(?:will|shall)\b|'ll\b|won't\b)"
    r"|(?P<intend>(?:intends?|plans?|promised|committed|(?:is|are|am)\s+(?:happy|keen|willing|glad))\s+to\b)"
    r"|(?P<offer>(?:offered|volunteered|volunteers|signed\s+up|stepped\s+(?:up|forward)|agreed)"
    r"(?:\s+(?P<to>to)\b|\s+(?P<for>for)\b|(?=\s*(?:[.,;!)]|$|\s+(?:as|and|but)\b))))")


# The same forms one by one, each run only when the sentence has one of its words.
_FORMS = tuple(
    (frozenset(words.split()), re.compile(f"(?P<{name}>" + body + ")"))
    for name, words, body in (
        ("took", "took action", _COMMIT.pattern.split("(?P<took>", 1)[1].split(")|(?P<going>", 1)[0]),
        ("going", "going planning intending volunteering offering signing hoping",
         _COMMIT.pattern.split("(?P<going>", 1)[1].split(")|(?P<will>", 1)[0]),
        ("will", "will shall ll won", _COMMIT.pattern.split("(?P<will>", 1)[1].split(")|(?P<intend>", 1)[0]),
        ("intend", "intend intends plan plans promised committed happy keen willing glad",
         _COMMIT.pattern.split("(?P<intend>", 1)[1].split(")|(?P<offer>", 1)[0]),
        ("offer", "offered volunteered volunteers signed stepped agreed",
         _COMMIT.pattern.split("(?P<offer>", 1)[1][:-1]),
    ))


_FORM_NAMES = ("took", "going", "will", "intend", "offer")


def _commit_matches(lower: str, hints: set[str]):
    """The commitment verbs of a sentence, in order: :data:`_COMMIT`, but only the forms whose words the
    sentence has are run."""
    forms = [pattern for words, pattern in _FORMS if words & hints]
    matches = []
    for pattern in forms:
        for match in pattern.finditer(lower):   # _bounded, inline
            start = match.start()
            if start == 0 or lower[start] == "'" or not (lower[start - 1].isalnum() or lower[start - 1] == "_"):
                matches.append(match)
    if len(forms) > 1:
        matches.sort(key=lambda match: match.start())
    return matches


def _bounded(pattern: re.Pattern, text: str):
    """``pattern.finditer(text)``, keeping the matches that start a word (or start with an apostrophe)."""
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or text[start] == "'" or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            yield match


def _lower(text: str) -> str:
    """``text.lower()`` with the same length (offsets stay valid): a character whose lower case is longer
    ("İ") is kept as it is."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _first(pattern: re.Pattern, text: str):
    return next(_bounded(pattern, text), None)


_DECIDE = re.compile(
    r"(?P<verb>(?:agreed|agree|decided|concluded|settled\s+on|chose\s+to|opted\s+to|voted\s+to|"
    r"resolved\s+to|accepted|rejected|(?:ended|wound)\s+up\s+(?:agreeing|deciding)))\b(?P<after>\s*\S*)")
_PASSIVE = re.compile(
    r"(?:it|this|that|which)\s+(?:was|has\s+been|had\s+been|is)\s+(?:(?:\w+ly|also)\s+)?"
    r"(?:agreed|decided|concluded|resolved|settled)\b"
    r"|(?:there\s+(?:was|is|were)|there's|we\s+(?:reached|had|have|came\s+to)|(?:was|is|were))\s+"
    r"(?:(?:also|general|broad|rough|wide|clear|full|some|overall|an?|unanimous|strong)\s+){0,3}"
    r"(?:agreement|consensus)(?:\s+(?:that|to|on|about|around|for)\b|\s*:)"
    r"|(?:decisions?|outcomes?|conclusions?|resolutions?|consensus)\s+(?:was|were|is|are)\s+(?:that|to)\b"
    r"|we\s+(?:came\s+to|reached|made)\s+(?:an?\s+)?(?:\w+\s+)?(?:decision|conclusion|compromise)\b",
    )
# One of these is in every text _PASSIVE matches: the cheap test before the pattern's search.
_PASSIVE_WORDS = ("agree", "decid", "decision", "conclu", "resol", "settled", "consensus", "outcome", "compromise")
_NOT_DECIDED = re.compile(r"\b(?:not|never|no|nobody|nothing|neither|without)\b|n't\b", re.I)

_TO_VERB = re.compile(
    r"^(?P<subj>@?[\w\-\[\]\\^{}|`]+(?:(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*|\s*/\s*)@?[\w\-\[\]\\^{}|`]+){0,5})"
    r"\s+to\s+(?P<verb>[a-z]\w*)", re.I)
_ACTION_FOR = re.compile(
    r"\b(?:action(?:[- ]items?)?|AIs?|todo|task)\s+(?:for|on)\s+"
    r"(?P<subj>@?[\w\-\[\]\\^{}|`]+(?:(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*|\s*/\s*)@?[\w\-\[\]\\^{}|`]+){0,5})"
    r"\s*[:,\-–]?\s*(?P<rest>.*)$"
    r"|\bAI\s*\((?P<subj2>[^)]{1,60})\)\s*:?\s*(?P<rest2>.*)$"
    r"|\bassigned\s+to\s+(?P<subj3>@?[\w\-\[\]\\^{}|`]+(?:(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*)"
    r"@?[\w\-\[\]\\^{}|`]+){0,5})", re.I | re.S)
_NEEDS_OWNER = re.compile(
    r"(?:needs?|requires?|wants?|is\s+looking\s+for|are\s+looking\s+for|looking\s+for|seeking)\s+"
    r"(?:an?\s+|some\s+|one\s+|more\s+|new\s+)*(?:owner|volunteer|champion|assignee|taker|driver\s+for\s+this)s?\b"
    r"|(?:owner|owners|volunteer|volunteers|champion)\s+(?:needed|wanted|required)\b"
    r"|looking\s+for\s+someone\s+to\b|up\s+for\s+grabs\b"
    r"|no\s+(?:owner|volunteer|assignee)s?\b"
    r"|(?:need|needs|want|wants)\s+(?:someone|somebody|a\s+volunteer|volunteers)\s+(?:to|who|for)\b"
    r"|owner\s*[:=]\s*(?:none|tbd|tba|\?+|nobody|unassigned|n/?a)\b")
_HEDGED_BEFORE = re.compile(r"\b(?:would|might|could|may|doesn't|does\s+not|no\s+longer|if|unless)\s+\w*\s*$", re.I)

_ADVERBS = frozenset(
    """also again both all then now kindly gladly happily already still just later eventually each first
    subsequently initially finally personally further additionally separately similarly actually basically
    generally mostly broadly largely quickly unanimously tentatively collectively jointly together""".split())
_NOT_SUBJECTS = frozenset(
    "it it's this that these those which what there here who whom whose where when how why whatever one "
    "nothing something everything anything".split())
_NOT_ADVERBS = frozenset("only early family supply apply reply".split())
_HEDGES = frozenset("probably perhaps maybe possibly likely hopefully".split())
_OBJECT_BEFORE = frozenset(
    """with to for from by of about at on in into thank thanks ask asked asking told tell let help helping
    ping pinged cc than like via between among""".split())
_NOT_AFTER_WILL = re.compile(
    r"^\s*(?:(?:also|then|now|still|again|just|first|both|all|each)\s+)*"
    r"(?:probably|perhaps|maybe|possibly|likely|hopefully|not|never|no\b|need|needs|have\s+to|has\s+to|"
    r"want|depend|require|be\s+(?!\w+ing\b)|likely|see\b|tell\b|find\b|happen|work\s+for|cause|break|"
    r"fail|help\s+(?:to\s+)?(?:reduce|improve)|allow|mean|make\s+sense|go\s+away|remain|"
    # the write-up talking about itself: "I'll cover them one by one:", "I'll go into more detail"
    r"cover\s+(?:them|these|those|this|each|the\s+\w+\s+(?:below|here))|describe\s+(?:them|these|each)|summari[sz]e|recap|"
    r"outline|go\s+(?:into|over|through)|start\s+with|try\s+to\s+(?:summari[sz]e|cover|describe)|"
    r"focus\s+on\s+(?:the|a\s+few)|highlight)|n't", re.I)
# "we will ..." is a plan (a decision) unless it is an obligation, a guess or more talk.
_NOT_A_PLAN = re.compile(
    r"\s*(?:(?:also|then|now|still|again|just|first|both|all|each|probably|likely|maybe|perhaps|not)\s+)*"
    r"(?:need|needs|have\s+to|has\s+to|be\b|see\b|probably|likely|maybe|perhaps|try|talk|discuss|think|"
    r"hash\s+out|figure\s+out|work\s+out|look\s+at|look\s+into|keep\s+(?:an\s+eye|discussing)|continue\s+"
    r"(?:the\s+)?discuss|want|find\s+out|get\s+back)", re.I)
_NOT_NEVER = re.compile(r"\s+(?:not|never)\b")
_NOT_AFTER_GOING = re.compile(r"^\s*(?:be|have\s+to|need|stop\s+shipping)\b", re.I)
_MODAL_BEFORE = frozenset("to will 'll should must can could would may might need needs shall cannot let's lets let".split())
_LEAD_ADVERBIAL = re.compile(
    r"^(?:(?:on|in|at|after|before|during|for|from|since|again|also|finally|then|next|later|overall|so|and|"
    r"but|however|still|first|lastly|otherwise|meanwhile|instead|today|tomorrow|yesterday|eventually|"
    r"ultimately|as\s+\w+|once|in\s+short|in\s+the\s+end|at\s+the\s+end)\b[^,]{0,50},\s*)", re.I)
_HELP_ONLY = re.compile(r"^(?:help|assist|pitch\s+in|join)(?:\s+(?:out|too|as\s+well|with\s+(?:this|it|that)))*\W*$", re.I)
_CONDITIONAL = re.compile(r"\b(?:if|unless|whether|once|until|when|whoever)\b", re.I)


def find(sentence: str, people: People, self_nick: str | None, speaker: str | None = None) -> tuple[Found, ...]:
    """The commitments and the decision one sentence states. ``speaker``: the person a pad line is
    marked as said by ("[carloss] I'll draft it", "kpdev: will update the jobs"): "I" and a clause
    with no subject at the start are theirs.

    Answers are remembered (a bounded cache): a note saved again mostly repeats its sentences."""
    if not sentence:
        return ()
    hints = hint_words(sentence)
    if not hints and not (" to " in sentence and _TO_START.match(sentence)):
        return ()  # no trigger word: nothing to find (most sentences), and nothing worth remembering
    return _find(sentence, people, self_nick, speaker, hints)


@memo(32768)
def _find(sentence: str, people: People, self_nick: str | None, speaker: str | None,
          hints: frozenset[str]) -> tuple[Found, ...]:
    """``hints``: the sentence's :func:`hint_words`."""
    return tuple(_find_uncached(sentence, people, self_nick, speaker, hints))


def _find_uncached(sentence: str, people: People, self_nick: str | None, speaker: str | None,
                   hints: frozenset[str]) -> list[Found]:
    if speaker:
        self_nick = speaker
    text = " ".join(sentence.replace("’", "'").split())
    if text.endswith("?"):
        return []
    first = _Lazy(text, people)
    out: list[Found] = []
    if hints & _DECISION_HINTS:
        decision = _decision(text, people, first)
        if decision is not None:
            out.append(decision)
    actions, we_plan = _commitments(text, people, self_nick, first, hints, speaker)
    if we_plan and not out:
        out.append(Found(DECISION, text))
    out.extend(actions)
    return out


class _Lazy:
    """The sentence's first subject, worked out when a clause without a subject needs it."""

    __slots__ = ("text", "people", "value")

    def __init__(self, text: str, people: People):
        self.text, self.people, self.value = text, people, None

    def get(self) -> tuple[str, list[str]]:
        if self.value is None:
            self.value = _first_subject(self.text, self.people)
        return self.value


# --- subjects -------------------------------------------------------------------------------------

def _classify(word: str, people: People) -> str:
    lower = word.lower().strip(",.;:()")
    if lower == "we" or lower == "us":
        return WE
    if lower in ("he", "she"):
        return HE_SHE
    if lower == "they" or lower in GROUP_HEADS:
        return GROUP
    if lower in STOP_WORDS:
        return GROUP if lower in PROJECTS else OTHER
    if word[:1].isupper():
        return GROUP   # an organisation, a project, a product: "Oath", "Neutron", "Intel"
    return OTHER


_STRONG_NICK = re.compile(r"[a-z][A-Z]|\d|[_|`^{}\[\]\\]")
_TOKENS = re.compile(r"[^\s,&/+]+|[,&/+]")
_JOINERS = frozenset({",", "&", "/", "+", "and"})


_BOUNDARY_WORDS = frozenset(
    """and but so then also now while because since that which who as if when once meanwhile thus therefore
    hence plus again finally first later today tomorrow yesterday said says mentioned noted confirmed think
    thinks guess hopefully otherwise instead however yes ok okay sure well monday tuesday wednesday thursday
    friday saturday sunday""".split())
_LEFT_PUNCT = tuple(",;:([-–—\"“'")


def _left_ok(before: str, start: int) -> bool:
    """Whether a subject starting at ``start`` begins a clause (nothing, punctuation or a linking word
    before it), rather than ending a noun phrase ("the series", "review the scheduler")."""
    left = before[:start].rstrip()
    if not left or left.endswith(_LEFT_PUNCT):
        return True
    word = left.split()[-1].lower()
    return word in _BOUNDARY_WORDS


def _subject(before: str, people: People) -> tuple[str, list[str], int]:
    """The subject right before a verb: (class, person references, start offset of the subject).

    Reads backwards: people joined by "and", "&", "/" (and "," when an "and" follows: "a, b and c");
    stops at the first word that is not a person. A subject must begin a clause: "the series and
    dansmith offered" is dansmith's offer, "the scheduler will" is nobody's."""
    window = max(0, len(before) - 90)   # the last few words hold any subject list
    tokens = [(m.group(0), m.start()) for m in _TOKENS.finditer(before, window)]
    refs: list[tuple[str, int]] = []   # (reference, start offset)
    i = len(tokens) - 1
    seen_and = False
    while i >= 0:
        who, n = None, 1
        for size in range(min(people.longest_alias, 3, i + 1), 1, -1):
            words = [tok for tok, _ in tokens[i - size + 1:i + 1]]
            if not any(w.lower() in _JOINERS for w in words):
                known = people.lookup(" ".join(words))
                if known:
                    who, n = known, size
                    break
        if who is None:
            word = tokens[i][0].rstrip(".")
            who = person(word, people)
            if who is None:
                if not refs:
                    start = tokens[i][1]
                    cls = _classify(word, people)
                    if cls in (WE, HE_SHE) or _left_ok(before, start):
                        return cls, [], start
                    return (GROUP if cls == GROUP and word.lower() in GROUP_HEADS else OTHER), [], start
                break
        refs.insert(0, (who, tokens[i - n + 1][1]))
        i -= n
        j = i
        joiners = []
        while j >= 0 and tokens[j][0].lower() in _JOINERS:
            joiners.append(tokens[j][0].lower())
            j -= 1
        if not joiners or j < 0:
            break
        if joiners == [","] and not seen_and:
            break  # "sure, I'll ...": a comma alone does not join a list
        seen_and = seen_and or any(joiner != "," for joiner in joiners)
        i = j
    while refs and not _left_ok(before, refs[0][1]):
        refs.pop(0)
    if not refs:
        return OTHER, [], len(before)
    start = refs[0][1]
    left = before[:start].split()
    if left and left[-1].lower() in _OBJECT_BEFORE:
        return OTHER, [], start
    return PERSONS, [ref for ref, _ in refs], start


def _first_subject(text: str, people: People) -> tuple[str, list[str]]:
    body = _LEAD_ADVERBIAL.sub("", text, count=1)
    match = re.match(r"^(@?[\w\-\[\]\\^{}|`']+(?:(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*|\s*/\s*)"
                     r"@?[\w\-\[\]\\^{}|`']+){0,5})", body)
    if not match:
        return OTHER, []
    phrase = match.group(1)
    for cut in range(len(phrase.split()), 0, -1):
        words = phrase.split()[:cut]
        found = people_in(" ".join(words).rstrip(","), people)
        if found:
            if all(ref == SELF or people.lookup(ref) or _STRONG_NICK.search(ref) for ref in found):
                return PERSONS, found
            return ELIDED, []  # "jobboard is stable, agreed to ...": not sure enough it is a person
    word = phrase.split()[0]
    if word.lower().endswith("'ll") or word.lower().endswith("'m"):
        who = person(word.split("'")[0], people)
        if who:
            return PERSONS, [who]
    second = body.split()[1].lower() if len(body.split()) > 1 else ""
    cls = _classify(word, people)
    if cls == OTHER and second in GROUP_HEADS:
        return GROUP, []
    return cls, []


_BOUNDARY_TAIL = frozenset("and so then but also or now plus".split())


def _boundary_end(before: str) -> bool:
    """Whether ``before`` ends where a clause can start with no subject: nothing, punctuation
    (",", ";", ":", "(", " - ") or a conjunction ("and", "so", "then", "but")."""
    tail = before.rstrip()
    if not tail:
        return True
    if tail[-1] in ",;:([" or tail.endswith((" -", " –", " —")):
        return True
    return tail[tail.rfind(" ") + 1:].lower() in _BOUNDARY_TAIL


def _strip_adverbs(before: str) -> tuple[str, bool]:
    """``before`` without trailing adverbs ("I also", "dansmith again"), and whether one was a hedge."""
    hedged = False
    while True:
        stripped = before.rstrip()
        cut = max(stripped.rfind(" "), stripped.rfind("\n")) + 1
        raw = stripped[cut:]
        if not raw:
            return before, hedged
        token_start = cut
        word = raw.lower()
        if word.endswith(("'ve", "'d")) and len(word) > 3:
            return before[:token_start] + raw.rsplit("'", 1)[0] + " ", hedged
        if word in ("has", "have", "had"):
            before = before[:token_start]
            continue
        if word in _ADVERBS or word in _HEDGES or (word.endswith("ly") and len(word) > 4
                                                   and word not in _NOT_ADVERBS):
            hedged = hedged or word in _HEDGES
            before = before[:token_start]
            continue
        return before, hedged


# --- commitments ----------------------------------------------------------------------------------

def _commitments(text: str, people: People, self_nick: str | None, first: "_Lazy",
                 hints: set[str], speaker: str | None = None) -> tuple[list[Found], bool]:
    """The sentence's actions, and whether it states a plan of "we" ("we will", "we're not going to"),
    which is a decision."""
    found: list[tuple[int, int, str, list[str], str]] = []   # (subject start, verb end, class, refs, form)
    we_plan = False
    lower = _lower(text)
    for match in (_commit_matches(lower, hints) if hints & _COMMIT_HINTS else ()):
        form = match.lastgroup if match.lastgroup in _FORM_NAMES else next(
            name for name in _FORM_NAMES if name in match.groupdict() and match.group(name))
        verb_text = match.group(0).lower()
        after = text[match.end():]
        groups = match.groupdict()
        adverb = (groups.get("gadv") or groups.get("gadv2") or "").lower()
        negated = adverb == "not" or verb_text.startswith("won't") or bool(
            form == "will" and _NOT_NEVER.match(after))
        if adverb in _HEDGES:
            continue
        if form == "offer":
            verb = verb_text.split()[0]
            if verb == "agreed" and not groups.get("to"):
                continue  # "we agreed that", "X agreed": decisions
            if verb == "volunteers" and not groups.get("to"):
                continue
        offset = max(0, match.start() - 160)   # a subject is near its verb: look no further back
        before, hedged = _strip_adverbs(text[offset:match.start()])
        if hedged:
            continue
        if form != "offer" and form != "took":
            tail = before.rstrip()
            prev = tail[tail.rfind(" ") + 1:].lower()
            if prev in _NOT_SUBJECTS:
                continue  # "it will", "this is going to", "which will": no one commits
        if _CONDITIONAL.search(before[-40:]) and _CONDITIONAL.search(before[before.rfind(",") + 1:]):
            continue
        if _NOT_DECIDED.search(" ".join(before.rsplit(None, 2)[-2:])) and form != "took":
            continue
        if _boundary_end(before):
            if before.strip() or offset:
                cls, refs = first.get()
            else:
                cls, refs = (PERSONS, [speaker]) if speaker else (ELIDED, [])
            start = offset + len(before)
        else:
            cls, refs, start = _subject(before, people)
            start += offset
        if cls == WE and form in ("will", "going"):
            if not (_NOT_AFTER_GOING.match(after) or _NOT_A_PLAN.match(after)):
                we_plan = True
            continue
        if negated:
            continue
        if form == "going" and _NOT_AFTER_GOING.match(after):
            continue
        if form == "will" and _NOT_AFTER_WILL.match(after):
            continue
        if form == "offer" and verb_text.startswith("agreed"):
            if cls in (WE, GROUP, OTHER) or (cls == ELIDED and not refs):
                continue  # "we agreed to ...": a decision, found by _decision
        if not _accepts(cls, form, text[start:start + 40].split(" ", 1)[0].lower() if cls == OTHER else ""):
            continue
        found.append((start, match.end(), cls, refs, form))
    out: list[Found] = []
    for i, (_start, verb_end, cls, refs, form) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        vp = _clause(text[verb_end:stop])
        owners = resolve(refs, self_nick) if cls == PERSONS else ()
        if out and _HELP_ONLY.match(vp or "help") and vp is not None and (vp or form == "offer"):
            previous = out[-1]
            out[-1] = Found(ACTION, previous.text, _merge(previous.owners, owners))
            continue
        if not vp:
            out.append(Found(ACTION, text.rstrip("."), owners, needs_context=True))
            continue
        if not owners and _HELP_ONLY.match(vp):
            continue  # "folks volunteered to help": nobody and nothing in particular
        out.append(Found(ACTION, vp, owners))
    extra = _action_for(text, people, self_nick) if hints & _FOR_HINTS else None
    if extra is not None and not out:
        out.append(extra)
    elif extra is not None and out and not out[-1].owners:
        out[-1] = Found(ACTION, out[-1].text, extra.owners, out[-1].needs_context)
    if not out and " to " in text and _TO_START.match(text):
        minutes = _minutes_form(text, people, self_nick)
        if minutes is not None:
            out.append(minutes)
    match = _first(_NEEDS_OWNER, lower) if not out and hints & _OWNER_HINTS else None
    if match is not None:
        if not _HEDGED_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
            out.append(Found(ACTION, text.rstrip("."), (), needs_context=True))
    return out, we_plan


def _accepts(cls: str, form: str, word: str = "") -> bool:
    """Whether a commitment form with this kind of subject is an action (see the module's docstring)."""
    if cls in (PERSONS, HE_SHE, ELIDED):
        return True
    if cls == WE:
        return form in ("took", "offer")
    if cls == GROUP:
        return form in ("took", "going", "offer")
    if cls == OTHER and word and word[0].islower() and word not in FUNCTION_WORDS:
        # "tweining volunteers to ...": a word that may be a nick ptghub does not know: the
        # commitment stands, with no owner
        return form in ("took", "offer")
    return False


_CLAUSE_END = re.compile(r";|\s[-–—]\s|,\s*(?:but|and\s+(?:I|we|he|she|they|then)\b|so\b|which\b)|\s+but\s+")
_CLAUSE_TAIL = re.compile(r"(?:,?\s*(?:and|but|so|then|,))+\s*$", re.I)


def _clause(rest: str) -> str:
    """The verb phrase of a commitment: up to the end of its clause."""
    rest = rest.strip()
    # Each pattern runs only when the text has what it needs (a ";", a ",", a dash, a "but"; a tail
    # ending "and", "but", "so", "then" or ","): a search for an end of clause tries every offset.
    if ";" in rest or "," in rest or "but" in rest or "-" in rest or "–" in rest or "—" in rest:
        cut = _CLAUSE_END.search(rest)
        if cut:
            rest = rest[:cut.start()]
    if rest.rstrip()[-1:] in "dDtToOnN,":
        rest = _CLAUSE_TAIL.sub("", rest)
    rest = rest.strip(" ,.;:!")
    if rest.lower().startswith(("to ", "for ")):
        rest = rest.split(" ", 1)[1]
    if rest.lower().startswith("be ") and rest[3:].split(" ", 1)[0].endswith("ing"):
        rest = rest[3:]  # "will be driving the docs work": "driving the docs work"
    return rest


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    out = list(a)
    for nick in b:
        if nick.lower() not in (o.lower() for o in out):
            out.append(nick)
    return tuple(out)


def _action_for(text: str, people: People, self_nick: str | None) -> Found | None:
    """"action item for X: ...", "AI(X): ...", "assigned to X", "owner: X"."""
    match = _ACTION_FOR.search(text)
    if match:
        subj = match.group("subj") or match.group("subj2") or match.group("subj3")
        refs = people_in(subj, people)
        if refs:
            rest = match.group("rest") or match.group("rest2") or text
            return Found(ACTION, _clause(rest) or text.rstrip("."), resolve(refs, self_nick))
        if match.group("subj") and match.group("subj").lower() in ("me", "myself"):
            return Found(ACTION, _clause(match.group("rest")) or text, resolve([SELF], self_nick))
    field = re.search(r"\b(?:owners?|assignees?)\s*[:=]\s*(@?[\w\-|`^]+(?:\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*&\s*|\s*/\s*)"
                      r"@?[\w\-|`^]+)*)", text, re.I)
    if field:
        refs = people_in(field.group(1), people)
        if refs:
            head = text[:field.start()].rstrip(" ,;:-–(").strip()
            return Found(ACTION, head or text, resolve(refs, self_nick))
    return None


def _minutes_form(text: str, people: People, self_nick: str | None) -> Found | None:
    """"mgoddard to write the spec", "mgoddard and hrw to look into it" at the start of a sentence."""
    body = re.sub(r"^[-–*]\s*", "", text)
    match = _TO_VERB.match(body)
    if not match:
        return None
    from .owners import is_verb  # noqa: PLC0415
    if not is_verb(match.group("verb")) or match.group("verb").lower() == "be":
        return None
    refs = people_in(match.group("subj"), people)
    vp = _clause(body[match.start("verb"):])
    if refs:
        return Found(ACTION, vp, resolve(refs, self_nick))
    words = match.group("subj").split()
    head = words[-1].lower()
    if len(words) <= 3 and (head in GROUP_HEADS or head in PROJECTS):
        return Found(ACTION, vp, ())  # "the team to triage the RFEs", "kolla to support python 3"
    return None


# --- decisions ------------------------------------------------------------------------------------

def _decision(text: str, people: People, first) -> Found | None:
    lower = _lower(text)
    passive = _first(_PASSIVE, lower) if any(word in lower for word in _PASSIVE_WORDS) else None
    if passive and not _NOT_DECIDED.search(" ".join(text[:passive.start()].split()[-2:])):
        if not _CONDITIONAL.search(text[max(0, passive.start() - 30):passive.start()]):
            return Found(DECISION, text)
    for match in _bounded(_DECIDE, lower):
        verb = match.group("verb").lower()
        after = match.group("after").strip().lower()
        before, _ = _strip_adverbs(text[:match.start()])
        words = before.split()
        prev = words[-1].lower() if words else ""
        if prev in _MODAL_BEFORE:
            continue
        if _NOT_DECIDED.search(" ".join(words[-3:])):
            continue
        if after.startswith("with") or (verb == "concluded" and not re.match(r"(?:that|to|we|it|there)\b", after)):
            continue
        if verb in ("accepted", "rejected") and prev not in ("was", "were", "been", "is", "are", "we"):
            continue
        if prev in ("was", "were", "been", "is", "are", "be"):
            if verb in ("agreed", "decided", "accepted", "rejected") and (
                    len(words) < 2 or words[-2].lower() != "not"):
                return Found(DECISION, text)
            continue
        if _boundary_end(before):
            cls, refs = first.get() if before.strip() else (ELIDED, [])
        else:
            cls, refs, _start = _subject(before, people)
        if _CONDITIONAL.search(" ".join(words[-4:])):
            continue
        if verb == "agree" and cls not in (WE, GROUP):
            continue  # "I agree": an opinion
        if cls == OTHER and prev not in ("all", "everyone", "everybody", "both"):
            if not (verb in ("agreed", "decided") and prev in ("and",)):
                continue
        if cls == PERSONS and after in ("to",) and verb == "agreed":
            continue  # "dansmith agreed to help": a commitment
        return Found(DECISION, text)
    return None

