"""The article the CLI tests check: three claims citing by BibTeX keys, and a bibliography
of two recorded works (tests/fixtures/crossref/works, provenance in
tests/fixtures/PROVENANCE.md), a DOI the registry does not have and one that is not a DOI.

10.1177/0956797614520714 is retracted (notice 10.1177/09567976231187595) and
10.1371/journal.pone.0033693 has a correction. The year of the first is written wrong on
purpose (the registry says 2014); `[@nobody2020]` names no entry.
"""

from __future__ import annotations

__all__ = ["ARTICLE", "BIB", "NO_DOI_ENTRY"]

ARTICLE = """\
# Dishonesty and creativity

Dishonest people were 30% more creative in five experiments [@gino2014].
Corrections were published for a related study [@plos2012].
A third study found the opposite [@nobody2020].
"""

BIB = """\
@article{gino2014,
  author = {Gino, Francesca and Wiltermuth, Scott S.},
  title = {Evil Genius? How Dishonesty Can Lead to Greater Creativity},
  journal = {Psychological Science},
  year = {2015},
  volume = {25},
  number = {4},
  pages = {973--981},
  doi = {10.1177/0956797614520714},
}
@article{plos2012,
  author = {Someone, A.},
  title = {A study},
  journal = {PLoS ONE},
  year = {2012},
  doi = {10.1371/journal.pone.0033693},
}
@article{missing2020,
  title = {Nothing},
  year = {2020},
  doi = {10.5555/no-such-work},
}
@article{broken2020,
  title = {Broken},
  year = {2020},
  doi = {10.12/short},
}
"""

NO_DOI_ENTRY = """\
@article{nodoi,
  author = {Nobody, Anne},
  title = {An unpublished note on creativity and honesty at work},
  year = {2020},
}
"""
"""An entry without a DOI, for what is matched (or not) by its written details."""
