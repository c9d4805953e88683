"""The boxes the counter screen offers on each basket line: every presentation of the line's product and,
on a prescribed line that may be substituted, those of the other marketed members of its generic group
(CSP L.5125-23). `basket.update_line(..., LineChanges(cip13=...))` checks the choice again.

    pack_choices(basket_id, *, uow, operator, now) -> {position: (PackChoice, ...)}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from comptoir.domain.operators import Permission
from comptoir.errors import NotFound
from comptoir.services.eprescription.lines import group_alternatives, packs
from comptoir.services.platform.operators import CurrentOperator
from comptoir.store.counter import BasketLine

if TYPE_CHECKING:
    from comptoir.services.platform.unit_of_work import UnitOfWork

GROUP_PRODUCTS = 8
"""Generics offered beside the prescribed product: enough to find the one on the shelf, a select stays short."""


_COUNT = re.compile(r"^(?P<box>.*?)\s+de\s+(?P<count>\d.*)$")


@dataclass(frozen=True, slots=True)
class PackChoice:
    cip13: str
    product: str
    label: str
    """The BDPM's words, what the box holds first: "30 gélule(s) — plaquette(s) PVC aluminium"."""


def pack_choices(basket_id: int, *, uow: UnitOfWork, operator: CurrentOperator,
                 now: datetime) -> dict[int, tuple[PackChoice, ...]]:
    """Reference data only (no patient's data beyond what `basket` already read and audited at `now`)."""
    del now
    operator.require(Permission.READ_PATIENTS)
    with uow:
        if uow.baskets.get(basket_id) is None:
            raise NotFound(f"Panier n° {basket_id} introuvable.")
        choices = {line.position: _choices(uow, line) for line in uow.baskets.lines(basket_id) if line.cis}
        uow.commit()
    return choices


def _choices(uow: UnitOfWork, line: BasketLine) -> tuple[PackChoice, ...]:
    products = [(line.cis or "", "")]
    if line.prescribed_cis and line.substitutable and not line.packs:
        products = group_alternatives(uow.eprescriptions, line.prescribed_cis, limit=GROUP_PRODUCTS)
        if line.cis not in {cis for cis, _ in products}:
            products.insert(0, (line.cis or "", ""))
    found: list[PackChoice] = []
    for cis, name in products:
        product = name or _name(uow, cis)
        found.extend(PackChoice(pack.cip13, product, _count_first(pack.label))
                     for pack in packs(uow.eprescriptions, cis))
    return tuple(found)


def _count_first(label: str) -> str:
    found = _COUNT.match(label)
    return f"{found['count']} — {found['box']}" if found else label


def _name(uow: UnitOfWork, cis: str) -> str:
    specialty = uow.eprescriptions.specialty(cis)
    return specialty.name if specialty else cis
