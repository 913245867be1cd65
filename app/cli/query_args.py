"""Command-line parsing of search queries: ``-word`` is a query word, not an option.

``python main.py search -Tokajew`` means "articles without Tokajew" (``-`` is NOT in
the query language), but argparse takes any ``-xyz`` for an option and refuses it
("unrecognized arguments"), or worse, reads ``-vienna`` as ``-v`` with a value.
"""

from __future__ import annotations

import argparse
from typing import Any


class QueryArgumentParser(argparse.ArgumentParser):
    """A (sub)command parser whose unknown single-dash words are positional arguments.

    Only exact option strings (``-v``, ``-h``) and double-dash options (``--limit``,
    also abbreviated) remain options; ``-Tokajew`` and ``-vienna`` are query words.
    """

    def _parse_optional(self, arg_string: str) -> Any:
        if (
            len(arg_string) > 2
            and arg_string.startswith("-")
            and not arg_string.startswith("--")
            and arg_string not in self._option_string_actions
        ):
            return None
        return super()._parse_optional(arg_string)


def read_dash_words(parser: argparse.ArgumentParser) -> None:
    """Make ``parser`` (the ``search`` subcommand's) take ``-word`` as a query word."""
    parser.__class__ = QueryArgumentParser
