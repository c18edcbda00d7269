from __future__ import annotations

from collections.abc import Iterable

import pytest

from evidence.audit.findings import DEFAULT_SEVERITY, Finding, Severity
from evidence.audit.rules import (
    audit,
    corrected_source,
    default_rules,
    doi_invalid,
    doi_not_found,
    duplicate_reference,
    excerpt,
    metadata_mismatch,
    reference_without_doi,
    retracted_source,
    uncited_reference,
    unknown_citation,
    unsupported_claim,
    unverified_reference,
    weak_support,
    weak_support_rule,
)
from evidence.results import UnknownCitation
from tests.evidence.audit.samples import (
    CORRECTED_DOI,
    PATH,
    RETRACTED_DOI,
    Mismatch,
    article,
    claim,
    inferred,
    made_up,
    marker,
    recorded,
    ref,
    spine_article,
)


def only(findings: Iterable[Finding]) -> Finding:
    items = list(findings)
    assert len(items) == 1, items
    return items[0]


def test_default_rules_are_the_design_rules_in_order() -> None:
    assert [r.name for r in default_rules()] == list(DEFAULT_SEVERITY)


def test_every_finding_has_the_rule_default_severity_and_a_real_line() -> None:
    findings = audit(spine_article())
    assert findings
    for finding in findings:
        assert finding.severity is DEFAULT_SEVERITY[finding.rule]
        assert finding.line >= 1 and finding.path == PATH and finding.subject


def test_audit_sorts_by_line_then_rule() -> None:
    findings = audit(spine_article())
    assert [(f.line, f.rule) for f in findings] == sorted((f.line, f.rule) for f in findings)


def test_audit_runs_only_the_rules_given() -> None:
    findings = audit(spine_article(), rules=[unknown_citation])
    assert {f.rule for f in findings} == {"unknown-citation"}


# --- claims ------------------------------------------------------------------------------


def test_unsupported_claim_quotes_the_sentence_and_the_reasons() -> None:
    art = article(claims=(claim("About 80% of plans cover twenty sessions a year.", 9,
                                reasons=("statistic: '80%'",)),))
    finding = only(unsupported_claim(art))
    assert (finding.rule, finding.line, finding.severity) == ("unsupported-claim", 9,
                                                              Severity.WARNING)
    assert "claim without a source (statistic: '80%')" in finding.message
    assert "About 80% of plans" in finding.message
    assert finding.message.endswith("add a citation or mark it as common knowledge")
    assert finding.subject == "About 80% of plans cover twenty sessions a year."


@pytest.mark.parametrize(
    "the_claim",
    [
        claim("Back pain is common.", 2, needs=False),
        claim("Exercise helps [1].", 2, marker(0, "[1]", "10.5555/a")),
        claim("Exercise helps.", 2, inferred(0, "10.5555/a", 0.7)),
    ],
    ids=["not-a-claim", "cited", "inferred"],
)
def test_unsupported_claim_is_quiet_when_a_source_or_no_claim(the_claim: object) -> None:
    assert list(unsupported_claim(article(claims=(the_claim,)))) == []  # type: ignore[arg-type]


def test_weak_support_says_related_not_supported() -> None:
    work = made_up("weak.1", "Soil bacteria in alpine meadows")
    art = article(claims=(claim("Exercise reduces back pain [1].", 4,
                                marker(0, "[1]", work.doi, score=0.03)),),
                  references=(ref("[1] Soil bacteria.", 10, work=work),))
    finding = only(weak_support(art))
    assert finding.line == 4 and "[1] (10.5555/weak.1)" in finding.message
    assert "related" in finding.message and "support" not in finding.message
    assert "0.03" in finding.message


@pytest.mark.parametrize(
    "link",
    [
        marker(0, "[1]", "10.5555/a", score=None),
        marker(0, "[1]", "10.5555/a", score=0.5),
        inferred(0, "10.5555/a", 0.02),
    ],
    ids=["score-unknown", "score-high", "inferred-not-marker"],
)
def test_weak_support_is_quiet(link: object) -> None:
    art = article(claims=(claim("Exercise helps [1].", 2, link),))  # type: ignore[arg-type]
    assert list(weak_support(art)) == []


