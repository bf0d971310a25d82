"""Shared helpers of the evaluation scripts: paths and B-cubed scores."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (item -> cluster) against gold (item -> class)."""
    items = [i for i in gold if i in predicted]
    pred_members: dict[Hashable, set[str]] = {}
    gold_members: dict[Hashable, set[str]] = {}
    for i in items:
        pred_members.setdefault(predicted[i], set()).add(i)
        gold_members.setdefault(gold[i], set()).add(i)
    precision = recall = 0.0
    for i in items:
        same_pred = pred_members[predicted[i]]
        same_gold = gold_members[gold[i]]
        both = len(same_pred & same_gold)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def sections(path: Path) -> dict[str, list[str]]:
    """A gold file's "=== name" sections and their lines, without comments and blank lines."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        if raw.startswith("=== "):
            current = out.setdefault(raw[4:].strip(), [])
        elif current is not None:
            current.append(raw)
    return out
