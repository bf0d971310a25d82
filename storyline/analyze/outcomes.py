"""Outcome claims: what a clause says came of something (agreed / remained divided, won / lost, died / survived).

Read from the parse, so that only a predicate counts: "participants agreed to ..." is an outcome, "contingent on a
ceasefire agreement" or "met to agree a response" is not. The outcome is kept on the claim as one string,
"kind polarity subject | matter", so that two outlets' outcomes can be compared across a story without the two
sentences having to be alike (storyline.disputes.outcome_clash).
"""

from __future__ import annotations

from typing import Any

# Each kind: the lemmas that say it happened (+) and those that say the opposite (-). General verbs of news
# outcomes (accords and votes, results, verdicts, deaths, confirmations), not any one story's words.
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "accord": (frozenset({"agree", "approve", "adopt", "endorse", "ratify", "settle", "resolve", "unite", "decide"}),
               frozenset({"divide", "divided", "disagree", "split", "deadlock", "deadlocked", "inconclusive", "undecided",
                          "reject", "veto", "stall"})),
    "result": (frozenset({"win"}), frozenset({"lose"})),
    # leaving a post: "resigned", "was fired" / "has not resigned", "refused to resign" (the negation), "remains head
    # coach" (a post named after it: _DISMISSALS and _STAYING below)
    "resignation": (frozenset({"resign", "quit", "fire", "sack", "oust", "dismiss", "relieve"}),
                    frozenset({"remain", "stay"})),
    "verdict": (frozenset({"convict"}), frozenset({"acquit"})),
    "death": (frozenset({"die", "dead"}), frozenset({"survive", "alive"})),
    "confirmation": (frozenset({"confirm"}), frozenset({"deny"})),
}
# verbs that end someone's post only when done to a named person ("fired Cheeks", not "fired shots" or "dismissed the
# report"); "relieved" only "of" something ("relieved Cheeks of his duties")
_DISMISSALS = frozenset({"fire", "sack", "oust", "dismiss", "relieve"})
# "remains head coach", "stays on as chief executive", "remains in office": still in a post, not "remains in hospital"
_STAYING = frozenset({"remain", "stay"})
_POSTS = frozenset({"coach", "manager", "president", "chairman", "chairwoman", "chair", "chief", "executive", "ceo",
                    "director", "minister", "secretary", "leader", "head", "captain", "governor", "mayor",
                    "commissioner", "editor", "boss", "premier", "chancellor", "speaker", "officer", "office", "post",
                    "charge", "power", "job", "position", "role", "helm"})
# nouns that are an outcome when a clause says it was reached ("reached an agreement", "no deal was struck")
_ACCORD_NOUNS = frozenset({"agreement", "deal", "accord", "consensus", "compromise", "resolution", "settlement",
                           "breakthrough", "pact"})
_REACH_VERBS = frozenset({"reach", "produce", "strike", "seal", "clinch", "secure", "achieve", "find", "broker",
                          "yield", "bring", "hammer"})
# verbs that turn what they govern around ("failed to agree", "refused to approve")
_FAILING = frozenset({"fail", "refuse", "decline"})
_HEDGES = frozenset({"hope", "plan", "seek", "aim", "try", "want", "wish", "intend", "expect", "prepare", "push", "urge",
                     "call", "need", "propose", "ask", "demand", "likely", "set", "would", "may", "might", "should",
                     "must", "will", "shall", "could", "can", "if", "unless", "whether", "when", "once"})
_PASSING = frozenset({"still", "initially", "briefly", "temporarily", "first", "yet"})
_MODALS = frozenset({"will", "would", "may", "might", "should", "must", "shall", "can", "could", "'ll", "wo", "ca"})
_NEGATIONS = frozenset({"not", "n't", "never", "no"})
# who: the members of a gathering or the gathering itself ("leaders", "they", "the meeting"), one group
_GROUP = frozenset({"leader", "participant", "member", "minister", "delegate", "delegation", "party", "side", "country",
                    "nation", "state", "ally", "government", "negotiator", "they", "we", "summit", "meeting", "talk",
                    "talks", "conference", "negotiation", "discussion", "head", "representative", "official",
                    "lawmaker", "legislator"})
_MATTER_POS = frozenset({"NOUN", "VERB"})
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")


def _negated(token: Any) -> bool:
    return any(c.dep_ == "neg" or (c.lower_ in ("never",) and c.dep_ == "advmod") for c in token.children)


def _modal(token: Any) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _MODALS for c in token.children)


