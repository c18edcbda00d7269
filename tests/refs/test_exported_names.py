"""`refs`' public surface is pinned: a name added or dropped is a decision, made here too."""

from __future__ import annotations

import types

import refs

PUBLIC = sorted([
    # errors
    "RefsError", "BibTeXError", "InvalidDOI", "DOINotFound", "RateLimited", "RegistryError",
    "RegistryUnavailable", "RegistryUnreachable",
    # DOIs in text
    "DOIMatch", "find_dois", "is_doi", "normalize_doi", "doi_problem",
    # works and their readers
    "Work", "Person", "PartialDate", "Update", "SearchHit", "CORRECTION_KINDS",
    "RETRACTION_KINDS", "work_from_crossref", "work_from_csl", "work_to_csl",
    # registry markup
    "clean_text", "strip_jats",
])


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
