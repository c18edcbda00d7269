from __future__ import annotations

import dataclasses

from evidence.store.convert import update_rows, work_fingerprint, work_key, work_values
from refs.work import PartialDate, Person, Update, Work
from tests.evidence.store.works import generated_work


def test_fingerprint_ignores_case_accents_and_punctuation() -> None:
    work = Work(
        doi=None,
        title="Über  die Dinge: a study",
        issued=PartialDate(1999),
        authors=(Person(family="Müller", given="A."),),
    )
    respelled = dataclasses.replace(
        work, title="uber die dinge - A Study.", authors=(Person(family="MULLER"),), pages="3"
    )
    assert work_fingerprint(work) == work_fingerprint(respelled)


def test_fingerprint_tells_year_and_first_author_apart() -> None:
    work = generated_work(1, doi=False, title="Same title")
    assert work_fingerprint(work) != work_fingerprint(
        dataclasses.replace(work, issued=PartialDate(1901))
    )
    assert work_fingerprint(work) != work_fingerprint(
        dataclasses.replace(work, authors=(Person(family="Other"),))
    )


def test_title_less_works_do_not_all_collapse() -> None:
    one, two = generated_work(1, doi=False, title=""), generated_work(2, doi=False, title="")
    assert work_fingerprint(one) != work_fingerprint(two)


def test_key_is_the_lower_case_doi_else_the_fingerprint() -> None:
    work = dataclasses.replace(generated_work(1), doi="10.5555/ABC")
    assert work_key(work) == ("doi", "10.5555/abc")
    assert work_values(work)["fingerprint"] is None
    doi_less = dataclasses.replace(work, doi=None)
    assert work_key(doi_less) == ("fingerprint", work_fingerprint(doi_less))
    assert work_values(doi_less)["doi"] is None


def test_duplicate_updates_are_dropped_first_kept() -> None:
    first = Update("retraction", "10.5555/n", "publisher", label="Retraction")
    work = dataclasses.replace(
        generated_work(1),
        updates=(first, dataclasses.replace(first, label="again")),
        notice_of=(first,),
    )
    rows = update_rows(work, work_id=7)
    assert [(r["direction"], r["position"], r["label"]) for r in rows] == [
        ("updated-by", 0, "Retraction"),
        ("update-to", 0, "Retraction"),
    ]
