"""The Reflex app: pages, the login guard on every page, and the REST API on the same server."""

from __future__ import annotations

import importlib.util

import reflex as rx
from fastapi import FastAPI

from app.i18n import translate
from app.nav import SECTIONS
from app.pages.account_tokens import ACCOUNT_TOKENS_ROUTE, TokensState, account_tokens_page
from app.pages.checkout_sim import SimulatorState, simulator_page
from app.pages.dashboard import DashboardState, dashboard_page
from app.pages.login import login_page
from app.pages.promotion_editor import PromotionEditorState, promotion_editor_page
from app.pages.promotions import EDIT_ROUTE as PROMOTION_EDIT_ROUTE
from app.pages.promotions import SIMULATE_ROUTE, PromotionsListState, promotions_page
from app.pages.rules import EDIT_ROUTE, RuleEditorState, RulesListState, rule_editor_page, rules_page
from app.pages.sections import being_built
from app.pages.settings import SettingsState, settings_page
from app.state import AuthState
from services.runtime import freeze_startup_heap

# the browser tab shows the brand in both languages
TITLE = f"{translate('app.name', 'zh-CN')} {translate('app.name', 'en')}"


def _api() -> FastAPI | None:
    """The REST API (/api/v1/..., docs at /api/docs), mounted on the Reflex backend.

    The api engineer owns ``app/api`` and provides ``create_api() -> FastAPI``; until that package
    exists the app runs without it (and says so in the log).
    """
    if importlib.util.find_spec("app.api") is None:
        print("shuying: app/api is not there yet; the REST API is not mounted")  # noqa: T201
        return None
    from app.api import create_api

    return create_api()


BUILT = {
    "dashboard": (dashboard_page, DashboardState.load),
    "rules": (rules_page, RulesListState.load),
    "promotions": (promotions_page, PromotionsListState.load),
    "settings": (settings_page, SettingsState.load),
}


def _add_pages(application: rx.App) -> None:
    """Login, the sections built so far, and a plain note on the others."""
    application.add_page(login_page, route="/login", title=TITLE,
                         on_load=AuthState.login_page_loaded)
    application.add_page(rule_editor_page, route=EDIT_ROUTE, title=TITLE,
                         on_load=[AuthState.guard("rules"), RuleEditorState.load])
    application.add_page(promotion_editor_page, route=PROMOTION_EDIT_ROUTE, title=TITLE,
                         on_load=[AuthState.guard("promotions"), PromotionEditorState.load])
    application.add_page(simulator_page, route=SIMULATE_ROUTE, title=TITLE,
                         on_load=[AuthState.guard("promotions"), SimulatorState.load])
    application.add_page(account_tokens_page, route=ACCOUNT_TOKENS_ROUTE, title=TITLE, on_load=TokensState.load)
    for section in SECTIONS:
        if section.key in BUILT:
            page, load = BUILT[section.key]
            application.add_page(page, route=section.route, title=TITLE,
                                 on_load=[AuthState.guard(section.key), load])
        else:
            application.add_page(lambda key=section.key: being_built(key), route=section.route,
                                 title=TITLE, on_load=AuthState.guard(section.key))


app = rx.App(
    api_transformer=_api(),
)
_add_pages(app)

# Everything imported so far lives as long as the server: keep it out of full garbage collections
# (~100 ms each over this heap, paid by whichever request is running; services/runtime.py).
freeze_startup_heap()
