"""Reading articles: the reader panes, their highlights, margin lane, find and
synchronised scrolling."""
