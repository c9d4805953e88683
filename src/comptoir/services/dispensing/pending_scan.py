"""The paper prescription's scan as the counter shows it before validation: the image taken at F6 waits under
the basket's reference (services/dispensing/scans.py); the prescription pane shows it beside the lines.

    basket_scan(basket_id, *, uow, operator, now) -> Scan     # health data: audited
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.errors import NotFound
from comptoir.services.dispensing.scans import Scan
from comptoir.services.dispensing.views import basket_ref
from comptoir.services.platform.audit_log import Actor, audit
from comptoir.services.platform.operators import CurrentOperator

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork


def basket_scan(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator, now: datetime) -> Scan:
    operator.require(Permission.READ_PATIENTS)
    with uow:
        basket = uow.baskets.get(basket_id)
        document = uow.documents.with_content(basket.scan_id) if basket and basket.scan_id else None
        if document is None or document.basket_ref != basket_ref(basket_id):
            raise NotFound(f"Aucune ordonnance scannée pour le panier n° {basket_id}.")
        audit(uow, Actor(operator.code, operator.workstation), action="read", object_type="prescription_scan",
              object_id=str(document.id), detail=f"panier {basket_id}", now=now)
        uow.commit()
        return Scan(document.content, document.content_type, document.sha256)
