"""Quotes with speakers on the hand-labelled set (150 quotes): precision, recall and speaker accuracy.

A predicted quote matches a gold one in the same article when one's text contains the other's first
words (after folding case, quote marks and accents) and both are direct or both reported. Speaker
accuracy is over matched quotes: the canonical speaker equals the gold one (or shares its surname);
"-" in the gold file means no identifiable speaker, matched by a null speaker.

    .venv/bin/python eval/quotes.py [--verbose] [--model NAME]
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import ROOT, SHARED, sections  # noqa: E402
from eval.entities import articles_of  # noqa: E402
from storyline.analyze.entities import fold, resolve, strip_name  # noqa: E402
from storyline.nlp import load  # noqa: E402
from storyline.pipeline import story_quotes  # noqa: E402
from storyline.settings import Options  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "quotes-gold.txt"
FOLDERS = {"paris": SHARED / "corpus" / "paris-summit", "examples": ROOT / "examples",
           "quotes": Path(__file__).resolve().parent / "data" / "quotes"}


def squash(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def load_gold() -> dict[str, list[tuple[bool, str | None, str]]]:
    gold: dict[str, list[tuple[bool, str | None, str]]] = {}
    for key, lines in sections(GOLD).items():
        for line in lines:
            kind, speaker, words = line.split("\t")
            gold.setdefault(key, []).append((kind == "D", None if speaker == "-" else speaker, words))
    return gold


def same_speaker(predicted: str | None, gold: str | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    a, b = fold(strip_name(predicted)), fold(strip_name(gold))
    return a == b or a.split()[-1] == b.split()[-1] or a in b or b in a


def evaluate(model: str, verbose: bool = False) -> dict[str, float]:
    nlp = load(model)
    gold = load_gold()
    predicted_n = gold_n = matched = speaker_ok = 0
    for corpus, folder in FOLDERS.items():
        keys = [k for k in gold if k.startswith(corpus + "/")]
        files = {k: next(p for p in sorted(folder.iterdir()) if p.name.startswith(k.split("/", 1)[1])) for k in keys}
        arts = articles_of([str(files[k]) for k in keys], nlp)
        entities = resolve(arts)
        quotes = story_quotes(arts, entities)
        for key in keys:
            # a feed file holds several articles: its quotes are pooled
            ids = {a.id for a in arts if Path(a.path).name == files[key].name}
            mine = [q for q in quotes if q.article_id in ids]
            predicted_n += len(mine)
            gold_n += len(gold[key])
            used: set[int] = set()
            for direct, speaker, words in gold[key]:
                target = squash(words)
                hit = next((i for i, q in enumerate(mine) if i not in used and q.direct == direct and
                            (target in squash(q.text) or (len(squash(q.text)) > 8 and squash(q.text) in target))),
                           None)
                if hit is None:
                    if verbose:
                        print(f"  missed   {key} {'D' if direct else 'R'} {speaker}: {words}")
                    continue
                used.add(hit)
                matched += 1
                if same_speaker(mine[hit].speaker, speaker):
                    speaker_ok += 1
                elif verbose:
                    print(f"  speaker  {key} {words!r}: got {mine[hit].speaker!r}, gold {speaker!r}")
            if verbose:
                for i, q in enumerate(mine):
                    if i not in used:
                        print(f"  spurious {key} {'D' if q.direct else 'R'} {q.speaker}: {q.text[:70]}")
    precision, recall = matched / predicted_n, matched / gold_n
    return {"gold": gold_n, "predicted": predicted_n, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall), "speaker_accuracy": speaker_ok / matched,
            "end_to_end": speaker_ok / gold_n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=Options().spacy_model)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    r = evaluate(args.model, args.verbose)
    print(f"quotes ({args.model}): {r['gold']} gold, {r['predicted']} predicted")
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  speaker accuracy "
          f"{r['speaker_accuracy']:.3f}  (quote and speaker right: {r['end_to_end']:.3f} of gold)")


if __name__ == "__main__":
    main()
