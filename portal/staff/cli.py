"""`flask staff create`: the first administrator (or any account) from the command line.

The authenticator secret is printed once, with its otpauth:// link; it is stored only
encrypted, and no command shows it again.
"""

from __future__ import annotations

import io
import sys

import click
import qrcode
from flask import current_app
from flask.cli import AppGroup

from portal.accounts import invitations, totp
from portal.accounts.models import Role
from portal.extensions import db

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.option("--email", required=True, help="Work email address (the sign-in name).")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="caseworker, reviewer, admin or department_contact.",
)
@click.option(
    "--department",
    help="For a department contact: the department's key in the council profile (housing).",
)
@click.option(
    "--password",
    help="For scripts and tests only: it stays in the shell's history. Prompted for if left out.",
)
def create_command(
    email: str, name: str, role: str, password: str | None, department: str | None
) -> None:
    """Create a staff account, ready to sign in, and print its authenticator key once."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    council = current_app.extensions["council"]
    if role == Role.DEPARTMENT_CONTACT and council.department(department) is None:
        keys = ", ".join(d.key for d in council.departments)
        raise click.ClickException(f"Give --department, one of: {keys}")
    try:
        user, secret = invitations.create_account(
            db.session,
            email=email,
            name=name,
            role=Role(role),
            password=password or "",
            cipher=current_app.extensions["evidence_cipher"],
            council_names=(council.name, council.short_name),
            department_key=department if role == Role.DEPARTMENT_CONTACT else None,
        )
    except invitations.WeakPassword as weak:
        raise click.ClickException(str(weak)) from None
    except invitations.AccountExists:
        raise click.ClickException(f"There is already an account for {email}") from None
    uri = totp.provisioning_uri(secret, account=user.email, issuer=f"{council.name} casework")
    click.echo(f"Created {Role(role).label.lower()} account {user.id} for {user.email}.")
    click.echo("Add it to an authenticator app now: this key is shown only once.")
    click.echo(f"  Key: {totp.grouped(secret)}")
    click.echo(f"  Link: {uri}")
    if sys.stdout.isatty():
        code = qrcode.QRCode(border=2)
        code.add_data(uri)
        text = io.StringIO()
        code.print_ascii(out=text, invert=True)
        click.echo(text.getvalue())
