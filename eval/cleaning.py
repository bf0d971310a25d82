"""Boilerplate removal on the hand-labelled dev set: line-level precision and recall of junk removal.

A junk line counts as removed when its words are not in the clean text; a body line counts as kept
when its words are (joined lines included). Metadata lines (M) are not scored.

    .venv/bin/python eval/cleaning.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storyline.clean import clean_documents  # noqa: E402
from storyline.model import RawDocument  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "cleaning-dev.txt"


def load(path: Path = DATA) -> list[tuple[str, list[tuple[str, str]]]]:
    texts: list[tuple[str, list[tuple[str, str]]]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#"):
            continue
        if raw.startswith("=== "):
            texts.append((raw[4:].strip(), []))
        elif raw.strip() == "":
            if texts:
                texts[-1][1].append(("", ""))
        else:
            label, _, line = raw.partition("\t")
            texts[-1][1].append((label, line))
    return texts


def _norm(text: str) -> str:
    return " ".join(text.split())


def evaluate(verbose: bool = False) -> dict[str, float]:
    texts = load()
    docs = [RawDocument(path=name, text="\n".join(line for _, line in lines)) for name, lines in texts]
    cleaned = clean_documents(docs)
    tp = fp = fn = 0  # junk removed / body removed / junk kept
    body_total = body_kept = 0
    for (name, lines), doc in zip(texts, cleaned):
        body = _norm(doc.text)
        for label, line in lines:
            if not line or label == "M":
                continue
            content = _norm(line)
            # a published-date prefix glued to a body line is metadata: score the sentence after it
            if label == "B" and content.startswith("date ") and content[5:15].count("-") == 2:
                content = content[16:]
            kept = content in body
            if label == "J":
                tp += not kept
                fn += kept
                if kept and verbose:
                    print(f"  junk kept    {name}: {line[:90]}")
            else:
                body_total += 1
                body_kept += kept
                fp += not kept
                if not kept and verbose:
                    print(f"  body removed {name}: {line[:90]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"texts": len(texts), "junk_lines": tp + fn, "body_lines": body_total, "precision": precision,
            "recall": recall, "body_kept": body_kept / body_total if body_total else 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="list every mistake")
    args = parser.parse_args()
    r = evaluate(args.verbose)
    print(f"cleaning dev set: {r['texts']} texts, {r['junk_lines']} junk lines, {r['body_lines']} body lines")
    print(f"junk removal: precision {r['precision']:.3f}  recall {r['recall']:.3f}   body lines kept {r['body_kept']:.3f}")


if __name__ == "__main__":
    main()
