"""Team notebooks on a PostgreSQL server (issue 13): sharing and opening them, the reader's
read-only window, colleagues' edits arriving live, and resolving conflicts field by field."""
