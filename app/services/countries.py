"""ISO 3166 countries with English and German names (pycountry, offline).

German names come from pycountry's bundled gettext catalogue (iso3166-1); a small
built-in table covers the region and major countries if that catalogue is missing.
"""

from __future__ import annotations

import gettext
import logging
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from app.core.errors import ValidationError
from app.services.names import fold

log = logging.getLogger(__name__)

_FALLBACK_DE = {
    "KZ": "Kasachstan", "UZ": "Usbekistan", "KG": "Kirgisistan", "TJ": "Tadschikistan",
    "TM": "Turkmenistan", "AF": "Afghanistan", "RU": "Russland", "CN": "China",
    "US": "Vereinigte Staaten", "DE": "Deutschland", "FR": "Frankreich",
    "GB": "Vereinigtes Königreich", "TR": "Türkei", "IL": "Israel", "IR": "Iran",
    "UA": "Ukraine", "AZ": "Aserbaidschan", "GE": "Georgien", "AM": "Armenien",
    "IN": "Indien", "PK": "Pakistan", "JP": "Japan", "KR": "Südkorea", "AE":
    "Vereinigte Arabische Emirate", "SA": "Saudi-Arabien", "EG": "Ägypten",
    "PL": "Polen", "IT": "Italien", "ES": "Spanien", "MN": "Mongolei", "BY": "Belarus",
}


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166-1 country: alpha-2 code and its names."""

    code: str
    name_en: str
    name_de: str


@lru_cache(maxsize=1)
def _german() -> gettext.NullTranslations | None:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    except OSError:
        log.info("pycountry has no German catalogue; using the built-in table")
        return None


def _make(record: object) -> Country:
    code = str(getattr(record, "alpha_2", ""))
    name = str(getattr(record, "common_name", None) or getattr(record, "name", ""))
    translations = _german()
    german = _FALLBACK_DE.get(code, name)
    if translations is not None:
        official = str(getattr(record, "name", name))
        translated = translations.gettext(official)
        german = translated if translated != official else german
    return Country(code=code, name_en=name, name_de=german)


@lru_cache(maxsize=1)
def all_countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country, sorted by English name."""
    return tuple(sorted((_make(c) for c in pycountry.countries), key=lambda c: c.name_en))


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Country]:
    out: dict[str, Country] = {}
    for country in all_countries():
        record = pycountry.countries.get(alpha_2=country.code)
        for name in (country.code, getattr(record, "alpha_3", ""), country.name_en,
                     country.name_de, getattr(record, "name", ""),
                     getattr(record, "official_name", "")):
            if name:
                out.setdefault(fold(name), country)
    return out


def country(code: str) -> Country | None:
    """The country with this alpha-2 code, or None ("" gives None)."""
    return _by_key().get(fold(code)) if len(code) == 2 else None


def find_country(text: str) -> Country:
    """A country from an alpha-2/alpha-3 code or an English or German name.

    Raises:
        ValidationError: when nothing matches.
    """
    found = _by_key().get(fold(text.strip()))
    if found is None:
        raise ValidationError(f"{text!r} is not an ISO 3166 country code or country name")
    return found
