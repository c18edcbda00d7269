"""What a correct reading of the example articles and the seed gives, written by reading them.

Each claim is named by its line and the words it starts with; the source that backs it is
the reference's DOI, or ``None`` for a claim the article leaves unsupported.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
SEED = ROOT.parent / "shared" / "seed" / "physical-therapy-spine-pain.txt"

COCHRANE = "10.1002/14651858.cd009790.pub2"
NASS = "10.1016/j.spinee.2020.04.006"

SEED_CLAIMS: dict[tuple[int, str], str | None] = {
    (36, "In general, physical therapy for spine pain can take several weeks"): None,
    (38, "The number of physical therapy sessions needed"): None,
    (42, "Overall, physical therapy can be an effective treatment option"): COCHRANE,
    (42, "Many studies have shown significant improvement"): COCHRANE,
    (44, "Furthermore the North American Spine Society (NASS) recommends"): NASS,
    (48, "In the United States, most insurance plans"): None,
    (48, "However, the extent of coverage can vary"): None,
    (50, "Some insurance policies may require a referral"): None,
}
"""The seed's claims: sessions and coverage rest on nothing; effectiveness on the review."""

SEED_REFERENCES = [(53, "Hayden, Jill A et al.", COCHRANE), (55, "Kreiner, D Scott et al.", NASS)]


def example_claims(lines: dict[str, int]) -> dict[tuple[int, str], str | None]:
    """The examples' four claims; only their lines differ between formats."""
    return {
        (lines["studies"], "Research has shown that exercise therapy reduces"): COCHRANE,
        (lines["nass"], "The North American Spine Society guideline also recommends"): NASS,
        (lines["sessions"], "A typical course of physical therapy for back pain is six"): None,
        (lines["insurance"], "Most private health plans in the United States"): None,
    }


EXAMPLE_LINES = {
    "spine-pain.txt": {"studies": 17, "nass": 17, "sessions": 21, "insurance": 25},
    "spine-pain.md": {"studies": 27, "nass": 28, "sessions": 34, "insurance": 39},
    "spine-pain.html": {"studies": 44, "nass": 46, "sessions": 51, "insurance": 56},
}
