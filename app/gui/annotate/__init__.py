"""Annotating passages: quick-tag, the tag manager, highlight painting, the inspector and
the selection's context menu."""
