"""Extraction reads a note block by block (the runs of lines between empty lines) and remembers what
each block gave: what is open at an empty line (a heading, an "Action items:" list, the sentence before)
carries into the next block, line numbers count the empty lines, and a remembered block gives what a
first reading gives."""
from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from services.notes.extraction import Context, People, analyse, caching, extract

ROOT = Path(__file__).resolve().parents[2]


def _corpus():
    spec = importlib.util.spec_from_file_location("bench_extraction_blocks", ROOT / "bench" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module, module.load_corpus()


def _shape(extraction):
    return ([(i.kind, i.text, i.line, i.source, i.owners, i.due, i.suggested, i.url, i.urls) for i in extraction.items],
            [(p.line, p.marker, p.message) for p in extraction.invalid])


def test_a_list_heading_holds_across_an_empty_line():
    text = "Action items:\n\n* mgoddard write the spec\n\n* hrw: fix the job"
    items = extract(text, Context(people=People(["mgoddard", "hrw"])))
    assert [(i.kind, i.text, i.owners, i.line) for i in items] == [
        ("action", "write the spec", ("mgoddard",), 3), ("action", "fix the job", ("hrw",), 5)]


def test_line_numbers_count_empty_lines_and_windows_line_ends():
    text = "intro\r\n\r\n\r\n#agreed move the meeting\r\n\r\n  \r\n#action hrw test it"
    items = extract(text, Context(people=People(["hrw"])))
    assert [(i.kind, i.line) for i in items] == [("decision", 4), ("action", 7)]


def test_an_item_repeated_in_a_later_block_is_listed_once():
    text = "#action hrw test it\n\nsomething else\n\n#action hrw test it"
    assert len(extract(text, Context(people=People(["hrw"])))) == 1


def test_a_pasted_mails_sender_is_i_in_every_block():
    text = "From: Mark Goddard <mark@example.com>\n\nHi all,\n\nI volunteered to write the spec.\n\nThanks,\nMark"
    items = extract(text, Context(author="hrw", people=People({"mgoddard": ["Mark Goddard"], "hrw": []})))
    assert [i.owners for i in items if i.kind == "action"] == [("mgoddard",)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_remembered_reading_equals_a_first_reading(seed):
    bench, entries = _corpus()
    rng = random.Random(seed)
    try:
        for entry in entries:
            context = bench.context_of(entry)
            lines = entry.text.split("\n")
            edited = list(lines)
            for _ in range(3):
                if not edited:
                    break
                at = rng.randrange(len(edited))
                edited[at:at + 1] = rng.choice([[""], [edited[at] + " (edited)"], [], [edited[at], ""]])
            for text in (entry.text, "\n".join(edited)):
                caching(False)
                first = _shape(analyse(text, context))
                caching(True)
                analyse(entry.text, context)   # the memo now holds the original's blocks
                analyse("\n".join(edited), context)
                assert _shape(analyse(text, context)) == first, entry.file
    finally:
        caching(True)


def test_a_block_too_long_to_remember_is_read_all_the_same():
    from services.notes.extraction import engine

    filler = "a line of talk about the gate jobs and what they test\n" * 400
    text = f"#agreed move the meeting\n{filler}#action hrw test it\n\n#info done"
    assert len(text.split("\n\n")[0]) > engine.MEMO_BLOCK
    first = _shape(analyse(text, Context(people=People(["hrw"]))))
    again = _shape(analyse(text, Context(people=People(["hrw"]))))
    assert first == again and [(kind, line) for kind, _, line, *_ in first[0]] == [
        ("decision", 1), ("action", 402), ("info", 404)]
