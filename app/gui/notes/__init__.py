"""Notes: the Markdown editor with [[links]], its preview and backlinks."""
