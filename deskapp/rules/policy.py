"""The station's warranty and fee policy, read from ``data/policy.toml``.

Every decision returns its outcome together with the **reasons** (i18n keys with
parameters) and the **standard phrase** to tell the customer, never a bare boolean.
Render them with :meth:`Decision.explain` in the station's locale.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field

from deskapp.rules.dates import add_months
from deskapp.rules.errors import ConfigError, DomainError

CAUSES = ("human_damage", "self_disassembly", "modification", "force_majeure", "liquid_damage")
ENGINEER_ROLES = ("customer_service_engineer", "technical_engineer", "project_engineer")


# --------------------------------------------------------------------------- decisions

NAMED_PARAMS = ("category", "part", "role")


def named(tr, params: dict) -> dict:
    """Add the display name of code-valued params: category -> category_name, etc."""
    out = dict(params)
    for p in NAMED_PARAMS:
        if p in params:
            key = f"{p}.{params[p]}"
            out[f"{p}_name"] = tr.t(key) if tr.has(key) else str(params[p])
    return out



@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: ``reason.<code>`` in the catalogs."""

    code: str
    params: dict = field(default_factory=dict)

    def render(self, tr) -> str:
        return tr.t(f"reason.{self.code}", **named(tr, self.params))


@dataclass(frozen=True)
class Phrase:
    """A standard phrase to read to the customer: ``phrase.<key>`` in the catalogs."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, tr) -> str:
        return tr.phrase(self.key, **named(tr, self.params))


@dataclass(frozen=True)
class Decision:
    reasons: tuple[Reason, ...]
    phrases: tuple[Phrase, ...]

    def explain(self, tr) -> tuple[list[str], list[str]]:
        """(reasons, phrases) as text in the translator's locale."""
        return [r.render(tr) for r in self.reasons], [p.render(tr) for p in self.phrases]


@dataclass(frozen=True)
class WarrantyDecision(Decision):
    status: str  # "in_warranty" | "out_of_warranty" | "refused"
    chargeable: bool
    refusal: str | None = None  # "no_record" | "grey_import"
    warranty_ends: dt.date | None = None  # last covered day
    inspection_fee: int = 0
    fee_category: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status != "refused"


@dataclass(frozen=True)
class FeeDecision(Decision):
    amount: int
    kind: str


@dataclass(frozen=True)
class ContractDecision(Decision):
    level: int
    turnaround_days: tuple[int, int]
    loaner: bool
    onsite_option: bool
    onsite_fee: int
    handled_by: str


@dataclass(frozen=True)
class RepairWarrantyDecision(Decision):
    months: int  # 0 = no warranty (with consent)
    scope: str = "original_fault"


@dataclass(frozen=True)
class ReworkDecision(Decision):
    free: bool
    handling_target_hours: int
    repair_warranty_ends: dt.date | None


# --------------------------------------------------------------------------- the policy


@dataclass(frozen=True)
class PurchaseFacts:
    """What the store knows of a sale, as the policy needs it."""

    serial: str
    purchased_on: dt.date
    invoice_no: str = ""
    product_line: str = ""


