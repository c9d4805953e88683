"""The ordonnancier's page: filters (period, listing, product, patient), the entries by pages of fifty,
"Imprimer" (PDF, A4 landscape) and "Exporter" (CSV for French spreadsheets). Health data: READ_PATIENTS;
every read, print and export is audited by the use cases."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from comptoir.domain import bounds
from comptoir.domain.dispensing.conditions import LISTING_LABELS, Listing
from comptoir.domain.operators import Permission
from comptoir.errors import RuleViolation
from comptoir.services.dispensing import ordonnancier as register
from comptoir.services.platform.operators import CurrentOperator
from comptoir.web.deps import RuntimeDep, UowDep, require
from comptoir.web.rendering import is_htmx, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[CurrentOperator, Depends(require(Permission.READ_PATIENTS))]
LISTINGS = {"liste1": Listing.LIST_I, "liste2": Listing.LIST_II, "stupefiants": Listing.NARCOTIC}
"""The listing filter's values in the address, and what they stand for."""
Text = Annotated[str, Query(max_length=bounds.SHORT_TEXT_MAX)]
Day = Annotated[str, Query(max_length=10)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


class Form:
    """The filters as typed (kept in the fields whatever happens) and what each field's value means."""

    def __init__(self, debut: str, fin: str, liste: str, produit: str, patient: str, page: int) -> None:
        self.values = {"debut": debut.strip(), "fin": fin.strip(), "liste": liste, "produit": produit,
                       "patient": patient}
        self.page = page
        self.errors: dict[str, str] = {}

    def filters(self) -> register.RegisterFilters | None:
        start, end = self._day("debut"), self._day("fin")
        if start and end and start > end:
            self.errors["fin"] = "La date de fin est avant la date de début."
        if self.values["liste"] and self.values["liste"] not in LISTINGS:
            self.errors["liste"] = "Liste inconnue : liste I, liste II ou stupéfiants."
        if self.errors:
            return None
        return register.RegisterFilters(start=start, end=end, listing=LISTINGS.get(self.values["liste"]),
                                        product=self.values["produit"], patient=self.values["patient"], page=self.page)

    def _day(self, name: str) -> date | None:
        text = self.values[name]
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            self.errors[name] = "Date invalide : JJ/MM/AAAA."
            return None

    def query_string(self) -> str:
        return urlencode({k: v for k, v in self.values.items() if v})


def _form(debut: Day = "", fin: Day = "", liste: Annotated[str, Query(max_length=20)] = "", produit: Text = "",
          patient: Text = "", page: PageNumber = 1) -> Form:
    return Form(debut, fin, liste, produit, patient, page)


FormDep = Annotated[Form, Depends(_form)]


@router.get("/ordonnancier", response_class=HTMLResponse)
def register_page(request: Request, runtime: RuntimeDep, uow: UowDep, operator: Reader, form: FormDep) -> HTMLResponse:
    filters = form.filters()
    found = None if filters is None else register.register_page(filters, uow=uow, operator=operator,
                                                                 now=runtime.clock())
    template = "_ordonnancier_entries.html" if is_htmx(request) else "ordonnancier.html"
    return render(request, template, 422 if form.errors else 200, form=form, found=found,
                  listings={key: LISTING_LABELS[value] for key, value in LISTINGS.items()})


@router.get("/ordonnancier.pdf", response_class=Response)
def register_pdf(runtime: RuntimeDep, uow: UowDep, operator: Reader, form: FormDep) -> Response:
    document = register.register_pdf(_valid(form), uow=uow, operator=operator, now=runtime.clock())
    return Response(document, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{_name(form)}.pdf"'})


@router.get("/ordonnancier.csv", response_class=Response)
def register_csv(runtime: RuntimeDep, uow: UowDep, operator: Reader, form: FormDep) -> Response:
    data = register.register_csv(_valid(form), uow=uow, operator=operator, now=runtime.clock())
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_name(form)}.csv"'})


def _valid(form: Form) -> register.RegisterFilters:
    filters = form.filters()
    if filters is None:
        raise RuleViolation(" ".join(form.errors.values()))
    return filters


def _name(form: Form) -> str:
    period = "-".join(v for v in (form.values["debut"], form.values["fin"]) if v)
    return "ordonnancier" + (f"-{period}" if period else "")
