"""Rows -> records moved to ``app.store`` (each record kind converts its own rows there).

Kept only as a re-export for :mod:`app.services.imports` until it reads through
``app.store.articles``; new code imports from ``app.store`` directly.
"""

from __future__ import annotations

from app.store.articles import SUMMARY_COLUMNS, summary

__all__ = ["SUMMARY_COLUMNS", "summary"]
