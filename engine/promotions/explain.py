"""The quote explains itself: why a promotion did not apply, what it gave, and 凑单 nudges (zh-CN and en)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from engine.promotions._native import SOURCE_DIR
from engine.promotions.best import Search
from engine.promotions.calculators import discounted_units, next_threshold, reached
from engine.promotions.eligibility import Ineligible
from engine.promotions.memo import ObjectMemo
from engine.promotions.model import NotApplied, Nudge, Promotion
from engine.promotions.money import format_money, format_short, to_yuan
from engine.promotions.stacking import Board, Candidate, Outcome, evaluate

LOCALES = ("zh-CN", "en")
THRESHOLD_KINDS = ("threshold_off", "gift", "free_shipping")


@cache
def catalogue(locale: str) -> dict[str, str]:
    """The message templates of one locale (engine/promotions/locales/<locale>.json)."""
    path = SOURCE_DIR / "locales" / f"{locale}.json"  # next to the sources, also when this module is compiled
    return json.loads(path.read_text(encoding="utf-8"))


def render(key: str, **values: str) -> dict[str, str]:
    """One message in every locale."""
    return {locale: catalogue(locale)[key].format(**values) for locale in LOCALES}


def display_name(promotion: Promotion) -> str:
    """The promotion's name, or its id when unnamed."""
    return promotion.name or promotion.id


def not_applied(promotion: Promotion, reason: str, detail: dict[str, str] | None = None) -> NotApplied:
    """A NotApplied entry with its messages. Entries are immutable: one whose detail carries no amount
    (every reason but a threshold not reached) is built once per promotion object and reused by later
    quotes; the others change from cart to cart and are built each time (kept, they would only pile up
    for the garbage collector)."""
    detail = detail or {}
    if reason != "threshold_not_reached":
        entries = _entries(promotion)
        key = (reason, *sorted(detail.items()))
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = _entry(promotion, reason, detail)
        return entry
    return _entry(promotion, reason, detail)


def _entry(promotion: Promotion, reason: str, detail: dict[str, str]) -> NotApplied:
    """A NotApplied entry with its messages in every locale."""
    template = f"reason.{reason}.units" if "units" in detail else f"reason.{reason}"
    return NotApplied(
        promotion_id=promotion.id, name=display_name(promotion), reason=reason,  # type: ignore[arg-type]
        detail=detail, messages=render(template, name=display_name(promotion), **detail),
    )


_entries: ObjectMemo[Promotion, dict[tuple, NotApplied]] = ObjectMemo(lambda promotion: {})


def ineligible_entries(items: list[Ineligible]) -> list[NotApplied]:
    """Promotions screened out before stacking."""
    return [not_applied(item.promotion, item.reason) for item in items]


@dataclass
class Verdict:
    """Why one eligible promotion is not in the winner, plus the in-scope amount it saw (for nudges)."""

    entry: NotApplied
    base: int | None


def verdicts(board: Board, search: Search, alone: dict[int, Outcome]) -> dict[int, Verdict]:
    """A reason for every eligible promotion outside the winning combination."""
    winner = search.winner
    result: dict[int, Verdict] = {}
    held = {j: v for m in winner.members if board.candidates[m].layer == "item" for j, v in winner.taken.get(m, {}).items()}
    rivals = _rivals(board, winner)
    for c, cand in enumerate(board.candidates):
        if c in winner.members:
            continue
        other = _conflict(board, rivals, c)
        if other is not None:
            entry = not_applied(cand.promotion, "excluded_by_stacking", {"other": other})
            result[c] = Verdict(entry, None)
            continue
        values = board.item_values.get(c)
        if values and all(v < held.get(j, 0) for j, v in values.items()):  # beaten on every line: changes nothing
            result[c] = Verdict(not_applied(cand.promotion, "not_better"), None)
            continue
        trial = evaluate(board, winner.members + (c,))
        search.evaluated.setdefault(trial.members, trial)  # priced anyway: a runner-up worth showing
        result[c] = Verdict(_trial_reason(board, c, trial, alone[c]), trial.bases.get(c))
    return result


def _rivals(board: Board, winner: Outcome) -> tuple[str | None, str | None, dict[str, str]]:
    """The winner's stacking facts: the first member's name, an exclusive member's name, and a member's
    name per stacking group."""
    first = exclusive = None
    groups: dict[str, str] = {}
    for m in winner.members:
        stacking = board.candidates[m].promotion.stacking
        name = display_name(board.candidates[m].promotion)
        first = first or name
        if stacking.exclusive and exclusive is None:
            exclusive = name
        if stacking.group and stacking.group not in groups:
            groups[stacking.group] = name
    return first, exclusive, groups