@dataclass(frozen=True)
class Policy:
    currency: str
    currency_symbol: str
    warranty_months: int
    evidence: tuple[str, ...]
    refuse_without_record: bool
    excluded_parts: dict[str, str]  # part -> exclusion code
    chargeable_causes: tuple[str, ...]
    grey_patterns: tuple[tuple[str, str], ...]  # (pattern, market)
    onsite_visit_fee: int
    onsite_visit_hours: int
    inspection_fees: dict[str, int]
    product_lines: dict[str, dict]
    contracts: dict[int, dict]
    repair_warranty_default: int
    repair_warranty_allowed: tuple[int, ...]
    no_warranty_needs_consent: bool
    rework_free: bool
    rework_target_hours: int
    inspection_estimate_minutes: int
    reassure_after_minutes: int
    complaint_answer_hours: int
    at_risk_minutes: int = 60
    quote_valid_days: int = 14
    wrong_voucher_codes_allowed: int = 5
    holder_check_valid_minutes: int = 60
    source: str = ""

    # ---- money

    def money(self, amount: int) -> str:
        return f"{self.currency_symbol}{amount:,}"

    # ---- warranty at pre-inspection (and again at diagnosis, with the cause known)

    def grey_market(self, serial: str) -> str | None:
        s = serial.strip().upper()
        for pattern, market in self.grey_patterns:
            if fnmatch.fnmatchcase(s, pattern):
                return market
        return None

    def warranty_end(self, purchased_on: dt.date) -> dt.date:
        return add_months(purchased_on, self.warranty_months) - dt.timedelta(days=1)

    def check_warranty(
        self,
        *,
        serial: str,
        product_line: str,
        purchase: PurchaseFacts | None,
        today: dt.date,
        part: str | None = None,
        causes: tuple[str, ...] | list[str] = (),
    ) -> WarrantyDecision:
        """Decide warranty status for a device brought in.

        Order of the rules: grey import (never accepted), purchase record (none: refused),
        the warranty period, then what is excluded even in warranty (consumable parts,
        chargeable causes). Out of warranty the inspection fee is charged first.
        """
        self.require_product_line(product_line)
        for cause in causes:
            if cause not in CAUSES:
                raise DomainError("error.unknown_cause", cause=cause, known=", ".join(CAUSES))
        market = self.grey_market(serial)
        if market is not None:
            return WarrantyDecision(
                reasons=(Reason("grey_import", {"serial": serial, "market": market}),),
                phrases=(Phrase("policy.grey_import"),),
                status="refused",
                chargeable=False,
                refusal="grey_import",
            )
        if purchase is None:
            if self.refuse_without_record:
                return WarrantyDecision(
                    reasons=(Reason("no_purchase_record", {"serial": serial}),),
                    phrases=(Phrase("policy.no_record"),),
                    status="refused",
                    chargeable=False,
                    refusal="no_record",
                )
            return self.out_of_warranty(product_line, (Reason("no_purchase_record_accepted", {"serial": serial}),))
        ends = self.warranty_end(purchase.purchased_on)
        if today > ends:
            return self.out_of_warranty(
                product_line,
                (
                    Reason(
                        "warranty_expired",
                        {"purchased_on": purchase.purchased_on.isoformat(), "ends": ends.isoformat(), "months": self.warranty_months},
                    ),
                ),
                warranty_ends=ends,
            )
        in_reason = Reason(
            "in_warranty",
            {"purchased_on": purchase.purchased_on.isoformat(), "ends": ends.isoformat(), "months": self.warranty_months},
        )
        exclusions: list[Reason] = []
        if part:
            code = self.excluded_parts.get(part)
            if code:
                exclusions.append(Reason(f"excluded_{code}", {"part": part}))
        for cause in causes:
            if cause in self.chargeable_causes:
                exclusions.append(Reason(f"cause_{cause}"))
        if exclusions:
            # Still in warranty, but this repair is charged (quoted after inspection);
            # the inspection fee is for out-of-warranty devices only.
            return WarrantyDecision(
                reasons=(in_reason, *exclusions),
                phrases=(Phrase("policy.exclusions"),),
                status="in_warranty",
                chargeable=True,
                warranty_ends=ends,
                fee_category=self.product_lines[product_line]["fee_category"],
            )
        return WarrantyDecision(
            reasons=(in_reason,),
            phrases=(Phrase("policy.in_warranty"), Phrase("policy.packing_reminder")),
            status="in_warranty",
            chargeable=False,
            warranty_ends=ends,
        )

    def out_of_warranty(
        self,
        product_line: str,
        reasons: tuple[Reason, ...],
        *,
        warranty_ends: dt.date | None = None,
    ) -> WarrantyDecision:
        fee = self.inspection_fee(product_line)
        return WarrantyDecision(
            reasons=(*reasons, *fee.reasons),
            phrases=fee.phrases,
            status="out_of_warranty",
            chargeable=True,
            warranty_ends=warranty_ends,
            inspection_fee=fee.amount,
            fee_category=self.product_lines[product_line]["fee_category"],
        )

    # ---- fees

    def require_product_line(self, product_line: str) -> dict:
        try:
            return self.product_lines[product_line]
        except KeyError:
            raise DomainError(
                "error.unknown_product_line", product_line=product_line, known=", ".join(self.product_lines)
            ) from None

    def inspection_fee(self, product_line: str) -> FeeDecision:
        category = self.require_product_line(product_line)["fee_category"]
        amount = self.inspection_fees[category]
        params = {"fee": self.money(amount), "category": category}
        return FeeDecision(
            reasons=(Reason("inspection_fee", params),),
            phrases=(Phrase("policy.out_of_warranty", params),),
            amount=amount,
            kind="inspection_fee",
        )

    def onsite_visit(self, *, in_warranty: bool, contract_level: int | None = None) -> FeeDecision:
        params = {"fee": self.money(self.onsite_visit_fee), "hours": self.onsite_visit_hours}
        if contract_level is not None:
            terms = self.contract(contract_level)
            if not terms.onsite_option:
                raise DomainError("error.contract_no_onsite", level=contract_level)
            return FeeDecision(
                reasons=(Reason("onsite_contract_option", {**params, "level": contract_level}),),
                phrases=(Phrase("contract.onsite_option", params),),
                amount=self.onsite_visit_fee,
                kind="onsite_visit",
            )
        if in_warranty:
            return FeeDecision(
                reasons=(Reason("onsite_in_warranty"),),
                phrases=(Phrase("policy.onsite_in_warranty"),),
                amount=0,
                kind="onsite_visit",
            )
        return FeeDecision(
            reasons=(Reason("onsite_out_of_warranty", params),),
            phrases=(Phrase("policy.onsite_visit", params),),
            amount=self.onsite_visit_fee,
            kind="onsite_visit",
        )

    # ---- contracts

    def contract(self, level: int) -> ContractDecision:
        terms = self.contracts.get(level)
        if terms is None:
            raise DomainError("error.unknown_contract_level", level=level, known=", ".join(map(str, self.contracts)))
        days = (terms["turnaround_days_min"], terms["turnaround_days_max"])
        params = {
            "level": level,
            "days_min": days[0],
            "days_max": days[1],
            "fee": self.money(self.onsite_visit_fee),
            "role": terms["handled_by"],
        }
        reasons = [Reason(f"contract_level{level}", params), Reason(f"handled_by_{terms['handled_by']}")]
        if terms["loaner"]:
            reasons.append(Reason("contract_loaner"))
        phrases = [Phrase(f"contract.level{level}", params)]
        if terms["onsite_option"] and level == 2:
            phrases.append(Phrase("contract.onsite_option", params))
        return ContractDecision(
            reasons=tuple(reasons),
            phrases=tuple(phrases),
            level=level,
            turnaround_days=days,
            loaner=terms["loaner"],
            onsite_option=terms["onsite_option"],
            onsite_fee=self.onsite_visit_fee if terms["onsite_option"] else 0,
            handled_by=terms["handled_by"],
        )

    # ---- repair warranty and rework (seed 003)

    def repair_warranty(self, months: int | None = None, *, consent_recorded: bool = False) -> RepairWarrantyDecision:
        """The repair warranty on the original fault: default, one of the allowed periods, or
        0 ("no warranty") only with the customer's recorded consent."""
        if months is None:
            months = self.repair_warranty_default
        if months == 0:
            if self.no_warranty_needs_consent and not consent_recorded:
                raise DomainError("error.no_warranty_needs_consent")
            return RepairWarrantyDecision(
                reasons=(Reason("repair_no_warranty_consented"),),
                phrases=(Phrase("repair_warranty.none"),),
                months=0,
            )
        if months not in self.repair_warranty_allowed:
            raise DomainError(
                "error.repair_warranty_not_allowed",
                months=months,
                allowed=", ".join(map(str, self.repair_warranty_allowed)),
            )
        return RepairWarrantyDecision(
            reasons=(Reason("repair_warranty_months", {"months": months}),),
            phrases=(Phrase("repair_warranty.terms", {"months": months}),),
            months=months,
        )

    def repair_warranty_end(self, released_on: dt.date, months: int) -> dt.date | None:
        if months <= 0:
            return None
        return add_months(released_on, months) - dt.timedelta(days=1)

    def rework(self, *, released_on: dt.date, repair_warranty_months: int, today: dt.date, same_fault: bool) -> ReworkDecision:
        """A returning device: free rework inside the repair warranty and on the original fault."""
        ends = self.repair_warranty_end(released_on, repair_warranty_months)
        target = self.rework_target_hours
        if ends is None:
            reasons = (Reason("rework_no_warranty"),)
        elif today > ends:
            reasons = (Reason("rework_expired", {"ends": ends.isoformat()}),)
        elif not same_fault:
            reasons = (Reason("rework_other_fault"),)
        else:
            return ReworkDecision(
                reasons=(Reason("rework_free", {"ends": ends.isoformat(), "hours": target}),),
                phrases=(Phrase("rework.free", {"hours": target}),),
                free=self.rework_free,
                handling_target_hours=target,
                repair_warranty_ends=ends,
            )
        return ReworkDecision(
            reasons=reasons,
            phrases=(Phrase("rework.chargeable"),),
            free=False,
            handling_target_hours=target,
            repair_warranty_ends=ends,
        )


