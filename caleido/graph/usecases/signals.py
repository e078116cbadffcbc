"""Signals in an officer's own words: a sentence such as "jongere trekt zich terug en deelt complotfilmpjes"
matched to the factors and themes it speaks of, each with the words that matched it and why.

What a word can meet, per factor or theme: its Dutch label and alternative labels and the words of its Dutch
definition, read from the store (so a curated change counts at once), and the curated synonym groups (see
`SynonymGroup`; the file is read by caleido.loaders.signal_lexicon). A group names its factor; one a source
uses carries that passage, one that is the curator's own association says so.

Scoring, per factor: a synonym met counts SYNONYM (a source's) or CURATOR (the curator's); a label word met
counts LABEL_WORD / df, a definition word DEFINITION_WORD / df, df being the number of factors whose labels or
definition hold that stem (a word every definition uses says little); a whole label or synonym of several
words met adds PHRASE. When nothing matches, the nearest factors by character trigrams are suggested and
`exact_match` is false: never a dead end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field

from caleido.graph import dutch_text
from caleido.graph.store import GraphStore
from caleido.graph.usecases.results import (
    SignalFactor,
    SignalMatch,
    SignalSuggestion,
    SignalToken,
    SignalWord,
)

TARGET_CLASSES = ("RiskFactor", "ProtectiveFactor", "ProgrammeTheme")
SYNONYM = 2.0
CURATOR = 1.5
LABEL_WORD = 1.0
DEFINITION_WORD = 0.4
PHRASE = 1.0
MIN_DEFINITION_WORD = 6  # shorter definition words ("zegt", "deelt": how a source put it) say too little
SUGGESTIONS = 5
MAX_SIGNAL = 300  # characters: a sentence or two, as an officer types it


class SynonymGroup(BaseModel):
    """Words an officer would use for one factor or theme, with the passage where that wording or signal
    appears (`basis: source`) or marked as the curator's own association (`basis: curator`, with a note)."""

    target: str = Field(min_length=1, description="the factor or theme id")
    basis: Literal["source", "curator"]
    words: list[str] = Field(min_length=1)
    source: str | None = None
    locator: str | None = None
    quote: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class _Term:
    """One thing a signal's words can meet: a label, a synonym, or one word of a definition."""

    target: str
    text: str
    stems: tuple[frozenset[str], ...]  # per content word
    via: Literal["label", "alt_label", "definition", "synonym"]
    group: SynonymGroup | None = None


def match_signal(store: GraphStore, text: str, groups: Sequence[SynonymGroup] = (), limit: int = 10) -> SignalMatch:
    """The factors and themes a signal speaks of, best first (at most `limit`), each with its matched words;
    the nearest ones as suggestions when no word matched."""
    targets = _targets(store)
    terms = _terms(targets, groups)
    vocabulary = {s for term in terms if term.via != "definition" for word in term.stems for s in word}
    tokens = dutch_text.analyse(text, vocabulary)
    df = _document_frequency(terms)
    scores: dict[str, float] = defaultdict(float)
    found: dict[str, list[tuple[float, SignalWord]]] = defaultdict(list)
    for term in terms:
        met = [_first_token(tokens, word) for word in term.stems]
        hits = [(token, word) for token, word in zip(met, term.stems, strict=True) if token is not None]
        if not hits or (term.via in ("synonym", "alt_label") and len(hits) < len(term.stems)):
            continue  # a synonym or alternative label counts only whole; a label word by word
        for token, word in hits:
            weight = _weight(term, word, df) / len(term.stems)
            if term.via == "label" and len(hits) == len(term.stems) > 1:
                weight += PHRASE / len(term.stems)
            scores[term.target] += weight
            found[term.target].append((weight, _explain(token, word, term)))
    ranked = sorted(scores, key=lambda t: (-scores[t], t))[:limit]
    return SignalMatch(
        text=text,
        tokens=[SignalToken(word=t.word, parts=list(t.parts), stems=sorted(t.stems)) for t in tokens],
        exact_match=bool(ranked),
        factors=[
            SignalFactor(**_label(targets[t]), score=round(scores[t], 3), words=_best_words(found[t])) for t in ranked
        ],
        suggestions=[] if ranked else _suggestions(text, tokens, terms, targets),
    )


def _targets(store: GraphStore) -> dict[str, dict[str, Any]]:
    return {row["id"]: {**row, "class": cls} for cls in TARGET_CLASSES for row in store.iter_nodes(cls)}


def _label(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "class": row["class"], "label_nl": row.get("label_nl"), "label_en": row.get("label_en")}


