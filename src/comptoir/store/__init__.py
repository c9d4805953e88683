"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import dispensing, eprescription, models, outbox

__all__ = ["dispensing", "eprescription", "models", "outbox"]
