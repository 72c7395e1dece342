"""The API reference page, served from local files only: Swagger UI at /api/docs.

FastAPI's own docs pages load Swagger UI from a CDN; here the script and stylesheet come from the
``fastapi-offline`` package (a Swagger UI 5 bundle, MIT) and are served by this app at
``/api/docs/static``. Swagger UI's online validator (which would send the document's address to
swagger.io) is off, and a Content-Security-Policy lets the page load and call nothing but this
server. (The package's ReDoc bundle is not offered: it always loads its logo from redoc.ly.)
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/api/docs"
STATIC_PATH = f"{DOCS_PATH}/static"
STATIC_DIR = str(files("fastapi_offline").joinpath("static"))

SWAGGER_PARAMETERS = {
    "validatorUrl": None,  # no call to validator.swagger.io
    "persistAuthorization": False,
    "displayRequestDuration": True,
}
# The page's one inline script starts Swagger UI; everything else comes from this server.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; "
    "base-uri 'self'; form-action 'self'"
)


def install(app: FastAPI, openapi_url: str, title: str) -> None:
    """Add the page and its static files to ``app``."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="api-docs-static")

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_page(request: Request) -> HTMLResponse:
        """Swagger UI: read the reference, try the API with a token or the password login."""
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}", title=f"{title} — Swagger UI",
            swagger_js_url=f"{root}{STATIC_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_PATH}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )
        page.headers["Content-Security-Policy"] = CSP
        return page
