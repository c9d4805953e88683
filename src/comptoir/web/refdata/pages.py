"""Pages of the drug reference: search as you type (HTMX fragment) and the product sheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from comptoir.domain.operators import Permission
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.refdata import drugs
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.rendering import is_htmx, render

router = APIRouter(include_in_schema=False)
CounterOperator = Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]


@router.get("/medicaments", response_class=HTMLResponse)
def drug_search(request: Request, runtime: RuntimeDep, uow: UowDep, _: CounterOperator,
                q: str = "") -> HTMLResponse:
    found = drugs.look_up(q, uow=uow, drug_index=runtime.drug_index, limit=30) if q.strip() else drugs.DrugSearch([])
    template = "_drug_results.html" if is_htmx(request) else "drugs.html"
    return render(request, template, q=q, results=found.results, pack=found.pack, problem=found.problem)


@router.get("/medicaments/{cis}", response_class=HTMLResponse)
def drug_page(request: Request, cis: str, uow: UowDep, _: CounterOperator) -> HTMLResponse:
    return render(request, "drug_sheet.html", sheet=drugs.drug_sheet(cis, uow=uow), kinds=drugs.GENERIC_KINDS)
