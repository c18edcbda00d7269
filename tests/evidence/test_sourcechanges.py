"""The registry's update kinds in our words, and what differs between two records."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evidence.sourcechanges import change_kind, record_changes, update_change, with_notice
from evidence.vocabulary import ALERTING_CHANGES, SourceChange
from refs import PartialDate, Update, Work


@pytest.mark.parametrize("kind, ours", [
    ("retraction", SourceChange.RETRACTION),
    ("partial_retraction", SourceChange.RETRACTION),
    ("removal", SourceChange.RETRACTION),
    ("withdrawal", SourceChange.WITHDRAWAL),
    ("erratum", SourceChange.CORRECTION),
    ("corrigendum", SourceChange.CORRECTION),
    ("expression_of_concern", SourceChange.EXPRESSION_OF_CONCERN),
    ("new_version", SourceChange.NEW_VERSION),
    ("something_new", SourceChange.METADATA_CHANGE),
])
def test_crossref_kinds_map_to_ours(kind: str, ours: SourceChange) -> None:
    assert change_kind(kind) is ours


def test_an_unknown_notice_keeps_the_registrys_word() -> None:
    seen = update_change("10.5555/x", Update("something_new", "10.5555/n", "publisher",
                                             PartialDate(2026, 12)))
    assert (seen.kind, seen.notice_type, seen.notice_date) == (
        SourceChange.METADATA_CHANGE, "something_new", "2026-12")
    assert seen.detail == "notice of type 'something_new'"


def test_alerting_changes_are_the_audits_retracted_and_corrected_kinds() -> None:
    assert ALERTING_CHANGES == {SourceChange.RETRACTION, SourceChange.WITHDRAWAL,
                                SourceChange.CORRECTION, SourceChange.EXPRESSION_OF_CONCERN}


def test_record_changes_names_new_notices_then_changed_fields() -> None:
    stored = Work("10.5555/x", title="A study", issued=PartialDate(2020))
    notice = Update("retraction", "10.5555/n", "retraction-watch", PartialDate(2026, 1, 2))
    fetched = replace(stored, title="Retracted: A study", updates=(notice,))
    first, second = record_changes(stored, fetched)
    assert (first.kind, first.notice_doi, first.source) == (
        SourceChange.RETRACTION, "10.5555/n", "retraction-watch")
    assert second.kind is SourceChange.METADATA_CHANGE
    assert second.detail == "title changed: 'A study' -> 'Retracted: A study'"
    assert record_changes(fetched, fetched) == []


def test_a_notice_is_added_to_a_record_that_does_not_list_it_yet() -> None:
    work = Work("10.5555/x", title="A study")
    notice = Update("correction", "10.5555/n")
    assert with_notice(work, notice).updates == (notice,)
    assert with_notice(with_notice(work, notice), notice).updates == (notice,)
