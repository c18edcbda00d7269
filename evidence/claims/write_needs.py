"""Write ``_needs.py``, the table of the words each claim pattern needs (see ``prefilter``).

Run after editing a pattern: ``python -m evidence.claims.write_needs``.
"""

from __future__ import annotations

from pathlib import Path

from evidence.claims import prefilter, rules


def main() -> None:
    assert rules.PREFILTERED  # importing the rules asked for every pattern's words
    target = Path(prefilter.__file__).with_name("_needs.py")
    target.write_text(prefilter.table_source(prefilter.ASKED), encoding="utf-8")
    print(f"{target}: {len(prefilter.ASKED)} patterns")


if __name__ == "__main__":
    main()
