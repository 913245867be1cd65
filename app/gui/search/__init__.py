"""Searching the notebook: the search panel and its result list."""
