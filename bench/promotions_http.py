"""Benchmark of quotes over HTTP against the same quotes in process: prints one JSON line.

A throw-away SQLite database (or ``--db URL``) gets a catalogue of 400 SKUs, a customer and 40 live
promotions (category deals, a 满减 ladder in one group, 每满减, gifts with stock, free shipping, a
shared coupon code, budgets and per-customer limits). The same 10-line cart is then quoted:

* ``http``: ``POST /api/v1/quote`` through uvicorn on a random local port (httpx, keep-alive,
  bearer token), the commerce router mounted like ``create_api()`` mounts routers;
* ``service``: ``services.commerce.quote_cart`` in process (database reads + engine);
* ``engine``: ``engine.promotions.quote`` alone on the same cart and promotions (the baseline).

Once the server has answered its first quote, the process freezes what it holds (``gc.freeze``), as the
app does after startup (``services.runtime.freeze_startup_heap``).

``statements_per_quote``: the SQL statements one ``quote_cart`` of that cart sends (see "How a quote
reads the database" in docs/checkout.md).

Run: python bench/promotions_http.py [--quotes N] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app.api import errors  # noqa: E402
from app.api.deps import API_PREFIX  # noqa: E402
from app.api.routers import commerce as commerce_router  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from engine.promotions import Cart, CartLine, quote  # noqa: E402
from services import auth, tokens  # noqa: E402
from services.commerce import pricing, quote_cart  # noqa: E402
from services.runtime import freeze_startup_heap  # noqa: E402
from storage import db as storage_db  # noqa: E402
from storage.db import session_scope  # noqa: E402
from storage.models import Category, Channel, Customer, Product  # noqa: E402
from storage.repositories import inventory  # noqa: E402
from services.commerce import create_promotion, schedule_promotion  # noqa: E402

NOW = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
CATEGORIES = [f"cat{i:02d}" for i in range(20)]
SKUS = 400
ROUNDS = 5


def _seed() -> int:
    """Catalogue, stock, a customer; returns the customer id."""
    with session_scope() as s:
        s.add(Channel(code="online", name_zh="线上", name_en="online", kind="online"))
        cats = [Category(code=c, name_zh=c, name_en=c) for c in CATEGORIES]
        s.add_all(cats)
        s.flush()
        for i in range(SKUS):
            price = Decimal(19 + (i * 37) % 480)
            p = Product(sku=f"SKU{i:04d}", name=f"Product {i}", category_id=cats[i % len(cats)].id,
                        price=price, cost=(price * Decimal("0.45")).quantize(Decimal("0.01")), status="active")
            s.add(p)
            s.flush()
            inventory.set_on_hand(s, p.id, "WH-ONLINE", 1000)
        inventory.set_gift_stock(s, "GIFT-A", 500)
        customer = Customer(code="BENCH01", tier="gold")
        s.add(customer)
        s.flush()
        return customer.id


def add_promotion(code: str, definition: dict[str, Any], **limits: Any) -> None:
    """Create and schedule one promotion."""
    create_promotion({"code": code, "name": code, "definition": definition, **limits}, now=NOW)
    schedule_promotion(code, now=NOW)


def _promotions() -> None:
    """40 live promotions of every kind."""
    for i in range(20):
        add_promotion(f"cat{i}", {"type": "percent_off", "params": {"percent": 5 + i % 4 * 5},
                                  "scope": {"categories": [CATEGORIES[i]]}}, budget_uses=100_000)
    for i, (at, off) in enumerate([(200, 20), (400, 50), (800, 120), (1500, 260)]):
        add_promotion(f"mj{at}", {"type": "threshold_off", "params": {"tiers": [{"threshold": at, "off": off}]},
                                  "stacking": {"group": "manjian"}}, budget_amount="1000000")
    add_promotion("every300", {"type": "threshold_off", "stacking": {"group": "manjian"},
                               "params": {"tiers": [{"threshold": 300, "off": 25}], "repeat": True}})
    for i in range(6):
        add_promotion(f"b1g1-{i}", {"type": "buy_x_get_y", "params": {"buy": 1, "get": 1, "get_percent_off": 50},
                                    "scope": {"categories": [CATEGORIES[i * 3]]}})
    add_promotion("gift", {"type": "gift", "params": {"threshold": 300, "gift_sku": "GIFT-A", "gift_value": "29"}})
    add_promotion("fs99", {"type": "free_shipping", "params": {"threshold": 99}})
    add_promotion("vip", {"type": "percent_off", "params": {"percent": 3},
                          "condition": {"==": [{"var": "customer.tier"}, "gold"]}}, per_customer_limit=5)
    add_promotion("code20", {"type": "threshold_off", "coupon_code": "SAVE20",
                             "params": {"tiers": [{"threshold": 500, "off": 20}]}})
    for i in range(5):
        add_promotion(f"flash{i}", {"type": "fixed_price", "params": {"price": "9.90"},
                                    "scope": {"skus": [f"SKU{j:04d}" for j in range(i * 7, i * 7 + 5)]},
                                    "stacking": {"exclusive": True}})


def _api() -> FastAPI:
    """The commerce router mounted like create_api() mounts routers."""
    app = FastAPI()
    errors.install(app)
    app.include_router(commerce_router.router, prefix=API_PREFIX)
    return app


def _serve(app: FastAPI) -> tuple[uvicorn.Server, threading.Thread, int]:
    """uvicorn on a random free local port (port 0: uvicorn binds it), in a thread."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread, server.servers[0].sockets[0].getsockname()[1]


