"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import counter, dispensing, eprescription, models, outbox

__all__ = ["counter", "dispensing", "eprescription", "models", "outbox"]
