"""The API's documentation page, for logged-in operators, drawn by swagger-ui from local pinned files.

FastAPI's own page loads its script from a CDN and starts it with an inline script: both are refused
by our Content-Security-Policy, and a pharmacy's server must not depend on an outside site.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from comptoir.web.deps import CurrentOperatorDep
from comptoir.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request, _: CurrentOperatorDep) -> HTMLResponse:
    return render(request, "api_docs.html")
