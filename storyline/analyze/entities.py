"""Entities: mentions with roles in each article, resolved to one entity per real referent across articles."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Article, Entity, Mention
from .lexicon import HONORIFICS, ROLE_WORDS

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
# Titles that only people carry: a mention right after one is a person whatever the tagger said.
PERSON_TITLES = {"president", "chancellor", "minister", "premier", "secretary", "envoy", "spokesman",
                 "spokeswoman", "spokesperson", "ambassador", "governor", "mayor", "senator", "king", "queen",
                 "prince", "princess", "pope", "general", "chief", "leader", "commissioner", "sir", "dame",
                 "mr", "mrs", "ms", "dr", "adviser", "advisor", "director", "chairman", "chairwoman", "judge"}
NAME_PARTICLES = {"von", "der", "van", "de", "den", "da", "di", "du", "la", "le", "bin", "al", "el", "ter"}
NOT_NAMES = {"state", "the state", "government", "cabinet"}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """A comparison key: no diacritics, dots, case or common transliteration variants (iy/yy -> y)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[.\u2019']", "", text).replace("-", " ")
    text = re.sub(r"iy\b|yy\b|ii\b", "y", text)
    text = re.sub(r"ey\b", "ei", text)
    text = _SPACES.sub(" ", text).strip()
    return text[4:] if text.startswith("the ") else text  # "the European Union" is "European Union"


_ABBREVIATION_END = re.compile(r"(\b[A-Za-z]\.){2,}$|\b(Jr|Sr|Inc|Corp|Co|Ltd|Bros|St)\.$")


def strip_name(text: str) -> str:
    """The name without honorifics, possessive ending or line break inside it."""
    words = _SPACES.sub(" ", text).strip().split(" ")
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    name = _POSSESSIVE.sub("", " ".join(words)).strip(" ,;:")
    # the final dot of an abbreviation ("U.S.", "Jr.", "Inc.") is part of the name, a sentence's is not
    return name if _ABBREVIATION_END.search(name) else name.rstrip(". ")


def extract_mentions(doc: Any) -> list[Mention]:
    """Named-entity mentions of one parsed article, with the title each carries there."""
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        ent = _extend_particles(doc, ent)
        name = strip_name(ent.text)
        if name.lower() in ROLE_WORDS or name.lower() in NOT_NAMES:
            continue
        if not name or not any(c.isalpha() for c in name):
            continue
        # the tagger sometimes swallows a leading title into the entity ("Chancellor Olaf Scholz")
        words = name.split()
        role_words: list[str] = []
        while len(words) > 1 and words[0].lower() in ROLE_WORDS and words[0][:1].isupper():
            role_words.append(words.pop(0))
        name = " ".join(words)
        role = _role_before(doc, ent.start)
        if role_words:
            role = " ".join(filter(None, [role, " ".join(role_words)]))
        label = ent.label_
        if role and any(w.lower() in PERSON_TITLES for w in role.split()) and label in ("ORG", "GPE", "NORP", "FAC"):
            label = "PERSON"
        mentions.append(Mention(text=name, label=label, start=ent.start_char, end=ent.end_char, role=role or None))
    return mentions


def _extend_particles(doc: Any, ent: Any) -> Any:
    """"Ursula von der" + "Leyen": a name cut after a particle continues with the capitalised words after it."""
    end = ent.end
    if doc[end - 1].lower_ not in NAME_PARTICLES:
        return ent
    while end < len(doc) and (doc[end].lower_ in NAME_PARTICLES or doc[end].text[:1].isupper()):
        end += 1
        if doc[end - 1].lower_ not in NAME_PARTICLES:
            break
    return doc[ent.start:end]


def _role_before(doc: Any, start: int) -> str | None:
    """Title words right before a mention: "German Chancellor", "NATO chief", "Spain's foreign minister,"."""
    tokens = []
    i = start - 1
    # appositive: "Spain's foreign minister, Jose Manuel Albares"
    if i >= 0 and doc[i].text == ",":
        i -= 1
    while i >= 0:
        tok = doc[i]
        low = tok.text.lower()
        if low in ROLE_WORDS or low in ("'s", "’s", "of", "u.s.", "u.k.", "eu", "nato", "un") \
                or (tok.ent_type_ in ("NORP", "GPE", "ORG") and tok.text[:1].isupper()):
            tokens.append(tok.text)
            i -= 1
            continue
        break
    while tokens and tokens[-1].lower() in ("of", "'s", "’s"):
        tokens.pop()
    if not tokens or not any(t.lower() in ROLE_WORDS for t in tokens):
        return None
    role = " ".join(reversed(tokens)).replace(" 's", "'s").replace(" ’s", "’s")
    return role


@dataclass
class _Cluster:
    type_votes: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    first_seen: tuple[int, int] = (10**9, 10**9)

    def add(self, mention: Mention, article_index: int, article_id: str) -> None:
        self.type_votes[mention.label] += 1
        self.forms[mention.text] += 1
        if mention.role:
            self.roles[mention.role] += 1
        self.articles.add(article_id)
        self.keys.add(fold(mention.text))
        self.first_seen = min(self.first_seen, (article_index, mention.start))

    def merge(self, other: _Cluster) -> None:
        self.type_votes.update(other.type_votes)
        self.forms.update(other.forms)
        self.roles.update(other.roles)
        self.articles |= other.articles
        self.keys |= other.keys
        self.first_seen = min(self.first_seen, other.first_seen)

    @property
    def type(self) -> str:
        votes = self.type_votes
        if self.roles and any(w.lower() in PERSON_TITLES for r in self.roles for w in r.split()):
            return "PERSON"
        return votes.most_common(1)[0][0]

    @property
    def name(self) -> str:
        # the most frequent of the longest forms: "Volodymyr Zelenskyy" over "Zelensky"
        longest = max(len(f.split()) for f in self.forms)
        full = [(n, f) for f, n in self.forms.items() if len(f.split()) == longest]
        return max(full, key=lambda item: (item[0], -len(item[1])))[1]


def resolve(articles: Sequence[Article]) -> list[Entity]:
    """One entity per real referent across the articles, aliases and roles gathered."""
    clusters: dict[str, _Cluster] = {}
    surname_only: list[tuple[Mention, int, str]] = []
    for index, article in enumerate(articles):
        for mention in article.mentions:
            key = fold(mention.text)
            if not key:
                continue
            if len(mention.text.split()) == 1 and mention.label in ("PERSON", "ORG", "GPE", "NORP"):
                surname_only.append((mention, index, article.id))
                continue
            clusters.setdefault(key, _Cluster()).add(mention, index, article.id)
    _merge_persons(clusters)
    # a one-word mention joins the only multi-word person whose last name it is; else it stands alone
    by_last: dict[str, set[str]] = defaultdict(set)
    for key, cluster in clusters.items():
        if cluster.type == "PERSON":
            for form in cluster.forms:
                if len(form.split()) > 1:
                    by_last[fold(form.split()[-1])].add(key)
    for mention, index, article_id in surname_only:
        key = fold(mention.text)
        owners = by_last.get(key, set())
        if len(owners) == 1:
            clusters[next(iter(owners))].add(mention, index, article_id)
        else:
            clusters.setdefault(key, _Cluster()).add(mention, index, article_id)
    _merge_acronyms(clusters)
    _propagate(clusters, articles)
    _by_role(clusters, articles)
    ordered = sorted(clusters.values(), key=lambda c: c.first_seen)
    entities = []
    for number, cluster in enumerate(ordered, start=1):
        name = cluster.name
        aliases = sorted({f for f in cluster.forms if f != name})
        entities.append(Entity(
            id=f"e{number}", name=name, type=cluster.type, aliases=tuple(aliases),
            roles=tuple(r for r, _ in cluster.roles.most_common()),
            article_ids=tuple(a.id for a in articles if a.id in cluster.articles),
            mention_count=sum(cluster.forms.values()),
        ))
    return entities


def surname(name: str) -> str:
    """The family name with its particles: "Ursula von der Leyen" -> "von der Leyen"."""
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in NAME_PARTICLES:
        start -= 1
    return " ".join(words[start:])


@dataclass(frozen=True)
class _Span:
    text: str
    start: int


def _base(text: str) -> str:
    """Each character without its diacritics, one for one, so offsets stay valid ("Kovács" -> "Kovacs")."""
    return "".join(unicodedata.normalize("NFKD", ch)[:1] or ch for ch in text)


def _propagate(clusters: dict[str, _Cluster], articles: Sequence[Article]) -> None:
    """Find each entity where the tagger missed it: its own forms, and a person's unshared surname,
    searched as whole words in every article of the story."""
    bases = {a.id: _base(a.text) for a in articles}
    surnames: dict[str, list[_Cluster]] = defaultdict(list)
    single_names = {fold(f) for c in clusters.values() for f in c.forms if len(f.split()) == 1}
    for cluster in clusters.values():
        if cluster.type == "PERSON":
            for family in {surname(f) for f in cluster.forms if len(f.split()) > 1}:
                surnames[fold(family)].append(cluster)
    for cluster in clusters.values():
        forms = {f for f in cluster.forms if len(f) >= 4 and f[:1].isupper()}
        if cluster.type == "PERSON":
            for form in list(cluster.forms):
                family = surname(form)
                owners = {id(c) for c in surnames.get(fold(family), [])}
                if len(form.split()) > 1 and owners == {id(cluster)} and \
                        (fold(family) not in single_names or fold(family) in {fold(f) for f in cluster.forms}):
                    forms.add(family)
        for form in sorted(forms):  # in a fixed order: the first alias seen can name the entity
            base = _base(form)
            first = re.escape(base[:1])
            pattern = re.compile(rf"(?<![\w-])(?:{first.upper()}|{first.lower()}){re.escape(base[1:])}(?![\w-])")
            for index, article in enumerate(articles):
                match = pattern.search(bases[article.id])
                if match is None:
                    continue
                found = _Span(article.text[match.start():match.end()], match.start())
                if article.id not in cluster.articles or form not in cluster.forms:
                    cluster.articles.add(article.id)
                    surface = found.text
                    cluster.forms.setdefault(surface, 0)  # an alias seen, not a tagged mention
                    cluster.first_seen = min(cluster.first_seen, (index, found.start))


_ROLE_ONLY = re.compile(r"\b[Tt]he ((?:[\w.’'-]+ ?){1,3})")
_NOT_TITLES = {"state", "general", "foreign", "prime", "vice", "deputy", "head", "leader", "official", "officer"}


def _by_role(clusters: dict[str, _Cluster], articles: Sequence[Article]) -> None:
    """"the NATO chief", "the chancellor": a person named only by title, where one person in the story has it."""
    persons = [c for c in clusters.values() if c.type == "PERSON" and c.roles]
    for article in articles:
        for match in _ROLE_ONLY.finditer(article.text):
            words = [w.lower().replace("'s", "").replace("’s", "") for w in match.group(1).split()]
            # the longest run of words after "the" that ends in a title: "nato chief", "chancellor"
            ends = [i for i, w in enumerate(words) if w in ROLE_WORDS and w not in _NOT_TITLES]
            if not ends:
                continue
            phrase = set(words[:ends[-1] + 1])
            holders = [c for c in persons if any(phrase <= set(r.lower().replace("'s", "").split()) for r in c.roles)]
            if len(holders) == 1:
                holders[0].articles.add(article.id)


def _merge_persons(clusters: dict[str, _Cluster]) -> None:
    """"Jose Manuel Albares" and "Jose Albares", "J.D. Vance" and "JD Vance": same last name, compatible first."""
    keys = sorted(clusters, key=lambda k: -len(k.split()))
    for key in keys:
        if key not in clusters or clusters[key].type != "PERSON":
            continue
        words = key.split()
        for other in list(clusters):
            if other == key or other not in clusters or clusters[other].type != "PERSON":
                continue
            other_words = other.split()
            if len(other_words) < 2 or other_words[-1] != words[-1] or len(other_words) > len(words):
                continue
            if len(other_words) > 2 and other_words[1:-1] != words[1:-1]:
                continue  # George H.W. Bush is not George W. Bush: different middle names
            if other_words[0] == words[0] or (len(other_words[0]) <= 2 and words[0].startswith(other_words[0][0])):
                clusters[key].merge(clusters.pop(other))


def _merge_acronyms(clusters: dict[str, _Cluster]) -> None:
    """"EU" and "European Union": an all-capitals form equal to another entity's initials."""
    initials: dict[str, str] = {}
    for key, cluster in clusters.items():
        for form in cluster.forms:
            words = [w for w in form.split() if w[:1].isupper()]
            if len(words) >= 2:
                initials.setdefault("".join(w[0] for w in words).lower(), key)
    for key in list(clusters):
        candidate = clusters.get(key)
        if candidate is None:
            continue
        if any(f.isupper() and 2 <= len(f) <= 6 for f in candidate.forms):
            target = initials.get(key.replace(" ", ""))
            if target and target != key and target in clusters:
                clusters[target].merge(clusters.pop(key))


def entity_for(name: str | None, entities: Sequence[Entity]) -> Entity | None:
    """The entity a surface form refers to (by name or alias), if exactly one."""
    if not name:
        return None
    key = fold(strip_name(name))
    exact = [e for e in entities if key == fold(e.name) or key in {fold(a) for a in e.aliases}]
    if len(exact) == 1:
        return exact[0]
    last = [e for e in entities if e.type == "PERSON" and fold(e.name.split()[-1]) == fold(name.split()[-1])]
    return last[0] if len(last) == 1 else None
