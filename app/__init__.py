"""Dossier: a research notebook for news analysts."""

__version__ = "0.1.0"
