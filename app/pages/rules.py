"""规则 / Rules: the list of saved rules and the rule editor (visual builder, JSON, try it, versions)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from app import rules_view as view
from app.diff_view import diff_box, diff_line
from app.format import local_datetime
from app.layout import shell
from app.state import AuthState, t
from components.rule_builder import STYLE as BUILDER_STYLE
from components.rule_builder import rule_builder
from services import docdiff
from services import rules as rule_service
from services import segments

EDIT_ROUTE = "/rules/edit"


class RulesListState(rx.State):
    """The rules list."""

    rows: list[dict[str, str]] = []
    search: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        """Read the saved rules (server-side role check)."""
        auth = await self.get_state(AuthState)
        if auth.user_for("rules") is None:
            return
        summaries = await asyncio.to_thread(rule_service.list_rules, self.search or None)
        self.rows = [view.list_row(s) for s in summaries]
        self.loaded = True

    @rx.event
    async def set_search(self, value: str):
        """Filter by code or name."""
        self.search = value
        async for _ in self.load():
            pass


class RuleEditorState(rx.State):
    """One rule being created or edited."""

    code: str = ""
    name: str = ""
    description: str = ""
    is_new: bool = True
    version: int = 0
    logic: dict[str, Any] = {}
    reset_key: int = 0
    json_text: str = ""
    json_error: dict[str, str] = {}  # {locale: where the JSON stops parsing}
    problems: list[dict[str, str]] = []  # path, code, reason, message, where_<locale>, text_<locale>
    field_errors: dict[str, dict[str, str]] = {}  # field -> {locale: text}
    dirty: bool = False
    saving: bool = False
    fields: dict[str, list[dict[str, Any]]] = {}
    # try it
    customers: list[dict[str, str]] = []
    sample_kind: str = "customer"
    customer_id: str = ""
    try_rows: list[dict[str, str]] = []
    try_outcome: str = ""
    try_result: str = ""
    try_data: str = ""
    try_error: dict[str, str] = {}  # {locale: why it failed, "detail": the engine's message}
    try_for: str = ""  # the rule (canonical JSON) the result was computed for
    # audience size
    audience: dict[str, str] = {}
    audience_running: bool = False
    audience_for: str = ""  # the rule (canonical JSON) the audience was sized for
    # versions
    versions: list[dict[str, str]] = []
    diff_old: str = ""
    diff_new: str = ""
    diff_lines: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        """Open the rule named in ``?code=`` (or a blank one) and the samples to try it on."""
        auth = await self.get_state(AuthState)
        if auth.user_for("rules") is None:
            return
        self.fields = view.builder_fields()
        code = self.router.url.query_parameters.get("code", "")
        self._reset_form()
        if code:
            try:
                record = await asyncio.to_thread(rule_service.get_rule, code)
            except rule_service.RuleServiceError:
                self.field_errors = {"code": view.field_error("not_found")}
                return
            self.code, self.name, self.description = record.code, record.name, record.description
            self.is_new, self.version = False, record.current_version
            self._set_logic(record.logic)
            await self._load_versions()
        customers = await asyncio.to_thread(rule_service.sample_customers, 20)
        self.customers = [view.customer_option(c) for c in customers]
        self.customer_id = self.customers[0]["value"] if self.customers else ""

    def _reset_form(self) -> None:
        """A blank editor."""
        self.code = self.name = self.description = ""
        self.is_new, self.version, self.dirty = True, 0, False
        self.problems, self.field_errors, self.versions, self.diff_lines = [], {}, [], []
        self.try_rows, self.try_outcome, self.try_result, self.try_error = [], "", "", {}
        self._set_logic({})

    def _set_problems(self, problems: list[dict[str, str]]) -> None:
        """Problems with the condition each belongs to (shown under the builder)."""
        self.problems = view.problem_rows(view.plain(self.logic), problems)

    def _set_logic(self, logic: dict[str, Any]) -> None:
        """Load a document into the builder and the JSON view."""
        self.logic = logic or {}
        self.json_text = docdiff.pretty(self.logic) if self.logic else ""
        self.json_error = {}
        self.reset_key += 1

    async def _load_versions(self) -> None:
        """The rule's versions for the versions tab."""
        records = await asyncio.to_thread(rule_service.versions, self.code)
        self.versions = [view.version_row(v) for v in records]
        if len(records) >= 2:
            self.diff_new, self.diff_old = str(records[0].version), str(records[1].version)

    @rx.event
    def builder_changed(self, payload: dict[str, Any]):
        """Every edit in the visual builder: keep the JSON view in step."""
        self.logic = payload.get("rule") or {}
        self.json_text = docdiff.pretty(self.logic) if self.logic else ""
        self.json_error = {}
        self.problems = []
        self.dirty = True

    @rx.event
    def set_json_text(self, text: str):
        """The JSON view is edited by hand."""
        self.json_text = text

    @rx.event
    def apply_json(self):
        """Parse the hand-edited JSON, show its problems inline, and load it into the builder."""
        try:
            logic = json.loads(self.json_text or "{}")
        except json.JSONDecodeError as err:
            self.json_error = view.json_error(err)
            return
        self.logic = logic if isinstance(logic, dict) else {}
        self._set_problems(rule_service.problems_of(logic))
        self.reset_key += 1
        self.json_error = {}
        self.dirty = True

    def _edited(self, name: str) -> None:
        """Mark unsaved and clear the edited field's error."""
        self.dirty = True
        if name in self.field_errors:
            self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @rx.event
    def set_code(self, value: str):
        """Code of a new rule."""
        self.code = value.strip()
        self._edited("code")

    @rx.event
    def set_name(self, value: str):
        """Display name."""
        self.name = value
        self._edited("name")

    @rx.event
    def set_description(self, value: str):
        """What the rule is for."""
        self.description = value
        self._edited("description")

    @rx.event
    async def validate(self):
        """Check the document against the engine and the field catalogue."""
        auth = await self.get_state(AuthState)
        self._set_problems(rule_service.problems_of(view.plain(self.logic)))
        if not self.problems:
            return rx.toast.success(view.say("rules.valid", auth.locale))
        return None

    @rx.event
    async def save(self):
        """Save (refused, with every problem listed, when invalid)."""
        auth = await self.get_state(AuthState)
        user = auth.user_for("rules")
        if user is None or user.role == "analyst":
            yield rx.toast.error(view.say("rules.no_permission", auth.locale))
            return
        self.saving = True
        yield
        try:
            record = await asyncio.to_thread(
                lambda: rule_service.save_rule(code=self.code, name=self.name, description=self.description,
                                               logic=view.plain(self.logic), actor=user.username, create=self.is_new))
        except rule_service.RuleServiceError as err:
            self.saving = False
            self._set_problems(err.problems)
            self.field_errors = view.field_errors(err)
            yield rx.toast.error(view.say("rules.not_saved", auth.locale))
            return
        self.saving, self.dirty, self.is_new = False, False, False
        self.version, self.problems, self.field_errors = record.current_version, [], {}
        await self._load_versions()
        yield rx.toast.success(view.say("rules.saved", auth.locale).replace("{v}", str(record.current_version)))
        yield rx.call_script(f"window.history.replaceState(null, '', '{EDIT_ROUTE}?code={record.code}')")

    @rx.event
    def set_sample_kind(self, value: str):
        """Customer profile, last order as cart, or last event."""
        self.sample_kind = value

    @rx.event
    def set_customer_id(self, value: str):
        """Which customer to try the rule on."""
        self.customer_id = value

    @rx.event
    async def try_it(self):
        """Evaluate the rule on the chosen sample and mark each sub-condition."""
        auth = await self.get_state(AuthState)
        if auth.user_for("rules") is None or not self.customer_id:
            return
        try:
            outcome = await asyncio.to_thread(rule_service.try_rule, view.plain(self.logic), self.sample_kind,
                                              int(self.customer_id))
        except rule_service.RuleServiceError as err:
            self._set_problems(err.problems)
            self.try_rows, self.try_outcome = [], ""
            self.try_error = view.try_refused(err)
            return
        self.try_rows = [view.trace_row(r) for r in outcome.rows]
        self.try_outcome = "error" if outcome.error else ("true" if outcome.passed else "false")
        self.try_result = outcome.result
        self.try_error = view.eval_error(outcome.problem) if outcome.error else {}
        self.try_data = docdiff.pretty(outcome.data)
        self.try_for = view.canonical(self.logic)

    @rx.var
    def try_stale(self) -> bool:
        """The rule changed after it was tried: the result shown is the earlier rule's."""
        return self.try_outcome != "" and self.try_for != view.canonical(self.logic)

    @rx.event
    async def size_audience(self):
        """How many customers the rule selects (in the database when it can be translated to SQL)."""
        auth = await self.get_state(AuthState)
        if auth.user_for("rules") is None:
            return
        self.audience_running = True
        yield
        try:
            result = await asyncio.to_thread(segments.audience, view.plain(self.logic), limit=8)
        except segments.SegmentError as err:
            self.audience_running = False
            self._set_problems(err.problems)
            return
        self.audience = view.audience_view(result)
        self.audience_for = view.canonical(self.logic)
        self.audience_running = False

    @rx.var
    def audience_stale(self) -> bool:
        """The rule changed after its audience was sized: the figure shown is not this rule's."""
        return bool(self.audience) and self.audience_for != view.canonical(self.logic)

    @rx.event
    def set_diff_old(self, value: str):
        """Left side of the diff."""
        self.diff_old = value
        return RuleEditorState.show_diff

    @rx.event
    def set_diff_new(self, value: str):
        """Right side of the diff."""
        self.diff_new = value
        return RuleEditorState.show_diff

    @rx.event
    async def show_diff(self):
        """The unified diff of two versions."""
        if not (self.code and self.diff_old and self.diff_new):
            return
        lines = await asyncio.to_thread(rule_service.diff, self.code, int(self.diff_old), int(self.diff_new))
        self.diff_lines = [diff_line(line) for line in lines]

    @rx.event
    def restore(self, version: str):
        """Load an older version into the editor (saved as a new version when the user saves)."""
        for row in self.versions:
            if row["version"] == version:
                self._set_logic(json.loads(row["logic"]))
                self.dirty = True


