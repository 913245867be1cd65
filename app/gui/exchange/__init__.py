"""Exchange with other programs: REFI-QDA import and export, and the File > Export formats
(highlights as CSV/XLSX, the notebook as JSON, notes reports, actor exports)."""
