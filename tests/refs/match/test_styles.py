"""One made-up article written in each common citation style, and as text out of a PDF.

The expected fields were read off each string by hand; the article does not exist (no DOI
here names a real record).
"""

from __future__ import annotations

import pytest

from refs.match import parse_reference

FIELDS = ("first_author", "year", "title", "container", "volume", "issue", "pages")
TITLE = "Knee bracing after ligament repair: a randomized trial"
ARTICLE = ("Okonkwo", 2019, TITLE, None, "47", "3", None)
"""first author, year, title, -, volume, issue, - (container and pages vary by style)."""


def _expect(container: str, pages: str, issue: str | None = "3") -> tuple[object, ...]:
    return ("Okonkwo", 2019, TITLE, container, "47", issue, pages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Okonkwo, A. B., van der Berg, C., & Lindqvist, D. (2019). Knee bracing after "
            "ligament repair: a randomized trial. Journal of Orthopaedic Rehabilitation, 47(3), "
            "211\u2013219.",
            _expect("Journal of Orthopaedic Rehabilitation", "211\u2013219"),
        ),
        (
            "Okonkwo AB, van der Berg C, Lindqvist D. Knee bracing after ligament repair: a "
            "randomized trial. J Orthop Rehabil. 2019;47(3):211-9.",
            _expect("J Orthop Rehabil", "211-9"),
        ),
        (
            "Okonkwo AB, van der Berg C, Lindqvist D. Knee bracing after ligament repair: a "
            "randomized trial. J Orthop Rehabil. 2019 Mar;47(3):211-9. doi:10.5555/jor.2019.003",
            _expect("J Orthop Rehabil", "211-9"),
        ),
        (
            "Okonkwo AB, van der Berg C, Lindqvist D: Knee bracing after ligament repair: a "
            "randomized trial. J Orthop Rehabil 2019, 47(3):211-219.",
            _expect("J Orthop Rehabil", "211-219"),
        ),
        (
            "Okonkwo, A.B., van der Berg, C. and Lindqvist, D. (2019) 'Knee bracing after "
            "ligament repair: a randomized trial', Journal of Orthopaedic Rehabilitation, "
            "47(3), pp. 211-219.",
            _expect("Journal of Orthopaedic Rehabilitation", "211-219"),
        ),
        (
            "Okonkwo, Ada B., Carel van der Berg, and Dag Lindqvist. 2019. \u201cKnee bracing "
            "after ligament repair: a randomized trial.\u201d Journal of Orthopaedic "
            "Rehabilitation 47 (3): 211\u201319.",
            _expect("Journal of Orthopaedic Rehabilitation", "211\u201319"),
        ),
        (
            "Okonkwo, A. B., van der Berg, C. & Lindqvist, D. Knee bracing after ligament "
            "repair: a randomized trial. J. Orthop. Rehabil. 47, 211\u2013219 (2019).",
            _expect("J. Orthop. Rehabil", "211\u2013219", issue=None),
        ),
        (
            "A. B. Okonkwo, C. van der Berg, and D. Lindqvist, \u201cKnee bracing after ligament "
            "repair: a randomized trial,\u201d J. Orthop. Rehabil., vol. 47, no. 3, "
            "pp. 211\u2013219, 2019.",
            _expect("J. Orthop. Rehabil", "211\u2013219"),
        ),
        (
            "Okonkwo, A. B.; van der Berg, C.; Lindqvist, D. Knee bracing after ligament "
            "repair: a randomized trial. J. Orthop. Rehabil. 2019, 47 (3), 211\u2013219.",
            _expect("J. Orthop. Rehabil", "211\u2013219"),
        ),
        (
            "Okonkwo AB, van der Berg C, Lindqvist D, et al. Knee bracing after ligament "
            "repair: a randomized trial. J Orthop Rehabil. 2019;47(3):211-219.",
            _expect("J Orthop Rehabil", "211-219"),
        ),
    ],
    ids=["apa", "vancouver", "nlm-with-month-and-doi", "bmc-colon", "harvard", "chicago",
         "nature", "ieee", "acs", "ama"],
)
def test_each_style(text: str, expected: tuple[object, ...]) -> None:
    parsed = parse_reference(text)
    assert tuple(getattr(parsed, f) for f in FIELDS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Okonkwo AB, van der Berg C, Lindqvist D. Knee brac-\ning after ligament repair: a "
            "random-\nized trial. J Orthop Re-\nhabil. 2019;47(3):211-9. doi:10.5555/\n"
            "jor.2019.003",
            (*_expect("J Orthop Rehabil", "211-9"), "10.5555/jor.2019.003"),
        ),
        (
            "Okonkwo, A. B., van der Berg, C., & Lindqvist, D. (2019). Knee bracing af-\nter "
            "ligament repair: a randomized trial. Journal of Orthopaedic Rehabilita-\ntion, "
            "47(3), 211\u2013219. https://doi.org/10.5555/jor.\n2019.003",
            (*_expect("Journal of Orthopaedic Rehabilitation", "211\u2013219"),
             "10.5555/jor.2019.003"),
        ),
    ],
    ids=["vancouver", "apa"],
)
def test_text_out_of_a_pdf(text: str, expected: tuple[object, ...]) -> None:
    parsed = parse_reference(text)
    assert (*(getattr(parsed, f) for f in FIELDS), parsed.doi) == expected


