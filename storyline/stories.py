"""Stories: an article joins the story that reports the same real-world event, or starts one.

Same event = same kind of happening (text similarity) *and* same time, place and participants.
The decision is a model over article-story features (text similarity, shared people / organisations /
places, whether the article's main person and place are the story's, the distance between the event
dates reported, shared numbers, rare names): boosted trees, each feature held to one direction
(DIRECTION), and a join threshold, learned on ECB+ dev by `eval/fit_stories.py` (leave-one-topic-out
figures in `eval/stories.py`) and read from `data/story_model.json`.
"""

from __future__ import annotations

import functools
import json
import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np

from .analyze.entities import fold
from .embed import DIMENSIONS, normalise
from .errors import ModelUnavailable, StoryNotFound
from .model import Article
from .settings import Options
from .store import Store, StoryRow

MODEL_PATH = Path(__file__).parent / "data" / "story_model.json"
# Key prefixes by what they pin down: who (people, organisations), where (places), when, how many.
_KIND = {"PERSON": "person:", "ORG": "org:", "GPE": "place:", "LOC": "place:", "FAC": "place:", "EVENT": "event:"}
NAME_KINDS = ("person", "org", "place")
# Speed, not quality: only the stories closest by text vector are scored in full (names, words, dates).
SHORTLIST = 10
OPENING = 300  # characters of text read as the article's opening (headline and lead sentence)
FEATURES = (
    "cosine", "words",
    *(f"{kind}_{part}" for kind in NAME_KINDS for part in ("covered", "core", "clash")),
    "date_shared", "date_gap", "date_known", "year_clash", "latest_same", "latest_gap", "latest_known",
    "number_covered", "number_clash",
    "rare_shared", "key_jaccard",
    "main_person_in_story", "story_person_in_article", "main_place_in_story", "story_place_in_article",
    "main_person_share", "main_person_top", "main_place_share", "main_place_top",
    "lead_person_covered", "lead_person_core", "lead_place_covered", "lead_place_core",
    "head_person_covered", "head_person_core", "head_place_covered", "head_place_core",
)
# The one prior the learned trees are given: which way each feature may move the probability. More shared
# names, words or dates never make "same event" less likely; a clash or a wider gap between dates never more.
# Without it a few training topics teach odd reversals. 0: either way; features not listed: 1.
DIRECTION = {
    **{f"{kind}_clash": -1 for kind in (*NAME_KINDS, "number")},
    "date_gap": -1, "year_clash": -1, "latest_gap": -1, "date_known": 0, "latest_known": 0,
}
_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")


@dataclass(frozen=True)
class Placement:
    story_id: str
    similarity: float  # the learned probability that the article reports the story's event
    new: bool


class Scorer(Protocol):
    """How likely an article reports a story's event; it joins the best story scoring at least `threshold`."""

    @property
    def threshold(self) -> float: ...

    def score(self, vector: np.ndarray, keys: set[str], story: StoryRow, idf: dict[str, float]) -> float: ...


