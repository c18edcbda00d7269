"""The HTTP API and the editors' pages: ``create_app(settings)`` builds the app."""

from __future__ import annotations

from evidence.web.app import create_app

__all__ = ["create_app"]
