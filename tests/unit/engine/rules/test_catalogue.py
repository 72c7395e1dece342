"""The field catalogue matches the stored data and serves the visual builder in two languages."""

from __future__ import annotations

import typing

from engine.promotions.eligibility import condition_data
from engine.promotions.model import Cart, Context, Customer
from engine.rules import CATALOGUE, OPERATORS, Catalogue, Field, operator_labels
from engine.rules.catalogue import FIELD_TYPES, FieldType


def test_every_field_has_a_type_and_both_labels() -> None:
    assert set(FIELD_TYPES) == set(typing.get_args(FieldType))
    for f in CATALOGUE.fields.values():
        assert f.type in FIELD_TYPES and f.zh and f.en, f.key
        assert bool(f.options) == (f.type == "enum"), f.key


def test_the_catalogue_covers_the_namespaces_rules_read() -> None:
    spaces = {key.split(".")[0] for key in CATALOGUE.fields}
    assert spaces == {"customer", "cart", "line", "order", "event", "context"}
    assert [o.value for o in CATALOGUE.fields["customer.tier"].options] == [
        "member", "silver", "gold", "platinum", "diamond"]


def test_customer_fields_are_columns_of_the_customers_table() -> None:
    from storage.models.customers import Customer as Row  # storage is only read by this test

    columns = set(Row.__table__.columns.keys())
    derived = {"id", "is_new", "tags"}  # code → id, computed, and the customer_tags table
    for f in CATALOGUE.namespace("customer"):
        name = f.key.split(".", 1)[1]
        assert name in columns or name in derived, f.key


def test_the_promotion_engines_condition_data_only_uses_catalogued_fields() -> None:
    cart = Cart.model_validate({"lines": [{"sku": "A", "category": "饮品", "price": "10", "qty": 1}]})
    data = condition_data(cart, Customer(), Context(), __import__("datetime").datetime.now().astimezone())
    for space, values in data.items():
        for key in values:
            assert CATALOGUE.knows(f"{space}.{key}"), f"{space}.{key}"


def test_list_item_paths_resolve_to_line_fields() -> None:
    assert CATALOGUE.get("cart.lines.3.price") is CATALOGUE.fields["line.price"]
    assert CATALOGUE.get("cart.lines.x.price") is None


def test_duplicate_keys_are_refused() -> None:
    f = Field("a.b", "string", "甲", "A")
    try:
        Catalogue.of([f, f])
    except ValueError as exc:
        assert "a.b" in str(exc)
    else:
        raise AssertionError("duplicate accepted")


def test_the_builder_json_is_localised() -> None:
    zh, en = CATALOGUE.as_json("zh-CN"), CATALOGUE.as_json("en")
    tier_zh = next(f for f in zh["fields"] if f["key"] == "customer.tier")
    tier_en = next(f for f in en["fields"] if f["key"] == "customer.tier")
    assert (tier_zh["label"], tier_en["label"]) == ("会员等级", "Membership tier")
    assert tier_zh["options"][2] == {"value": "gold", "label": "金卡会员"}
    assert len(zh["operators"]) == len(OPERATORS)


def test_every_operator_has_labels_in_both_languages() -> None:
    for label in operator_labels("en"):
        assert label["label_zh"] and label["label_en"], label["name"]
    assert "method" not in OPERATORS
