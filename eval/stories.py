"""Story clustering on ECB+ dev: B-cubed precision, recall and F1 against the `story` labels.

    .venv/bin/python eval/stories.py [--corpus ../shared/corpus/ecbplus-dev] [--threshold T]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import SHARED, bcubed  # noqa: E402
from storyline.pipeline import Pipeline  # noqa: E402
from storyline.settings import load_options  # noqa: E402
from storyline.store import Store  # noqa: E402


def evaluate(corpus: Path, **settings: object) -> dict[str, float]:
    labels = {row["file"]: row["story"] for row in csv.DictReader((corpus / "labels.csv").open())}
    options = load_options(**{k: v for k, v in settings.items() if v is not None})
    store = Store.open(":memory:")
    pipeline = Pipeline(options, store)
    started = time.perf_counter()
    files = sorted(str(corpus / f) for f in labels)
    pipeline.ingest(files)
    elapsed = time.perf_counter() - started
    predicted = {}
    for story in store.stories():
        for article in store.articles(store.story_article_ids(story.id)):
            predicted[Path(article.path).name] = story.id
    p, r, f = bcubed(predicted, labels)
    return {"documents": len(labels), "stories_gold": len(set(labels.values())), "stories_found": len(store.stories()),
            "precision": p, "recall": r, "f1": f, "seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "ecbplus-dev")
    parser.add_argument("--threshold", type=float, default=None, help="story_threshold to use")
    args = parser.parse_args()
    result = evaluate(args.corpus, story_threshold=args.threshold)
    print(f"ECB+ dev story clustering: {result['documents']} documents, {result['stories_gold']} gold stories, "
          f"{result['stories_found']} found")
    print(f"B-cubed precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}  "
          f"({result['seconds']:.1f} s)")


if __name__ == "__main__":
    main()
