"""Use cases: what reference is loaded (dates, sources, counts, thesaurus coverage); load it if absent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from comptoir.errors import ConfigurationError
from comptoir.refdata.sources import RefdataSource, download_official, locate_source
from comptoir.refdata.substance_names import thesaurus_substance_names
from comptoir.services.platform.runtime import Runtime
from comptoir.services.refdata.import_reference import ImportSummary, Step, import_reference
from comptoir.store import models as m


@dataclass(frozen=True, slots=True)
class ReleaseView:
    kind: str
    source: str
    data_date: str | None
    imported_at: str
    counts: dict[str, int]
    licence: str


@dataclass(frozen=True, slots=True)
class RefdataStatus:
    releases: list[ReleaseView]
    specialties: int
    presentations: int
    thesaurus_names: int
    thesaurus_names_mapped: int

    @property
    def loaded(self) -> bool:
        return self.specialties > 0

    @property
    def coverage(self) -> float:
        return self.thesaurus_names_mapped / self.thesaurus_names if self.thesaurus_names else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "loaded": self.loaded,
            "specialties": self.specialties,
            "presentations": self.presentations,
            "releases": [_release_dict(r) for r in self.releases],
            "thesaurus_mapping": {"names": self.thesaurus_names, "mapped": self.thesaurus_names_mapped,
                                  "coverage": round(self.coverage, 4)},
        }


def _release_dict(release: ReleaseView) -> dict[str, object]:
    return {"kind": release.kind, "source": release.source, "data_date": release.data_date,
            "imported_at": release.imported_at, "counts": release.counts, "licence": release.licence}


def reference_status(session: Session) -> RefdataStatus:
    releases = [
        ReleaseView(r.kind, r.source, r.data_date.isoformat() if r.data_date else None,
                    r.imported_at.isoformat(timespec="seconds"), dict(r.counts), r.licence)
        for r in session.scalars(select(m.RefdataRelease).order_by(m.RefdataRelease.id))
    ]
    return RefdataStatus(
        releases=releases,
        specialties=_count(session, m.Specialty),
        presentations=_count(session, m.Presentation),
        thesaurus_names=len(_thesaurus_substance_names(session)),
        thesaurus_names_mapped=session.scalar(
            select(func.count(distinct(m.ThesaurusSubstanceMap.thesaurus_name)))) or 0,
    )


def _count(session: Session, model: type[m.Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _thesaurus_substance_names(session: Session) -> list[str]:
    classes = set(session.scalars(select(m.ThesaurusClassMember.class_name).distinct()))
    headers = [n for n in session.scalars(select(m.ThesaurusProtagonist.name)) if n not in classes]
    return thesaurus_substance_names(headers, session.scalars(select(m.ThesaurusClassMember.substance)))


def find_source(runtime: Runtime) -> RefdataSource:
    """COMPTOIR_REFDATA, else the snapshot shipped in the package (unpacked once under var/)."""
    return locate_source(runtime.settings.refdata, runtime.settings.var_dir / "referentiel-instantane")


def download_source(runtime: Runtime, *, fetch: Callable[[str], bytes] | None = None) -> RefdataSource:
    """The BDPM's official download, on demand; says which files failed."""
    target = runtime.settings.var_dir / "refdata-telechargement"
    downloaded, failed = download_official(target, fetch or _http_fetch)
    if downloaded.missing_required():
        raise ConfigurationError(
            f"Le téléchargement officiel de la BDPM a échoué pour : {'; '.join(failed)}. "
            "Le référentiel embarqué reste utilisable (comptoir refdata import sans argument)."
        )
    return downloaded


def _http_fetch(url: str) -> bytes:
    import httpx  # only when downloading: a tenth of a second that every command would pay

    try:
        response = httpx.get(url, timeout=20.0, follow_redirects=True)
        response.raise_for_status()
        return response.content
    except httpx.HTTPError as exc:
        raise OSError(str(exc) or type(exc).__name__) from exc


def reference_loaded(runtime: Runtime) -> bool:
    with runtime.session_factory() as session:
        return session.scalar(select(m.Specialty.cis).limit(1)) is not None


def ensure_reference(runtime: Runtime, step: Step) -> ImportSummary | None:
    """Import the reference if the database has none; returns what was imported, or None."""
    if reference_loaded(runtime):
        return None
    return import_reference(find_source(runtime), session_factory=runtime.session_factory, now=runtime.clock(),
                            step=step)
