"""Following a person, organisation or outlet across stories: where they appear, what they said or claimed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .analyze.entities import fold
from .errors import StoryNotFound
from .model import Analysis, Claim, Entity, Quote, StoryChange
from .store import Store

Build = Callable[[str], Analysis]  # story id -> the story built as `show` builds it


@dataclass(frozen=True)
class Appearance:
    """One story an entity appears in, with what it is called and said there."""

    story_id: str
    title: str
    first_date: str | None
    last_date: str | None
    entity: Entity
    quotes: tuple[Quote, ...]
    changes: int  # how many changes the story has had


@dataclass(frozen=True)
class EntityProfile:
    name: str
    forms: tuple[tuple[str, str, int], ...]  # how articles write it: (name, label, articles)
    appearances: tuple[Appearance, ...]  # latest story first
    roles: tuple[tuple[str, str, str], ...]  # (date, role, story id), oldest first: roles over time
    quotes: tuple[tuple[str, Quote], ...]  # (story id, quote), one per quote group


@dataclass(frozen=True)
class OutletClaim:
    story_id: str
    story_title: str
    claim: Claim
    against: tuple[Claim, ...] = ()  # for a dispute: the claims it conflicts with


@dataclass(frozen=True)
class OutletProfile:
    outlet: str
    articles: tuple[dict[str, object], ...]  # id, title, published, story_id, origin, origin_outlet
    copies: int  # articles that repeat another outlet's text (wire copy)
    only_claims: tuple[OutletClaim, ...]  # single-source claims it alone makes now
    disputes: tuple[OutletClaim, ...]  # disputed claims it asserts, with what they conflict with
    later_corroborated: tuple[tuple[str, StoryChange], ...]  # its single-source claims others later confirmed
    stories_read: int = 0  # claims are counted over its latest stories only (each page builds them)

    @property
    def copy_rate(self) -> float:
        return self.copies / len(self.articles) if self.articles else 0.0

    @property
    def corroboration_rate(self) -> float | None:
        """Of the claims it was first alone to make, the share later corroborated (None: none seen)."""
        total = len(self.later_corroborated) + len(self.only_claims)
        return len(self.later_corroborated) / total if total else None


def matches(entity: Entity, name: str) -> bool:
    """The entity is the one followed: the name (folded) is its name, one of its aliases, or part of them."""
    wanted = fold(name)
    return any(wanted == fold(n) or wanted in fold(n) for n in (entity.name, *entity.aliases))


def entity_profile(name: str, store: Store, build: Build, limit: int = 12) -> EntityProfile:
    appearances: list[Appearance] = []
    roles: list[tuple[str, str, str]] = []
    quotes: list[tuple[str, Quote]] = []
    for row in store.stories_naming(name, limit):
        try:
            analysis = build(row.id)
        except StoryNotFound:
            continue
        story = analysis.stories[0]
        entity = next((e for e in story.entities if matches(e, name)), None)
        if entity is None:
            continue
        dates = {a.id: (a.published or "")[:10] for a in analysis.articles}
        said = tuple(q for q in story.quotes if q.entity_id == entity.id)
        appearances.append(Appearance(row.id, story.title, row.first_date, row.last_date, entity, said,
                                      len(story.changes)))
        first_seen = min((dates.get(a, "") for a in entity.article_ids), default="") or (row.first_date or "")
        roles.extend((first_seen, role, row.id) for role in entity.roles)
        groups: set[str] = set()
        for quote in said:
            if quote.group not in groups:
                groups.add(quote.group)
                quotes.append((row.id, quote))
    seen_roles: dict[str, tuple[str, str, str]] = {}
    for date, role, story_id in sorted(roles):
        seen_roles.setdefault(fold(role), (date, role, story_id))
    return EntityProfile(name=name, forms=tuple(store.name_forms(name)), appearances=tuple(appearances),
                         roles=tuple(seen_roles.values()), quotes=tuple(quotes))


def outlet_profile(outlet: str, store: Store, build: Build, limit: int = 12) -> OutletProfile:
    articles = store.outlet_articles(outlet)
    copies = sum(1 for a in articles if a["origin"] != a["id"] and a["origin_outlet"] != outlet)
    only: list[OutletClaim] = []
    disputes: list[OutletClaim] = []
    story_ids = list(dict.fromkeys(str(a["story_id"]) for a in articles if a["story_id"]))[:limit]
    for story_id in story_ids:
        try:
            analysis = build(story_id)
        except StoryNotFound:
            continue
        story = analysis.stories[0]
        mine = {a.id for a in analysis.articles if a.outlet == outlet}
        by_id = {c.id: c for c in story.claims}
        for claim in story.claims:
            if not mine & set(claim.article_ids):
                continue
            if claim.status == "single_source" and set(claim.article_ids) <= mine:  # not a copy of another's claim
                only.append(OutletClaim(story_id, story.title, claim))
            elif claim.status == "disputed":
                disputes.append(OutletClaim(story_id, story.title, claim,
                                            tuple(by_id[c] for c in claim.conflicts_with if c in by_id)))
    later = [(story_id, change) for story_id, change in store.story_changes_of_kind(("corroborated",))
             if change.before == "single_source" and change.earlier_outlets == (outlet,) and story_id in story_ids]
    return OutletProfile(outlet=outlet, articles=tuple(articles), copies=copies, only_claims=tuple(only),
                         disputes=tuple(disputes), later_corroborated=tuple(later), stories_read=len(story_ids))
