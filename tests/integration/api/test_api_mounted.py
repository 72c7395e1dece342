"""Mounted the way Reflex mounts it (the Reflex backend at "" under the API app), the API answers
its own paths and leaves every other path to Reflex; and its docs page works in a real browser with
nothing loaded from outside (Chromium from Debian, as in tests/e2e)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.api import create_api

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _reflex_like() -> Starlette:
    """Stands in for the Reflex backend: /ping and a catch-all page."""
    async def ping(request: object) -> PlainTextResponse:
        return PlainTextResponse("pong")

    async def page(request: object) -> PlainTextResponse:
        return PlainTextResponse("reflex page")

    return Starlette(routes=[Route("/ping", ping), Route("/{rest:path}", page)])


def _mounted() -> FastAPI:
    """What ``rx.App(api_transformer=create_api())`` builds: Reflex mounted at '' under the API."""
    api = create_api()
    api.mount("", _reflex_like())
    return api


@pytest.fixture(scope="module")
def mounted() -> TestClient:
    return TestClient(_mounted())


def test_the_api_answers_its_own_paths_when_mounted(mounted: TestClient) -> None:
    assert mounted.get("/api/v1/openapi.json").json()["info"]["title"] == "Shuying API"
    assert mounted.get("/api/v1/me").status_code == 401


def test_other_paths_still_reach_reflex(mounted: TestClient) -> None:
    assert mounted.get("/ping").text == "pong"
    assert mounted.get("/customers/").text == "reflex page"


def test_unknown_api_paths_do_not_fall_through_to_reflex(mounted: TestClient) -> None:
    r = mounted.get("/api/v2/anything")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The mounted app on a random local port (uvicorn in a thread), stopped afterwards."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(_mounted(), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


@pytest.mark.e2e
def test_the_docs_page_renders_every_operation_offline(served: str) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1280, "height": 900})
            pg.on("pageerror", lambda err: problems.append(f"page error: {err}"))
            pg.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
            pg.on("requestfailed", lambda req: problems.append(f"failed: {req.url} {req.failure}"))
            pg.on("response", lambda res: res.status >= 400 and problems.append(f"{res.status} {res.url}"))
            pg.on("request", lambda req: _is_local(req.url) or problems.append(f"non-local: {req.url}"))
            pg.goto(served + "/api/docs")
            pg.wait_for_selector(".opblock", timeout=20_000)
            shown = pg.locator(".opblock").count()
            SHOTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SHOTS / "api-docs.png"), full_page=True)
        finally:
            browser.close()
    operations = sum(len(ops) for ops in create_api().openapi()["paths"].values())
    assert shown == operations
    assert problems == []
