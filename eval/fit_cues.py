"""Fit which cue verbs and kinds of content make reported speech, on PolNeAR train.

Every reported-speech candidate storyline finds (storyline.analyze.quotes._reported with the table
unapplied) is counted per (cue lemma, kind of content) as right when it overlaps an annotated
attribution's content. A candidate is kept when its smoothed precision (backed off to its kind's)
reaches a threshold; the threshold is the one that maximises reported-speech F1 on train, with recall
counted against train's reported gold quotes. Writes storyline/data/cue_weights.json with --write.

    .venv/bin/python eval/fit_cues.py [--limit N] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval import polnear  # noqa: E402
from storyline.analyze import quotes as quotes_module  # noqa: E402
from storyline.analyze.entities import extract_mentions  # noqa: E402
from storyline.nlp import load  # noqa: E402
from storyline.settings import Options  # noqa: E402

THRESHOLDS = [x / 20 for x in range(4, 19)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=Options().spacy_model)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    nlp = load(args.model)
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    kinds_right: Counter[str] = Counter()
    kinds_seen: Counter[str] = Counter()
    candidates: list[tuple[str, str, bool, bool]] = []  # lemma, kind, right, finds a gold no other finds
    gold_n = 0
    for name, doc in polnear.parsed("train", nlp, args.model, args.limit):
        path = polnear.annotation_file("train", name)
        assert path is not None
        gold, attributions = polnear.gold_quotes(doc, polnear.read_attributions(path))
        gold_n += sum(g.kind == "reported" for g in gold)
        contents = [span for a in attributions for span in a.content]
        mentions = extract_mentions(doc)
        covered = [(q.start, q.end) for q in quotes_module.extract_quotes(doc, mentions) if q.direct]
        found: list[tuple[quotes_module.QuoteMention, str, str]] = []
        quotes_module._reported(doc, mentions, covered, seen=found)
        for quote, lemma, kind in found:
            ok = any(min(quote.end, e) - max(quote.start, s) >= 3 for s, e in contents)
            hits = any(g.kind == "reported" and any(min(quote.end, e) - max(quote.start, s) >= 3 for s, e in g.content)
                       for g in gold)
            key = f"{lemma} {kind}"
            right[key] += ok
            seen[key] += 1
            kinds_right[kind] += ok
            kinds_seen[kind] += 1
            candidates.append((lemma, kind, ok, hits))
    table = {"kinds": {k: [kinds_right[k], kinds_seen[k]] for k in kinds_seen},
             "cues": {k: [right[k], seen[k]] for k in seen}, "threshold": 0.0}
    best = (0.0, 0.0)
    print(f"reported-speech candidates on train: {len(candidates)}, reported gold {gold_n}")
    for threshold in THRESHOLDS:
        table["threshold"] = threshold
        kept = [c for c in candidates if quotes_module.cue_precision(c[0], c[1], table) >= threshold]
        p = sum(c[2] for c in kept) / len(kept) if kept else 0.0
        r = min(1.0, sum(c[3] for c in kept) / gold_n) if gold_n else 0.0  # approximate: one hit per gold
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  threshold {threshold:.2f}: kept {len(kept):5}  P {p:.3f}  R~{r:.3f}  F1~{f:.3f}")
        if f > best[1]:
            best = (threshold, f)
    table["threshold"] = best[0]
    print(f"chosen threshold {best[0]:.2f}; kinds: " +
          ", ".join(f"{k} {kinds_right[k]}/{kinds_seen[k]}" for k in sorted(kinds_seen)))
    if args.write:
        table["fitted_by"] = "eval/fit_cues.py on PolNeAR train"
        quotes_module._CUES_PATH.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {quotes_module._CUES_PATH}")


if __name__ == "__main__":
    main()
