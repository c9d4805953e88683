"""Storage: SQLAlchemy models (one module per capability, one `Base`), repositories, migrations."""

from comptoir.store import dispensing, models

__all__ = ["dispensing", "models"]
