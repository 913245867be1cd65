"""Dossier: ``python main.py [--notebook PATH]`` starts the desktop app;
``python main.py COMMAND ...`` runs the command line (``python main.py --help``)."""

import sys


def main(argv: list[str]) -> int:
    """Dispatch to the GUI (no command) or the CLI (a command or --help)."""
    if not argv or (len(argv) == 2 and argv[0] == "--notebook"):
        from app.gui.app import run

        return run(notebook=argv[1] if argv else None)
    from app.cli.main import main as cli_main

    return int(cli_main(argv) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
