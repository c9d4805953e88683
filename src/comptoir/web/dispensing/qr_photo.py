"""The counter's ON taken from a photo of its QR code (a phone or webcam picture instead of the scanner).

The route stays synchronous (run in the thread pool): loading the ON calls the base over HTTP, which may
be this very server's emulator. The photo is read by the async `form_fields` dependency, bounded in size.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from comptoir.errors import ComptoirError, FieldErrors
from comptoir.services.dispensing import basket as baskets
from comptoir.services.dispensing.views import BasketView
from comptoir.services.eprescription import scan as scanning
from comptoir.web.bounds import RecordId
from comptoir.web.dispensing.work import CounterDep, Shown, change
from comptoir.web.eprescription.api import BaseDep
from comptoir.web.eprescription.pages import Fields

router = APIRouter(include_in_schema=False)


@router.post("/comptoir/{basket_id}/qr-photo", response_model=None)
def scan_qr_photo(request: Request, basket_id: RecordId, counter: CounterDep, base: BaseDep,
                  form: Fields) -> Response:
    image = form.get("image")

    def load() -> BasketView:
        if not isinstance(image, bytes) or not image:
            raise FieldErrors({"image": "Choisissez la photo du QR code de l'ordonnance numérique."})
        try:
            text = scanning.decode_image(image)
        except ComptoirError as exc:
            raise FieldErrors({"image": str(exc)}) from exc
        return baskets.scan_or_type(basket_id, text, base=base, **counter.tools())

    return change(request, counter, basket_id, load, lambda exc: Shown(errors=exc.errors))
