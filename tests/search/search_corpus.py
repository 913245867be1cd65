"""A small bilingual corpus for the search tests, and a helper to query it."""

from __future__ import annotations

from app.search import IndexDoc, SearchIndex

DOCS = (
    IndexDoc(
        1,
        1,
        "Ankunft in Bayern",
        "Die Fluechtlinge kamen nach München. Das Abkommens-Papier wurde unterzeichnet.",
        "de",
        "Der Standard",
        "2025-11-06",
        ("Politik/Migration",),
    ),
    IndexDoc(
        2,
        1,
        "Boeing deal",
        "Kazakhstan's president Tokayev signed agreements for 37 Boeing jets.",
        "en",
        "EURACTIV.com",
        "2025-11",
        (),
        ("Kassym-Jomart Tokayev",),
    ),
    IndexDoc(
        3,
        1,
        "Tokajew in Berlin",
        "Präsident Tokajew traf einen Flüchtling. Die Europäische Union begrüßt das Abkommen.",
        "de",
        "FAZ",
        "2025",
        ("Wirtschaft/Energie/Öl",),
        ("Tokajew",),
    ),
    IndexDoc(
        4,
        1,
        "EU energy",
        "The European Union and the refugees: a new agreement on energy.",
        "en",
        "Reuters",
        "2026-01-15",
        ("Wirtschaft/Energie",),
    ),
    IndexDoc(5, 1, "Accord", "Le président a signé l'accord à Astana.", "fr", "Le Monde", ""),
    IndexDoc(
        6,
        1,
        "Kölner Notizen",
        "Die Straße am Rhein; das Café Zoë.",
        "de",
        "Kölner Stadt-Anzeiger",
        "2024-12-31",
    ),
)
TEXTS = {doc.article_id: doc.body for doc in DOCS}


def ids(ix: SearchIndex, query: str, **kwargs: object) -> set[int]:
    """The article ids ``query`` finds in ``ix`` (first 100)."""
    results = ix.search(query, limit=100, text_of=TEXTS.get, **kwargs)  # type: ignore[arg-type]
    return {hit.article_id for hit in results.hits}
