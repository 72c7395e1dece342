"""The OpenAPI document and the docs pages: valid, complete, every route guarded, nothing remote."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from app.api.deps import API_PREFIX, GuardedRoute, Require, public
from app.api.routers import ROUTERS

# the operations of the core routers; other areas' routers (commerce, ...) come on top
EXPECTED = {
    ("GET", "/api/v1/health"), ("POST", "/api/v1/auth/token"), ("GET", "/api/v1/me"),
    ("GET", "/api/v1/tokens"), ("POST", "/api/v1/tokens"), ("DELETE", "/api/v1/tokens/{token_id}"),
    ("GET", "/api/v1/kpis/summary"), ("GET", "/api/v1/customers"),
    ("GET", "/api/v1/customers/{customer_id}"), ("GET", "/api/v1/users"), ("POST", "/api/v1/users"),
    ("GET", "/api/v1/audit"),
}
URL_ATTR = re.compile(r"""(?:src|href|url|spec-url)\s*[=:]\s*["']([^"']+)["']""", re.I)


@pytest.fixture(scope="module")
def anon(api: FastAPI) -> TestClient:
    """A client without a token and without a database (docs need none)."""
    return TestClient(api)


def _operations(doc: dict) -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}


def test_the_openapi_document_is_valid_openapi_3_1(anon: TestClient) -> None:
    r = anon.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_the_document_lists_every_route_of_the_app(anon: TestClient) -> None:
    doc = anon.get("/api/v1/openapi.json").json()
    routes = {
        (m, API_PREFIX + r.path) for router in ROUTERS for r in router.routes
        if isinstance(r, APIRoute) for m in r.methods
    }
    assert _operations(doc) == routes
    assert EXPECTED <= routes


def test_every_operation_names_its_roles_and_non_public_ones_need_a_token(anon: TestClient) -> None:
    doc = anon.get("/api/v1/openapi.json").json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            roles = op["x-roles"]
            assert roles, (method, path)
            if roles == ["public"]:
                assert "security" not in op, (method, path)
            else:
                assert op["security"] == [{"password": []}, {"token": []}], (method, path)
                assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_admin_only_operations_say_so(anon: TestClient) -> None:
    doc = anon.get("/api/v1/openapi.json").json()
    assert doc["paths"]["/api/v1/users"]["post"]["x-roles"] == ["admin"]
    assert doc["paths"]["/api/v1/audit"]["get"]["x-roles"] == ["admin"]
    assert doc["paths"]["/api/v1/customers"]["get"]["x-roles"] == ["admin", "marketer", "analyst"]


def test_errors_are_documented_with_the_error_body(anon: TestClient) -> None:
    doc = anon.get("/api/v1/openapi.json").json()
    ref = "#/components/schemas/ErrorResponse"
    post_users = doc["paths"]["/api/v1/users"]["post"]["responses"]
    for status in ("401", "403", "409", "422"):
        assert post_users[status]["content"]["application/json"]["schema"]["$ref"] == ref
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_money_is_documented_as_a_string(anon: TestClient) -> None:
    doc = anon.get("/api/v1/openapi.json").json()
    gmv = doc["components"]["schemas"]["PeriodOut"]["properties"]["gmv"]
    assert gmv["type"] == "string" and gmv["pattern"] == r"^-?\d+\.\d{2}$"


def test_a_route_that_declares_no_roles_is_refused() -> None:
    router = APIRouter(route_class=GuardedRoute)
    with pytest.raises(TypeError, match="declares no roles"):
        @router.get("/open")
        def open_route() -> dict:
            return {}


def test_public_and_role_routes_are_accepted() -> None:
    router = APIRouter(route_class=GuardedRoute)

    @router.get("/a")
    def a(_: Annotated[None, Depends(public)]) -> dict:
        return {}

    @router.get("/b")
    def b(_: Annotated[object, Depends(Require("analyst"))]) -> dict:
        return {}

    assert [r.roles for r in router.routes] == [("public",), ("analyst",)]  # type: ignore[attr-defined]


def test_the_docs_page_loads_nothing_from_outside(anon: TestClient) -> None:
    r = anon.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = URL_ATTR.findall(r.text)
    assert urls, "the page references its scripts"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert anon.get(url).status_code == 200, url
    assert "http://" not in r.text and "https://" not in r.text


def test_swagger_ui_does_not_call_the_online_validator(anon: TestClient) -> None:
    assert '"validatorUrl": null' in anon.get("/api/docs").text


def test_the_docs_page_forbids_the_browser_to_load_from_elsewhere(anon: TestClient) -> None:
    policy = anon.get("/api/docs").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert "http" not in policy


def test_operation_ids_are_the_endpoint_names_and_unique(anon: TestClient) -> None:
    doc = anon.get("/api/v1/openapi.json").json()
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) == len(_operations(doc))
    assert doc["paths"]["/api/v1/customers"]["get"]["operationId"] == "list_customers"
    assert doc["paths"]["/api/v1/customers"]["get"]["summary"] == "Search customers"
