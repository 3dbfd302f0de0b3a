"""The staff forms of a complaint to the council (C13, DPA 2018 s.164A): an update for
the complainant, and the outcome drafted for the reviewer. English only (staff pages)."""

from __future__ import annotations

from portal.forms.casework import CaseActionForm, _text


class ProgressForm(CaseActionForm):
    update = _text(
        "Update for the complainant",
        "Write the update for the complainant",
        hint="The complainant reads this on their tracking page and by email, as you write it, in English (s.164A(5)(b)).",
    )


class ProposeOutcomeForm(CaseActionForm):
    outcome = _text(
        "Outcome of the complaint",
        "Write the outcome of the complaint",
        hint="What you found, what the council will do, and why. Once a reviewer approves it, the complainant is sent it with the route to the ICO.",
    )
