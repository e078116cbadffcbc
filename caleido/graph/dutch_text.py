"""Dutch text as an officer types it, reduced to stems that can be compared: case and accents folded (as
search does), stop words dropped, common compounds split, each word stemmed with Snowball's Dutch stemmer.

Snowball leaves some forms apart that an officer means alike ("deelt"/"delen", "politieke"/"politiek"): a
word ending in -t or -e is also stemmed without it, and a stem's doubled vowels are made single, so "deel" and
"del" meet. Compounds are split where both parts are known words ("complotfilmpjes" -> complot + filmpjes,
"overheidswantrouwen" -> overheid + wantrouwen, with the linking -s- or -en- between them); the known words
are COMPOUND_PARTS plus whatever vocabulary the caller passes (the labels and synonyms it matches against).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from caleido.graph.search_keys import normalise

# Function words of Dutch that carry no signal (Snowball's Dutch stop list, plus a few words of reporting
# such as "lijkt", "steeds", "erg" that appear in every officer's note).
STOP_WORDS = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er
    ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen
    maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te tegen
    toch toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf zich zij
    zijn zo zonder zou lijkt steeds erg heel vaak soms laatste laatst tijd sinds weer echt ineens opeens
    """.split()
)

# Parts of compounds officers write about these signals: modifiers and heads that, joined, name one. Any
# word of the vocabulary a caller passes counts as a part too.
COMPOUND_PARTS = frozenset(
    """
    complot film filmpje filmpjes video videos overheid wantrouwen haat taal vriend vrienden groep groepen
    school schooluitval uitval verzuim geld schuld schulden problemen probleem geweld dreiging dreigen
    theorie theorieen denken denker denkers zorgen hulp wereld beeld beelden gevoel gevoelens kanaal kanalen
    chat chats app apps game games ouder ouders thuis situatie werk baan verlies recht rechtsstaat staat
    vijand elite systeem media nieuws pers leeftijd wij zij uiting uitingen uitspraken extreem extremistisch
    """.split()
)
LINKS = ("s", "", "en", "e")  # the linking sounds between a compound's parts, tried in this order
MIN_PART = 3


@dataclass(frozen=True)
class Token:
    """One content word of a text: as typed, folded, the compound parts it was split into (itself if none),
    and the stems it may be matched by."""

    word: str
    folded: str
    parts: tuple[str, ...]
    stems: frozenset[str] = field(default_factory=frozenset)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("dutch")


_DOUBLE_VOWEL = re.compile(r"([aeou])\1")


@lru_cache(maxsize=20_000)
def stems_of(word: str) -> frozenset[str]:
    """The stems of one folded word: Snowball's, and for a word in -t or -e also that of the word without it
    (Snowball keeps "politieke" apart from "politiek", "deelt" from "delen")."""
    forms = [word] + ([word[:-1]] if word[-1:] in ("t", "e") and len(word) > 4 else [])
    return frozenset(_DOUBLE_VOWEL.sub(r"\1", _stemmer().stemWord(form)) for form in forms)


def stem(word: str) -> str:
    """The main stem of one word (folded first)."""
    folded = normalise(word)
    return min(stems_of(folded), key=len) if folded else ""


def words(text: str) -> list[tuple[str, str]]:
    """The words of a text as typed and folded, in order; punctuation and digits-only words left out."""
    typed = re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)
    pairs = [(w, normalise(w).replace(" ", "")) for w in typed]
    return [(w, f) for w, f in pairs if f and not f.isdigit()]


def _known_stems(vocabulary: Iterable[str]) -> frozenset[str]:
    return frozenset(s for word in vocabulary for s in stems_of(word) if len(word) >= MIN_PART)


@lru_cache(maxsize=1)
def _curated_stems() -> frozenset[str]:
    return _known_stems(COMPOUND_PARTS)


def split_compound(word: str, known: Collection[str] = ()) -> tuple[str, ...]:
    """A folded word split into known parts (the curated ones, and words whose stems are in `known`): the
    shortest known modifier first, then the rest split the same way; the word itself when no split is found."""
    return _split(word, _curated_stems() | frozenset(known))


@lru_cache(maxsize=20_000)
def _split(word: str, stems: frozenset[str]) -> tuple[str, ...]:

    def is_known(part: str) -> bool:
        return len(part) >= MIN_PART and bool(stems_of(part) & stems)

    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        left, right = word[:cut], word[cut:]
        heads = (right,) if is_known(right) else _split(right, stems)
        if heads == (right,) and not is_known(right):
            continue
        for link in LINKS:
            if link and not left.endswith(link):
                continue
            modifier = left[: len(left) - len(link)] if link else left
            if is_known(modifier):
                return (modifier, *heads)
    return (word,)


def analyse(text: str, vocabulary_stems: Collection[str] = ()) -> list[Token]:
    """The content words of a text, each with its compound parts and all their stems. `vocabulary_stems` are
    stems of words that count as compound parts besides COMPOUND_PARTS."""
    known = _curated_stems() | frozenset(vocabulary_stems)
    tokens = []
    for typed, folded in words(text):
        if folded in STOP_WORDS or len(folded) < 2:
            continue
        parts = _split(folded, known)
        spans = {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
        stems = frozenset().union(*(stems_of(p) for p in {folded, *spans}))  # "wij-zij-..." also meets "wijzij"
        tokens.append(Token(typed, folded, parts, stems))
    return tokens


def content_stems(text: str) -> list[frozenset[str]]:
    """The stems of each content word of a text (a label, a synonym), compounds not split: for a phrase to
    match, each of its words must."""
    return [stems_of(folded) for _, folded in words(text) if folded not in STOP_WORDS and len(folded) >= 2]


def trigrams(text: str) -> frozenset[str]:
    """The character trigrams of a folded text, with its word edges marked: for the nearest label."""
    padded = f"  {normalise(text)} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient of two trigram sets (0 .. 1)."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0
