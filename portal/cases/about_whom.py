"""Who a request is about, as the person who made it reads it (C11).

The requester may ask for themselves, for their child, or for someone who gave them
written authority; both people are recorded. Every letter addresses the requester and
names the subject (DESIGN.md section 3): where a request for oneself says "information
about you", a request for a child says "information about your child, Zofia Kowalska",
and one for someone else "information about Zofia Kowalska".

Each sentence that differs is written out whole for each case (a translation cannot build
one from "you" and a name: Polish and Lithuanian decline both). A name is put where its
form never changes: after a comma or a colon, in apposition, or in brackets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.cases.models import ActingFor, Case


@dataclass(frozen=True)
class AboutWhom:
    acting_for: ActingFor
    name: str  # the data subject's full name, as given
    authority: str = ""  # C11: for another adult, the authority the requester gave

    @classmethod
    def of_case(cls, case: Case) -> AboutWhom:
        return cls(ActingFor(case.acting_for), case.subject.full_name)

    @classmethod
    def of_answers(cls, answers: Mapping[str, Any]) -> AboutWhom:
        """From a journey's answers so far (the "who" and "name" questions)."""
        who = answers.get("who") or {}
        name = answers.get("name") or {}
        try:
            acting_for = ActingFor(who.get("acting_for", ActingFor.MYSELF))
        except ValueError:
            acting_for = ActingFor.MYSELF
        authority = str((answers.get("authority") or {}).get("authority") or "")
        return cls(acting_for, str(name.get("full_name") or ""), authority)

    @property
    def myself(self) -> bool:
        return self.acting_for == ActingFor.MYSELF

    @property
    def child(self) -> bool:
        return self.acting_for == ActingFor.MY_CHILD

    @property
    def someone_else(self) -> bool:
        return self.acting_for == ActingFor.SOMEONE_ELSE

    def words(self, myself: Any, my_child: Any, someone_else: Any = None, **params: Any) -> str:
        """The sentence for this request, translated now (lazy strings), with the subject's
        name as %(name)s and any other `params`. `someone_else` defaults to `my_child`
        for sentences that say "them" for both."""
        if self.myself:
            chosen = myself
        elif self.child or someone_else is None:
            chosen = my_child
        else:
            chosen = someone_else
        return str(chosen) % {"name": self.name, **params}
