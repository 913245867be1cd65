"""Plain-Python heart of Dossier: records, ids, spans, changes, errors, progress.

Imports only the standard library.
"""
