"""Writers that turn core records into files (JSON, CSV). No database access."""
