"""The article library: the table, its filters, bulk actions, import and metadata dialogs."""
