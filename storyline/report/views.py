"""What every human-facing report shows, computed once: citations, coverage matrix, source cards."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model import Analysis, Article, Claim, Entity, Quote, Story


@dataclass(frozen=True)
class SourceCard:
    number: int  # citation mark [n]
    article: Article
    outlet: str
    words: int
    removed: int
    unique_claims: int
    copy_of: str | None  # outlet of the article this one repeats


@dataclass(frozen=True)
class StoryView:
    story: Story
    sources: tuple[SourceCard, ...]
    outlets: tuple[str, ...]
    matrix: tuple[tuple[Claim, tuple[bool, ...]], ...]  # claim -> asserted by each outlet
    disputed: tuple[tuple[Claim, tuple[Claim, ...]], ...]
    single_by_outlet: tuple[tuple[str, tuple[Claim, ...]], ...]
    people: tuple[tuple[Entity, tuple[Quote, ...]], ...]
    counts: dict[str, int]

    def cite(self, article_ids: tuple[str, ...] | list[str]) -> list[SourceCard]:
        by_id = {s.article.id: s for s in self.sources}
        return [by_id[a] for a in article_ids if a in by_id]


def dispute_sets(claims: tuple[Claim, ...]) -> tuple[tuple[Claim, tuple[Claim, ...]], ...]:
    """Claims that contradict each other, one set per disagreement (not once per member of it)."""
    by_id = {c.id: c for c in claims}
    seen: set[str] = set()
    sets = []
    for claim in claims:
        if claim.status != "disputed" or claim.id in seen:
            continue
        members, queue = [], [claim.id]
        while queue:
            current = queue.pop(0)
            if current in seen or current not in by_id:
                continue
            seen.add(current)
            members.append(by_id[current])
            queue.extend(by_id[current].conflicts_with)
        sets.append((members[0], tuple(members[1:])))
    return tuple(sets)


def _asserted_by(claim: Claim, outlet_by_article: dict[str, str], outlets: tuple[str, ...]) -> tuple[bool, ...]:
    asserting = {outlet_by_article.get(a) for a in claim.article_ids}  # a set: not outlets x articles per claim
    return tuple(o in asserting for o in outlets)


def story_view(analysis: Analysis, story: Story) -> StoryView:
    articles = {a.id: a for a in analysis.articles}
    members = [articles[a] for a in story.article_ids if a in articles]
    unique: dict[str, int] = defaultdict(int)
    for claim in story.claims:
        if claim.status == "single_source":
            for article_id in claim.article_ids:
                unique[article_id] += 1
    sources = tuple(
        SourceCard(number=i, article=a, outlet=a.source, words=len(a.text.split()), removed=len(a.removed),
                   unique_claims=unique[a.id],
                   copy_of=articles[a.origin].source if a.origin != a.id and a.origin in articles else None)
        for i, a in enumerate(members, start=1))
    outlets = tuple(dict.fromkeys(s.outlet for s in sources))
    outlet_by_article = {s.article.id: s.outlet for s in sources}
    ranked = sorted(story.claims, key=lambda c: (-len(c.origins), c.status != "disputed"))
    matrix = tuple((c, _asserted_by(c, outlet_by_article, outlets)) for c in ranked)
    disputed = dispute_sets(story.claims)
    single: dict[str, list[Claim]] = defaultdict(list)
    for claim in story.claims:
        if claim.status == "single_source":
            single[outlet_by_article.get(claim.article_ids[0], "?")].append(claim)
    quotes_by_entity: dict[str, list[Quote]] = defaultdict(list)
    for quote in story.quotes:
        if quote.entity_id:
            quotes_by_entity[quote.entity_id].append(quote)
    people = tuple((e, tuple(quotes_by_entity[e.id])) for e in story.entities
                   if e.type == "PERSON" and (e.roles or quotes_by_entity[e.id] or len(e.article_ids) > 1))
    counts = {status: sum(c.status == status for c in story.claims)
              for status in ("corroborated", "single_source", "disputed")}
    return StoryView(story=story, sources=sources, outlets=outlets, matrix=matrix, disputed=disputed,
                     single_by_outlet=tuple((o, tuple(cs)) for o, cs in single.items()), people=people,
                     counts=counts)
