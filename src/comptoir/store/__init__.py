"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import (
    asafo,
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

__all__ = ["asafo", "counter", "dispensing", "documents", "dp", "eprescription", "models", "outbox", "registers",
           "sharing", "vaccination"]
