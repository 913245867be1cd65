"""SQLAlchemy storage: tables, engine setup, Alembic migrations.

Helpers here take a ``Session`` or ``Connection`` and never commit; the service layer
owns every transaction.
"""
