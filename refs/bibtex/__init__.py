"""BibTeX in and out: bibtexparser v2 and our middleware stack, LaTeX to Unicode and back.

``read_bibtex`` returns entries *and* problems (with 1-based lines); ``write_bibtex`` writes
works with stable citation keys so that reading the output gives the same works.
"""

from __future__ import annotations

from refs.bibtex.keys import citation_key
from refs.bibtex.read import (
    BibEntry,
    BibReadResult,
    WrittenBlock,
    read_bibtex,
    read_bibtex_file,
)
from refs.bibtex.write import write_bibtex
from refs.problems import Problem

__all__ = [
    "BibEntry",
    "BibReadResult",
    "Problem",
    "WrittenBlock",
    "citation_key",
    "read_bibtex",
    "read_bibtex_file",
    "write_bibtex",
]