def _subject(token: Any) -> Any:
    """The one the outcome is about: the verb's subject, shared along xcomp / conj, or the noun a clause describes."""
    seen = token
    for _ in range(4):
        found = next((c for c in seen.children if c.dep_ in _SUBJECTS), None)
        if found is not None:
            if found.lower_ in ("who", "that", "which") and seen.dep_ == "relcl":
                return seen.head  # "a climber who survived": the climber
            return found
        if seen.dep_ in ("acl", "relcl"):
            return seen.head
        if seen.dep_ in ("xcomp", "conj", "acomp", "ccomp", "advcl", "pcomp", "oprd") and seen.head is not seen:
            seen = seen.head
            continue
        break
    return None


def _subject_key(subject: Any) -> str | None:
    """"@group" for a gathering and its members; a name as "=" and its words; another noun as its lemma; a pronoun
    other than "they" / "we": None."""
    if subject is None:
        return None
    lemma = subject.lemma_.lower()
    if lemma in _GROUP or subject.lower_ in _GROUP:
        return "@group"
    if subject.pos_ == "PROPN":
        names = [subject, *(c for c in subject.conjuncts if c.pos_ == "PROPN")]
        words = [w.lower_ for n in names for w in (n, *n.children) if w.pos_ == "PROPN" and w.dep_ in (
            "compound", "flat", n.dep_)]
        return "=" + " ".join(sorted(set(words))) if words else None
    if subject.pos_ == "NOUN":
        return lemma
    return None


def _matter(span: Any, head: Any, subject: Any, kind_words: frozenset[str]) -> list[str]:
    """What the outcome is about: the content words under it, without the subject ("divided on deploying troops")."""
    skip = {t.i for t in subject.subtree} if subject is not None else set()
    return sorted({t.lemma_.lower() for t in head.subtree
                   if t.i not in skip and t.pos_ in _MATTER_POS and t.lemma_.lower() not in kind_words
                   and t.lemma_.lower() not in _ACCORD_NOUNS | _REACH_VERBS and span.start <= t.i < span.end and t.is_alpha})


def _polarity(token: Any, span: Any) -> int | None:
    """+1 said to have happened, -1 said not to or the opposite, None when hedged (a plan, a hope, a condition)."""
    sign = -1 if _negated(token) else 1
    if _modal(token):
        if sign > 0 or not any(c.lower_ in ("could", "can", "ca") for c in token.children):
            return None  # "will agree", "must not be divided": a plan or a wish, not an outcome; "could not agree" is one
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children) and token.head.lemma_.lower() not in _FAILING \
            and not (token.head.lemma_.lower() == "expect" and _negated(token.head)):
        return None  # "met to agree a response", "hope to reach a deal"
    if any(c.dep_ == "mark" and c.lower_ in _HEDGES for c in token.children):
        return None
    if any(c.dep_ == "advmod" and c.lower_ in _PASSING for c in (*token.children, *token.head.children)):
        return None  # "was still alive when rescuers reached him": a state at one time, not the outcome
    node = token
    while node.head is not node and span.start <= node.head.i < span.end and node.dep_ in (
            "xcomp", "ccomp", "acomp", "dobj", "pobj", "prep", "pcomp", "nsubjpass", "nsubj", "attr", "oprd"):
        node = node.head
        lemma = node.lemma_.lower()
        if lemma in _FAILING:
            sign = -sign  # "failed to agree"
        elif lemma == "expect" and _negated(node):
            return -1 if sign > 0 else None  # "is not expected to produce a resolution"
        elif lemma in _HEDGES or (_modal(node) and not _negated(node)):
            return None
        elif _negated(node) and node is not token:
            sign = -sign
        elif any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            return None  # "his battle to stay alive": an aim, not an outcome
        if any(c.dep_ == "mark" and c.lower_ in _HEDGES for c in node.children):
            return None
    return sign


def _will_only(token: Any) -> bool:
    """The only hedge on the verb is a plain future ("will remain"), not "may", "should" or "hopes to"."""
    modals = {c.lower_ for c in token.children if c.dep_ == "aux" and c.lower_ in _MODALS}
    return bool(modals) and modals <= {"will", "'ll"} and \
        not any(c.dep_ == "mark" and c.lower_ in _HEDGES for c in token.children)


def _in_post(token: Any, lemma: str) -> bool:
    """A dismissal or a stay that is about a post: "relieved X of his duties", "remains head coach"."""
    if lemma == "relieve":
        return any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children) or \
            any(c.dep_ == "prep" and c.lower_ == "of" for d in token.children if d.dep_ == "dobj" for c in d.children)
    if lemma not in _STAYING:
        return True
    for c in token.children:
        if c.dep_ in ("attr", "oprd", "acomp") and c.lemma_.lower() in _POSTS:
            return True
        if c.dep_ == "prep" and c.lower_ in ("as", "in", "at"):
            if any(p.dep_ == "pobj" and p.lemma_.lower() in _POSTS for p in c.children):
                return True
    return False


