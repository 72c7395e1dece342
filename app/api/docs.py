"""API reference pages served from local files only: Swagger UI at /api/docs, ReDoc at /api/redoc.

FastAPI's own docs pages load Swagger UI from a CDN; here the scripts come from the
``fastapi-offline`` package (Swagger UI 5 and ReDoc 2 bundles, MIT) and are served by this app at
``/api/docs/static``. Swagger UI's online validator (which would send the document's address to
swagger.io) is off, and ReDoc does not load Google Fonts.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/api/docs"
REDOC_PATH = "/api/redoc"
STATIC_PATH = f"{DOCS_PATH}/static"
STATIC_DIR = str(files("fastapi_offline").joinpath("static"))

SWAGGER_PARAMETERS = {
    "validatorUrl": None,  # no call to validator.swagger.io
    "persistAuthorization": False,
    "displayRequestDuration": True,
    "tryItOutEnabled": False,
}


def install(app: FastAPI, openapi_url: str, title: str) -> None:
    """Add the two pages and their static files to ``app``."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="api-docs-static")

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_page(request: Request) -> HTMLResponse:
        """Swagger UI: try the API with a token or the password login."""
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}", title=f"{title} — Swagger UI",
            swagger_js_url=f"{root}{STATIC_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_PATH}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc_page(request: Request) -> HTMLResponse:
        """ReDoc: the reference as one readable page."""
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}", title=f"{title} — ReDoc",
            redoc_js_url=f"{root}{STATIC_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_PATH}/favicon.png", with_google_fonts=False,
        )
