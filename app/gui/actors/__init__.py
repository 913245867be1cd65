"""Actors and agreements: their tables and dialogs, the network and the agreement timeline."""