@pytest.mark.parametrize(
    ("text", "first_author", "title", "container"),
    [
        (
            "Centers for Disease Control and Prevention. Ankle sprains among school athletes "
            "\u2013 United States, 2015\u20132017. MMWR Morb Mortal Wkly Rep. 2018;67:101-4.",
            "Centers for Disease Control and Prevention",
            "Ankle sprains among school athletes \u2013 United States, 2015\u20132017",
            "MMWR Morb Mortal Wkly Rep",
        ),
        (
            "Tran H, Ng PC, Wu L. Gait speed in 1,204 older adults. Gerontol Rep. "
            "2016;12:55-61.",
            "Tran", "Gait speed in 1,204 older adults", "Gerontol Rep",
        ),
        (
            "Lindqvist D. Spinal fusion: does it help? A review. Curr. Spine Res. Rep. "
            "2015;3:81-88.",
            "Lindqvist", "Spinal fusion: does it help? A review", "Curr. Spine Res. Rep",
        ),
        (
            "Okafor B Jr, Marsh T 3rd, Pereira JJGH. Running on \u201cempty\u201d: fasting and "
            "endurance. Sports Med Open. 2020;6:12.",
            "Okafor", "Running on \u201cempty\u201d: fasting and endurance", "Sports Med Open",
        ),
    ],
    ids=["group-author", "short-surnames-and-numbers-in-title", "inner-question-mark",
         "suffixes-and-quotes"],
)
def test_vancouver_hard_cases(text: str, first_author: str, title: str, container: str) -> None:
    parsed = parse_reference(text)
    assert (parsed.first_author, parsed.title, parsed.container) == (first_author, title,
                                                                     container)


def test_a_four_digit_volume_is_no_year() -> None:
    parsed = parse_reference(
        "Marsh T, Okafor B. Lipid rafts in tendon cells. Biochim Biophys Acta. "
        "2007;1773:1619-1627."
    )
    assert (parsed.year, parsed.volume, parsed.pages) == (2007, "1773", "1619-1627")


def test_the_authors_family_names_keep_particles_and_drop_suffixes() -> None:
    parsed = parse_reference(
        "van Iersel MP, Okafor B Jr, de la Cruz M. Pathway maps for everyone. "
        "BMC Bioinformatics. 2008;9:399."
    )
    assert parsed.authors == ("van Iersel", "Okafor", "de la Cruz")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Okonkwo, A.B., Lindqvist, D., 2019. Knee bracing after ligament repair: a "
            "randomized trial. J. Orthop. Rehabil. 47, 211\u2013219.",
            _expect("J. Orthop. Rehabil", "211\u2013219", issue=None),
        ),
        (
            "A.B. Okonkwo, D. Lindqvist, Knee bracing after ligament repair: a randomized "
            "trial, J. Orthop. Rehabil. 47 (2019) 211\u2013219.",
            _expect("J. Orthop. Rehabil", "211\u2013219", issue=None),
        ),
        (
            "Okonkwo, A.B., Lindqvist, D.: Knee bracing after ligament repair: a randomized "
            "trial. J. Orthop. Rehabil. 47(3), 211\u2013219 (2019)",
            _expect("J. Orthop. Rehabil", "211\u2013219"),
        ),
        (
            "Okonkwo AB, Lindqvist D. Knee bracing after ligament repair: a randomized trial. "
            "J Orthop Rehabil. 47(3):211-219 (2019).",
            _expect("J Orthop Rehabil", "211-219"),
        ),
        (
            "Okonkwo AB, Lindqvist D. Knee bracing after ligament repair: a randomized trial. "
            "J Orthop Rehabil. 47, 211-219 (2019).",
            _expect("J Orthop Rehabil", "211-219", issue=None),
        ),
        (
            "Okonkwo, A.B., C. van der Berg, and D. Lindqvist. 2019. Knee bracing after "
            "ligament repair: a randomized trial. J. Orthop. Rehabil. 47:211\u2013219.",
            _expect("J. Orthop. Rehabil", "211\u2013219", issue=None),
        ),
        (
            "Okonkwo AB, van der Berg C, Lindqvist D, et al: Knee bracing after ligament "
            "repair: a randomized trial. J Orthop Rehabil 2019, 47:211-219.",
            _expect("J Orthop Rehabil", "211-219", issue=None),
        ),
    ],
    ids=["elsevier-harvard", "elsevier-numbered", "springer-lncs", "journal-v(i):p-(year)",
         "journal-v,p-(year)", "name-initials-then-initials-name", "et-al-colon"],
)
def test_layouts_the_issue_names(text: str, expected: tuple[object, ...]) -> None:
    parsed = parse_reference(text)
    assert tuple(getattr(parsed, f) for f in FIELDS) == expected


