"""Dossier: ``python main.py`` starts the desktop app; ``python main.py COMMAND`` the CLI."""

import sys

if __name__ == "__main__":
    from app.cli.main import main

    sys.exit(main(sys.argv[1:]))
