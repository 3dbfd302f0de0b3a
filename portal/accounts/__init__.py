"""Staff accounts, a domain of their own: who may sign in to the staff workspace, and how.

``models`` (accounts, roles, the link to a server-side session), ``passwords`` (argon2id and
the rules for a new one), ``totp`` (the authenticator app's codes), ``directory`` (finding an
account), ``invitations`` (new accounts), ``signing_in`` (the two steps and the lockout),
``staff_sessions`` (signed in and out) and ``administration`` (the list, roles, disabling,
resets).

As in portal/cases/, no Flask request, session or templates here: each service function
checks its rules, changes the rows and appends its audit event in one transaction, and
commits. The views are in portal/staff/.
"""
