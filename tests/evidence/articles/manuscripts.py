"""Where the manuscript fixtures live, and what reading them must give (written by reading them)."""

from __future__ import annotations

from pathlib import Path

MANUSCRIPTS = Path(__file__).resolve().parents[2] / "fixtures" / "manuscripts"
HAYDEN = "10.1002/14651858.cd009790.pub2"
KREINER = "10.1016/j.spinee.2020.04.006"

OPENINGS = [
    ("Research has shown that exercise therapy", HAYDEN),
    ("The North American Spine Society guideline", KREINER),
    ("A typical course of physical therapy", None),
    ("Most private health plans", None),
]
"""The example's four claims that need a source, in order, and the work that backs each."""