@dataclass(frozen=True)
class Tree:
    """One regression tree of a boosted model, as arrays: node -> feature, threshold, children, leaf value."""

    feature: tuple[int, ...]  # -1 at a leaf
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def leaf(self, values: np.ndarray) -> float:
        node = 0
        while self.feature[node] >= 0:
            node = self.left[node] if values[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


@dataclass(frozen=True)
class StoryModel:
    """Learned same-story decision over FEATURES: logistic weights, or boosted trees when `trees` is set;
    the join threshold, and how many lead claims make the article vector."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    lead_claims: int
    trees: tuple[Tree, ...] = ()

    def probability(self, values: np.ndarray) -> float:
        if self.trees:
            z = self.bias + sum(tree.leaf(values) for tree in self.trees)
        else:
            z = self.bias + float(np.dot(self.weights, values))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, vector: np.ndarray, keys: set[str], story: StoryRow, idf: dict[str, float]) -> float:
        return self.probability(features(vector, keys, story, idf))

    def to_json(self) -> dict:
        out: dict = {"features": list(FEATURES), "weights": [round(w, 6) for w in self.weights],
                     "bias": round(self.bias, 6), "threshold": round(self.threshold, 4),
                     "lead_claims": self.lead_claims}
        if self.trees:
            out["trees"] = [{"feature": t.feature, "threshold": [round(x, 6) for x in t.threshold], "left": t.left,
                             "right": t.right, "value": [round(x, 6) for x in t.value]} for t in self.trees]
        return out


@functools.cache
def load_model(path: Path = MODEL_PATH) -> StoryModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise ModelUnavailable(f"{path}: fitted on other features than storyline.stories.FEATURES; "
                               "refit it with eval/fit_stories.py")
    trees = tuple(Tree(tuple(t["feature"]), tuple(t["threshold"]), tuple(t["left"]), tuple(t["right"]),
                       tuple(t["value"])) for t in data.get("trees", ()))
    return StoryModel(weights=tuple(float(w) for w in data["weights"]), bias=float(data["bias"]),
                      threshold=float(data["threshold"]), lead_claims=int(data["lead_claims"]), trees=trees)


def article_vector(title_vector: np.ndarray | None, claim_vectors: np.ndarray, lead_claims: int) -> np.ndarray:
    """Headline and first claims (clauses), where news puts the event, averaged."""
    rows = [claim_vectors[:lead_claims]]
    if title_vector is not None:
        rows.insert(0, title_vector.reshape(1, -1))
    stacked = np.vstack(rows)
    return normalise(stacked.mean(axis=0)) if len(stacked) else np.zeros(DIMENSIONS, dtype=np.float32)


def is_headline(title: str | None) -> bool:
    """A title that is a web address names a page, not the event."""
    return bool(title) and not (title or "").lower().replace(" ", "").startswith(("http:", "https:", "www."))


def story_keys(article: Article) -> set[str]:
    """What pins an article to one event: typed names, absolute dates and the latest year among them,
    counted numbers, and the words of its text ("w:"), whose rarity tells two similar events apart."""
    # people by surname, so that "Varga-Kovács" and "Ilse Varga-Kovács" in two articles are one person
    keys = {_KIND[m.label] + (_surname(fold(m.text)) if m.label == "PERSON" else fold(m.text))
            for m in article.mentions if m.label in _KIND and len(m.text) > 1}
    dates = {d.value for d in article.dates if d.value and d.type == "DATE" and d.value[:4].isdigit()}
    keys |= {"date:" + v for v in dates}
    if dates:  # news reports the latest happening it dates; older years are background
        keys.add("latest:" + max(v[:4] for v in dates))
    keys |= {"num:" + n for c in article.claims for n in c.numbers}
    keys |= _main_keys(article)
    keys |= {"w:" + w.lower() for w in _WORD.findall(" ".join(filter(None, (article.title, article.text))))}
    return keys


def _main_keys(article: Article) -> set[str]:
    """Who and where the article is mostly about: its most-mentioned surname and place ("main:" keys)."""
    surnames = Counter(_surname(fold(m.text)) for m in article.mentions if m.label == "PERSON")
    places = Counter(fold(m.text) for m in article.mentions if _KIND.get(m.label) == "place:")
    out = set()
    for kind, counts in (("person", surnames), ("place", places)):
        counts.pop("", None)
        if counts:
            top = max(counts.values())
            # ties: the name mentioned first, so the choice does not depend on hashing
            first = next(n for n in counts if counts[n] == top)
            out.add(f"main:{kind}:{first}")
        # everyone it names more than once ("lead:" keys): who the story is about, beyond its single main name
        out |= {f"lead:{kind}:{name}" for name, n in counts.items() if n >= 2}
    # who and where the headline and opening name ("head:" keys): the participants of the event reported,
    # where background (an earlier event of the same kind) is named further down
    headline = f" {fold(article.title or '')} " if is_headline(article.title) else " "
    for m in article.mentions:
        kind = _KIND.get(m.label, "")[:-1]
        if kind in ("person", "place"):
            name = _surname(fold(m.text)) if kind == "person" else fold(m.text)
            if name and (m.start < OPENING or f" {name} " in headline):
                out.add(f"head:{kind}:{name}")
    return out


def _surname(name: str) -> str:
    return name.rsplit(" ", 1)[-1] if name else ""


def _by_kind(keys: dict[str, int] | set[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for k in keys:
        kind = k.split(":", 1)[0]
        out.setdefault(kind, {})[k] = keys[k] if isinstance(keys, dict) else 1
    return out


def features(vector: np.ndarray, keys: set[str], story: StoryRow, idf: dict[str, float]) -> np.ndarray:
    """The article-story features the model weighs, in FEATURES order. Sums over key sets are exact (fsum):
    a set's order changes with the process's string hashing, and a last-digit difference could turn a tree."""
    size = max(story.size, 1)
    unknown = idf.get("", 1.0)
    weight = lambda k: idf.get(k, unknown)  # noqa: E731
    (mine_all, mine_words, mine_squares), theirs_all = _article_side(keys, idf, weight), _story_kinds(story)
    out: list[float] = [float(vector @ story.centroid) if story.centroid.size == vector.size else 0.0]
    theirs_words = theirs_all.get("w", {})
    out.append(_word_cosine(mine_words, mine_squares, theirs_words,
                            _story_squares(story, theirs_words, size, weight, idf), size, weight))
    for kind in (*NAME_KINDS, "num"):
        mine, theirs = set(mine_all.get(kind, {})), theirs_all.get(kind, {})
        shared = mine & theirs.keys()
        covered = math.fsum(weight(k) for k in shared) / math.fsum(weight(k) for k in mine) if mine else 0.0
        clash = float(bool(mine) and bool(theirs) and not shared)
        if kind == "num":
            out += [*_date_features(mine_all, theirs_all, size), covered, clash]
        else:
            # how much of what the story keeps naming (weighted by how often) this article names too
            total = math.fsum(n * weight(k) for k, n in theirs.items())
            core = math.fsum(theirs[k] * weight(k) for k in shared) / total if total else 0.0
            out += [covered, core, clash]
    names = {k for kind, ks in mine_all.items() if kind != "w" for k in ks}
    story_names = {k: n for kind, ks in theirs_all.items() if kind != "w" for k, n in ks.items()}
    shared_all = names & story_names.keys()
    out.append(max((weight(k) for k in shared_all), default=0.0) / unknown if unknown else 0.0)
    union = math.fsum(weight(k) for k in names | story_names.keys())
    out.append(math.fsum(weight(k) * min(1.0, story_names[k] / size * 2) for k in shared_all) / union if union else 0.0)
    out += _main_features(mine_all, theirs_all, size)
    out += _lead_features(mine_all.get("lead", {}), theirs_all.get("lead", {}), size, "lead")
    out += _lead_features(mine_all.get("head", {}), theirs_all.get("head", {}), size, "head")
    return np.asarray(out, dtype=np.float64)


def _main_features(mine_all: dict[str, dict[str, int]], theirs_all: dict[str, dict[str, int]],
                   size: int) -> list[float]:
    """Whether the article's main person and place are the story's, and the story's main ones the article's."""
    mine_main, story_main = mine_all.get("main", {}), theirs_all.get("main", {})
    out, agree = [], []
    for kind in ("person", "place"):
        prefix = f"main:{kind}:"
        article_names = {k.split(":", 1)[1] for k in mine_all.get(kind, {})}
        story_names = {k.split(":", 1)[1] for k in theirs_all.get(kind, {})}
        main = next((k[len(prefix):] for k in mine_main if k.startswith(prefix)), None)
        out.append(1.0 if main is None else float(main in story_names))
        told = {k[len(prefix):]: n for k, n in story_main.items() if k.startswith(prefix)}
        out.append(sum(n for name, n in told.items() if name in article_names) / size if told else 1.0)
        # who or where the story is mainly about against the article's: 0.5 when either is not known
        if main is None or not told:
            agree += [0.5, 0.5]
        else:
            top = max(told.values())
            agree += [told.get(main, 0) / size, float(told.get(main, 0) == top)]
    return out + agree


def _lead_features(mine: dict[str, int], theirs: dict[str, int], size: int, prefix: str) -> list[float]:
    """The people and places the article names repeatedly ("lead") or first ("head") against those the story's
    members name so: the share of the article's found in the story (by how many members name them so), and the
    share of the story's the article names so too; 0.5 when either side has none."""
    out = []
    for kind in ("person", "place"):
        a = {k for k in mine if k.startswith(f"{prefix}:{kind}:")}
        b = {k: n for k, n in theirs.items() if k.startswith(f"{prefix}:{kind}:")}
        if not a or not b:
            out += [0.5, 0.5]
            continue
        out.append(math.fsum(min(1.0, 2 * b.get(k, 0) / size) for k in a) / len(a))
        out.append(sum(n for k, n in b.items() if k in a) / sum(b.values()))
    return out


def _word_cosine(mine: dict[str, float], mine_squares: float, theirs: dict[str, int], theirs_squares: float,
                 size: int, weight: Callable[[str], float]) -> float:
    """TF-IDF cosine of the article's words (weighted, _article_side) with the story's (each word weighted by
    its share of members; their sum of squares from _story_squares)."""
    norm = math.sqrt(mine_squares * theirs_squares)
    return math.fsum(v * (theirs[k] / size * weight(k)) for k, v in mine.items() if k in theirs) / norm if norm else 0.0


# The last articles' keys by kind and word weights: a placement scores one article against every candidate (and
# consolidation each member against each), so they are worked out once per article's keys and rarity. Found by
# the keys' identity (the same set object, never changed once made); the entry holds it, so no other set can
# take its id meanwhile.
_SIDES: dict[int, tuple] = {}
_SIDE_SLOTS = 256


def _article_side(keys: set[str], idf: dict[str, float],
                  weight: Callable[[str], float]) -> tuple[dict[str, dict[str, int]], dict[str, float], float]:
    entry = _SIDES.get(id(keys))
    if entry is None or entry[0] is not keys or entry[1] != len(keys):
        entry = (keys, len(keys), _by_kind(keys), None, {}, 0.0)
    if entry[3] is not idf:  # a Rarity's weights never change, only grow, while it is the store's
        words = {k: weight(k) for k in entry[2].get("w", {})}
        entry = (*entry[:3], idf, words, math.fsum(v * v for v in words.values()))
        if len(_SIDES) >= _SIDE_SLOTS:
            _SIDES.clear()
        _SIDES[id(keys)] = entry
    return entry[2], entry[4], entry[5]


def _squares(theirs: dict[str, int], size: int, weight: Callable[[str], float]) -> float:
    """The story side's sum of squares of its word weights."""
    return math.fsum(v * v for v in (n / size * weight(k) for k, n in theirs.items()))


def _story_kinds(story: StoryRow) -> dict[str, dict[str, int]]:
    """The story's keys by kind, worked out once per row (placement reads the same rows again and again)."""
    if "kinds" not in story.memo:
        story.memo["kinds"] = _by_kind(story.entity_keys)
    kinds: dict[str, dict[str, int]] = story.memo["kinds"]
    return kinds


def _story_squares(story: StoryRow, words: dict[str, int], size: int, weight: Callable[[str], float],
                   idf: dict[str, float]) -> float:
    """The story's word-vector sum of squares: all its words, so it is kept on the row for as long as the
    rarities it was computed with hold (a Rarity's generation), and idf_for need not read its words again."""
    generation = getattr(idf, "generation", None)
    if generation is None:
        return _squares(words, size, weight)
    memo = ("squares", generation)
    if memo not in story.memo:
        story.memo[memo] = _squares(words, size, weight)
    squares: float = story.memo[memo]
    return squares


def _date_features(mine_all: dict[str, dict[str, int]], theirs_all: dict[str, dict[str, int]],
                   size: int) -> list[float]:
    mine = {k[5:] for k in mine_all.get("date", {})}
    theirs = {k[5:] for k in theirs_all.get("date", {})}
    days_a, days_b = _days(mine), _days(theirs)
    shared = float(bool({v for v in mine if len(v) >= 10} & {v for v in theirs if len(v) >= 10}))
    known = float(bool(days_a) and bool(days_b))
    gap = min(abs(a - b) for a in days_a for b in days_b) if known else 0
    years_a, years_b = {v[:4] for v in mine}, {v[:4] for v in theirs}
    year_clash = float(bool(years_a) and bool(years_b) and not years_a & years_b)
    latest = next(iter(mine_all.get("latest", {})), None)
    story_latest = theirs_all.get("latest", {})
    same = story_latest.get(latest, 0) / size if latest else 0.0
    latest_known = float(latest is not None and bool(story_latest))
    common = max(story_latest, key=lambda k: (story_latest[k], k)) if story_latest else None
    latest_gap = math.log1p(abs(int(latest[7:]) - int(common[7:]))) / math.log(50) if latest and common else 0.0
    return [shared, math.log1p(gap) / math.log(3650), known, year_clash, same, latest_gap, latest_known]


def _days(values: set[str]) -> set[int]:
    out = set()
    for v in values:
        try:
            out.add(date.fromisoformat(v[:10]).toordinal())
        except ValueError:
            continue
    return out


class Rarity(dict[str, float]):
    """Key -> idf ("" -> a key no stored article has), as the store counted them in one generation (the
    stored articles did not change in between): it holds, and what is computed from it may be kept, until
    they do. Keys are added as placements need them."""

    def __init__(self, generation: object, total: int) -> None:
        super().__init__({"": math.log((total + 1) / 0.5)})
        self.generation = generation
        self.total = total


# Each store's rarities of its current generation (a batch's placements ask for the same keys again and again);
# past this many keys they start over, so memory stays bounded on a store that is not written to.
_RARITIES: weakref.WeakKeyDictionary[Store, Rarity] = weakref.WeakKeyDictionary()
_RARE_KEYS = 500_000


def idf_for(store: Store, keys: set[str], stories: Sequence[StoryRow]) -> Rarity:
    """How rare each key is among stored articles; "" is the weight of a key no stored article has.

    Holds at least the keys features() weighs: the article's; the stories' names, dates and numbers; a
    story's words only while their sum of squares is not known for this generation (features() weighs a
    story word only in that sum, or as a word the article shares). Other keys it holds have their true
    weight too, so the features are those of a rarity of exactly these keys.
    """
    generation = store.key_generation()
    rarity = _RARITIES.get(store)
    if rarity is None or rarity.generation != generation or len(rarity) > _RARE_KEYS:
        rarity = _RARITIES[store] = Rarity(generation, store.count_articles())
    wanted = set(keys)
    for story in stories:
        for kind, values in _story_kinds(story).items():
            if kind != "w" or ("squares", generation) not in story.memo:
                wanted.update(values)
    missing = [k for k in wanted if k not in rarity]
    if missing:
        rarity.update(idf_from(store.key_frequencies(missing), rarity.total, set(missing)))
    return rarity


def idf_from(frequencies: dict[str, int], total: int, wanted: set[str]) -> dict[str, float]:
    idf = {k: math.log((total + 1) / (frequencies.get(k, 0) + 0.5)) for k in wanted}
    idf[""] = math.log((total + 1) / 0.5)
    return idf


def joined(story: StoryRow, vector: np.ndarray, keys: set[str], day: str | None) -> StoryRow:
    """The story with one more article: centroid, key counts and publication dates updated."""
    size = story.size + 1
    centroid = normalise((story.centroid * story.size + vector) / size)
    merged = Counter(story.entity_keys)
    merged.update({k: 1 for k in keys})
    first, last = _widen(story.first_date, story.last_date, day)
    return StoryRow(id=story.id, title=story.title, size=size, first_date=first, last_date=last,
                    centroid=centroid, entity_keys=dict(merged), updated_at="")


def started(story_id: str, title: str, vector: np.ndarray, keys: set[str], day: str | None) -> StoryRow:
    return StoryRow(id=story_id, title=title, size=1, first_date=day, last_date=day, centroid=vector,
                    entity_keys={k: 1 for k in keys}, updated_at="")


def shortlist(vector: np.ndarray, candidates: Sequence[StoryRow]) -> list[StoryRow]:
    """The SHORTLIST candidates nearest the article's vector (ties by story id, so the choice is stable)."""
    def near(story: StoryRow) -> float:
        return float(vector @ story.centroid) if story.centroid.size == vector.size else -1.0
    return sorted(candidates, key=lambda c: (-near(c), c.id))[:SHORTLIST]


def threshold(options: Options, model: Scorer) -> float:
    return model.threshold if options.story_threshold is None else float(options.story_threshold)


def place(article: Article, vector: np.ndarray, store: Store, options: Options,
          model: Scorer | None = None) -> Placement:
    """Put one stored article in a story, updating that story's centroid, names and dates."""
    scorer: Scorer = model if model is not None else load_model()
    keys = story_keys(article)
    day = article.published[:10] if article.published else None
    candidates = shortlist(vector, store.story_candidates(day, options.story_window_days))
    idf = idf_for(store, keys, candidates)
    best: tuple[float, StoryRow] | None = None
    for story in candidates:
        score = scorer.score(vector, keys, story, idf)
        if best is None or score > best[0]:
            best = (score, story)
    if best is not None and best[0] >= threshold(options, scorer):
        score, story = best
        store.save_story(joined(story, vector, keys, day))
        store.set_story(article.id, story.id)
        return Placement(story.id, score, new=False)
    story_id = store.new_story_id()
    title = article.title if is_headline(article.title) else _first_sentence(article.text)
    store.save_story(started(story_id, title or "", vector, keys, day))
    store.set_story(article.id, story_id)
    return Placement(story_id, best[0] if best else 0.0, new=True)


def placement_order(articles: Sequence[Article]) -> list[Article]:
    """The order a batch is placed in, whatever order it came in: articles naming most first (they seed
    stories with the most names to match), ties by content hash."""
    def named(article: Article) -> int:
        return sum(not k.startswith("w:") for k in story_keys(article))
    return sorted(articles, key=lambda a: (-named(a), a.content_hash))


def rebuild(story_id: str, store: Store) -> StoryRow | None:
    """A story's centroid, names and dates recomputed from its members (None, and the row gone, when empty)."""
    members = store.articles(store.story_article_ids(story_id))
    if not members:
        store.delete_story(story_id)
        return None
    old = store.story(story_id)
    vectors = [store.article_vector(a.id) for a in members]
    keys: Counter[str] = Counter()
    for article in members:
        keys.update(story_keys(article))
    days = sorted(a.published[:10] for a in members if a.published)
    row = StoryRow(id=story_id, title=old.title, size=len(members), first_date=days[0] if days else None,
                   last_date=days[-1] if days else None, centroid=normalise(np.mean(vectors, axis=0)),
                   entity_keys=dict(keys), updated_at="")
    store.save_story(row)
    return row


def consolidate(story_ids: list[str], store: Store, options: Options, small: int = 2,
                model: Scorer | None = None) -> list[str]:
    """After a batch: an article left alone in a tiny story moves to the story it now fits best.

    Early in a batch a story knows few of its names; by the end it knows them all, so the first
    placement of a stray article can be revisited. Returns the stories that still exist.
    """
    for story_id in list(story_ids):
        consolidate_one(story_id, store, options, small, model)
    return [s for s in story_ids if _exists(store, s)]


def consolidate_one(story_id: str, store: Store, options: Options, small: int = 2,
                    model: Scorer | None = None) -> None:
    """One story of consolidate(): its articles move if it is tiny and they now fit a larger story better."""
    scorer: Scorer = model if model is not None else load_model()
    try:
        row = store.story(story_id)
    except StoryNotFound:
        return
    if row.size > small:
        _merge_whole(row, store, options, scorer)
        return
    for article in store.articles(store.story_article_ids(story_id)):
        vector = store.article_vector(article.id)
        keys = story_keys(article)
        day = article.published[:10] if article.published else None
        candidates = shortlist(vector, [c for c in store.story_candidates(day, options.story_window_days)
                                        if c.id != story_id and c.size > row.size])
        idf = idf_for(store, keys, candidates)
        scored = [(scorer.score(vector, keys, c, idf), c.id) for c in candidates]
        best_score, best_id = max(scored) if scored else (0.0, "")
        if best_score >= threshold(options, scorer):
            store.set_story(article.id, best_id)
            rebuild(best_id, store)
    rebuild(story_id, store)


def _merge_whole(row: StoryRow, store: Store, options: Options, scorer: Scorer) -> None:
    """A larger story joins another at least as large when its articles, on average, belong there."""
    members = store.articles(store.story_article_ids(row.id))
    day = row.last_date
    candidates = shortlist(row.centroid, [c for c in store.story_candidates(day, options.story_window_days)
                                          if c.id != row.id and c.size >= row.size])
    if not candidates:
        return
    keys = {a.id: story_keys(a) for a in members}
    idf = idf_for(store, set().union(*keys.values()), candidates)
    vectors = {a.id: store.article_vector(a.id) for a in members}
    scored = [(float(np.mean([scorer.score(vectors[a.id], keys[a.id], c, idf) for a in members])), c.id)
              for c in candidates]
    best_score, best_id = max(scored)
    if best_score >= threshold(options, scorer):
        for article in members:
            store.set_story(article.id, best_id)
        rebuild(best_id, store)
        rebuild(row.id, store)


def _exists(store: Store, story_id: str) -> bool:
    try:
        store.story(story_id)
    except StoryNotFound:
        return False
    return True


def _widen(first: str | None, last: str | None, day: str | None) -> tuple[str | None, str | None]:
    if day is None:
        return first, last
    return (min(first, day) if first else day), (max(last, day) if last else day)


def _first_sentence(text: str, limit: int = 90) -> str:
    sentence = text.split("\n", 1)[0].split(". ", 1)[0].strip()
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + "…"