def _conflict(board: Board, rivals: tuple[str | None, str | None, dict[str, str]], c: int) -> str | None:
    """The name of a winning member that cannot be combined with candidate c, if any."""
    first, exclusive, groups = rivals
    mine = board.candidates[c].promotion.stacking
    if mine.exclusive:
        return first
    if exclusive is not None:
        return exclusive
    return groups.get(mine.group) if mine.group else None


def _trial_reason(board: Board, c: int, trial: Outcome, alone: Outcome) -> NotApplied:
    """Reason from pricing the winner plus candidate c."""
    cand = board.candidates[c]
    if c in trial.members and not trial.margin_ok:
        return not_applied(cand.promotion, "margin_guard")
    if c in trial.out_of_stock or c in alone.out_of_stock:
        return not_applied(cand.promotion, "gift_out_of_stock", {"gift_sku": cand.prep.gift_sku})
    base = trial.bases.get(c)
    if cand.prep.kind in THRESHOLD_KINDS and base is not None and not reached(cand.prep, base):
        threshold = cand.prep.tiers[0][0] if cand.prep.kind == "threshold_off" else cand.prep.threshold
        detail = {"threshold": format_money(threshold), "shortfall": format_money(threshold - base)}
        return not_applied(cand.promotion, "threshold_not_reached", detail)
    if cand.prep.kind == "buy_x_get_y" and not alone.members and (short := _units_short(board, c)):
        return not_applied(cand.promotion, "threshold_not_reached", {"units": str(short)})
    return not_applied(cand.promotion, "not_better")


def _units_short(board: Board, c: int) -> int:
    """How many more in-scope units a buy-X-get-Y needs before a unit is discounted."""
    cand = board.candidates[c]
    units = sum(board.qtys[j] for j in cand.lines)
    group = cand.prep.buy + cand.prep.get
    amounts = [board.amounts[j] for j in cand.lines]
    if any(discounted_units(cand.prep, amounts, [board.qtys[j] for j in cand.lines])):
        return 0
    return group - units % group


def nudges(board: Board, search: Search, judged: dict[int, Verdict]) -> list[Nudge]:
    """凑单 hints: how much more in scope unlocks a promotion or its next tier, smallest first."""
    found: list[Nudge] = []
    winner = search.winner
    for c, cand in enumerate(board.candidates):
        if cand.prep.kind not in THRESHOLD_KINDS:
            continue
        if c in winner.members:
            base = winner.bases.get(c)
        elif judged[c].entry.reason == "threshold_not_reached":
            base = judged[c].base
        else:
            continue
        nudge = _nudge(board, winner, c, base)
        if nudge is not None:
            found.append(nudge)
    return sorted(found, key=lambda n: (n.shortfall, n.promotion_id))


def _nudge(board: Board, winner: Outcome, c: int, base: int | None) -> Nudge | None:
    """The nudge for one threshold promotion, if there is a next step worth taking."""
    cand = board.candidates[c]
    if base is None or (cand.prep.kind == "free_shipping" and (board.fee == 0 or winner.shipping_off)):
        return None
    step = next_threshold(cand.prep, base)
    if step is None:
        return None
    threshold, off = step
    reward = _reward(cand, threshold, off)
    shortfall = format_money(threshold - base)
    return Nudge(
        promotion_id=cand.id, shortfall=to_yuan(threshold - base), reward=reward["zh-CN"],
        messages={loc: catalogue(loc)["nudge"].format(shortfall=shortfall, reward=reward[loc]) for loc in LOCALES},
    )


def _reward(cand: Candidate, threshold: int, off: int) -> dict[str, str]:
    """The deal reached at ``threshold`` in words (满300减50 / ¥50 off)."""
    prep = cand.prep
    if prep.kind == "threshold_off":
        key = "reward.threshold_off.repeat" if prep.repeat else "reward.threshold_off"
        step = prep.tiers[0][0] if prep.repeat else threshold
        return render(key, threshold=format_short(step), off=format_short(off))
    if prep.kind == "gift":
        return render("reward.gift", threshold=format_short(threshold), gift_sku=prep.gift_sku,
                      gift_qty=str(prep.gift_qty))
    return render("reward.free_shipping", threshold=format_short(threshold))
