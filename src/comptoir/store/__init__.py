"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import dispensing, documents, eprescription, models, outbox, registers

__all__ = ["dispensing", "documents", "eprescription", "models", "outbox", "registers"]
