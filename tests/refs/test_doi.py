from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refs.doi import doi_problem, find_dois, is_doi, normalize_doi
from refs.errors import InvalidDOI

COCHRANE = "10.1002/14651858.cd009790.pub2"
SICI = "10.1002/1096-9861(20010212)430:3<283::aid-cne1031>3.0.co;2-v"


@pytest.mark.parametrize(
    "text",
    [
        "10.1002/14651858.CD009790.pub2",
        "doi:10.1002/14651858.CD009790.pub2",
        "DOI: 10.1002/14651858.CD009790.pub2",
        "https://doi.org/10.1002/14651858.CD009790.pub2",
        "http://dx.doi.org/10.1002/14651858.CD009790.pub2",
        "doi.org/10.1002/14651858.CD009790.pub2",
        "https://doi.org/10.1002%2F14651858.CD009790.pub2",
        "  urn:doi:10.1002/14651858.CD009790.pub2 ",
    ],
    ids=["bare", "doi-colon", "DOI-space", "https", "dx", "no-scheme", "url-encoded", "urn"],
)
def test_normalize_strips_prefixes_and_case(text: str) -> None:
    assert normalize_doi(text) == COCHRANE


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("11.1000/x", "starts with '10.'"),
        ("10.1000", "'/'"),
        ("10.12/abc", "four digits"),
        ("10.abcd/x", "digits"),
        ("10.1000/a b", "whitespace"),
        ("10.1000/a\u200bb", "invisible"),
    ],
)
def test_invalid_dois_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidDOI) as info:
        normalize_doi(text)
    assert reason in info.value.reason
    assert not is_doi(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(see doi:10.1002/14651858.CD009790.pub2).", [COCHRANE]),
        ("doi:10.1016/j.spinee.2020.04.006, and 10.1177/0956797614520714;", [
            "10.1016/j.spinee.2020.04.006", "10.1177/0956797614520714"]),
        (f"as shown in {SICI}, ...", [SICI]),
        ("x 10.1890/0012-9658(2006)87[2832:TIOPMA]2.0.CO;2)", [
            "10.1890/0012-9658(2006)87[2832:tiopma]2.0.co;2"]),
        ("<https://doi.org/10.1000/182>", ["10.1000/182"]),
        ("https://dx.doi.org/10.1000%2F182;", ["10.1000/182"]),
        ("“10.1000/182”", ["10.1000/182"]),
        ("no doi here, 10.1 and 10/2020", []),
    ],
    ids=["parenthesised", "two", "sici-angle", "sici-bracket", "angle-url", "encoded", "quotes",
         "none"],
)
def test_find_dois_in_prose(text: str, expected: list[str]) -> None:
    assert [m.doi for m in find_dois(text)] == expected


def test_find_dois_reports_where_each_stood() -> None:
    text = "Read doi:10.1000/182. Then more."
    (match,) = find_dois(text)
    assert text[match.start : match.end] == "10.1000/182"


_suffix = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="\"'"),
    min_size=1,
    max_size=30,
).filter(lambda s: s[-1] not in ".,;:!?*)]}>" and "%" not in s and s.strip("/") != "")
_prefix = st.from_regex(r"10\.[0-9]{4,9}", fullmatch=True)


@given(prefix=_prefix, suffix=_suffix)
def test_normalize_is_idempotent(prefix: str, suffix: str) -> None:
    doi = f"{prefix}/{suffix}"
    once = normalize_doi(doi)
    assert normalize_doi(once) == once
    assert normalize_doi(f"https://doi.org/{once}") == once


@given(prefix=_prefix, suffix=_suffix, before=st.sampled_from(["", "see ", "(", "doi:"]),
       after=st.sampled_from(["", ".", ",", ";", " and more", ")."]))
def test_a_doi_in_prose_is_found_whole(prefix: str, suffix: str, before: str, after: str) -> None:
    doi = f"{prefix}/{suffix}"
    if before == "(" and after not in (")", ")."):
        after = ")" + after
    found = [m.doi for m in find_dois(f"{before}{doi}{after}")]
    if suffix.count("(") == suffix.count(")") and suffix.count("[") == suffix.count("]"):
        assert found == [doi.lower()]


def test_doi_problem_is_none_for_valid() -> None:
    assert doi_problem(SICI) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("doi:10.1016/j.\ngaitpost.2004.05.005", "10.1016/j.gaitpost.2004.05.005"),
        ("10.1093/ nar/gkq1167.", "10.1093/nar/gkq1167"),
        ("doi:10.1371/journal.pbio.\n1001195", "10.1371/journal.pbio.1001195"),
        ("doi:10.1007/s13277-\n013-0955-0.", "10.1007/s13277-013-0955-0"),
        ("doi:10.1016/\nS0140-6736(04)17051-1", "10.1016/s0140-6736(04)17051-1"),
        ("doi:10.1523/jneurosci.1775-07.\n2007", "10.1523/jneurosci.1775-07.2007"),
        ("10.2217/fca .14.82", "10.2217/fca.14.82"),
    ],
    ids=["after-dot", "after-slash", "number-rest", "after-hyphen", "capital-letter-rest",
         "year-like-rest-at-end", "line-starts-with-dot"],
)
def test_a_doi_split_by_a_line_break_is_rejoined(text: str, expected: str) -> None:
    assert [m.doi for m in find_dois(text, across_breaks=True)] == [expected]
    (match,) = find_dois(text, across_breaks=True)
    assert "".join(text[match.start : match.end].split()).lower() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("doi:10.1000/xyz. in press", "10.1000/xyz"),
        ("doi:10.1000/182. 2004;12:34-56.", "10.1000/182"),
        ("doi:10.1000/182. 2004. Reprinted", "10.1000/182"),
        ("doi:10.1000/182. Epub 2004 May 3", "10.1000/182"),
        ("doi:10.1000/182. PMID: 15902993", "10.1000/182"),
        ("doi:10.1000/182 12:34", "10.1000/182"),
        ("doi:10.1000/182. Nature. 2004", "10.1000/182"),
    ],
    ids=["word", "volume-pages", "year-then-more", "epub", "pmid", "no-break-char", "title-word"],
)
def test_what_follows_a_doi_is_not_joined_to_it(text: str, expected: str) -> None:
    assert [m.doi for m in find_dois(text, across_breaks=True)] == [expected]


def test_two_dois_stay_two_across_breaks() -> None:
    text = "see 10.1000/182 and\n10.1000/183."
    assert [m.doi for m in find_dois(text, across_breaks=True)] == ["10.1000/182", "10.1000/183"]


def test_a_stub_without_its_rest_is_no_doi() -> None:
    assert find_dois("registrant 10.1093/ and nothing more", across_breaks=True) == []


@given(prefix=_prefix, suffix=_suffix, after=st.sampled_from(["", ".", " and more", " 2004."]))
def test_an_unbroken_doi_is_found_the_same_across_breaks(
    prefix: str, suffix: str, after: str
) -> None:
    text = f"doi:{prefix}/{suffix}{after}"
    if not any(ch.isspace() for ch in after) or after.strip(" .") == "":
        assert find_dois(text, across_breaks=True) == find_dois(text)
