"""evidence: claims, articles and their evidence, on top of the refs bibliographic layer."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
