"""Claim alignment and status on hand-labelled claim groups: precision and recall per status.

Each gold group is looked up in the analysis: its members' sentences are found among the predicted
claims' sources. The group's predicted status is the status most of its sentences get (what a reader
sees), "missed" when none is a claim at all; separately, a group is "aligned whole" when all its
sentences land in one predicted claim.

    .venv/bin/python eval/claims.py [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import ROOT, SHARED, sections  # noqa: E402
from storyline.pipeline import analyze  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "claims-gold.txt"
STATUSES = ("corroborated", "single_source", "disputed")


def corpus_inputs(name: str) -> list[str]:
    if name == "paris":
        return sorted(str(p) for p in (SHARED / "corpus" / "paris-summit").glob("0*.txt"))
    if name == "examples":
        return [str(ROOT / "examples")]
    story = name.split("-", 1)[1]
    folder = SHARED / "corpus" / "ecbplus-dev"
    return sorted(str(folder / r["file"]) for r in csv.DictReader((folder / "labels.csv").open()) if r["story"] == story)


def load_gold() -> dict[str, list[tuple[str, str, list[tuple[str, str]]]]]:
    gold: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {}
    for corpus, lines in sections(GOLD).items():
        groups = gold.setdefault(corpus, [])
        for line in lines:
            if line.startswith("--- "):
                status, _, label = line[4:].partition(" | ")
                groups.append((status.strip(), label.strip(), []))
            else:
                prefix, words = line.split("\t")
                groups[-1][2].append((prefix, words))
    return gold


def evaluate(verbose: bool = False) -> dict[str, dict[str, float]]:
    pairs: list[tuple[str, str]] = []  # (gold status, predicted status)
    aligned: list[bool] = []  # all of a group's sentences in one predicted claim
    for corpus, groups in load_gold().items():
        analysis = analyze(corpus_inputs(corpus))
        holder: list[tuple[str, str, str, str]] = []  # (file, claim text as written, claim id, status)
        paths = {a.id: Path(a.path).name for a in analysis.articles}
        for story in analysis.stories:
            for claim in story.claims:
                for article_id, sentence in claim.sources:
                    holder.append((paths[article_id], sentence, f"{story.id}/{claim.id}", claim.status))
        texts = [(Path(a.path).name, a.text) for a in analysis.articles]
        for status, label, members in groups:
            found = []
            for prefix, words in members:
                # the labelled sentence in its article; a claim is one of its clauses or the whole of it
                where = next(((name, text, text.find(words)) for name, text in texts
                              if name.startswith(prefix) and words in text), None)
                hit = None
                if where is not None:
                    name, text, begin = where
                    paragraph_end = text.find("\n", begin) if "\n" in text[begin:] else len(text)
                    starts = [(text.find(claim_text, begin), cid, st) for file, claim_text, cid, st in holder
                              if file == name]
                    starts = [x for x in starts if begin <= x[0] < paragraph_end]
                    hit = min(starts)[1:] if starts else None  # the claim that opens the labelled sentence
                found.append(hit)
            located = [f for f in found if f]
            if not located:
                predicted = "missed"
            else:
                # what a reader sees: the status most of the group's sentences get
                predicted = Counter(status_ for _, status_ in located).most_common(1)[0][0]
            whole = len(located) == len(found) and len({c for c, _ in located}) == 1
            pairs.append((status, predicted))
            aligned.append(whole)
            if verbose and (predicted != status or not whole):
                print(f"  {corpus}: {label!r} gold {status}, got {predicted} "
                      f"({sum(1 for f in found if f)}/{len(found)} sentences found, "
                      f"{len({c for c, _ in located})} claims)")
    out: dict[str, dict[str, float]] = {}
    for status in STATUSES:
        gold_n = sum(g == status for g, _ in pairs)
        pred_n = sum(p == status for _, p in pairs)
        right = sum(g == p == status for g, p in pairs)
        out[status] = {"gold": gold_n, "predicted": pred_n, "precision": right / pred_n if pred_n else 0.0,
                       "recall": right / gold_n if gold_n else 0.0}
    out["all"] = {"groups": len(pairs), "accuracy": sum(g == p for g, p in pairs) / len(pairs),
                  "aligned": sum(aligned) / len(aligned)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    r = evaluate(args.verbose)
    print(f"claims: {r['all']['groups']} labelled groups, status accuracy {r['all']['accuracy']:.3f}, "
          f"groups aligned whole (every sentence in one claim) {r['all']['aligned']:.3f}")
    for status in STATUSES:
        s = r[status]
        print(f"  {status:<14} gold {s['gold']:>3}  predicted {s['predicted']:>3}  precision {s['precision']:.3f}  "
              f"recall {s['recall']:.3f}")


if __name__ == "__main__":
    main()
