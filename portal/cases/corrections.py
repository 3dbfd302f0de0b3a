"""Requests to correct (C14): UK GDPR Art 16, 19.

Art 16 (legislation.gov.uk/eur/2016/679/article/16): the person may have inaccurate
personal data rectified without undue delay, and incomplete data completed, "including by
means of providing a supplementary statement". Art 19: the council tells each recipient
of the data of a rectification unless that proves impossible or involves
disproportionate effort, and tells the person about those recipients if they ask. The
time limits are those of C1-C3 (Art 12(3)), as for access requests.

A caseworker proposes the decision (corrected; the person's statement added where the
council does not agree the record is wrong; or not corrected), with reasons and the
partner agencies told; the reviewer approves it (never the proposer), and the requester
is told in the same transaction.
"""

from __future__ import annotations

from typing import Any

from portal.cases import rights_decisions
from portal.cases.models import Case, CaseKind
from portal.cases.rights_models import CorrectionOutcome, RightsDecision
from portal.cases.steps import check_kind
from portal.extensions import DbSession

wants_recipients_named = rights_decisions.wants_recipients_named


def asked_for(case: Case) -> dict[str, str]:
    """What the requester said is wrong and what it should say, and whether they asked to
    be told who was told of the correction (Art 19, last sentence)."""
    details = case.details or {}
    wrong = details.get("wrong") or {}
    right = details.get("should-say") or {}
    told = details.get("recipients") or {}
    return {
        "wrong": str(wrong.get("wrong", "")) if isinstance(wrong, dict) else "",
        "should_say": str(right.get("should_say", "")) if isinstance(right, dict) else "",
        "tell_me": str(told.get("tell_me", "")) if isinstance(told, dict) else "",
    }


def propose_correction(
    session: DbSession, case: Case, *, outcome: CorrectionOutcome | str, **facts: Any
) -> RightsDecision:
    """Art 16, 19: propose the decision (portal.cases.rights_decisions)."""
    check_kind(case, CaseKind.CORRECTION)
    return rights_decisions.propose_rights_decision(session, case, outcome=outcome, **facts)


def approve_correction(session: DbSession, case: Case, **who: Any) -> RightsDecision:
    """The reviewer approves the decision; the requester is told (Art 16, 19)."""
    check_kind(case, CaseKind.CORRECTION)
    return rights_decisions.approve_rights_decision(session, case, **who)
