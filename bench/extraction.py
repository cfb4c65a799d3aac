"""Precision and recall of note extraction on the labelled corpus, and its speed.

    python bench/extraction.py [--show] [--json]

Reads only ``tests/fixtures/extraction/``: ``labels.json`` (hand labels of three seed write-ups) and
``labels-ours.json`` (texts written for this corpus in other styles), the texts under ``texts/``. Runs
``extract`` over every labelled text with the labels' author (and, where a label file gives them, the
people ptghub would know and the event's calendar), and matches what it found to the labels:

- a found item matches a label when its source sentence contains the label's ``contains`` phrase
  (whitespace-normalised, case-insensitive) and the kinds agree (action; decision, with ``#accepted`` and
  ``#rejected`` counted as decisions); each label and each found item is matched once;
- *recall* counts the non-optional labels matched; *precision* the found items that match a label
  (optional ones included);
- an *invented owner* is an owner of a matched item that the label does not name, or an owner of an
  unmatched item who is not named as a committer by any label of that text. The target is none.

Prints a table per text (with the time each took), one per kind with the totals, and the time for a
5,000-line note. Target: recall >= 0.9 on actions and decisions, 0 invented owners, a 5,000-line note in
well under 50 ms. ``--show`` lists the misses and the unmatched finds; ``--json`` prints the figures as JSON
on the last line. Exits 1 when the recall or invented-owner target is missed (the speed line is printed,
not enforced: it depends on the machine, whose speed the "machine:" line shows).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "extraction"
LABEL_FILES = ("labels.json", "labels-ours.json")
TARGET_RECALL = 0.9
TARGET_MS_5000 = 50.0

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.notes.extraction import (  # noqa: E402
    ACCEPTED, ACTION, DECISION, REJECTED, Calendar, Context, People, caching, extract)

BUCKETS = {ACTION: "action", DECISION: "decision", ACCEPTED: "decision", REJECTED: "decision"}


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


@dataclass
class Entry:
    file: str
    author: str | None
    labels: dict[str, list[dict]]
    people: People
    calendar: Calendar
    text: str = ""


@dataclass
class Score:
    labelled: int = 0
    found: int = 0
    matched_labels: int = 0      # non-optional labels matched
    matched_found: int = 0       # found items matching a label (optional ones too)
    invented: int = 0
    owners_right: int = 0        # matched non-optional labels whose owners are exactly right
    due_labelled: int = 0
    due_right: int = 0
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)
    invented_list: list = field(default_factory=list)
    owner_misses: list = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("labelled", "found", "matched_labels", "matched_found", "invented", "owners_right",
                     "due_labelled", "due_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.invented_list += other.invented_list
        self.owner_misses += other.owner_misses

    @property
    def precision(self) -> float:
        return self.matched_found / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched_labels / self.labelled if self.labelled else 1.0


def _date(value):
    return date.fromisoformat(value) if value else None


def load_corpus(fixtures: Path = FIXTURES) -> list[Entry]:
    entries = []
    for name in LABEL_FILES:
        path = fixtures / name
        if not path.exists():
            continue
        for raw in json.loads(path.read_text(encoding="utf-8"))["texts"]:
            cal = raw.get("calendar") or {}
            entry = Entry(
                raw["seed"], raw.get("author"),
                {"action": raw.get("actions", []), "decision": raw.get("decisions", [])},
                People(raw.get("people") or {}),
                Calendar(_date(cal.get("start")), _date(cal.get("end")), cal.get("timezone", "UTC"),
                         _date(cal.get("today"))))
            entry.text = (fixtures / "texts" / entry.file).read_text(encoding="utf-8")
            entries.append(entry)
    return entries


def context_of(entry: Entry) -> Context:
    return Context(author=entry.author, people=entry.people, calendar=entry.calendar)


def score_entry(entry: Entry, items) -> dict[str, Score]:
    committers = {owner.lower() for label in entry.labels["action"] for owner in label.get("owners", [])}
    scores = {}
    for bucket in ("action", "decision"):
        score = Score()
        labels = entry.labels[bucket]
        found = [item for item in items if BUCKETS.get(item.kind) == bucket]
        score.labelled = sum(1 for label in labels if not label.get("optional"))
        score.found = len(found)
        sources = [norm(item.source) for item in found]
        candidates = [[j for j, source in enumerate(sources) if norm(label["contains"]) in source]
                      for label in labels]
        used: set[int] = set()
        matched: dict[int, int] = {}
        for i in sorted(range(len(labels)), key=lambda i: (len(candidates[i]), i)):
            want = {o.lower() for o in labels[i].get("owners", [])}
            options = [j for j in candidates[i] if j not in used]
            options.sort(key=lambda j: ({o.lower() for o in found[j].owners} != want, j))
            if options:
                used.add(options[0])
                matched[i] = options[0]
        for i, label in enumerate(labels):
            if i not in matched:
                if not label.get("optional"):
                    score.misses.append((entry.file, bucket, label["contains"]))
                continue
            item = found[matched[i]]
            score.matched_found += 1
            want = {o.lower() for o in label.get("owners", [])}
            extra = [o for o in item.owners if o.lower() not in want]
            score.invented += len(extra)
            score.invented_list += [(entry.file, o, item.source) for o in extra]
            if not label.get("optional"):
                score.matched_labels += 1
                if bucket == "action" and {o.lower() for o in item.owners} == want:
                    score.owners_right += 1
                elif bucket == "action":
                    score.owner_misses.append((entry.file, label["contains"], list(item.owners),
                                               label.get("owners", [])))
                if "due" in label:
                    score.due_labelled += 1
                    score.due_right += (item.due.isoformat() if item.due else None) == label["due"]
        for j, item in enumerate(found):
            if j in used:
                continue
            score.extras.append((entry.file, bucket, item.text, item.owners))
            extra = [o for o in item.owners if o.lower() not in committers]
            score.invented += len(extra)
            score.invented_list += [(entry.file, o, item.source) for o in extra]
        scores[bucket] = score
    return scores


def timed(fn, repeat: int, cold: bool = True) -> tuple[float, float]:
    """Median milliseconds of ``fn``, as (CPU time of this process, wall clock). The CPU time is the
    figure to read on a shared machine (other processes taking the CPUs do not inflate it).
    ``cold``: with extraction's sentence cache off (every sentence as if never seen), otherwise warm
    (the same text again, as when a note is saved again)."""
    cpu, wall = [], []
    caching(not cold)
    try:
        for _ in range(repeat):
            began, began_cpu = time.perf_counter(), time.process_time()
            fn()
            cpu.append((time.process_time() - began_cpu) * 1000)
            wall.append((time.perf_counter() - began) * 1000)
    finally:
        caching(True)
    return statistics.median(cpu), statistics.median(wall)


def loop_ms() -> float:
    began = time.process_time()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.process_time() - began) * 1000


def big_note(entries: list[Entry], lines: int = 5000) -> str:
    """5,000 lines of the corpus's own texts, repeated: as dense in items as the labelled texts. Lines
    over 1,000 characters (the seeds' one-line HTML and flattened mails) are left out: a pad's lines
    are short, and 5,000 of those would make an 18 MB note."""
    pool = [line for entry in entries for line in entry.text.splitlines() if len(line) <= 1000]
    out: list[str] = []
    while len(out) < lines:
        out.extend(pool)
    return "\n".join(out[:lines])


def run(show: bool = False, as_json: bool = False, repeat: int = 5) -> dict:
    entries = load_corpus()
    totals = {"action": Score(), "decision": Score()}
    others: dict[str, int] = {}
    print(f"{'text':34} {'lines':>5} {'actions':>9} {'decisions':>9} {'ms cpu':>7}")
    per_text = []
    for entry in entries:
        context = context_of(entry)
        items = extract(entry.text, context)
        ms, _ = timed(lambda text=entry.text, context=context: extract(text, context), repeat)  # cold
        scores = score_entry(entry, items)
        for bucket, score in scores.items():
            totals[bucket].add(score)
        for item in items:
            if item.kind not in BUCKETS:
                others[item.kind] = others.get(item.kind, 0) + 1
        a, d = scores["action"], scores["decision"]
        print(f"{entry.file:34} {len(entry.text.splitlines()):>5} {a.matched_labels:>4}/{a.labelled:<4}"
              f" {d.matched_labels:>4}/{d.labelled:<4} {ms:>7.2f}")
        per_text.append({"text": entry.file, "ms": round(ms, 3), "actions": [a.matched_labels, a.labelled],
                         "decisions": [d.matched_labels, d.labelled]})
    print()
    print(f"{'kind':10} {'labelled':>8} {'found':>6} {'matched':>7} {'precision':>9} {'recall':>6} "
          f"{'invented':>8} {'owners ok':>9}")
    figures = {}
    for bucket, score in totals.items():
        owners_ok = f"{score.owners_right}/{score.matched_labels}" if bucket == "action" else "-"
        print(f"{bucket:10} {score.labelled:>8} {score.found:>6} {score.matched_labels:>7} "
              f"{score.precision:>9.2f} {score.recall:>6.2f} {score.invented:>8} {owners_ok:>9}")
        figures[bucket] = {"labelled": score.labelled, "found": score.found, "matched": score.matched_labels,
                           "precision": round(score.precision, 3), "recall": round(score.recall, 3),
                           "invented_owners": score.invented, "owners_right": score.owners_right}
    total = Score()
    for score in totals.values():
        total.add(score)
    print(f"{'total':10} {total.labelled:>8} {total.found:>6} {total.matched_labels:>7} "
          f"{total.precision:>9.2f} {total.recall:>6.2f} {total.invented:>8}")
    due = totals["action"]
    if due.due_labelled:
        print(f"due dates right: {due.due_right}/{due.due_labelled}")
    if others:
        print("other kinds found (not labelled): " + ", ".join(f"{k} {v}" for k, v in sorted(others.items())))
    note = big_note(entries)
    big_ms, big_wall = timed(lambda: extract(note, Context(author="mgoddard")), max(repeat, 9))
    warm_ms, warm_wall = timed(lambda: extract(note, Context(author="mgoddard")), max(repeat, 9), cold=False)
    print(f"5,000-line note ({len(note):,} chars): {big_ms:.1f} ms cold, {warm_ms:.1f} ms saved again "
          f"(median CPU time; wall clock {big_wall:.1f} / {warm_wall:.1f} ms; target < {TARGET_MS_5000:.0f} ms cold)")
    print(f"machine: a 1,000,000-step Python loop takes {loop_ms():.0f} ms of CPU here (to scale the figures above)")
    ok = (totals["action"].recall >= TARGET_RECALL and totals["decision"].recall >= TARGET_RECALL
          and total.invented == 0)
    fast = big_ms < TARGET_MS_5000
    print(f"target: recall >= {TARGET_RECALL} on actions and decisions, 0 invented owners: "
          f"{'met' if ok else 'MISSED'}")
    print(f"speed: a 5,000-line note in under {TARGET_MS_5000:.0f} ms of CPU, cold: {'met' if fast else 'MISSED'} "
          f"({big_ms:.1f} ms; saved again {warm_ms:.1f} ms)")
    if show:
        for file, bucket, phrase in total.misses:
            print(f"  miss    {file} {bucket}: {phrase}")
        for file, bucket, text, owners in total.extras:
            print(f"  extra   {file} {bucket}: {text[:100]} {list(owners)}")
        for file, phrase, got, want in total.owner_misses:
            print(f"  owners  {file} {phrase}: found {got}, labelled {want}")
        for file, owner, source in total.invented_list:
            print(f"  invented {file} {owner}: {' '.join(source.split())[:100]}")
    result = {"kinds": figures, "texts": per_text, "note_5000_ms": round(big_ms, 2),
              "note_5000_saved_again_ms": round(warm_ms, 2), "targets_met": ok, "speed_met": fast}
    if as_json:
        print(json.dumps(result))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="list misses, unmatched finds, invented owners")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=5, help="runs per text for the timings")
    args = parser.parse_args()
    result = run(args.show, args.json, args.repeat)
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