def _terms(targets: dict[str, dict[str, Any]], groups: Iterable[SynonymGroup]) -> list[_Term]:
    """Every label, alternative label and definition word of the stored factors and themes, and every synonym
    of a group whose factor is stored (the store is the truth about which factors there are)."""
    terms: list[_Term] = []
    for target, row in targets.items():
        terms += _stored_terms(
            target, row.get("label_nl"), tuple(row.get("alt_labels") or []), row.get("definition_nl")
        )
    for group in groups:
        if group.target in targets:
            terms += [term for word in group.words if (term := _term(group.target, word, "synonym", group))]
    return terms


# Keyed by what is stored (a changed label or definition is another key), so a curated change counts at once.
@lru_cache(maxsize=50_000)
def _stored_terms(target: str, label: str | None, alts: tuple[str, ...], definition: str | None) -> tuple[_Term, ...]:
    """The terms of one factor's or theme's stored labels and definition."""
    found = [_term(target, label, "label")] if label else []
    found += [_term(target, alt, "alt_label") for alt in alts]
    seen: set[str] = set()
    for _, folded in dutch_text.words(definition or ""):
        if len(folded) >= MIN_DEFINITION_WORD and folded not in dutch_text.STOP_WORDS and folded not in seen:
            seen.add(folded)
            found.append(_term(target, folded, "definition"))
    return tuple(term for term in found if term)


def _term(target: str, text: str, via: Any, group: SynonymGroup | None = None) -> _Term | None:
    stems = tuple(dutch_text.content_stems(text))
    return _Term(target, text, stems, via, group) if stems else None


def _document_frequency(terms: Iterable[_Term]) -> dict[str, int]:
    """For each stem of a label or definition, how many factors and themes use it."""
    users: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        if term.via in ("label", "definition"):
            for word in term.stems:
                for stem in word:
                    users[stem].add(term.target)
    return {stem: len(targets) for stem, targets in users.items()}


def _weight(term: _Term, word: frozenset[str], df: dict[str, int]) -> float:
    if term.via == "synonym":
        return SYNONYM if term.group is not None and term.group.basis == "source" else CURATOR
    if term.via == "alt_label":
        return SYNONYM
    spread = min(df.get(s, 1) for s in word)
    return (LABEL_WORD if term.via == "label" else DEFINITION_WORD) / spread


def _first_token(tokens: Sequence[dutch_text.Token], word: frozenset[str]) -> dutch_text.Token | None:
    return next((t for t in tokens if t.stems & word), None)


def _explain(token: dutch_text.Token, word: frozenset[str], term: _Term) -> SignalWord:
    group = term.group
    basis = "store" if group is None else group.basis
    claim = {"source": group.source, "locator": group.locator, "quote": group.quote} if group else {}
    return SignalWord(
        word=token.word,
        stem=min(token.stems & word),
        term=term.text,
        via=term.via,
        basis=basis,
        note=group.note if group else None,
        **claim,
    )


def _best_words(found: list[tuple[float, SignalWord]]) -> list[SignalWord]:
    """The matched words, heaviest first, each (word, term) once."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for _, word in sorted(found, key=lambda pair: (-pair[0], pair[1].word, pair[1].term)):
        if (word.word, word.term) not in seen:
            seen.add((word.word, word.term))
            kept.append(word)
    return kept


def _suggestions(
    text: str, tokens: Sequence[dutch_text.Token], terms: Iterable[_Term], targets: dict[str, dict[str, Any]]
) -> list[SignalSuggestion]:
    """The factors whose label or synonym is nearest to a word of the signal (or to the whole of it, when it
    holds no content word), by character trigrams; when none shares a trigram, the factors with the most
    synonyms (similarity 0), so the answer always offers a way on."""
    probes = [dutch_text.trigrams(t.folded) for t in tokens] or [dutch_text.trigrams(text)]
    best: dict[str, tuple[float, str]] = {}
    for term in terms:
        if term.via == "definition":
            continue
        grams = dutch_text.trigrams(term.text)
        near = max(max(dutch_text.similarity(p, grams), _word_similarity(p, term.text)) for p in probes)
        if near > best.get(term.target, (0.0, ""))[0]:
            best[term.target] = (near, term.text)
    if not best:  # nothing near at all (a typo of nothing known): the factors officers' words name most often
        described = Counter(term.target for term in terms if term.via == "synonym")
        best = {t: (0.0, targets[t].get("label_nl") or t) for t, _ in described.most_common(SUGGESTIONS)}
    ranked = sorted(best, key=lambda t: (-best[t][0], t))[:SUGGESTIONS]
    return [SignalSuggestion(**_label(targets[t]), similarity=round(best[t][0], 3), nearest=best[t][1]) for t in ranked]


def _word_similarity(probe: frozenset[str], text: str) -> float:
    """The best similarity of a probe to one word of a multi-word label ("complotdenkn" ~ "complotdenken")."""
    return max((dutch_text.similarity(probe, dutch_text.trigrams(w)) for _, w in dutch_text.words(text)), default=0.0)