# ---------------------------------------------------------------- list page


def _list_table() -> rx.Component:
    """Name, description, where used, version, last change, by whom, actions."""
    header = rx.table.header(rx.table.row(*[
        rx.table.column_header_cell(t(k)) for k in (
            "rules.col_name", "rules.col_description", "rules.col_used", "rules.col_version",
            "rules.col_updated", "rules.col_by", "rules.col_actions")]))
    row = lambda r: rx.table.row(  # noqa: E731
        rx.table.cell(rx.vstack(rx.text(r["name"], weight="medium"),
                                rx.code(r["code"], size="1", variant="ghost"), spacing="1")),
        rx.table.cell(rx.text(r["description"], size="2", color="var(--gray-11)")),
        rx.table.cell(rx.cond(r["used"] != "", rx.text(r["used"], size="2"),
                              rx.text(t("rules.unused"), size="2", color="var(--gray-9)"))),
        rx.table.cell(rx.badge("v", r["version"], variant="soft")),
        rx.table.cell(rx.text(r["updated"], size="2")),
        rx.table.cell(rx.text(r["by"], size="2")),
        rx.table.cell(rx.link(t("rules.edit"), href=EDIT_ROUTE + "?code=" + r["code"],
                              id="edit-rule-" + r["code"])),
        id="rule-row-" + r["code"],
    )
    return rx.table.root(header, rx.table.body(rx.foreach(RulesListState.rows, row)),
                         width="100%", variant="surface", id="rules-table")


