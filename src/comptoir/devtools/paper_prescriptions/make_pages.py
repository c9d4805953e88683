"""`comptoir read generate`: write made-up prescriptions drawn from the loaded drug reference."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from comptoir.devtools.paper_prescriptions import DEFAULT_POSOLOGY_CORPUS
from comptoir.devtools.paper_prescriptions.generator import generate_pages, load_posology_samples
from comptoir.errors import NotFound
from comptoir.services.platform.runtime import Runtime


def generate_prescriptions(directory: Path, *, runtime: Runtime, count: int, seed: int,
                           noise: str = "mild", corpus: Path = DEFAULT_POSOLOGY_CORPUS) -> list[Path]:
    if not corpus.is_file():
        raise NotFound(f"Corpus de posologies introuvable : {corpus} (option --posologies).")
    samples = load_posology_samples(corpus)
    with closing(runtime.unit_of_work()) as uow, uow:
        records = runtime.drug_index.get(uow.reference).records
    return generate_pages(directory, records=records, samples=samples, count=count, seed=seed, noise=noise)