def test_weak_support_threshold_is_adjustable() -> None:
    art = article(claims=(claim("Exercise helps [1].", 2, marker(0, "[1]", None, score=0.3)),))
    assert list(weak_support_rule(below=0.5)(art))
    assert not list(weak_support_rule(below=0.2)(art))


def test_unknown_citation_names_the_marker() -> None:
    art = article(unknown_citations=(UnknownCitation(marker="[@smith2020]", target="smith2020",
                                                     line=6),))
    finding = only(unknown_citation(art))
    assert (finding.rule, finding.line, finding.severity) == ("unknown-citation", 6,
                                                              Severity.ERROR)
    assert "[@smith2020]" in finding.message and "smith2020" in finding.message


# --- references --------------------------------------------------------------------------


def test_doi_not_found_names_the_written_doi() -> None:
    art = article(references=(ref("[1] Nobody. 10.5555/nope", 8, status="not-found",
                                  doi="10.5555/nope", written_doi="10.5555/NOPE"),))
    finding = only(doi_not_found(art))
    assert finding.severity is Severity.ERROR and finding.line == 8
    assert "10.5555/NOPE does not exist" in finding.message


def test_doi_invalid_gives_the_reason() -> None:
    art = article(references=(ref("[1] doi:10.55/x y", 8, status="invalid", doi="10.55/x y",
                                  reason="the prefix needs four or more digits"),))
    finding = only(doi_invalid(art))
    assert "'10.55/x y' is not a valid DOI (the prefix needs four or more digits)" in (
        finding.message)


def test_unverified_is_neither_pass_nor_failure() -> None:
    art = article(references=(ref("[1] X. 10.5555/x", 8, status="unverified", doi="10.5555/x",
                                  reason="offline"),))
    finding = only(unverified_reference(art))
    assert finding.severity is Severity.WARNING
    assert "could not ask the registry about DOI 10.5555/x: offline;" in finding.message
    assert "not a pass, not a failure" in finding.message
    assert list(doi_not_found(art)) == []


@pytest.mark.parametrize(
    ("doi", "reason", "said"),
    [
        ("10.5555/x", "cannot connect to the registry (ConnectError: [Errno -2] Name or service "
         "not known; after 2 tries)", "could not ask the registry about DOI 10.5555/x: cannot "
         "connect to the registry (ConnectError: [Errno -2] Name or service not known; after "
         "2 tries); not a pass"),
        (None, "could not ask the registry: the registry answered 429 Too Many Requests (after "
         "7 tries)", "could not ask the registry about the reference: the registry answered 429 "
         "Too Many Requests (after 7 tries); not a pass"),
    ],
    ids=["doi", "match"],
)
def test_unverified_gives_its_reason_in_one_pair_of_brackets(doi: str | None, reason: str,
                                                             said: str) -> None:
    art = article(references=(ref("[1] X. Y.", 8, status="unverified", doi=doi,
                                  reason=reason),))
    message = only(unverified_reference(art)).message
    assert said in message
    depth = deepest = 0
    for char in message:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    assert (deepest, depth) == (1, 0)
    assert message.count("could not ask the registry") == 1


def test_retracted_source_names_the_notice_and_who_said_so() -> None:
    art = article(references=(ref("[2] Gino F. Evil genius? 2014.", 21,
                                  work=recorded(RETRACTED_DOI)),))
    finding = only(retracted_source(art))
    assert finding.severity is Severity.ERROR and finding.line == 21
    assert RETRACTED_DOI in finding.message
    assert "notice 10.1177/09567976231187595, per publisher and retraction-watch" in (
        finding.message)
    assert list(retracted_source(article(references=(ref("x", 1, work=recorded(CORRECTED_DOI)),
                                                     )))) == []


def test_retracted_source_is_an_error_even_when_only_inferred() -> None:
    art = article(claims=(claim("Dishonesty makes people creative.", 3,
                                inferred(0, RETRACTED_DOI, 0.55)),),
                  references=(ref("Gino F. Evil genius? 2014.", 21, work=recorded(RETRACTED_DOI)),))
    finding = only(retracted_source(art))
    assert finding.severity is Severity.ERROR
    assert "3 (inferred)" in finding.message


