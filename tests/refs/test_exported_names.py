"""`refs`' public surface is pinned: a name added or dropped is a decision, made here too."""

from __future__ import annotations

import types

import refs

PUBLIC = [
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


def test_all_is_the_pinned_list_sorted() -> None:
    assert refs.__all__ == PUBLIC
    assert refs.__all__ == sorted(refs.__all__)


def test_every_public_name_is_in_all_and_every_name_in_all_exists() -> None:
    public = {
        name for name, value in vars(refs).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
        and name != "annotations"  # `from __future__ import annotations`
    }
    assert public == set(refs.__all__)
    assert all(getattr(refs, name, None) is not None for name in refs.__all__)