def outcome_of(span: Any) -> str | None:
    """The clause's outcome as "kind polarity subject | matter" ("accord - @group | deploy idea troop"), or None.

    None when the clause states no outcome, hedges it, says both (a mixed "remained inconclusive, but agreed to ..."),
    or its subject cannot be told (a pronoun other than "they" / "we").
    """
    if span.text.strip().endswith("?"):
        return None
    found: list[tuple[str, int, str, list[str]]] = []
    for token in span:
        lemma = token.lemma_.lower()
        kind, side, head = None, 0, token
        for name, (yes, no) in KINDS.items():
            if lemma in yes or token.lower_ in yes:
                kind, side = name, 1
            elif lemma in no or token.lower_ in no:
                kind, side = name, -1
        if kind is None and lemma == "step" and any(c.dep_ in ("prt", "advmod") and c.lower_ == "down" for c in token.children):
            kind, side = "resignation", 1  # "stepped down"
        if kind is None and lemma in _ACCORD_NOUNS and token.pos_ == "NOUN":
            verb = token.head
            if token.dep_ in ("dobj", "nsubjpass") and verb.lemma_.lower() in _REACH_VERBS:
                kind, side, head = "accord", 1, verb
                if any(c.lower_ == "no" for c in token.children):
                    side = -1  # "no agreement was reached"
        if kind is None:
            continue
        if token.pos_ not in ("VERB", "ADJ", "AUX", "NOUN") or (token.pos_ == "NOUN" and head is token):
            continue
        if kind == "death" and lemma == "die" and token.pos_ != "VERB":
            continue
        if head.dep_ not in ("ROOT", "conj", "ccomp", "xcomp", "acomp", "advcl", "pcomp", "relcl", "acl", "oprd") and \
                head is not span.root:
            continue
        polarity = _polarity(head, span)
        if polarity is None and lemma in _STAYING and _will_only(head) and not _negated(head):
            polarity = 1  # "X will remain head coach": announced, not hoped for (unlike "X will resign")
        if polarity is None:
            continue
        if kind == "resignation" and not _in_post(head, lemma):
            continue
        # a verdict or a dismissal is about the one it is passed on: "the jury convicted Jones" is about Jones
        patient = next((c for c in head.children if c.dep_ == "dobj"), None) \
            if kind == "verdict" or lemma in _DISMISSALS else None
        subject = patient if patient is not None else _subject(head)
        if lemma in _DISMISSALS | _STAYING and (subject is None or subject.pos_ != "PROPN"):
            continue  # "fired shots", "the fire remained": a named person's post, or nothing
        # "no agreement was reached": the parties of the story, not the agreement
        key = "@group" if subject is not None and subject.i == token.i and kind == "accord" else _subject_key(subject)
        if key is None:
            continue
        yes, no = KINDS[kind]
        found.append((kind, side * polarity, key, _matter(span, token if head is token else head, subject, yes | no)))
    if not found or len({(k, s) for k, s, _, _ in found}) != len({k for k, _, _, _ in found}):
        return None  # nothing, or both sides of one kind in one clause
    kind, sign, key, matter = found[0]
    return f"{kind} {'+' if sign > 0 else '-'} {key} | {' '.join(matter)}"


# Exclusive acts: done to one thing by one party only, so two named parties for one act on one thing cannot both be
# right ("Oracle acquired Sun" / "IBM acquired Sun"). Each act lemma -> the kinds of thing it is exclusive for: a name
# of that entity type, or a noun of a contest that has one winner. Acts that several parties do together or each on
# their own (arrest, attack, sign a treaty, win an award) are not listed.
EXCLUSIVE_ACTS: dict[str, frozenset[str]] = {
    "win": frozenset({"EVENT", "election", "race", "primary", "runoff", "title", "championship", "cup", "final",
                      "tournament", "caucus", "presidency", "nomination", "pennant", "trophy"}),
    "acquire": frozenset({"ORG", "PRODUCT"}),  # a startup is often tagged as its product ("bought CloudSimple")
    "buy": frozenset({"ORG", "PRODUCT"}),
    "purchase": frozenset({"ORG", "PRODUCT"}),
    "sign": frozenset({"PERSON"}),  # a team signs a player; leaders signing a treaty sign it together
}
_SAME_ACT = {"buy": "acquire", "purchase": "acquire"}  # "Oracle bought Sun" / "IBM acquired Sun": one act
# how a named party is typed when the tagger gives no entity label (a one-word team name "Lakers")
_AGENT_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _name(token: Any, party: bool = True) -> tuple[str, str] | None:
    """A name: (entity type, its name words), or None for a noun or a pronoun; a party must be a person, a group or a
    place ("NAME" when the tagger gives no type)."""
    # a name the tagger took for a noun: capitalised inside the sentence ("the Lakers") or written in camel case
    # ("WeWork"); typed only as a name, since its entity label is as unreliable
    missed = token.pos_ == "NOUN" and (any(ch.isupper() for ch in token.text[1:]) or (
        token.text[:1].isupper() and token.i > token.sent.start and not _title_case(token.sent)))
    if token.pos_ != "PROPN" and not missed:
        return None
    words = sorted({w.lower_ for w in (token, *token.children) if w.pos_ == "PROPN" and w.dep_ in ("compound", "flat")}
                   | {token.lower_})
    label = "NAME" if missed else token.ent_type_ or "NAME"
    if party and label not in _AGENT_TYPES and label != "NAME":
        return None
    return label, " ".join(words)


