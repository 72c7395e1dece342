"""Customer profiles, personal data masked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from app.api.deps import GuardedRoute, Require
from app.api.schemas import ApiModel, ErrorResponse, Money, Page, Time
from services import customers
from services.auth import UserInfo

router = APIRouter(prefix="/customers", tags=["customers"], route_class=GuardedRoute)
Reader = Annotated[UserInfo, Depends(Require("admin", "marketer", "analyst"))]


class CustomerOut(ApiModel):
    """A customer; name, phone and e-mail masked (张*, 138****8000, z***@qq.com)."""

    id: int
    code: str
    name: str
    phone: str
    email: str
    gender: str
    birth_year: int | None
    province: str | None
    city: str | None
    tier: str
    is_member: bool
    points_balance: int
    total_spent: Money
    orders_count: int
    first_order_at: Time | None
    last_order_at: Time | None
    registered_at: Time
    first_channel: str | None
    tags: list[str]


@router.get("")
def list_customers(
    _: Reader,
    q: Annotated[str | None, Query(max_length=128, description=(
        "phone (any format), e-mail, full name, identity (openid, card no.) or code prefix"))] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=customers.PAGE_SIZE_MAX)] = 20,
) -> Page[CustomerOut]:
    """Search customers.

    Personal data is masked; exact matches on phone, e-mail, name and identities go through
    blind indexes, so the database never sees the search term in clear.
    """
    found = customers.search_customers(q, page, page_size)
    return Page[CustomerOut](
        items=[CustomerOut.model_validate(c) for c in found.items], total=found.total,
        page=found.page, page_size=found.page_size,
    )


@router.get("/{customer_id}", responses={404: {"model": ErrorResponse}})
def get_customer(_: Reader, customer_id: Annotated[int, Path(ge=1)]) -> CustomerOut:
    """One customer.

    Personal data is masked.
    """
    return CustomerOut.model_validate(customers.get_customer(customer_id))