def test_a_four_digit_volume_after_the_journal_is_no_year() -> None:
    parsed = parse_reference(
        "Marsh, T., & Okafor, B. (2007). Lipid rafts in tendon cells. Biochimica et "
        "Biophysica Acta, 1773, 1619-1627."
    )
    assert (parsed.year, parsed.container, parsed.volume, parsed.pages) == (
        2007, "Biochimica et Biophysica Acta", "1773", "1619-1627")


def test_numbers_inside_a_title_are_not_its_volume_or_pages() -> None:
    parsed = parse_reference(
        "Marsh, T. (2011). Aquaporin 9 in 2,249 nonagenarians. Aging Cell, 10(2), 33-41."
    )
    assert (parsed.title, parsed.volume, parsed.issue, parsed.pages) == (
        "Aquaporin 9 in 2,249 nonagenarians", "10", "2", "33-41")


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Pereira JJGH, Eriksson K-EL, Biju S D. Frogs of the ghats. Zool J. 2003;42:7-14.",
         ("Pereira", "Eriksson", "Biju")),
        ("NCBI Resource Coordinators. Database resources. Nucleic Acids Res. 2014;42:D7-17.",
         ("NCBI Resource Coordinators",)),
    ],
    ids=["initials-written-several-ways", "capitals-that-are-a-name"],
)
def test_author_names(text: str, authors: tuple[str, ...]) -> None:
    assert parse_reference(text).authors == authors


def test_a_vancouver_volume_without_pages_or_spelled_volume() -> None:
    lncs = parse_reference(
        "Marsh T, Okafor B. Onion routing for clinics. Privacy Technologies\u2014PET 2007, "
        "Lecture Notes in Computer Science. 2007;Volume 4776:95-112."
    )
    assert (lncs.title, lncs.volume, lncs.pages) == ("Onion routing for clinics", "4776",
                                                     "95-112")
    bmj = parse_reference("Marsh T. Cluster trials in physiotherapy. BMJ. 2012;345.")
    assert (bmj.container, bmj.year, bmj.volume, bmj.pages) == ("BMJ", 2012, "345", None)


def test_a_vancouver_book_is_its_own_title_with_no_container() -> None:
    parsed = parse_reference(
        "Okafor B, Marsh T. Walking again: rehabilitation after spinal surgery. 2nd ed. "
        "Leeds: Fenwick Press; 2012. p. 320."
    )
    assert (parsed.first_author, parsed.year, parsed.title, parsed.container, parsed.pages) == (
        "Okafor", 2012, "Walking again: rehabilitation after spinal surgery", None, None)


@pytest.mark.parametrize(
    ("text", "title", "container"),
    [
        ("Marsh, T. (2010). Low back pain in rowers. A Review. Spine Research, 12(3), 101-110.",
         "Low back pain in rowers. A Review", "Spine Research"),
        ("Marsh T. Low back pain in rowers. Part II. Spine Res. 2010;12(3):101-10.",
         "Low back pain in rowers. Part II", "Spine Res"),
        ("Marsh T. Low back pain. IEEE Trans. Pattern Anal. 2010;12(3):101-10.",
         "Low back pain", "IEEE Trans. Pattern Anal"),
    ],
    ids=["apa-short-last-sentence", "roman-part", "abbreviated-journal"],
)
def test_a_titles_short_last_sentence_is_no_journal_abbreviation(
    text: str, title: str, container: str
) -> None:
    parsed = parse_reference(text)
    assert (parsed.title, parsed.container) == (title, container)
