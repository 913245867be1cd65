"""Correcting article texts: edit mode, trims, revisions and the Needs Review list."""
