"""The promotion editor's state: the form, loading a promotion, saving it (field errors from the
service next to their fields), publishing, the leave guard, and the version history (list, compare,
restore). The page is ``app.pages.promotion_editor`` (history panel: ``app.pages.promotion_versions``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from app import promotion_versions_view as versions_view
from app import promotions_view as view
from app.diff_view import diff_line
from app.state import AuthState
from services import catalog, commerce, docdiff

EDIT_ROUTE = view.EDIT_ROUTE

SKU_RESULTS = 8
# closing or reloading the tab with unsaved changes asks first (only while the editor is open)
GUARD_ON = ("window.onbeforeunload = (e) => { if (location.pathname.startsWith('/promotions/edit')) "
            "{ e.preventDefault(); return ''; } }")
GUARD_OFF = "window.onbeforeunload = null"


def _plain(value: Any) -> Any:
    """A deep copy made of plain dicts and lists (state values are change-tracking proxies)."""
    return json.loads(json.dumps(value))


class PromotionEditorState(rx.State):
    """One promotion being created or edited."""

    form: dict[str, str] = dict(view.FORM_DEFAULTS)
    tiers: list[dict[str, str]] = [{"threshold": "", "off": ""}]
    categories: list[str] = []
    skus: list[str] = []
    exclude_skus: list[str] = []
    condition: dict[str, Any] = {}
    reset_key: int = 0
    is_new: bool = True
    version: int = 0
    status: str = ""
    dirty: bool = False
    saving: bool = False
    publishing: bool = False
    not_found: bool = False
    field_errors: dict[str, str] = {}
    fields: dict[str, list[dict[str, Any]]] = {}
    category_options: list[dict[str, str]] = []
    sku_labels: dict[str, str] = {}
    sku_query: str = ""
    sku_results: list[dict[str, str]] = []
    # version history
    versions: list[dict[str, str]] = []
    ver_old: str = ""
    ver_new: str = ""
    ver_changes: dict[str, list[dict[str, str]]] = {}
    ver_json: list[dict[str, str]] = []
    ver_compared: bool = False
    restore_target: str = ""
    restore_changes: dict[str, list[dict[str, str]]] = {}
    restore_texts: dict[str, dict[str, str]] = {}
    restore_open: bool = False
    restoring: bool = False

    def _values(self) -> view.EditorValues:
        """The form as the view module's value (plain JSON values, not state proxies)."""
        return view.EditorValues(_plain(self.form), _plain(self.tiers), _plain(self.categories), _plain(self.skus),
                                 _plain(self.exclude_skus), _plain(self.condition))

    @rx.var
    def summary(self) -> dict[str, str]:
        """The deal in a few words, per locale (满300减50 / ¥50 off over ¥300)."""
        return view.deal_summary(self.form.get("type", ""), view.form_params(self._values()))

    @rx.var
    def scope_text(self) -> dict[str, str]:
        """全场商品 or how many categories and products, per locale."""
        return view.scope_summary(len(self.categories), len(self.skus), len(self.exclude_skus))

    @rx.var
    def percent_hints(self) -> dict[str, str]:
        """'相当于打8折' under the percentage field, per locale."""
        return {loc: view.percent_hint(self.form.get("percent", ""), loc) for loc in ("zh-CN", "en")}

    @rx.var
    def version_link(self) -> dict[str, str]:
        """'版本历史（3）' in the side card, per locale."""
        return {loc: view.say("promo.ver_count", loc).format(n=str(len(self.versions))) for loc in ("zh-CN", "en")}

    @rx.var
    def frozen(self) -> bool:
        """Ended promotions cannot be changed."""
        return self.status == "ended"

    @rx.event
    async def load(self):
        """Open the promotion named in ``?code=`` (or a blank one) and the catalogue pickers."""
        auth = await self.get_state(AuthState)
        if auth.user_for("promotions") is None:
            return
        code = self.router.url.query_parameters.get("code", "")
        self._apply(view.EditorValues())
        self.is_new, self.version, self.status, self.not_found = True, 0, "", False
        self._clear_versions()
        self.fields = view.condition_fields()
        cats = await asyncio.to_thread(catalog.categories)
        self.category_options = view.category_options(cats)
        if code:
            try:
                found = await asyncio.to_thread(commerce.get_promotion, code)
            except commerce.NotFound:
                self.not_found = True
                return
            await self._show_saved(found)
            await self._load_versions()
        await self._search_skus()
        return rx.call_script(GUARD_OFF)

    async def _show_saved(self, found: Any) -> None:
        """Show a saved promotion in the form, with the names of its products."""
        self._apply(view.form_from_promotion(found))
        self.is_new, self.version, self.status = False, found.version, found.status
        labels = await asyncio.to_thread(catalog.products_by_sku, [*self.skus, *self.exclude_skus])
        self.sku_labels = {sku: p.name for sku, p in labels.items()}

    def _apply(self, values: view.EditorValues) -> None:
        """Show these values in the form."""
        self.form, self.tiers = values.form, values.tiers
        self.categories, self.skus, self.exclude_skus = values.categories, values.skus, values.exclude_skus
        self.condition = values.condition
        self.reset_key += 1
        self.field_errors, self.dirty, self.sku_labels, self.sku_query = {}, False, {}, ""

    def _touch(self, *keys: str) -> Any:
        """Mark unsaved and clear the errors of the edited fields; the first change arms the leave guard."""
        was_dirty, self.dirty = self.dirty, True
        if self.field_errors:
            self.field_errors = {k: v for k, v in self.field_errors.items() if k not in keys}
        return None if was_dirty else rx.call_script(GUARD_ON)

    @rx.event
    def set_field(self, key: str, value: str):
        """One text field of the form."""
        self.form = {**self.form, key: value}
        return self._touch(key, "form", "params")

    @rx.event
    def set_flag(self, key: str, value: bool):
        """A switch (每满, 独享)."""
        self.form = {**self.form, key: "1" if value else "0"}
        return self._touch(key, "params", "tiers")

    @rx.event
    def set_type(self, value: str):
        """Change the promotion type (its own parameters appear)."""
        if value in view.TYPES:
            self.form = {**self.form, "type": value}
            return self._touch("type", "params")

    @rx.event
    def add_tier(self):
        """One more 满减 tier."""
        self.tiers = [*self.tiers, {"threshold": "", "off": ""}]
        return self._touch("tiers")

    @rx.event
    def remove_tier(self, index: int):
        """Drop a tier (one always stays)."""
        if len(self.tiers) > 1:
            self.tiers = [x for i, x in enumerate(self.tiers) if i != index]
            return self._touch("tiers")

    @rx.event
    def set_tier(self, index: int, key: str, value: str):
        """Threshold or amount off of one tier."""
        self.tiers = [{**x, key: value} if i == index else x for i, x in enumerate(self.tiers)]
        return self._touch("tiers", "params")

    @rx.event
    def toggle_category(self, code: str, on: bool):
        """Add or remove a category from the scope."""
        rest = [c for c in self.categories if c != code]
        self.categories = [*rest, code] if on else rest
        return self._touch("scope")

    @rx.event
    def clear_scope(self):
        """Back to every product."""
        self.categories, self.skus, self.exclude_skus = [], [], []
        return self._touch("scope")

    @rx.event
    async def set_sku_query(self, value: str):
        """Search the catalogue for SKUs."""
        self.sku_query = value
        await self._search_skus()

    async def _search_skus(self) -> None:
        """The first products matching the query."""
        found = await asyncio.to_thread(catalog.search_products, self.sku_query, limit=SKU_RESULTS)
        self.sku_results = [view.product_option(p) for p in found]

    @rx.event
    def add_sku(self, sku: str, name: str, exclude: bool):
        """Put a SKU in the scope (or in the exclusions)."""
        self.sku_labels = {**self.sku_labels, sku: name}
        if exclude:
            self.exclude_skus = [*[s for s in self.exclude_skus if s != sku], sku]
            self.skus = [s for s in self.skus if s != sku]
        else:
            self.skus = [*[s for s in self.skus if s != sku], sku]
            self.exclude_skus = [s for s in self.exclude_skus if s != sku]
        return self._touch("scope")

    @rx.event
    def remove_sku(self, sku: str):
        """Take a SKU out of the scope and the exclusions."""
        self.skus = [s for s in self.skus if s != sku]
        self.exclude_skus = [s for s in self.exclude_skus if s != sku]
        return self._touch("scope")

    @rx.event
    def builder_changed(self, payload: dict[str, Any], key: int):
        """An edit of the condition in the visual builder.

        ``key`` is the builder's ``reset_key`` when it sent the change: a builder mounted before this
        promotion was loaded reports its empty query late, and that must not wipe the condition; an
        echo of the loaded condition is not an edit either.
        """
        rule = payload.get("rule") or {}
        if key != self.reset_key or view.same_condition(rule, self.condition):
            return
        self.condition = rule
        return self._touch("condition")

    @rx.event
    async def save(self):
        """Create (a draft) or save a new version; errors next to their fields."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if user is None or user.role not in ("admin", "marketer"):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        payload, errors = view.to_payload(self._values())
        if errors:
            self.field_errors = view.local_errors(errors, auth.locale)
            yield rx.toast.error(view.say("promo.not_saved", auth.locale))
            return
        self.saving = True
        yield
        try:
            saved = await asyncio.to_thread(_write, self.is_new, payload, user.username)
        except commerce.InvalidInput as err:
            self.saving, self.field_errors = False, view.field_errors(err.problems, auth.locale)
            yield rx.toast.error(view.say("promo.not_saved", auth.locale))
            return
        except commerce.Conflict as err:
            self.saving = False
            self.field_errors = {str(err.detail.get("field", "form")): view.message_for(str(err), auth.locale)}
            yield rx.toast.error(view.say("promo.not_saved", auth.locale))
            return
        self.saving, self.dirty, self.is_new, self.field_errors = False, False, False, {}
        self.version, self.status = saved.version, saved.status
        await self._load_versions()
        yield rx.call_script(GUARD_OFF)
        yield rx.toast.success(view.say("promo.saved", auth.locale).format(v=str(saved.version)))
        yield rx.call_script(f"window.history.replaceState(null, '', '{EDIT_ROUTE}?code={saved.code}')")

    @rx.event
    def leave(self):
        """Leave without saving (the marketer confirmed)."""
        self.dirty = False
        return [rx.call_script(GUARD_OFF), rx.redirect("/promotions")]

    @rx.event
    async def publish(self):
        """Publish the saved draft: live from its start time (now if none)."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if user is None or user.role not in ("admin", "marketer") or self.is_new or self.dirty:
            yield rx.toast.error(view.say("promo.save_first", auth.locale))
            return
        self.publishing = True
        yield
        try:
            done = await asyncio.to_thread(commerce.schedule_promotion, self.form["code"], actor=user.username)
        except commerce.CommerceError as err:
            self.publishing = False
            yield rx.toast.error(view.say("promo.err_transition", auth.locale) + f" ({err.code})")
            return
        self.publishing, self.status = False, done.status
        yield rx.toast.success(view.say("promo.done_publish", auth.locale).format(name=done.name))

    # ------------------------------------------------------------ version history

    def _clear_versions(self) -> None:
        """No history shown (a new promotion)."""
        self.versions, self.ver_old, self.ver_new, self.ver_json = [], "", "", []
        self.ver_changes, self.ver_compared, self.restore_open, self.restore_target = {}, False, False, ""

    async def _load_versions(self) -> None:
        """The saved versions, newest first; compares the one before the latest with the latest."""
        records = await asyncio.to_thread(commerce.promotion_versions, self.form["code"])
        self.versions = versions_view.version_rows(records, self.version)
        self.ver_changes, self.ver_json, self.ver_compared = {}, [], False
        if len(records) >= 2:
            self.ver_old, self.ver_new = str(records[-2].version), str(records[-1].version)
            await self._compare(records)

    async def _names(self, records: list[Any]) -> versions_view.Names:
        """Category labels and product names of what these versions mention."""
        products = await asyncio.to_thread(catalog.products_by_sku, versions_view.skus_of(records))
        categories = {c["code"]: {"zh-CN": c["zh-CN"], "en": c["en"]} for c in self.category_options}
        return versions_view.Names(categories, {sku: p.name for sku, p in products.items()})

    async def _compare(self, records: list[Any]) -> None:
        """Field-by-field changes and the JSON diff between ``ver_old`` and ``ver_new``."""
        by_number = {str(r.version): r for r in records}
        old, new = by_number.get(self.ver_old), by_number.get(self.ver_new)
        if old is None or new is None:
            self.ver_changes, self.ver_json, self.ver_compared = {}, [], False
            return
        self.ver_changes = versions_view.changes(old, new, await self._names([old, new]))
        lines = docdiff.unified(old.definition, new.definition, f"v{old.version}", f"v{new.version}")
        self.ver_json = [diff_line(x) for x in lines]
        self.ver_compared = True

    @rx.event
    async def set_ver_old(self, value: str):
        """The older side of the comparison."""
        self.ver_old = value
        await self._compare(await asyncio.to_thread(commerce.promotion_versions, self.form["code"]))

    @rx.event
    async def set_ver_new(self, value: str):
        """The newer side of the comparison."""
        self.ver_new = value
        await self._compare(await asyncio.to_thread(commerce.promotion_versions, self.form["code"]))

    @rx.event
    async def ask_restore(self, version: str):
        """Show what restoring ``version`` would change, and ask."""
        records = await asyncio.to_thread(commerce.promotion_versions, self.form["code"])
        by_number = {str(r.version): r for r in records}
        current, target = by_number.get(str(self.version)), by_number.get(version)
        if current is None or target is None:
            return
        self.restore_changes = versions_view.changes(current, target, await self._names([current, target]))
        self.restore_texts = versions_view.restore_texts(version, self.dirty)
        self.restore_target, self.restore_open = version, True

    @rx.event
    def set_restore_open(self, value: bool):
        """Close the restore dialog."""
        self.restore_open = value

    @rx.event
    async def restore(self):
        """Save the chosen version again as a new one, then show it in the form."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("promotions")
        if not view.may_write(user):
            yield rx.toast.error(view.say("promo.no_permission", auth.locale))
            return
        self.restoring = True
        yield
        target = self.restore_target
        try:
            done = await asyncio.to_thread(commerce.restore_promotion_version, self.form["code"], int(target),
                                           actor=user.username)
        except commerce.CommerceError as err:
            self.restoring = False
            reason = versions_view.restore_problem(err, auth.locale)
            yield rx.toast.error(view.say("promo.ver_restore_failed", auth.locale).format(reason=reason))
            return
        self.restoring, self.restore_open = False, False
        await self._show_saved(done)
        await self._load_versions()
        yield rx.call_script(GUARD_OFF)
        yield rx.toast.success(view.say("promo.ver_restore_done", auth.locale).format(v=target, n=str(done.version)))


def _write(is_new: bool, payload: dict[str, Any], actor: str) -> Any:
    """Create a promotion or save an edit as a new version."""
    if is_new:
        return commerce.create_promotion(payload, actor=actor)
    change = {k: v for k, v in payload.items() if k != "code"}
    return commerce.update_promotion(payload["code"], change, actor=actor)
