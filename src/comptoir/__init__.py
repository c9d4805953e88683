"""comptoir: an open pharmacy-counter platform for French community pharmacies."""

__version__ = "0.1.0"
