"""Linking one long paragraph costs a bounded number of look-ups per sentence (issue 16).

Counted, not timed: each sentence stand-in counts how often the linker reads its fields. A
linker that walks to the end of the paragraph from every sentence reads about n²/2 of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from evidence.articles.model import Marker, ReferenceEntry
from evidence.linking import link_sentences, reference_text

CITE = Marker("[1]", 1, 0, 3, "numeric", ("1",))
REFERENCE = reference_text(
    ReferenceEntry("Doe J. Seasonal change in alpine meadows. 2001", 1, "1", None, None, None),
    None,
)


@dataclass
class Reads:
    count: int = 0


@dataclass
class CountedSentence:
    """A SentenceLike whose every field read is counted in ``reads``."""

    _text: str
    _paragraph: int
    _markers: tuple[Marker, ...]
    reads: Reads
    _kind: str = "sentence"
    _line: int = field(default=1)

    def _read(self) -> None:
        self.reads.count += 1

    @property
    def text(self) -> str:
        self._read()
        return self._text

    @property
    def line(self) -> int:
        self._read()
        return self._line

    @property
    def paragraph(self) -> int:
        self._read()
        return self._paragraph

    @property
    def kind(self) -> str:
        self._read()
        return self._kind

    @property
    def markers(self) -> Sequence[Marker]:
        self._read()
        return self._markers


def one_paragraph(n: int, reads: Reads) -> list[CountedSentence]:
    """``n - 1`` plain sentences and a closing citation-only "[1]", all in paragraph 0."""
    body = [
        CountedSentence(f"Meadow {i} turns green in spring.", 0, (), reads) for i in range(n - 1)
    ]
    return [*body, CountedSentence("[1]", 0, (CITE,), reads)]


@pytest.mark.parametrize("n", [500, 4_000])
def test_field_reads_grow_linearly_with_the_sentences_of_one_paragraph(n: int) -> None:
    reads = Reads()
    sentences = one_paragraph(n, reads)
    result = link_sentences(sentences, [REFERENCE], claims=[False] * n)
    # The closing "[1]" covers the whole paragraph (rule 2), so every sentence is linked...
    assert set(result.links) == set(range(n))
    # ...with a fixed number of reads per sentence. Walking forward from each sentence made
    # about n/2 reads of `paragraph` and `kind` each per sentence: 2,000 at n = 4,000.
    assert reads.count <= 20 * n


def test_a_heading_inside_a_paragraph_ends_the_run_a_closing_citation_covers() -> None:
    reads = Reads()
    sentences = [
        CountedSentence("Alpha rises in spring.", 0, (), reads),
        CountedSentence("Alpha", 0, (), reads, _kind="heading"),
        CountedSentence("Beta falls in autumn.", 0, (), reads),
        CountedSentence("Gamma stays flat.", 0, (), reads),
        CountedSentence("[1]", 0, (CITE,), reads),
    ]
    result = link_sentences(sentences, [REFERENCE], claims=[False] * len(sentences))
    assert set(result.links) == {2, 3, 4}


def test_runs_of_two_paragraphs_end_at_their_own_citation() -> None:
    reads = Reads()
    sentences = [
        CountedSentence("Alpha rises in spring.", 0, (), reads),
        CountedSentence("Beta falls in autumn.", 0, (), reads),
        CountedSentence("Gamma stays flat.", 1, (), reads),
        CountedSentence("[1]", 1, (CITE,), reads),
    ]
    result = link_sentences(sentences, [REFERENCE], claims=[False] * len(sentences))
    assert set(result.links) == {2, 3}
