"""Made-up paper prescriptions with their ground truth (`comptoir read generate`), to measure the reader."""

from pathlib import Path

DEFAULT_POSOLOGY_CORPUS = Path("tests/data/posology_corpus.jsonl")
"""Here rather than in make_pages so that `comptoir read --help` shows it without loading numpy and Pillow."""
