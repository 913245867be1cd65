"""Command line over the services: import, search, list, show, export, reindex, check."""

from app.cli.main import main

__all__ = ["main"]
