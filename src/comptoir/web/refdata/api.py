"""JSON API of the drug reference: search, product sheet, which reference is loaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from comptoir.domain.operators import Permission
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.refdata import drugs
from comptoir.services.refdata import status as refdata_status
from comptoir.web.deps import RuntimeDep, UowDep, require

router = APIRouter(prefix="/api")


class DrugOut(BaseModel):
    cis: str
    name: str
    substances: list[str]
    cip13: list[str]


@router.get("/drugs", response_model=list[DrugOut], tags=["médicaments"])
def search_drugs(
    runtime: RuntimeDep, uow: UowDep,
    _: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))],
    q: Annotated[str, Query(min_length=1, max_length=200)], limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[DrugOut]:
    """Search the drug reference by brand, DCI, CIP13, CIP7 or CIS; best first."""
    found = drugs.find_drugs(q, uow=uow, drug_index=runtime.drug_index, limit=limit)
    return [DrugOut(**hit.contract()) for hit in found]  # type: ignore[arg-type]


@router.get("/drugs/{cis}", tags=["médicaments"])
def drug_sheet(cis: Annotated[str, Path(max_length=13, description="Code CIS (8 chiffres)")], uow: UowDep,
               _: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]) -> dict[str, object]:
    """The product sheet of one specialty."""
    sheet = drugs.drug_sheet(cis, uow=uow)
    spec = sheet.specialty
    return {
        "cis": spec.cis, "name": spec.name, "form": spec.form, "routes": spec.routes.split(";"),
        "status": spec.amm_status, "marketing": spec.marketing_status, "atc": spec.atc_code,
        "composition": [{"substance": c.substance_name, "dosage": c.dosage, "reference": c.dosage_reference,
                         "nature": c.nature} for c in sheet.compositions],
        "presentations": [{"cip13": p.cip13, "cip7": p.cip7, "label": p.label,
                           "price_eur": str(p.price_eur) if p.price_eur is not None else None,
                           "reimbursement_rate": p.reimbursement_rate, "marketed": p.marketed}
                          for p in sheet.presentations],
        "generic_groups": [{"id": g.id, "label": g.label, "kind": drugs.GENERIC_KINDS.get(kind, str(kind))}
                           for g, kind, _ in sheet.generic_groups],
        "prescription_conditions": sheet.conditions,
        "smr": [{"date": o.opinion_date.isoformat() if o.opinion_date else None, "value": o.value}
                for o in sheet.opinions if o.kind == "SMR"],
        "availability": [{"status": a.status_label, "since": a.started.isoformat() if a.started else None}
                         for a in sheet.availability],
    }


@router.get("/refdata/status", tags=["médicaments"])
def refdata_state(uow: UowDep,
                  _: Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]) -> dict[str, object]:
    """Which reference is loaded: sources, dates, counts, thesaurus coverage."""
    return refdata_status.reference_status(uow=uow).as_json()
