"""Articles the web tests submit: written for these tests, citing recorded Crossref works.

The two DOIs are recorded responses in tests/fixtures/crossref/works/ (see PROVENANCE.md):
10.1177/0956797614520714 is retracted; 10.1371/journal.pone.0033693 has a correction.
"""

from __future__ import annotations

RETRACTED = "10.1177/0956797614520714"
CORRECTED = "10.1371/journal.pone.0033693"

CITED = "Dishonest behaviour increased creativity in 60% of the participants tested [1]."
RELATED = (
    "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in "
    "the basal ganglia in 40% of mice."
)
UNSUPPORTED = "Most readers finish this article in under five minutes."

ARTICLE = f"""# Creativity, honesty and mice

{CITED}

{RELATED}

{UNSUPPORTED}

## References

1. Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater creativity.
   Psychological Science. 2014;25(4):973-981. doi:{RETRACTED}
2. Sadasivan S, Pond BB, Pani AK, et al. Methylphenidate exposure induces dopamine neuron
   loss and activation of microglia in the basal ganglia of mice. PLoS ONE. 2012;7(3):e33693.
   doi:{CORRECTED}
"""

EDITED = ARTICLE.replace(UNSUPPORTED, "Most readers finish this article in under ten minutes.")
"""The next version: one claim changed, the others as they were."""


def article_body(name: str = "creativity.md", text: str = ARTICLE) -> dict[str, str]:
    return {"name": name, "text": text, "format": "markdown"}
