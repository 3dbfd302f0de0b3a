"""`flask --app portal retention plan|run|table`: the retention schedule from the command line
(DESIGN.md 8a). The worker runs the same `apply_schedule` once a day (portal.jobs.worker).

`plan` prints what a run would delete and why, changing nothing; `run` deletes and prints
counts; `table` prints the README's "What we keep and for how long" table from the profile.
`--today` moves the day the schedule is applied on (for a rehearsal, or the tests).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.accounts import retention as staff_retention
from portal.cases import clock, retention
from portal.council import Council
from portal.council_retention import RetentionSchedule, markdown_table
from portal.extensions import db
from portal.instants import utc_now


def schedule() -> RetentionSchedule:
    council: Council = current_app.extensions["council"]
    return council.retention.schedule


def mail_dir() -> Path | None:
    """The embedded mode's email files, which a deletion removes too (none over SMTP)."""
    if current_app.config.get("MAIL_SERVER"):
        return None
    return Path(current_app.config["MAIL_FILE_DIR"])


def planned(today: date) -> list[retention.PlannedDeletion]:
    """Every deletion a run on `today` makes: cases' parts, then staff accounts."""
    return retention.plan(db.session, schedule(), today) + staff_retention.plan_staff(
        db.session, schedule(), today
    )


def apply_schedule(today: date, now: datetime) -> dict[str, int]:
    """Delete what the schedule says is due on `today` (needs an app context)."""
    counts = retention.run(db.session, schedule(), today, now=now, mail_dir=mail_dir())
    staff = staff_retention.run_staff(db.session, schedule(), today, now=now)
    if staff:
        counts[staff_retention.PART] = staff
    return counts


def _moment(today: date | None) -> tuple[date, datetime]:
    now = utc_now()
    if today is None:
        return clock.received_on(now), now
    return today, datetime.combine(today, now.timetz())


retention_cli = AppGroup("retention", help="Apply the council's retention schedule.")
TODAY = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Apply the schedule as on this day (YYYY-MM-DD); today by default.",
)


@retention_cli.command("plan")
@TODAY
def plan_command(today: datetime | None) -> None:
    """Print what a run would delete and why; change nothing."""
    day, _now = _moment(today.date() if today else None)
    deletions = planned(day)
    db.session.rollback()
    held = sum(1 for item in deletions if item.held)
    click.echo(
        f"Retention plan for {day.isoformat()}: {len(deletions) - held} deletion(s)"
        + (f", {held} held" if held else "")
        + ". Nothing has been deleted."
    )
    if deletions:
        click.echo("reference\twhat\tdue\trule")
    for item in deletions:
        hold = f"  HELD ({item.hold_reason or 'legal hold'}): not deleted" if item.held else ""
        who = item.reference or "-"
        click.echo(f"{who}\t{item.what}\tdue {item.due_on.isoformat()}\t{item.rule}{hold}")


@retention_cli.command("run")
@TODAY
def run_command(today: datetime | None) -> None:
    """Delete what the schedule says is due, and print counts."""
    day, now = _moment(today.date() if today else None)
    counts = apply_schedule(day, now)
    click.echo(f"Retention run for {day.isoformat()}:")
    if not counts:
        click.echo("nothing was due")
    for what, count in sorted(counts.items()):
        click.echo(f"{what}: {count}")


@retention_cli.command("table")
def table_command() -> None:
    """Print the README's "What we keep and for how long" table from the profile."""
    click.echo(markdown_table(schedule()))


def init_retention(app: Flask) -> None:
    app.cli.add_command(retention_cli)
