"""The language detector stays small (low-accuracy models, seven languages)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_DETECTOR_MB = 64
"""High-accuracy models for the same languages take about 190 MB; low accuracy about 12."""

_PROBE = """
import psutil
from app.ingest.language import detect_language
process = psutil.Process()
before = process.memory_info().rss
assert detect_language("Der Präsident der Vereinigten Staaten hat eingeladen.") == "de"
print((process.memory_info().rss - before) / 2**20)
"""


def test_detector_memory_is_small_when_built() -> None:
    """Building the detector in a fresh interpreter adds less than 64 MB."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert float(result.stdout.strip()) < MAX_DETECTOR_MB
