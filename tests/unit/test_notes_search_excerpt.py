"""The part of a note's body a PostgreSQL excerpt is highlighted in (``ts_headline`` parses all it is
given): the lines where the query's stems begin a word, a long line cut around the word, else the head."""
from services.notes.domain.search import EXCERPT_CHARS, excerpt_source


def long_note(line: str, at: int) -> str:
    filler = [f"* line {n}: nothing of note here, the usual chatter" for n in range(at)]
    return "\n".join(filler + [line] + filler) + "\n"


def test_a_short_body_is_given_whole():
    body = "We agreed to move the meetings.\nNothing else.\n"
    assert excerpt_source(body, ["agre"]) == body


def test_the_lines_holding_the_stems_of_a_long_body_in_order():
    body = long_note("* We agreed that the RAID step goes in.", 200)
    body += "\n- They AGREE on the podman default too.\n"
    source = excerpt_source(body, ["agre"])
    assert source == "* We agreed that the RAID step goes in.\n- They AGREE on the podman default too."


def test_a_stem_must_begin_a_word_and_a_final_i_stands_for_y():
    body = long_note("the disagreement lingered", 100) + "\nwe are happy with the policy\n"
    assert excerpt_source(body, ["agre"]) == body[:EXCERPT_CHARS]  # "disagreement" is not "agre..."
    assert excerpt_source(body, ["happi", "polici"]) == "we are happy with the policy"


def test_a_long_line_is_cut_around_its_word_at_spaces():
    words = " ".join(f"word{n}" for n in range(2000))
    body = long_note(words.replace("word1500", "kayobe"), 50)
    source = excerpt_source(body, ["kayob"], limit=300)
    assert "kayobe" in source and len(source) <= 300
    assert source.split(" ")[0].startswith("word") and source.split(" ")[-1].startswith("word")
    assert source.index("kayobe") < len(source) // 2


def test_the_lines_stop_at_the_limit_and_no_match_gives_the_head():
    body = "\n".join(f"the kayobe gate, take {n}" for n in range(500))
    source = excerpt_source(body, ["kayob"], limit=200)
    assert len(source) <= 200 and source.startswith("the kayobe gate, take 0\n")
    assert excerpt_source(body, ["nova"], limit=200) == body[:200]
    assert excerpt_source(body, [], limit=200) == body[:200]
