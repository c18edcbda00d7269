"""BibTeX name lists (``author``, ``editor``) to ``Person`` records, and back.

BibTeX's rules, as far as a ``Person`` can hold them: names are separated by ``and`` outside
braces; a name is ``Last, First``, ``Last, Jr, First`` or ``First von Last`` (the family name
starts at the first lower-case word, as in ``Ludwig van Beethoven``); a name that is one brace
group (``{World Health Organization}``) is an organisation, kept whole as ``literal``; ``and
others`` means the list was cut short and becomes ``OTHERS``. A ``Jr`` part is kept in the
family name (``Person`` has no suffix). See Patashnik, *BibTeXing* (1988), section 4.
"""

from __future__ import annotations

import re

from refs.bibtex.latex import latex_to_unicode, unicode_to_latex
from refs.work import Person

__all__ = ["OTHERS", "format_names", "parse_names", "split_names"]

OTHERS = Person(literal="others")
"""``and others`` at the end of a name list: more authors than are written."""

_SPACE = re.compile(r"\s+")
_AND_WORD = re.compile(r"(?i)(?:^|\s)and(?:\s|$)")
# A family name written alone, unbraced, must be one word that reads back as a family name.
_UNSAFE_ALONE = re.compile(r"(?i)[\s,{}]|^and$")


def split_names(value: str) -> list[list[str]]:
    """The names of a list, each as its words; ``and`` and spaces inside braces do not split."""
    names: list[list[str]] = [[]]
    for word in _words(value):
        if word.lower() == "and":
            names.append([])
        else:
            names[-1].append(word)
    return [words for words in names if words]


def parse_names(value: str) -> tuple[Person, ...]:
    """``Hayden, Jill A. and {Cochrane Back Group} and others`` as persons, in order."""
    people = (_person(words) for words in split_names(value))
    return tuple(person for person in people if person is not None)


def format_names(people: tuple[Person, ...] | list[Person]) -> str:
    """Persons as a BibTeX name list that ``parse_names`` reads back to the same persons."""
    return " and ".join(_format(person) for person in people)


def _words(value: str) -> list[str]:
    if "{" not in value:
        return value.split()
    words: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        if ch.isspace() and depth == 0:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words


def _person(words: list[str]) -> Person | None:
    if words == ["others"]:
        return OTHERS
    if len(words) == 1 and _is_one_group(words[0]):
        literal = _text(words[0])
        return Person(literal=literal) if literal else None
    parts = _split_commas(" ".join(words))
    if len(parts) > 1:
        family = " ".join(p for p in (parts[0], *parts[1:-1]) if p)
        return _made(family, parts[-1])
    if len(words) == 1:
        return _made(words[0], "")
    start = next((i for i, w in enumerate(words[:-1]) if i and _starts_lower(w)), len(words) - 1)
    return _made(" ".join(words[start:]), " ".join(words[:start]))


def _made(family: str, given: str) -> Person | None:
    family_text, given_text = _text(family), _text(given)
    if not family_text and not given_text:
        return None
    return Person(family=family_text or None, given=given_text or None)


def _text(latex: str) -> str:
    return _SPACE.sub(" ", latex_to_unicode(latex)).strip()


def _is_one_group(word: str) -> bool:
    """Whether the word is a single brace group: ``{A B}`` yes, ``{\\'E}mile`` no."""
    if not (word.startswith("{") and word.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(word):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return i == len(word) - 1
    return False


def _split_commas(name: str) -> list[str]:
    if "{" not in name:
        return [part.strip() for part in name.split(",")]
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in name:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


def _starts_lower(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and word[0] != "{" and letters[0].islower()


def _format(person: Person) -> str:
    if person == OTHERS:
        return "others"
    if person.literal:
        return "{" + unicode_to_latex(person.literal) + "}"
    family, given = person.family or "", person.given or ""
    if given:
        return f"{_part(family)}, {_part(given)}"
    encoded = unicode_to_latex(family)
    if encoded == family and not _UNSAFE_ALONE.search(family) and family.lower() != "others":
        return encoded
    return _part(family) + ","


def _part(text: str) -> str:
    encoded = unicode_to_latex(text)
    if "," in text or _AND_WORD.search(text) or text.lower() == "others":
        return "{" + encoded + "}"
    return encoded
