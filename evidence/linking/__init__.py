"""Claim -> reference links: explicit citation markers first, then text similarity.

* ``references``  ReferenceText (what is known of a reference), ``reference_texts``
* ``markers``     which reference a marker target names (label, key, DOI, author-year)
* ``score``       the lexical similarity model, ``ReferenceIndex`` and ``similarity``
* ``features``    what the learned ranker reads of a sentence and a candidate reference
* ``rank``        the learned ranker (weights.json): the best candidate, its probability, why
* ``link``        ``link_claims``: which sentences a marker covers, and inferred links

An inferred link says the claim and the reference are *related* (same subject), never that
the reference supports the claim. The rules are in the docstrings of ``link`` and ``score``.

>>> refs = [ReferenceText("Doe J. Exercise therapy for chronic low back pain. 2021")]
>>> round(similarity("Exercise helps with chronic low back pain", refs[0]), 2) > 0.5
True
"""

from __future__ import annotations

from evidence.linking.link import INFERRED_THRESHOLD, LinkResult, link_claims, link_sentences
from evidence.linking.markers import MarkerResolver
from evidence.linking.references import ReferenceText, reference_text, reference_texts
from evidence.linking.score import Match, ReferenceIndex, similarity

__all__ = [
    "INFERRED_THRESHOLD",
    "LinkResult",
    "MarkerResolver",
    "Match",
    "ReferenceIndex",
    "ReferenceText",
    "link_claims",
    "link_sentences",
    "reference_text",
    "reference_texts",
    "similarity",
]
