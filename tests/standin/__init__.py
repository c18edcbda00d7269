"""A stand-in Crossref REST API on 127.0.0.1, for integration tests and benchmarks.

>>> from tests.standin import Standin, StandinConfig, run_standin
>>> app = Standin(StandinConfig(generated=86, latency=0.1))
>>> with run_standin(app) as base_url:
...     ...  # CrossrefSettings(base_url=base_url)
"""

from __future__ import annotations

from tests.standin.app import RequestRecord, Standin
from tests.standin.config import Faults, StandinConfig
from tests.standin.records import (
    GENERATED_PREFIX,
    csl_for_generated,
    generated_doi,
    generated_message,
    generated_notice,
    recorded_messages,
    recorded_notices,
    updated_message,
)
from tests.standin.server import free_port_url, run_standin

__all__ = [
    "GENERATED_PREFIX",
    "Faults",
    "RequestRecord",
    "Standin",
    "StandinConfig",
    "csl_for_generated",
    "free_port_url",
    "generated_doi",
    "generated_message",
    "generated_notice",
    "recorded_messages",
    "recorded_notices",
    "run_standin",
    "updated_message",
]
