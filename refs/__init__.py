"""refs: the bibliographic layer. DOIs, works, Crossref, BibTeX, matching.

Usable on its own; knows nothing of claims, articles or databases.
"""

from __future__ import annotations

from refs.doi import DOIMatch, doi_problem, find_dois, is_doi, normalize_doi
from refs.errors import (
    BibTeXError,
    DOINotFound,
    InvalidDOI,
    RateLimited,
    RefsError,
    RegistryError,
    RegistryUnavailable,
    RegistryUnreachable,
)
from refs.markup import clean_text, strip_jats
from refs.work import (
    CORRECTION_KINDS,
    RETRACTION_KINDS,
    PartialDate,
    Person,
    SearchHit,
    Update,
    Work,
    work_from_crossref,
    work_from_csl,
    work_to_csl,
)

__version__ = "0.1.0"

__all__ = [
    "BibTeXError",
    "CORRECTION_KINDS",
    "DOIMatch",
    "DOINotFound",
    "InvalidDOI",
    "PartialDate",
    "Person",
    "RETRACTION_KINDS",
    "RateLimited",
    "RefsError",
    "RegistryError",
    "RegistryUnavailable",
    "RegistryUnreachable",
    "SearchHit",
    "Update",
    "Work",
    "clean_text",
    "doi_problem",
    "find_dois",
    "is_doi",
    "normalize_doi",
    "strip_jats",
    "work_from_crossref",
    "work_from_csl",
    "work_to_csl",
]
