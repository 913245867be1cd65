"""Property tests: arbitrary input never crashes ingest or yields unnormalised text."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import IngestError
from app.ingest import parse_bytes

SUFFIXES = st.sampled_from(["a.txt", "a.md", "a.html", "a.pdf", "a.docx"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=SUFFIXES, data=st.binary(max_size=512))
def test_parse_bytes_only_raises_ingest_error_for_random_bytes(name: str, data: bytes) -> None:
    """Random bytes give an article or an IngestError, nothing else."""
    try:
        article = parse_bytes(name, data)
    except IngestError as exc:
        assert exc.reason
    else:
        assert article.text.strip()


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=300))
def test_parse_bytes_stores_nfc_text_without_cr_for_any_unicode(text: str) -> None:
    """Any UTF-8 text that imports is NFC, without CR, NUL or BOM."""
    try:
        article = parse_bytes("t.txt", text.encode("utf-8", errors="surrogatepass"))
    except IngestError:
        return
    assert unicodedata.is_normalized("NFC", article.text)
    assert not {"\r", "\x00", "\ufeff"} & set(article.text)
