"""REFI-QDA exchange (``.qdpx`` projects, ``.qdc`` codebooks): the standard's files.

Plain functions over plain records, like ``app.export``: no SQLAlchemy, no Qt. The write
side (``write``, ``qde_write``, ``codebook``, ``guids``, ``nvivo_offsets``,
``from_notebook``) turns Dossier's core records into files that validate against the
official schemas (``resources/refi-qda/``); the read side (``archive``, ``paths``, ``xml``,
``read``, ``read_sources``, ``read_model``, ``colours``, ``offsets``) parses other tools'
files leniently and decides per source what their selection positions count.
Mapping and rules: ``docs/refi-qda.md``.
"""
