"""Pages of the drug reference: search as you type (HTMX fragment) and the product sheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from comptoir.domain.operators import Permission
from comptoir.services.platform.operators import CurrentOperator
from comptoir.services.refdata import drugs
from comptoir.web.deps import RuntimeDep, SessionDep, require
from comptoir.web.rendering import is_htmx, render

router = APIRouter(include_in_schema=False)
CounterOperator = Annotated[CurrentOperator, Depends(require(Permission.SEARCH_DRUGS))]


@router.get("/medicaments", response_class=HTMLResponse)
def drug_search(request: Request, runtime: RuntimeDep, session: SessionDep, _: CounterOperator,
                q: str = "") -> HTMLResponse:
    results = drugs.search_drugs(runtime.drug_index.get(session), q, limit=30) if q.strip() else []
    template = "_drug_results.html" if is_htmx(request) else "drugs.html"
    return render(request, template, q=q, results=results)


@router.get("/medicaments/{cis}", response_class=HTMLResponse)
def drug_page(request: Request, cis: str, session: SessionDep, _: CounterOperator) -> HTMLResponse:
    return render(request, "drug_sheet.html", sheet=drugs.drug_sheet(session, cis), kinds=drugs.GENERIC_KINDS)
