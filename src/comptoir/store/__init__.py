"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import asafo, counter, dispensing, documents, eprescription, models, outbox, registers

__all__ = ["asafo", "counter", "dispensing", "documents", "eprescription", "models", "outbox", "registers"]
