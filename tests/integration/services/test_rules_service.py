"""Saved rules: validated before anything is written, versioned, diffable, and tried on real rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services import rules
from storage.models import (
    Category,
    Channel,
    Customer,
    CustomerTag,
    Order,
    OrderLine,
    Product,
    Rule,
    RuleVersion,
)

GOLD_BIG_SPENDER = {"and": [{"==": [{"var": "customer.tier"}, "gold"]},
                            {">=": [{"var": "customer.total_spent"}, 1000]}]}


def _counts(session: Session) -> tuple[int, int]:
    """Rules and rule versions in the database."""
    return (session.scalar(sa.select(sa.func.count()).select_from(Rule)),
            session.scalar(sa.select(sa.func.count()).select_from(RuleVersion)))


def _customer(session: Session) -> int:
    """A gold customer who spent ¥1,288.00 over one order of two coffee lines, tagged 高价值."""
    session.add(Channel(code="miniprogram", name_zh="小程序", name_en="Mini-program", kind="miniprogram"))
    cat = Category(code="coffee", name_zh="咖啡", name_en="Coffee")
    session.add(cat)
    session.flush()
    product = Product(sku="SKU-1", name="拿铁", category_id=cat.id, price=Decimal("32.00"),
                      cost=Decimal("9.00"))
    cust = Customer(code="C000001", tier="gold", total_spent=Decimal("1288.00"), orders_count=1,
                    registered_at=datetime(2025, 5, 1, tzinfo=UTC))
    session.add_all([product, cust])
    session.flush()
    session.add(CustomerTag(customer_id=cust.id, tag="高价值", source="manual"))
    order = Order(order_no="O1", customer_id=cust.id, channel_code="miniprogram",
                  placed_at=datetime(2026, 11, 1, tzinfo=UTC), subtotal=Decimal("64.00"),
                  total=Decimal("64.00"))
    session.add(order)
    session.flush()
    session.add(OrderLine(order_id=order.id, product_id=product.id, sku="SKU-1", qty=2,
                          unit_price=Decimal("32.00"), amount=Decimal("64.00"), cost=Decimal("9.00")))
    session.commit()
    return cust.id


def test_a_valid_rule_is_saved_as_version_1_and_listed(db, session: Session) -> None:
    saved = rules.save_rule(code="gold_1000", name="金卡高消费", description="", logic=GOLD_BIG_SPENDER,
                            actor="marketer", create=True)
    assert saved.current_version == 1
    listed = rules.list_rules()
    assert [(r.code, r.name, r.version, r.updated_by) for r in listed] == [
        ("gold_1000", "金卡高消费", 1, "marketer")]


def test_an_invalid_rule_is_refused_with_every_problem_and_nothing_is_written(db, session: Session) -> None:
    bad = {"and": [{"frobnicate": [1]}, {"==": [{"var": "customer.no_such_field"}, 1]}]}
    with pytest.raises(rules.RuleServiceError) as err:
        rules.save_rule(code="bad", name="", description="", logic=bad, actor="marketer", create=True)
    paths = {p["path"] for p in err.value.problems}
    assert "$.and[0]" in " ".join(paths) or any(p.startswith("$.and[0]") for p in paths)
    assert any(p.startswith("$.and[1]") for p in paths)
    assert err.value.fields == {"name": "required"}
    assert _counts(session) == (0, 0)


def test_changing_the_document_adds_a_version_and_the_diff_shows_the_change(db, session: Session) -> None:
    rules.save_rule(code="gold_1000", name="金卡", description="", logic=GOLD_BIG_SPENDER,
                    actor="marketer", create=True)
    changed = {"and": [{"==": [{"var": "customer.tier"}, "gold"]},
                       {">=": [{"var": "customer.total_spent"}, 2000]}]}
    rules.save_rule(code="gold_1000", name="金卡", description="renamed only", logic=GOLD_BIG_SPENDER,
                    actor="admin", create=False)
    assert rules.get_rule("gold_1000").current_version == 1
    rules.save_rule(code="gold_1000", name="金卡", description="", logic=changed, actor="admin",
                    create=False)
    assert [v.version for v in rules.versions("gold_1000")] == [2, 1]
    lines = rules.diff("gold_1000", 1, 2)
    assert any(line.startswith("-") and "1000" in line for line in lines)
    assert any(line.startswith("+") and "2000" in line for line in lines)


def test_a_duplicate_code_is_refused_naming_the_code_field(db, session: Session) -> None:
    rules.save_rule(code="gold_1000", name="a", description="", logic=GOLD_BIG_SPENDER, actor="m",
                    create=True)
    with pytest.raises(rules.RuleServiceError) as err:
        rules.save_rule(code="gold_1000", name="b", description="", logic=GOLD_BIG_SPENDER, actor="m",
                        create=True)
    assert "code" in err.value.fields
    assert _counts(session) == (1, 1)


def test_trying_a_rule_on_a_customer_marks_each_condition(db, session: Session) -> None:
    cid = _customer(session)
    rule = {"and": [{"==": [{"var": "customer.tier"}, "gold"]},
                    {">=": [{"var": "customer.total_spent"}, 2000]}]}
    result = rules.try_rule(rule, "customer", cid)
    assert result.passed is False
    assert [(r.path, r.passed) for r in result.rows] == [
        ("$", False), ("$.and[0]", True), ("$.and[1]", False)]


def test_trying_a_cart_rule_uses_the_customers_last_order_as_the_cart(db, session: Session) -> None:
    cid = _customer(session)
    rule = {"and": [{"==": [{"var": "cart.channel"}, "miniprogram"]},
                    {"in": ["高价值", {"var": "customer.tags"}]},
                    {">=": [{"var": "cart.subtotal"}, 64]}]}
    result = rules.try_rule(rule, "cart", cid)
    assert result.passed is True
    assert result.data["cart"]["lines"][0]["category"] == "coffee"


def test_a_rule_in_use_by_a_promotion_cannot_be_deleted(db, session: Session) -> None:
    from storage.models import Promotion, PromotionVersion

    rules.save_rule(code="gold_1000", name="a", description="", logic=GOLD_BIG_SPENDER, actor="m",
                    create=True)
    promo = Promotion(code="P1", name="金卡专享", status="live")
    session.add(promo)
    session.flush()
    session.add(PromotionVersion(promotion_id=promo.id, version=1,
                                 definition={"condition": {"rule_ref": "gold_1000"}}))
    session.commit()
    assert rules.list_rules()[0].used_in == ["promotion:金卡专享"]
    with pytest.raises(rules.RuleServiceError):
        rules.delete_rule("gold_1000", "admin")
    assert _counts(session) == (1, 1)
