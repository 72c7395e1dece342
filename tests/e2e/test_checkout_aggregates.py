"""A paid order turns a new customer into a buyer in the checkout simulator: the customer picker shows
the order counted, and a new-customer (``customer.is_new``) promotion no longer applies.

The order is confirmed and paid in the test process through the checkout services, on the database
the app serves (as a shop's checkout would through the API). Screenshots:
test-artifacts/screenshots/checkout_aggregates_{before,after}.png.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page

from tests.e2e.conftest import log_in as _log_in
from tests.e2e.conftest import shot as _shot
from tests.e2e.conftest import use_language

pytestmark = pytest.mark.e2e

PROMO = "E2E-NEWCOMER"


def _newcomer_and_sku() -> tuple[str, int, str]:
    """A demo customer without a paid order, and an active product with free stock online."""
    from storage.db import session_scope
    from storage.models import Customer, Inventory, Product

    with session_scope() as s:
        code, cid = s.execute(sa.select(Customer.code, Customer.id).where(Customer.orders_count == 0)
                              .order_by(Customer.id).limit(1)).one()
        sku = s.scalar(sa.select(Product.sku).join(Inventory, Inventory.product_id == Product.id)
                       .where(Product.status == "active", Inventory.location_code == "WH-ONLINE",
                              Inventory.on_hand - Inventory.reserved >= 5).order_by(Product.sku.desc()).limit(1))
    return str(code), int(cid), str(sku)


def _find(pg: Page, code: str, orders: int) -> str:
    """Search the customer by code and wait until its hit shows ``orders`` orders; returns the hit's text."""
    pg.fill("#customer-search", "")
    pg.fill("#customer-search", code)
    hit = pg.locator(f".customer-hit:has(#pick-{code}):has-text('{orders} 单')")
    hit.wait_for()
    text = hit.inner_text()
    assert f"{orders} 单" in text.split("\n")  # exactly (has-text would also take "10 单" for "0 单")
    return text


def test_a_paid_order_makes_the_simulator_see_a_buyer_instead_of_a_new_customer(
        page: Page, app_url: str) -> None:
    from services import commerce
    from services.auth import DEMO_PASSWORD

    code, cid, sku = _newcomer_and_sku()
    commerce.create_promotion({"code": PROMO, "name": "新客九折", "definition": {
        "type": "percent_off", "params": {"percent": 10}, "scope": {"skus": [sku]},
        "condition": {"==": [{"var": "customer.is_new"}, True]}}})
    commerce.schedule_promotion(PROMO)
    try:
        pg = page
        _log_in(pg, app_url, "marketer", DEMO_PASSWORD)
        pg.wait_for_selector("#kpi-customers-value", timeout=30_000)
        use_language(pg, "zh-CN")
        pg.goto(app_url + "/promotions/simulate")
        pg.wait_for_selector("#customer-search")
        _find(pg, code, 0)
        pg.click(f"#pick-{code}")
        pg.wait_for_selector("#chosen-customer")
        pg.fill("#product-search", sku)
        pg.click(f"#add-{sku}")
        pg.wait_for_selector("#cart-table")
        pg.click("#sim-run")
        pg.wait_for_selector(f"#applied-{PROMO}")
        pg.evaluate("window.scrollTo(0, 0)")
        _shot(pg, "checkout_aggregates_before.png")

        placed = commerce.confirm_order({"lines": [{"sku": sku, "qty": 1}], "customer_id": cid},
                                        f"e2e-{code}", now=datetime.now(UTC))
        assert commerce.pay_order(placed.order_no).status == "paid"

        _find(pg, code, 1)
        pg.click("#sim-run")  # the earlier result stays on screen until the new one replaces it
        pg.wait_for_selector(f"#applied-{PROMO}", state="detached")
        assert pg.locator("#quote-applied").inner_text().count("新客九折") == 0
        expected = commerce.quote_cart({"lines": [{"sku": sku, "qty": 1}]}, cid).quote
        assert PROMO not in expected.combination
        pg.evaluate("window.scrollTo(0, 0)")
        _shot(pg, "checkout_aggregates_after.png")
    finally:
        commerce.end_promotion(PROMO)
