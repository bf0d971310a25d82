"""Quotes with speakers: PolNeAR dev (human-annotated, held out) and the self-labelled set (150 quotes).

PolNeAR (see eval/polnear.py for the gold side): quote span precision, recall and F1 with overlap match
(a predicted quote is right when it shares a word's worth of characters with an annotated attribution's
content; a gold quote is found when a prediction overlaps it), and speaker accuracy over found quotes
with an annotated source, for direct quotes, reported speech (speech-verb cues) and all. A speaker is
right when it names the gold speaker (same words, one inside the other, all of its words among the
gold's, or the same surname); for an unnamed, non-pronoun source ("officials", "a source") no speaker
is right as well. "named" restricts to gold speakers that hold a named entity. The baseline in the same
run: every quoted run of 3+ words and every clause of "say", spoken by the nearest person named before.

Self-labelled set: a predicted quote matches a gold one in the same article when one's text contains
the other's first words (after folding case, quote marks and accents) and both are direct or both reported. Speaker
accuracy is over matched quotes: the canonical speaker equals the gold one (or shares its surname);
"-" in the gold file means no identifiable speaker, matched by a null speaker.

    .venv/bin/python eval/quotes.py [--verbose] [--model NAME] [--split dev|train] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval import polnear  # noqa: E402
from eval.common import ROOT, SHARED, sections  # noqa: E402
from eval.entities import articles_of  # noqa: E402
from storyline.analyze.entities import extract_mentions, fold, resolve, strip_name  # noqa: E402
from storyline.analyze.quotes import extract_quotes  # noqa: E402
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


_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|his|her|their|its|another|one)\s+")
_KINDS = ("direct", "reported", "all")


def _norm(name: str) -> str:
    name = re.sub(r"[’']s\b", "", strip_name(name))
    return " ".join(re.findall(r"\w+", _DETERMINERS.sub("", fold(name))))


def speaker_right(predicted: str | None, gold: polnear.GoldQuote) -> bool:
    variants = [v for v in dict.fromkeys([gold.speaker, gold.source]) if v]
    if not variants:
        return predicted is None  # an attribution with no source
    pronoun = (gold.source or "").lower().strip() in polnear.PRONOUNS
    if predicted is None:
        return not gold.named and not pronoun
    p = _norm(predicted)
    for variant in variants:
        g = _norm(variant)
        if not p or not g:
            continue
        if p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} " or set(p.split()) <= set(g.split()) or \
                (p.split()[-1] == g.split()[-1] and variant.split()[-1][:1].isupper()):
            return True
    return False


def _baseline(doc) -> list[tuple[int, int, bool, str | None]]:
    """Quoted runs of 3+ words and clauses of "say", each spoken by the nearest person named before it."""
    spans: list[tuple[int, int, bool]] = []
    for m in re.finditer(r"“([^”]+)”|\"([^\"\n]+)\"", doc.text):
        group = 1 if m.group(1) is not None else 2
        if len(m.group(group).split()) >= 3:
            spans.append((m.start(group), m.end(group), True))
    for token in doc:
        if token.lemma_ == "say":
            for clause in (c for c in token.children if c.dep_ == "ccomp"):
                words = list(clause.subtree)
                spans.append((words[0].idx, words[-1].idx + len(words[-1].text), False))
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    out = []
    for start, end, direct in spans:
        before = [e for e in persons if e.start_char < start]
        out.append((start, end, direct, before[-1].text if before else None))
    return out


def polnear_scores(split: str, model: str, verbose: bool = False, limit: int | None = None,
                   baseline: bool = False) -> dict[str, dict[str, float]]:
    """Span P/R/F1 and speaker accuracy per kind (direct / reported / all) on one PolNeAR split."""
    nlp = load(model)
    c: dict[str, dict[str, int]] = {k: dict.fromkeys(("gold", "found", "judged", "pred", "right", "spk", "named", "named_ok"), 0)
                                    for k in _KINDS}
    for name, doc in polnear.parsed(split, nlp, model, limit):
        path = polnear.annotation_file(split, name)
        assert path is not None
        gold, attributions = polnear.gold_quotes(doc, polnear.read_attributions(path))
        if baseline:
            predicted = _baseline(doc)
        else:
            predicted = [(q.start, q.end, q.direct, q.speaker) for q in extract_quotes(doc, extract_mentions(doc))]
        contents = [span for a in attributions for span in a.content]
        for start, end, direct, speaker in predicted:
            right = any(min(end, e) - max(start, s) >= 3 for s, e in contents)
            for kind in ("direct" if direct else "reported", "all"):
                c[kind]["pred"] += 1
                c[kind]["right"] += right
            if verbose and not right:
                print(f"  spurious {name} {'D' if direct else 'R'} {speaker}: {doc.text[start:end][:80]!r}")
        for g in gold:
            kinds = [g.kind, "all"] if g.kind != "other" else ["all"]
            overlaps = [(sum(max(0, min(end, e) - max(start, s)) for s, e in g.content), speaker)
                        for start, end, _, speaker in predicted]
            best = max(overlaps, default=(0, None), key=lambda o: o[0])
            for kind in kinds:
                c[kind]["gold"] += 1
            if best[0] < 3:
                if verbose:
                    print(f"  missed   {name} {g.kind[0].upper()} {g.source}: {doc.text[g.start:g.content[0][1]][:80]!r}")
                continue
            ok = speaker_right(best[1], g)
            for kind in kinds:
                c[kind]["found"] += 1
                c[kind]["judged"] += g.source is not None
                c[kind]["spk"] += ok and g.source is not None
                c[kind]["named"] += g.named
                c[kind]["named_ok"] += ok and g.named
            if verbose and not ok and g.source is not None:
                print(f"  speaker  {name} {g.kind[0].upper()} got {best[1]!r}, gold {g.source!r}"
                      f" -> {g.speaker!r}: {doc.text[g.start:g.content[0][1]][:60]!r}")
    out = {}
    for kind, n in c.items():
        p = n["right"] / n["pred"] if n["pred"] else 0.0
        r = n["found"] / n["gold"] if n["gold"] else 0.0
        out[kind] = {"gold": n["gold"], "predicted": n["pred"], "precision": p, "recall": r,
                     "f1": 2 * p * r / (p + r) if p + r else 0.0,
                     "speaker": n["spk"] / n["judged"] if n["judged"] else 0.0,
                     "speaker_named": n["named_ok"] / n["named"] if n["named"] else 0.0}
    return out


# The same evaluation run on main before the PolNeAR work (commit 4ce8901), for comparison in make eval.
BEFORE = {"direct": (0.963, 0.728), "reported": (0.724, 0.900), "all": (0.814, 0.811)}  # (F1, speaker)


def _print_polnear(label: str, scores: dict[str, dict[str, float]]) -> None:
    for kind, r in scores.items():
        print(f"  {label:9} {kind:8} gold {r['gold']:4.0f}  predicted {r['predicted']:4.0f}  P {r['precision']:.3f}  "
              f"R {r['recall']:.3f}  F1 {r['f1']:.3f}  speaker {r['speaker']:.3f}  (named {r['speaker_named']:.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=Options().spacy_model)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles of the split")
    parser.add_argument("--polnear-only", action="store_true")
    args = parser.parse_args()
    if polnear.POLNEAR.exists():
        held = "held out" if args.split == "dev" else "rules and weights tuned on it"
        print(f"quotes on PolNeAR {args.split} (human-annotated, {held}; {args.model}):")
        _print_polnear("storyline", polnear_scores(args.split, args.model, args.verbose, args.limit))
        _print_polnear("baseline", polnear_scores(args.split, args.model, False, args.limit, baseline=True))
        if args.split == "dev" and args.limit is None:
            print("  before this work (main 4ce8901, same evaluation): " +
                  "  ".join(f"{k} F1 {f:.3f} speaker {a:.3f}" for k, (f, a) in BEFORE.items()))
    if args.polnear_only:
        return
    r = evaluate(args.model, args.verbose)
    print(f"quotes, self-labelled set ({args.model}; labelled while the rules were written): "
          f"{r['gold']} gold, {r['predicted']} predicted")
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  speaker accuracy "
          f"{r['speaker_accuracy']:.3f}  (quote and speaker right: {r['end_to_end']:.3f} of gold)")


if __name__ == "__main__":
    main()
