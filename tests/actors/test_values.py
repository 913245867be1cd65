"""Parsing agreement values as news reports them."""

from __future__ import annotations

import pytest

from app.services.values import parse_value

CASES = [
    ("bis zu 37 Boeing-Maschinen", 37, None, "", "up to", "Boeing-Maschinen"),
    ("rund 1,1 Milliarden US-Dollar", 1.1e9, None, "USD", "about", ""),
    ("2,5 Milliarden US-Dollar", 2.5e9, None, "USD", "exact", ""),
    ("$1.1bn", 1.1e9, None, "USD", "exact", ""),
    ("zwischen 1 und 2 Mrd. Euro", 1e9, 2e9, "EUR", "range", ""),
    ("at least 500m euros", 5e8, None, "EUR", "at least", ""),
    ("1.000.000 Euro", 1e6, None, "EUR", "exact", ""),
    ("1,000,000 dollars", 1e6, None, "USD", "exact", ""),
    ("about $250 million", 2.5e8, None, "USD", "about", ""),
]


@pytest.mark.parametrize(("text", "amount", "amount_max", "currency", "qualifier", "unit"), CASES)
def test_parse_value_reads_amount_currency_qualifier(text, amount, amount_max, currency,
                                                     qualifier, unit):
    """German and English value phrases give amount, range, currency, qualifier and unit."""
    value = parse_value(text)
    assert value.amount == pytest.approx(amount)
    assert value.amount_max == (pytest.approx(amount_max) if amount_max else None)
    assert (value.currency, value.qualifier, value.unit) == (currency, qualifier, unit)
    assert value.text == text


@pytest.mark.parametrize("text", ["mehreren zehn Milliarden Dollar", "keine Angabe", ""])
def test_parse_value_keeps_unparseable_text(text):
    """A value without a number is kept as text, with no amount."""
    value = parse_value(text)
    assert value.amount is None and not value.is_parsed
    assert value.text == text
