"""Safety limits for ingest, so that one hostile file cannot exhaust memory or time.

Every limit is a module constant so that the service layer, the CLI and tests can
name it in messages and assertions.
"""

from __future__ import annotations

MAX_FILE_BYTES = 25 * 1024 * 1024
"""Largest single file (or zip member, once expanded) that is read."""

MAX_ZIP_MEMBERS = 5000
"""More entries than this and the whole archive is refused."""

MAX_ZIP_TOTAL_BYTES = 250 * 1024 * 1024
"""Largest declared total uncompressed size of one archive."""

MAX_COMPRESSION_RATIO = 100
"""A member that expands more than this many times its compressed size is a zip bomb."""

RATIO_CHECK_MIN_BYTES = 1024 * 1024
"""Members smaller than this expanded are not ratio-checked (tiny files compress well)."""

MAX_ZIP_DEPTH = 1
"""Zips inside a zip are read; zips inside those are refused."""

MAX_PDF_PAGES = 2000
"""A PDF with more pages than this is not an article; it is refused."""


def human_size(size: int) -> str:
    """Return ``size`` in bytes as a short human string (``"50.0 MB"``)."""
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
