"""The API's documentation pages: /docs (Swagger UI) and /redoc (Redoc), from the copies vendored in
caleido/viz/static/vendor/ (see their SOURCE.md) rather than FastAPI's links to CDNs, so they work without
internet access, load nothing from another host, and carry a Content-Security-Policy like every page.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from caleido.api.pages import CSP, SECURITY_HEADERS

router = APIRouter(include_in_schema=False)

# Swagger UI runs under the pages' own policy. Redoc needs it widened on its page: it makes its whole style
# sheet at run time (style elements) and searches in a worker it makes from a blob. Scripts still come only
# from this app. Its menu shows its maker's logo from a CDN, which this policy blocks: nothing leaves.
REDOC_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src blob:"


def _page(title: str, head: str, body: str, csp: str = CSP) -> HTMLResponse:
    html = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Caleido API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
{head}
</head>
<body>
{body}
<footer><a href="/toegankelijkheid?lang=en" id="accessibility-link">Accessibility</a></footer>
<script src="/static/apidocs.js"></script>
</body>
</html>
"""
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Content-Security-Policy": csp})


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """Try the API out: Swagger UI over /openapi.json."""
    return _page(
        "Interactive documentation",
        '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">\n'
        '<link rel="stylesheet" href="/static/apidocs.css">',  # its colours, darker where they lack contrast
        '<div id="swagger-ui"></div>\n<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>',
    )


@router.get("/redoc")
def redoc() -> HTMLResponse:
    """Read the API's reference: Redoc over /openapi.json."""
    return _page(
        "Reference",
        "",
        # Swagger UI draws its own <main>; Redoc draws none, so its page gives one.
        '<main><div id="redoc"></div></main>\n<script src="/static/vendor/redoc/redoc.standalone.js"></script>',
        REDOC_CSP,
    )
