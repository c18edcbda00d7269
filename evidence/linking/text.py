"""Words, stems and key phrases: what the similarity model compares.

Everything here is lexical and deterministic: text is folded (accents dropped, lower case),
split into words, stripped of domain-neutral stop words (function words plus the boilerplate
of scholarly prose: "studies have shown", "significant", "results") and reduced to a light
stem, so that "studies"/"study" and "recommends"/"recommended" meet. Key phrases are the
specific names a claim carries: acronyms (NASS, ADAR1) and multi-word proper names (North
American Spine Society), each with the acronym it defines when the text says
"North American Spine Society (NASS)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from evidence.folding import fold

__all__ = ["KeyPhrase", "content_terms", "fold", "initials", "key_phrases", "stem", "surface"]

STOP_WORDS = frozenset(
    """
    a about above after again against all also although am among an and any are as at be
    because been before being below between both but by can could did do does doing down
    during each either etc even ever every few for from further furthermore had has have
    having he her here hers herself him himself his how however i if in into is it its itself
    just least less many may me might more moreover most much must my myself neither no nor
    not now of off often on once one only or other others otherwise our ours ourselves out
    over own per perhaps rather same several shall she should since so some still such than
    that the their theirs them themselves then there therefore these they this those though
    through thus to too toward towards under until up upon us very via was we were what
    whatever when where whether which while who whom whose why will with within without would
    yet you your yours yourself yourselves et al ie eg vs cf
    certain overall generally usually commonly typically known well new
    study studies show shown shows showed demonstrate demonstrated demonstrates found find
    finds report reported reports suggest suggested suggests indicate indicated indicates
    result results significant significantly evidence research researchers paper article
    review vol volume pp page pages doi http https www org com edu
    """.split()
)
"""Words that say nothing about a claim's subject, in any field.

Besides function words, this holds the phrasing every claim and abstract shares ("studies
have shown significant results"); "review" is here because reference lists are full of
reviews, so the word tells one reference from another only by accident.
"""

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_SUFFIXES = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("isation", "ize"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ities", "ity"),
    ("ingly", ""),
    ("edly", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ed", ""),
    ("es", ""),
    ("ly", ""),
    ("s", ""),
)


@lru_cache(maxsize=1 << 16)  # a vocabulary is small next to the words of a long article
def stem(word: str) -> str:
    """A light suffix-stripping stem; words of four letters or fewer are kept whole.

    Deliberately weaker than Porter's: it only has to make inflections meet, and a stem that
    merges unrelated words would make unrelated texts look alike.
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: len(word) - len(suffix)] + replacement
            # "stopped" -> "stopp" -> "stop": undo the doubled consonant before -ed/-ing.
            if suffix in ("ed", "ing") and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1] if base[-1] not in "lsz" else base
            return base
    return word


def content_terms(text: str) -> list[str]:
    """The stems of the text's content words, in order (repeats kept)."""
    terms = []
    for word in _WORD.findall(fold(text)):
        word = word.strip("-'")
        if word in STOP_WORDS or len(word) < 2 or word.isdigit():
            continue
        terms.append(stem(word))
    return terms


def surface(text: str) -> dict[str, str]:
    """Each stem of the text with the word it first stands for: explanations show words.

    >>> surface("Two trials, one trial")["trial"]
    'trials'
    """
    found: dict[str, str] = {}
    for word in _WORD.findall(fold(text)):
        word = word.strip("-'")
        found.setdefault(stem(word), word)
    return found


@dataclass(frozen=True, slots=True)
class KeyPhrase:
    """A specific name in a claim: a proper name, an acronym, or both when one defines the other."""

    name: str | None
    acronym: str | None


_NAME_WORD = r"[A-Z][a-z'’-]*[a-z]"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:of|and|for|the|on|de|du)\s+)?{_NAME_WORD})+")
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_CONNECTORS = ("of", "and", "for", "the", "on", "de", "du")
_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z0-9-]*[A-Z0-9])\s*\)")


def initials(name: str) -> str:
    """The upper-case initials of a name's capitalised words: NASS for North American Spine..."""
    return "".join(word[0] for word in name.split() if word[:1].isupper())


def key_phrases(text: str) -> list[KeyPhrase]:
    """Acronyms and multi-word proper names in ``text``, an acronym joined to its expansion.

    The word that opens the text is not taken as a name on its own (every sentence starts
    with a capital), and text written all in capitals yields nothing.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        return []
    phrases: list[KeyPhrase] = []
    defined: set[str] = set()
    for match in _NAME.finditer(text):
        name = _drop_opening_word(text, match)
        if name is None:
            continue
        after = _DEFINITION.match(text[match.end() :].lstrip())
        acronym = after.group(1) if after and _defines(name, after.group(1)) else None
        if acronym:
            defined.add(acronym)
        phrases.append(KeyPhrase(name, acronym))
    for match in _DEFINITION.finditer(text):
        acronym = match.group(1)
        name = _expansion_before(text[: match.start()], acronym)
        if acronym not in defined and name:
            defined.add(acronym)
            phrases.append(KeyPhrase(name, acronym))
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        if word not in defined and _is_acronym(word):
            defined.add(word)
            phrases.append(KeyPhrase(None, word))
    return phrases


def _drop_opening_word(text: str, match: re.Match[str]) -> str | None:
    name = match.group(0)
    if text[: match.start()].strip():
        return name
    # The sentence's first word is capitalised by grammar, not because it is a name.
    words = name.split()[1:]
    while words and words[0] in _CONNECTORS:
        words = words[1:]
    return " ".join(words) if len(words) >= 2 else None


def _expansion_before(text: str, acronym: str) -> str | None:
    """The words before "(PT)" whose initials spell it, in any case: "physical therapy"."""
    letters = "".join(ch for ch in acronym if ch.isalpha()).lower()
    words = [w for w in re.findall(r"[\w'’-]+", text) if w.lower() not in _CONNECTORS]
    if not letters or len(words) < len(letters):
        return None
    candidate = words[len(words) - len(letters) :]
    return " ".join(candidate) if _initials_any(candidate) == letters else None


def _initials_any(words: list[str]) -> str:
    return "".join(w[0] for w in words).lower()


def _defines(name: str, acronym: str) -> bool:
    letters = "".join(ch for ch in acronym if ch.isalpha())
    return initials(name).upper() == letters.upper() or name.upper().startswith(letters.upper())


def _is_acronym(word: str) -> bool:
    upper = sum(ch.isupper() for ch in word)
    digits = sum(ch.isdigit() for ch in word)
    return len(word) >= 2 and (upper >= 2 or (upper >= 1 and digits >= 1))
