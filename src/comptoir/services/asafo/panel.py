"""What the counter shows of secure supply beside a basket, and what of it holds the validation: the ASAFO
check (its hits are findings of the analysis, services/asafo/check.py; here its freshness), the declarations made
from this basket, the reinforced check of medicines over 300 € (services/dispensing/expensive.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from comptoir.services.asafo.check import AsafoCheck
from comptoir.services.asafo.report import declaration_view
from comptoir.services.asafo.supply import SecureSupplyView
from comptoir.services.asafo.trust import Trust
from comptoir.services.dispensing import expensive
from comptoir.services.dispensing.views import LineView, basket_ref
from comptoir.store.counter import Basket

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

DECLARED = "Ordonnance signalée comme fausse à l'ASAFO : elle ne peut pas être délivrée."


def secure_supply(uow: UnitOfWork, basket: Basket, asafo: AsafoCheck, lines: tuple[LineView, ...],
                  trust: Trust) -> SecureSupplyView:
    if basket.kind == "sans_ordonnance":
        return SecureSupplyView()
    declarations = tuple(declaration_view(row) for row in uow.asafo.declarations_of_basket(basket.id))
    checklist = expensive.checklist_of(uow, basket, lines, trust)
    blocking = ((DECLARED,) if declarations else ()) + expensive.blocking(checklist, lines)
    return SecureSupplyView(asafo_status=asafo.status, asafo_alerts=asafo.alerts, declarations=declarations,
                            checklist=checklist, blocking=blocking,
                            has_scan=bool(uow.documents.pending_of(basket_ref(basket.id))))
