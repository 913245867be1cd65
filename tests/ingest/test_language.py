"""Language detection on German, English and unsupported or short text."""

from __future__ import annotations

import pytest

from app.ingest import detect_language

from .hostile import ENGLISH, GERMAN


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (GERMAN, "de"),
        (ENGLISH, "en"),
        ("Президент Казахстана провел переговоры с президентом США в Вашингтоне.", "ru"),
        ("Le président du Kazakhstan a rencontré le président américain à Washington.", "fr"),
        ("Kazakistan Cumhurbaşkanı Tokayev, Washington'da ABD Başkanı ile görüştü.", "tr"),
    ],
)
def test_detect_language_names_supported_languages(text: str, code: str) -> None:
    """Sentences in supported languages get their ISO 639-1 code."""
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text", ["Hallo", "", "12345 67890 !!!", "مرحبا بالعالم هذا نص عربي طويل بما فيه الكفاية"]
)
def test_detect_language_returns_empty_when_short_or_unsupported(text: str) -> None:
    """Too little text or an unsupported script gives ''."""
    assert detect_language(text) == ""