def _title_case(sent: Any) -> bool:
    """A headline written In Title Case, where a capital says nothing about a name."""
    return not any(t.is_alpha and t.text[:1].islower() and not t.is_stop for t in sent)


def _firm(token: Any, span: Any) -> bool:
    """Said to have happened or to be settled: "acquired", "will acquire", "agreed to buy"; not a hope, a bid, a
    possibility or a denial ("in talks to buy", "may win", "did not buy")."""
    if _negated(token):
        return False
    modals = {c.lower_ for c in token.children if c.dep_ == "aux" and c.lower_ in _MODALS}
    if modals - {"will", "'ll"}:
        return False
    if any(c.dep_ == "mark" and c.lower_ in _HEDGES for c in token.children):
        return False
    if token.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        head = token.head
        return head.lemma_.lower() == "agree" and not _negated(head) and not _modal(head) and head.head.i == head.i
    return token.head.i == token.i or (token.dep_ in ("ccomp", "conj") and not _negated(token.head))


def act_of(span: Any) -> str | None:
    """An exclusive act with its named doer and what it was done to, "acquire|ORG|oracle|=sun", or None.

    The doer is the subject of an active verb or the "by" phrase of a passive one; the thing is the object (active)
    or the subject (passive), a name of the act's entity type or a contest noun with its modifiers
    ("win|PERSON|obama|election presidential"). None when hedged, negated, asked, or either side is not named.
    """
    if span.text.strip().endswith("?"):
        return None
    for token in span:
        lemma = token.lemma_.lower()
        kinds = EXCLUSIVE_ACTS.get(lemma)
        if kinds is None or token.pos_ != "VERB" or not _firm(token, span):
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        if passive:
            thing = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
            by = next((c for c in token.children if c.dep_ == "agent"), None)
            doer = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        elif lemma == "sign" and not any(c.dep_ == "dobj" for c in token.children):
            # "Kobe Bryant signed with the Lakers": the player signs, the team is the one signing him
            thing = next((c for c in token.children if c.dep_ == "nsubj"), None)
            by = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "with"), None)
            doer = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        else:
            thing = next((c for c in token.children if c.dep_ == "dobj"), None)
            doer = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if doer is None and token.dep_ == "xcomp":
                doer = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
        if thing is None or doer is None or any(c.dep_ == "conj" for c in doer.children):
            continue  # no doer or thing, or several doers ("A and B bought C"): nothing exclusive to compare
        party = _name(doer)
        if party is None:
            continue
        named = _name(thing, party=False)
        if named is not None and any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in thing.children):
            continue  # "bought an iPhone": one of many, not the one thing
        if named is not None and (named[0] in kinds or named[0] == "NAME" and lemma != "win"):
            what = "=" + named[1]
        elif thing.pos_ == "NOUN" and thing.lemma_.lower() in kinds and \
                any(c.dep_ == "det" and c.lower_ == "the" for c in thing.children):
            # "the presidential election", not "an award": one contest, named by its modifiers
            mods = sorted(c.lower_ for c in thing.children if c.dep_ in ("amod", "compound", "nummod"))
            what = " ".join([thing.lemma_.lower(), *mods])
        elif thing.pos_ == "PROPN" and named is not None and named[0] == "NAME" and "EVENT" in kinds:
            what = "=" + named[1]  # "won the French Open": the tagger often leaves a contest untyped
        else:
            continue
        # where or in what it was done ("won the championship in the 100 backstroke", "at Wimbledon"): another event
        # is another thing; a date or a price is not
        where = sorted({p.lemma_.lower() for c in (*token.children, *thing.children) if c.dep_ == "prep"
                        and c.lower_ in ("in", "at", "of") for p in c.children
                        if p.dep_ == "pobj" and p.ent_type_ not in ("DATE", "TIME", "MONEY", "CARDINAL")})
        return f"{_SAME_ACT.get(lemma, lemma)}|{party[0]}|{party[1]}|{' '.join([what, *where])}"
    return None
