"""Catalogue lookups for the promotion editor and the checkout simulator, and the batch list (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from services import catalog
from services.commerce import generate_batch, list_batches
from storage.db import session_scope
from storage.models import Category, Channel, Product
from tests.fixtures.commerce_data import add_coupon_template, add_promotion, threshold


@pytest.fixture
def shop(db: Engine) -> None:
    """Tea (green, black) and coffee; four products, one of them inactive; two channels."""
    with session_scope() as s:
        s.add_all([Channel(code="store", name_zh="线下门店", name_en="Retail stores", kind="offline"),
                   Channel(code="online", name_zh="官方商城", name_en="Official web shop", kind="online")])
        tea = Category(code="TEA", name_zh="茶叶", name_en="Tea")
        coffee = Category(code="COFFEE", name_zh="咖啡", name_en="Coffee")
        s.add_all([tea, coffee])
        s.flush()
        green = Category(code="TEA-GREEN", name_zh="绿茶", name_en="Green tea", parent_id=tea.id)
        black = Category(code="TEA-BLACK", name_zh="红茶", name_en="Black tea", parent_id=tea.id)
        s.add_all([green, black])
        s.flush()
        for sku, name, cat, price, status in (
                ("YX-TEA-GREEN-011", "西湖龙井 特级 50g罐装", green, "168", "active"),
                ("YX-TEA-GREEN-012", "西湖龙井 特级 100g罐装", green, "318", "active"),
                ("YX-TEA-BLACK-011", "正山小种 50g", black, "98", "active"),
                ("YX-COF-BEAN-011", "云南保山小粒 227g", coffee, "78", "inactive")):
            s.add(Product(sku=sku, name=name, category_id=cat.id, price=Decimal(price), cost=Decimal("1"),
                          status=status))


def test_categories_list_parents_before_their_children_with_both_names(shop: None) -> None:
    found = catalog.categories()
    assert [(c.code, c.parent_code) for c in found] == [
        ("COFFEE", None), ("TEA", None), ("TEA-BLACK", "TEA"), ("TEA-GREEN", "TEA")]
    assert (found[3].name_zh, found[3].name_en) == ("绿茶", "Green tea")


def test_products_are_found_by_part_of_the_name_or_sku_and_only_when_active(shop: None) -> None:
    assert [p.sku for p in catalog.search_products("龙井")] == ["YX-TEA-GREEN-011", "YX-TEA-GREEN-012"]
    assert [p.sku for p in catalog.search_products("green-012")] == ["YX-TEA-GREEN-012"]
    assert catalog.search_products("云南") == []
    first = catalog.search_products("龙井")[0]
    assert (first.name, first.category, first.price, first.active) == (
        "西湖龙井 特级 50g罐装", "TEA-GREEN", Decimal("168.00"), True)


def test_a_top_level_category_finds_the_products_of_its_children(shop: None) -> None:
    assert [p.sku for p in catalog.search_products(category="TEA")] == [
        "YX-TEA-BLACK-011", "YX-TEA-GREEN-011", "YX-TEA-GREEN-012"]
    assert [p.sku for p in catalog.search_products(category="TEA-BLACK")] == ["YX-TEA-BLACK-011"]
    assert len(catalog.search_products(limit=2)) == 2


def test_products_by_sku_include_inactive_ones_and_skip_unknown_skus(shop: None) -> None:
    found = catalog.products_by_sku(["YX-COF-BEAN-011", "NOPE", "YX-TEA-BLACK-011"])
    assert sorted(found) == ["YX-COF-BEAN-011", "YX-TEA-BLACK-011"]
    assert found["YX-COF-BEAN-011"].active is False
    assert catalog.products_by_sku([]) == {}


def test_channels_are_listed_by_code_with_both_names(shop: None) -> None:
    assert [(c.code, c.name_zh, c.name_en) for c in catalog.channels()] == [
        ("online", "官方商城", "Official web shop"), ("store", "线下门店", "Retail stores")]


def test_generated_batches_are_listed_newest_first_with_their_template(db: Engine) -> None:
    add_promotion("C10", threshold(100, 10))
    add_coupon_template("T10", "C10")
    add_coupon_template("T20", "C10")
    first = generate_batch("T10", 3, actor="marketer")
    second = generate_batch("T20", 2)
    listed = list_batches()
    assert [(b.id, b.template_code, b.size) for b in listed] == [(second.id, "T20", 2), (first.id, "T10", 3)]
    assert listed[1].created_by == "marketer"
    assert [b.id for b in list_batches(limit=1)] == [second.id]
