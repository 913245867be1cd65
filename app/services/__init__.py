"""The application API: one method = one use case = one transaction.

Front ends (CLI, GUI, tests) use only this package and ``app.core``.
"""

from app.services.imports import ImportReport
from app.services.notebook import Notebook, default_notebook_dir
from app.services.search import CheckReport

__all__ = ["CheckReport", "ImportReport", "Notebook", "default_notebook_dir"]
