"""PySide6 front end: thin views over ``app.services``. The only place Qt is imported."""