# --------------------------------------------------------------------------- loading


def _need(raw: dict, path: str, kind, where: str):
    node = raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError("config.missing_key", path=where, key=path)
        node = node[part]
    if kind is int and (isinstance(node, bool) or not isinstance(node, int)):
        raise ConfigError("config.invalid_value", path=where, key=path, problem="must be a whole number")
    if kind is not int and not isinstance(node, kind):
        raise ConfigError("config.invalid_value", path=where, key=path, problem=f"must be a {kind.__name__}")
    return node


def _non_negative(value: int, key: str, where: str) -> int:
    if value < 0:
        raise ConfigError("config.invalid_value", path=where, key=key, problem="must not be negative")
    return value


def _money(value: int, key: str, where: str) -> int:
    """A fee: from 0 to the station's ceiling for one amount (see ``validate.MONEY_MAX``)."""
    from deskapp.rules.validate import MONEY_MAX

    if not 0 <= value <= MONEY_MAX:
        raise ConfigError("config.invalid_value", path=where, key=key, problem=f"must be between 0 and {MONEY_MAX:,}")
    return value


def policy_from_dict(raw: dict, where: str = "policy.toml") -> Policy:
    """Validate a parsed policy file; every problem names the key that is wrong."""

    def bad(key: str, problem: str) -> ConfigError:
        return ConfigError("config.invalid_value", path=where, key=key, problem=problem)

    months = _need(raw, "warranty.months", int, where)
    if not 1 <= months <= 120:
        raise bad("warranty.months", "must be between 1 and 120")
    evidence = tuple(_need(raw, "warranty.evidence", list, where))
    if not evidence or not set(evidence) <= {"invoice", "serial"}:
        raise bad("warranty.evidence", 'must list "invoice" and/or "serial"')
    excluded: dict[str, str] = {}
    for i, exc in enumerate(raw.get("warranty", {}).get("exclusions", [])):
        code = exc.get("code")
        if code != "consumable":
            raise bad(f"warranty.exclusions[{i}].code", 'only "consumable" is known')
        parts = exc.get("parts")
        if not isinstance(parts, list) or not all(isinstance(p, str) and p for p in parts):
            raise bad(f"warranty.exclusions[{i}].parts", "must be a list of part names")
        for part in parts:
            excluded[part] = code
    causes = tuple(_need(raw, "warranty.chargeable_causes.codes", list, where))
    unknown = [c for c in causes if c not in CAUSES]
    if unknown:
        raise bad("warranty.chargeable_causes.codes", f"unknown cause {unknown[0]!r}; known: {', '.join(CAUSES)}")
    grey = []
    for i, item in enumerate(raw.get("grey_import", {}).get("patterns", [])):
        pattern = item.get("pattern")
        if not isinstance(pattern, str) or not re.fullmatch(r"[A-Z0-9*?\-]{2,40}", pattern) or set(pattern) <= {"*", "?"}:
            raise bad(f"grey_import.patterns[{i}].pattern", "must be capital letters, digits, '-', '*' or '?' and not match everything")
        grey.append((pattern, str(item.get("market", pattern))))
    fees = {
        name: _money(_need(raw, f"fees.inspection.{name}", int, where), f"fees.inspection.{name}", where)
        for name in _need(raw, "fees.inspection", dict, where)
    }
    lines = {}
    for name, line in _need(raw, "product_lines", dict, where).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,30}", name):
            raise bad(f"product_lines.{name}", "name must be lower-case letters, digits and _")
        category = _need(raw, f"product_lines.{name}.fee_category", str, where)
        if category not in fees:
            raise bad(f"product_lines.{name}.fee_category", f"no inspection fee for {category!r} in [fees.inspection]")
        days = _need(raw, f"product_lines.{name}.completion_days", int, where)
        if not 1 <= days <= 60:
            raise bad(f"product_lines.{name}.completion_days", "must be between 1 and 60")
        lines[name] = {"fee_category": category, "completion_days": days}
    if not lines:
        raise bad("product_lines", "at least one product line is needed")
    contracts = {}
    for key in _need(raw, "contracts", dict, where):
        if key not in ("1", "2", "3"):
            raise bad(f"contracts.{key}", "levels are 1, 2 and 3")
        lo = _need(raw, f"contracts.{key}.turnaround_days_min", int, where)
        hi = _need(raw, f"contracts.{key}.turnaround_days_max", int, where)
        if lo < 0 or hi < lo:
            raise bad(f"contracts.{key}.turnaround_days_max", "must be at least turnaround_days_min")
        role = _need(raw, f"contracts.{key}.handled_by", str, where)
        if role not in ENGINEER_ROLES:
            raise bad(f"contracts.{key}.handled_by", f"must be one of {', '.join(ENGINEER_ROLES)}")
        contracts[int(key)] = {
            "turnaround_days_min": lo,
            "turnaround_days_max": hi,
            "loaner": bool(_need(raw, f"contracts.{key}.loaner", bool, where)),
            "onsite_option": bool(_need(raw, f"contracts.{key}.onsite_option", bool, where)),
            "handled_by": role,
        }
    allowed = tuple(_need(raw, "repair_warranty.allowed_months", list, where))
    if not allowed or not all(isinstance(m, int) and 1 <= m <= 24 for m in allowed):
        raise bad("repair_warranty.allowed_months", "must list whole months between 1 and 24")
    default = _need(raw, "repair_warranty.default_months", int, where)
    if default not in allowed:
        raise bad("repair_warranty.default_months", "must be one of allowed_months")
    return Policy(
        currency=_need(raw, "currency", str, where),
        currency_symbol=_need(raw, "currency_symbol", str, where),
        warranty_months=months,
        evidence=evidence,
        refuse_without_record=_need(raw, "warranty.refuse_without_record", bool, where),
        excluded_parts=excluded,
        chargeable_causes=causes,
        grey_patterns=tuple(grey),
        onsite_visit_fee=_money(_need(raw, "fees.onsite_visit", int, where), "fees.onsite_visit", where),
        onsite_visit_hours=_need(raw, "fees.onsite_visit_hours", int, where),
        inspection_fees=fees,
        product_lines=lines,
        contracts=contracts,
        repair_warranty_default=default,
        repair_warranty_allowed=allowed,
        no_warranty_needs_consent=_need(raw, "repair_warranty.no_warranty_needs_consent", bool, where),
        rework_free=_need(raw, "rework.free_within_repair_warranty", bool, where),
        rework_target_hours=_need(raw, "rework.handling_target_hours", int, where),
        inspection_estimate_minutes=_need(raw, "timing.inspection_estimate_minutes", int, where),
        reassure_after_minutes=_need(raw, "timing.reassure_after_minutes", int, where),
        complaint_answer_hours=_need(raw, "timing.complaint_answer_hours", int, where),
        at_risk_minutes=_need(raw, "timing.at_risk_minutes", int, where),
        quote_valid_days=_need(raw, "timing.quote_valid_days", int, where),
        wrong_voucher_codes_allowed=_need(raw, "pickup.wrong_voucher_codes_allowed", int, where),
        holder_check_valid_minutes=_need(raw, "pickup.holder_check_valid_minutes", int, where),
        source=where,
    )