def _statements(fn: Any) -> int:
    """How many SQL statements ``fn`` sends to the process database."""
    seen = [0]

    def count(*_: Any) -> None:
        seen[0] += 1

    engine = storage_db.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen[0]


def _interleaved(calls: dict[str, Any], n: int, rounds: int = ROUNDS) -> dict[str, float]:
    """Calls per second of each callable: ``rounds`` interleaved rounds of n/rounds calls, median round.

    Interleaving keeps a noisy shared machine from favouring whichever ran in a quiet moment.
    """
    for fn in calls.values():
        for _ in range(10):  # warm-up
            fn()
    per_round = max(1, n // rounds)
    seen: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, fn in calls.items():
            start = time.perf_counter()
            for _ in range(per_round):
                fn()
            seen[name].append(per_round / (time.perf_counter() - start))
    return {name: statistics.median(r) for name, r in seen.items()}


def main(argv: list[str] | None = None) -> None:
    """Seed, serve, measure, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=300)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        storage_db.use_database(url)
        storage_db.create_all()
        customer_id = _seed()
        _promotions()
        user = auth.create_user("bench", "Bench-Password-1", "marketer", "bench", "en")
        token = tokens.create_token(user, "bench").token
        lines = [{"sku": f"SKU{i * 37 % SKUS:04d}", "qty": 1 + i % 3} for i in range(10)]
        body = {"lines": lines, "customer_id": customer_id, "coupon_codes": ["SAVE20"]}
        cart = {"lines": lines}

        with session_scope() as s:
            priced = pricing.price(s, pricing.parse_order(body), NOW)
        engine_cart = Cart(
            lines=[CartLine(sku=ln["sku"], category=priced.products[ln["sku"]].category, qty=ln["qty"],
                            price=priced.products[ln["sku"]].price, cost=priced.products[ln["sku"]].cost)
                   for ln in lines],
            shipping_fee=pricing.DELIVERY_FEE, channel="online", coupon_codes=["SAVE20"])
        engine_args = (engine_cart, [c.model for c in priced.candidates.values()])
        statements = _statements(lambda: quote_cart(cart, customer_id, ["SAVE20"], now=NOW))
        server, thread, port = _serve(_api())
        try:
            # TCP_NODELAY as browsers and proxies set it: httpx writes headers and body separately,
            # and Nagle + delayed ACK would add ~40 ms to every request on loopback
            transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", transport=transport,
                              headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
                first = client.post(f"{API_PREFIX}/quote", json=body)
                assert first.status_code == 200, first.text
                freeze_startup_heap()  # as the app does once started
                rates = _interleaved({
                    "engine": lambda: quote(*engine_args, {"id": str(customer_id), "tier": "gold"}, {"now": NOW}),
                    "service": lambda: quote_cart(cart, customer_id, ["SAVE20"], now=NOW),
                    "http": lambda: client.post(f"{API_PREFIX}/quote", json=body).raise_for_status(),
                }, args.quotes)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        storage_db.reset()
    q = first.json()
    print(json.dumps({
        "bench": "promotions_http", "database": url.split(":")[0], "quotes": args.quotes,
        "live_promotions": len(priced.candidates), "cart_lines": len(lines),
        "applied": len(q["combination"]), "total": q["total"], "statements_per_quote": statements,
        "http_quotes_per_s": round(rates["http"], 1),
        "service_quotes_per_s": round(rates["service"], 1),
        "engine_quotes_per_s": round(rates["engine"], 1),
        "http_vs_engine": round(rates["http"] / rates["engine"], 3),
        "http_vs_service": round(rates["http"] / rates["service"], 3),
    }))


if __name__ == "__main__":
    main()
