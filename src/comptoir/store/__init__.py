"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import (
    counter,
    dispensing,
    documents,
    dp,
    eprescription,
    models,
    outbox,
    registers,
    sharing,
    vaccination,
)

__all__ = ["counter", "dispensing", "documents", "dp", "eprescription", "models", "outbox", "registers", "sharing",
           "vaccination"]
