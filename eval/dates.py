"""Time expressions on the hand-labelled set: span and value precision, recall and F1 (TempEval style).

A predicted expression matches a gold one when their spans overlap (relaxed match, as TempEval-3
reports beside strict); its value counts when it equals the gold value (null = unresolved).

    .venv/bin/python eval/dates.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storyline.analyze.dates import find_dates  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "dates-gold.txt"


def load() -> list[tuple[str | None, str, list[tuple[str, str | None, str]]]]:
    items: list[tuple[str | None, str, list[tuple[str, str | None, str]]]] = []
    for raw in DATA.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        if raw.startswith("=== "):
            published, _, sentence = raw[4:].partition(" | ")
            items.append((None if published == "none" else published, sentence, []))
        else:
            text, value, type_ = raw.split("\t")
            items[-1][2].append((text, None if value == "null" else value, type_))
    return items


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(verbose: bool = False) -> dict[str, float]:
    gold_n = pred_n = strict = relaxed = value_ok = type_ok = 0
    for published, sentence, gold in load():
        predicted = find_dates(sentence, published)
        pred_n += len(predicted)
        gold_n += len(gold)
        used: set[int] = set()
        for text, value, type_ in gold:
            start = sentence.find(text)
            end = start + len(text)
            match = next((i for i, m in enumerate(predicted)
                          if i not in used and m.start < end and start < m.end), None)
            if match is None:
                if verbose:
                    print(f"  missed    {text!r} in {sentence!r}")
                continue
            used.add(match)
            m = predicted[match]
            relaxed += 1
            strict += (m.start, m.end) == (start, end)
            value_ok += m.value == value
            type_ok += m.type == type_
            if verbose and m.value != value:
                print(f"  value     {text!r}: got {m.value!r} ({m.text!r}), gold {value!r}")
        if verbose:
            for i, m in enumerate(predicted):
                if i not in used:
                    print(f"  spurious  {m.text!r} -> {m.value!r} in {sentence!r}")
    p, r = relaxed / pred_n, relaxed / gold_n
    sp, sr = strict / pred_n, strict / gold_n
    vp, vr = value_ok / pred_n, value_ok / gold_n
    return {"gold": gold_n, "predicted": pred_n, "span_f1_relaxed": _f1(p, r), "span_f1_strict": _f1(sp, sr),
            "span_p": p, "span_r": r, "value_p": vp, "value_r": vr, "value_f1": _f1(vp, vr),
            "type_accuracy": type_ok / relaxed if relaxed else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    r = evaluate(args.verbose)
    print(f"dates: {r['gold']} gold expressions, {r['predicted']} predicted")
    print(f"span F1 relaxed {r['span_f1_relaxed']:.3f} (P {r['span_p']:.3f} R {r['span_r']:.3f}), "
          f"strict {r['span_f1_strict']:.3f}")
    print(f"value F1 {r['value_f1']:.3f} (P {r['value_p']:.3f} R {r['value_r']:.3f}); type accuracy "
          f"{r['type_accuracy']:.3f}   [HeidelTime on TempEval-3: value F1 0.776]")


if __name__ == "__main__":
    main()