def test_corrected_source_gives_the_kind_of_notice() -> None:
    art = article(references=(ref("[3] Sadasivan S, et al. 2012.", 22,
                                  work=recorded(CORRECTED_DOI)),))
    finding = only(corrected_source(art))
    assert finding.severity is Severity.WARNING
    assert "correction" in finding.message and "10.1371/annotation/" in finding.message
    assert list(corrected_source(article(references=(ref("x", 1, work=recorded(RETRACTED_DOI)),
                                                     )))) == []


def test_metadata_mismatch_is_one_finding_listing_each_field() -> None:
    work = made_up("mm.1", "Exercise for back pain", 2020)
    art = article(references=(ref("Tester A. Exercise for neck pain. 2019.", 12, work=work,
                                  mismatches=(Mismatch("year", 2019, 2020),
                                              Mismatch("title", "Exercise for neck pain",
                                                       "Exercise for back pain"))),))
    finding = only(metadata_mismatch(art))
    assert "year written 2019, registry 2020" in finding.message
    assert "title written 'Exercise for neck pain', registry 'Exercise for back pain'" in (
        finding.message)
    assert list(metadata_mismatch(article(references=(ref("x", 1, work=work),)))) == []


def test_reference_without_doi_gives_the_best_match() -> None:
    work = made_up("match.1", "Exercise therapy")
    art = article(references=(ref("Tester A. Exercise therapy. 2021.", 14, status="matched",
                                  work=work, confidence=0.97),))
    finding = only(reference_without_doi(art))
    assert finding.severity is Severity.NOTE
    assert finding.message == ("no DOI written; the registry's best match is 10.5555/match.1 "
                               "(confidence 0.97): add it")


def test_reference_without_doi_and_without_a_match() -> None:
    art = article(references=(ref("A pamphlet, 1987.", 14, status="no-doi"),
                              ref("With DOI", 15, work=made_up("ok.1", "Fine"))))
    finding = only(reference_without_doi(art))
    assert finding.line == 14 and "no confident match" in finding.message


def test_duplicate_reference_by_doi_names_the_first_line() -> None:
    work = made_up("dup.1", "Exercise therapy")
    art = article(references=(ref("[1] Tester. Exercise therapy.", 20, work=work),
                              ref("[2] Other", 21, work=made_up("other", "Other")),
                              ref("[3] Tester A. (2021) Exercise therapy.", 22, work=work,
                                  doi="10.5555/DUP.1")))
    finding = only(duplicate_reference(art))
    assert finding.line == 22 and "line 20" in finding.message


def test_duplicate_reference_by_title_and_year() -> None:
    art = article(references=(
        ref("[1] a", 20, work=made_up("t.1", "Exercise Therapy: a Review", 2021)),
        ref("[2] b", 21, work=made_up("t.2", "Exercise therapy - a review", 2021)),
        ref("[3] c", 22, work=made_up("t.3", "Exercise therapy - a review", 2019)),
    ))
    assert [f.line for f in duplicate_reference(art)] == [21]


def test_uncited_reference() -> None:
    art = article(claims=(claim("Cited [1].", 2, marker(0, "[1]", "10.5555/a")),
                          claim("Related.", 3, inferred(1, "10.5555/b", 0.4))),
                  references=(ref("[1] a", 10, work=made_up("a", "A")),
                              ref("[2] b", 11, work=made_up("b", "B")),
                              ref("[3] c", 12, work=made_up("c", "C"))))
    assert [f.line for f in uncited_reference(art)] == [12]


def test_references_from_a_bibliography_file_are_reported_there() -> None:
    art = article(references=(ref("Entry", 40, status="no-doi", path="refs.bib", key="smith"),))
    finding = only(reference_without_doi(art))
    assert (finding.path, finding.line) == ("refs.bib", 40)


def test_excerpt_cuts_at_a_word() -> None:
    assert excerpt("short") == "short"
    cut = excerpt("word " * 30, 22)
    assert cut.endswith("…") and len(cut) <= 23 and "wor…" not in cut