def _rules_list() -> rx.Component:
    """Filter bar, table, friendly empty state."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.input(rx.input.slot(rx.icon("search", size=14)), placeholder=t("rules.search"),
                         value=RulesListState.search, on_change=RulesListState.set_search.debounce(300),
                         width="320px", id="rules-search"),
                width="100%",
            ),
            rx.cond(
                RulesListState.rows.length() > 0,
                _list_table(),
                rx.cond(RulesListState.loaded, rx.center(rx.vstack(
                    rx.icon("list_checks", size=28, color="var(--accent-9)"),
                    rx.text(t("rules.empty_title"), weight="medium"),
                    rx.text(t("rules.empty_body"), size="2", color="var(--gray-11)"),
                    align="center"), padding="48px", width="100%", id="rules-empty"),
                    rx.center(rx.spinner(), padding="48px", width="100%")),
            ),
            spacing="4", width="100%",
        ),
        width="100%",
    )


def rules_page() -> rx.Component:
    """/rules."""
    action = rx.link(rx.button(rx.icon("plus", size=16), t("rules.new"), id="new-rule"), href=EDIT_ROUTE)
    return shell("rules", _rules_list, action)


# ---------------------------------------------------------------- editor page


def _field(label_key: str, control: rx.Component, error_key: str, required: bool = False) -> rx.Component:
    """Label above, control, error next to it."""
    return rx.vstack(
        rx.hstack(rx.text(t(label_key), size="2", weight="medium"),
                  rx.cond(required, rx.text("*", color="var(--red-9)"), rx.fragment()), spacing="1"),
        control,
        rx.cond(RuleEditorState.field_errors.contains(error_key),
                rx.text(RuleEditorState.field_errors[error_key][AuthState.locale], size="1",
                        color="var(--red-11)", id=f"error-{error_key}"), rx.fragment()),
        spacing="1", width="100%",
    )


def _head_form() -> rx.Component:
    """Code, name and description."""
    return rx.grid(
        _field("rules.field_code", rx.input(value=RuleEditorState.code, on_change=RuleEditorState.set_code,
                                            disabled=~RuleEditorState.is_new, id="rule-code",
                                            placeholder="vip_big_spender"), "code", True),
        _field("rules.field_name", rx.input(value=RuleEditorState.name, on_change=RuleEditorState.set_name,
                                            id="rule-name"), "name", True),
        _field("rules.field_description", rx.input(value=RuleEditorState.description,
                                                   on_change=RuleEditorState.set_description,
                                                   id="rule-description"), "description"),
        columns="3", spacing="4", width="100%",
    )


def _toolbar() -> rx.Component:
    """Back, status, validate, save."""
    return rx.hstack(
        rx.link(rx.hstack(rx.icon("arrow_left", size=16), rx.text(t("rules.back")), align="center",
                          spacing="1"), href="/rules"),
        rx.cond(RuleEditorState.version > 0,
                rx.badge("v" + RuleEditorState.version.to_string(), variant="soft", id="rule-version"),
                rx.badge(t("rules.unsaved_new"), color_scheme="gray")),
        rx.cond(RuleEditorState.dirty, rx.badge(t("rules.dirty"), color_scheme="amber", id="rule-dirty"),
                rx.fragment()),
        rx.spacer(),
        rx.button(rx.icon("circle_check", size=16), t("rules.validate"), variant="soft",
                  on_click=RuleEditorState.validate, id="rule-validate"),
        rx.button(rx.icon("save", size=16), t("rules.save"), on_click=RuleEditorState.save,
                  loading=RuleEditorState.saving, id="rule-save"),
        width="100%", align="center", spacing="3",
    )


def _problems() -> rx.Component:
    """Every problem of the document: the condition it is in, what is wrong in words, the JSON path."""
    return rx.cond(
        RuleEditorState.problems.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle_alert", size=16)),
            rx.vstack(
                rx.text(t("rules.problems"), weight="medium"),
                rx.foreach(RuleEditorState.problems, lambda p: rx.vstack(
                    rx.hstack(rx.text(p["where_" + AuthState.locale], size="2", weight="medium"),
                              rx.code(p["path"], size="1", variant="ghost", color_scheme="gray",
                                      style={"white_space": "nowrap"}),
                              spacing="2", align="baseline", wrap="wrap"),
                    rx.text(p["text_" + AuthState.locale], size="2", class_name="rule-problem-text"),
                    spacing="0", class_name="rule-problem")),
                spacing="2",
            ),
            color_scheme="red", width="100%", id="rule-problems",
        ),
        rx.fragment(),
    )


def _field_list() -> rx.Component:
    """The catalogue as a reference list on the left."""
    return rx.card(
        rx.vstack(
            rx.text(t("rules.fields"), weight="medium"),
            rx.scroll_area(
                rx.vstack(rx.foreach(RuleEditorState.fields[AuthState.locale], lambda f: rx.vstack(
                    rx.text(f["label"], size="2"),
                    rx.code(f["name"], size="1", variant="ghost", color_scheme="gray"),
                    spacing="0")), spacing="2"),
                type="auto", scrollbars="vertical", style={"height": "520px"},
            ),
            spacing="3", width="100%",
        ),
        width="240px", min_width="240px",
    )


def _builder() -> rx.Component:
    """The visual builder in the middle."""
    return rx.card(
        rx.vstack(
            rx.text(t("rules.builder"), weight="medium"),
            rule_builder(
                fields=RuleEditorState.fields[AuthState.locale],
                rule=RuleEditorState.logic,
                reset_key=RuleEditorState.reset_key,
                translations=rx.Var.create(view.builder_translations())[AuthState.locale],
                combinators=rx.Var.create(view.combinators())[AuthState.locale],
                operator_labels=rx.Var.create(view.operator_labels())[AuthState.locale],
                on_rule_change=RuleEditorState.builder_changed,
                id="rule-builder",
            ),
            _problems(),
            spacing="3", width="100%",
        ),
        width="100%", style=BUILDER_STYLE,
    )


def _json_tab() -> rx.Component:
    """The document as JSON, editable, with parse errors inline."""
    return rx.vstack(
        rx.text_area(value=RuleEditorState.json_text, on_change=RuleEditorState.set_json_text,
                     rows="18", width="100%", id="rule-json",
                     style={"font_family": "var(--code-font-family)", "font_size": "12px"}),
        rx.cond(RuleEditorState.json_error.contains(AuthState.locale),
                rx.text(RuleEditorState.json_error[AuthState.locale], color="var(--red-11)", size="1",
                        id="rule-json-error"),
                rx.fragment()),
        rx.button(t("rules.apply_json"), variant="soft", on_click=RuleEditorState.apply_json,
                  id="rule-json-apply"),
        width="100%", spacing="2",
    )


def _trace_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    """One sub-condition with its result, true green / false red, both with text."""
    return rx.hstack(
        rx.badge(rx.cond(row["passed"] == "1", t("rules.true"), t("rules.false")),
                 color_scheme=rx.cond(row["passed"] == "1", "green", "red")),
        rx.text(row[AuthState.locale], size="2", title=row["node"]),
        spacing="2", padding_left=row["indent"], align="start", class_name="try-row",
    )


def _try_tab() -> rx.Component:
    """Pick a customer and a sample kind; see the result and every sub-condition."""
    kinds = [("customer", "rules.sample_customer"), ("cart", "rules.sample_cart"),
             ("event", "rules.sample_event")]
    return rx.vstack(
        rx.select.root(rx.select.trigger(width="100%", id="try-kind"), rx.select.content(
            *[rx.select.item(t(label), value=value, id=f"try-kind-{value}") for value, label in kinds]),
            value=RuleEditorState.sample_kind, on_change=RuleEditorState.set_sample_kind),
        rx.select.root(rx.select.trigger(width="100%", id="try-customer"), rx.select.content(
            rx.foreach(RuleEditorState.customers,
                       lambda c: rx.select.item(c["label"], value=c["value"]))),
            value=RuleEditorState.customer_id, on_change=RuleEditorState.set_customer_id),
        rx.button(rx.icon("play", size=16), t("rules.try"), on_click=RuleEditorState.try_it,
                  id="try-run", width="100%"),
        rx.cond(RuleEditorState.try_stale,
                rx.callout(t("rules.try_stale"), icon="history", color_scheme="amber", size="1", id="try-stale",
                           width="100%"),
                rx.fragment()),
        rx.cond(RuleEditorState.try_outcome != "", rx.hstack(
            rx.text(t("rules.outcome"), size="2"),
            rx.match(RuleEditorState.try_outcome,
                     ("true", rx.badge(t("rules.matches"), color_scheme="green", size="2", id="try-badge")),
                     ("false", rx.badge(t("rules.no_match"), color_scheme="red", size="2", id="try-badge")),
                     rx.badge(t("rules.eval_error"), color_scheme="orange", size="2", id="try-badge")),
            id="try-outcome", align="center"), rx.fragment()),
        rx.cond(RuleEditorState.try_error.contains(AuthState.locale), rx.vstack(
            rx.text(RuleEditorState.try_error[AuthState.locale], size="2", color="var(--red-11)",
                    id="try-error"),
            rx.cond(RuleEditorState.try_error.contains("detail"),
                    rx.text(t("rules.eval_detail"), ": ", RuleEditorState.try_error["detail"], size="1",
                            color="var(--gray-10)", id="try-error-detail"), rx.fragment()),
            spacing="1", width="100%"), rx.fragment()),
        rx.vstack(rx.foreach(RuleEditorState.try_rows, _trace_row), spacing="1", width="100%",
                  id="try-trace"),
        rx.separator(width="100%"),
        rx.button(rx.icon("users", size=16), t("rules.audience"), variant="soft", width="100%",
                  on_click=RuleEditorState.size_audience, loading=RuleEditorState.audience_running,
                  id="audience-run"),
        rx.cond(RuleEditorState.audience.contains("count"), rx.vstack(
            rx.cond(RuleEditorState.audience_stale,
                    rx.callout(t("rules.audience_stale"), icon="history", color_scheme="amber", size="1",
                               id="audience-stale", width="100%"),
                    rx.fragment()),
            rx.hstack(rx.text(RuleEditorState.audience["count"], size="5", weight="bold", id="audience-count",
                              color=rx.cond(RuleEditorState.audience_stale, "var(--gray-9)", "inherit")),
                      rx.text("/ ", RuleEditorState.audience["population"], size="2", color="var(--gray-11)"),
                      align="baseline"),
            rx.cond(RuleEditorState.audience["pushed"] == "1",
                    rx.badge(t("rules.audience_sql"), color_scheme="green", id="audience-mode"),
                    rx.vstack(rx.badge(t("rules.audience_python"), color_scheme="amber", id="audience-mode"),
                              rx.text(RuleEditorState.audience["fallback"], size="1", color="var(--gray-11)"),
                              spacing="1")),
            rx.text(t("rules.audience_sample"), " ", RuleEditorState.audience["sample"], size="1",
                    color="var(--gray-11)"),
            rx.text(RuleEditorState.audience["seconds"], " s", size="1", color="var(--gray-10)"),
            spacing="1", width="100%", id="audience-result"), rx.fragment()),
        rx.cond(RuleEditorState.try_data != "", rx.el.details(
            rx.el.summary(t("rules.sample_data")),
            rx.code_block(RuleEditorState.try_data, language="json", font_size="11px")), rx.fragment()),
        width="100%", spacing="3",
    )


def _versions_tab() -> rx.Component:
    """Versions with who and when, restore, and a diff between two of them."""
    options = rx.foreach(RuleEditorState.versions, lambda v: rx.select.item(v["version"].to(str),
                                                                              value=v["version"]))
    return rx.vstack(
        rx.foreach(RuleEditorState.versions, lambda v: rx.hstack(
            rx.badge("v", v["version"], variant="soft"), rx.text(v["when"], size="1"),
            rx.text(v["by"], size="1", color="var(--gray-11)"), rx.spacer(),
            rx.button(t("rules.restore"), size="1", variant="ghost",
                      on_click=RuleEditorState.restore(v["version"])),
            width="100%", align="center")),
        rx.cond(RuleEditorState.versions.length() > 1, rx.vstack(
            rx.hstack(
                rx.select.root(rx.select.trigger(id="diff-old"), rx.select.content(options),
                               value=RuleEditorState.diff_old, on_change=RuleEditorState.set_diff_old),
                rx.icon("arrow_right", size=14),
                rx.select.root(rx.select.trigger(id="diff-new"), rx.select.content(options),
                               value=RuleEditorState.diff_new, on_change=RuleEditorState.set_diff_new),
                rx.button(t("rules.compare"), size="1", on_click=RuleEditorState.show_diff,
                          id="diff-show"),
                align="center"),
            diff_box(RuleEditorState.diff_lines, "rule-diff"),
            width="100%"), rx.text(t("rules.one_version"), size="2", color="var(--gray-10)")),
        width="100%", spacing="2",
    )


def _side_panel() -> rx.Component:
    """JSON, try it, versions."""
    return rx.card(
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(t("rules.tab_try"), value="try", id="tab-try"),
                rx.tabs.trigger(t("rules.tab_json"), value="json", id="tab-json"),
                rx.tabs.trigger(t("rules.tab_versions"), value="versions", id="tab-versions"),
            ),
            rx.tabs.content(_try_tab(), value="try", padding_top="12px"),
            rx.tabs.content(_json_tab(), value="json", padding_top="12px"),
            rx.tabs.content(_versions_tab(), value="versions", padding_top="12px"),
            default_value="try", width="100%",
        ),
        width="380px", min_width="380px",
    )


def _editor() -> rx.Component:
    """Toolbar, head form, problems, then fields | builder | side panel."""
    return rx.vstack(
        rx.card(rx.vstack(_toolbar(), _head_form(), spacing="4", width="100%"), width="100%"),
        rx.hstack(_field_list(), _builder(), _side_panel(), spacing="4", width="100%", align="start"),
        spacing="4", width="100%",
    )


def rule_editor_page() -> rx.Component:
    """/rules/edit?code=..."""
    return shell("rules", _editor)
