"""Shared building blocks: the controller, colours, background tasks, text positions,
elided labels, table models, system libraries, help and about."""
