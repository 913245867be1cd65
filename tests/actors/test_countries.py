"""ISO 3166 countries with German and English names."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.services.countries import all_countries, country, find_country


@pytest.mark.parametrize(("text", "code"), [("KZ", "KZ"), ("kaz", "KZ"), ("Kasachstan", "KZ"),
                                            ("Uzbekistan", "UZ"), ("Usbekistan", "UZ"),
                                            ("Vereinigte Staaten", "US")])
def test_find_country_by_code_or_german_or_english_name(text, code):
    """Codes (alpha-2, alpha-3) and English or German names find the country."""
    assert find_country(text).code == code


def test_country_has_german_name():
    """German names come with every country of the region."""
    assert country("KZ").name_de == "Kasachstan"
    assert country("TJ").name_de == "Tadschikistan"
    assert len(all_countries()) > 240


def test_find_country_rejects_unknown():
    """An unknown country is a ValidationError, not a silent empty value."""
    with pytest.raises(ValidationError):
        find_country("Atlantis")
