"""`flask worker run` and `flask worker once`: the job worker from the command line."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.jobs.worker import run_forever, run_once

worker_cli = AppGroup("worker", help="Send the queued emails and do other queued jobs.")


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    return app


@worker_cli.command("run")
@click.option("--poll-seconds", default=2.0, show_default=True, help="Wait when nothing is due.")
def run_command(poll_seconds: float) -> None:
    """Work until stopped (Ctrl-C or SIGTERM), finishing the job in hand."""
    run_forever(_app(), poll_seconds=poll_seconds)


@worker_cli.command("once")
@click.option("--limit", default=100, show_default=True, help="Most jobs to do.")
def once_command(limit: int) -> None:
    """Do the jobs that are due now, then stop."""
    count = run_once(_app(), limit=limit)
    click.echo(f"{count} job(s) worked on")
