"""Think Family privacy portal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from portal.config import settings_from_environment

if TYPE_CHECKING:
    from portal.council_confirmation import ProfileValue


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the portal: settings, extensions, Jinja loaders, blueprints, errors and CLI."""
    app = Flask(__name__, instance_relative_config=True, static_folder="static")
    instance_path = Path(app.instance_path)
    app.config.from_mapping(settings_from_environment(instance_path))
    app.config.update(
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path).parent / "translations"),
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="Europe/London",
        MIGRATIONS_DIRECTORY=str(Path(app.root_path) / "migrations"),
    )
    if config:
        app.config.update(config)
    _init_council(app)
    _init_extensions(app)
    _init_evidence(app)
    _init_templates(app)

    from portal import errors, security
    from portal.assets import serve_static_files
    from portal.maintenance import init_maintenance
    from portal.public import bp as public_bp
    from portal.public import page_context, root
    from portal.staff import init_staff

    security.init_security(app)
    from portal.rate_limits import init_rate_limits

    serve_static_files(app)  # inside the refusal gate, which only ever stops posts
    from portal.first_visit_gate import FirstVisitGate

    # Outside WhiteNoise and Flask, inside the refusal gate and the operations layer (so
    # kept pages are timed and logged like any other).
    from portal.sessions import new_form_token

    app.wsgi_app = FirstVisitGate(  # type: ignore[method-assign]
        app.wsgi_app, new_token=lambda: new_form_token(app)
    )
    init_rate_limits(app)
    from portal.ops import init_ops

    init_ops(app)  # probes before the refusal gate; inside ProxyFix, for the allow-list
    if app.config.get("TRUST_PROXY"):  # outermost, so every layer sees the forwarded client
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUST_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=1, x_host=1)  # type: ignore[method-assign]
    from portal.accounts.passwords import limit_concurrent_hashes

    limit_concurrent_hashes(app.config["PASSWORD_HASH_CONCURRENCY"])
    app.context_processor(page_context)
    app.register_blueprint(root)
    app.register_blueprint(public_bp)
    init_staff(app)
    errors.init_errors(app)
    init_maintenance(app)
    from portal.retention_commands import init_retention

    init_retention(app)

    from portal.jobs.cli import worker_cli

    app.cli.add_command(worker_cli)
    from portal.demo import demo_cli

    app.cli.add_command(demo_cli)
    from portal.backups.cli import backup_cli

    app.cli.add_command(backup_cli)
    return app


def _init_council(app: Flask) -> None:
    from portal.council import load_council
    from portal.i18n import LANGUAGES

    council = load_council(app.config["COUNCIL_PROFILE"])
    unknown = set(council.languages) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"The council profile offers languages the portal lacks: {unknown}")
    if council.demonstration:
        _refuse_or_mention_demonstration_values(app, council.demonstration)
    app.extensions["council"] = council


def _refuse_or_mention_demonstration_values(app: Flask, values: tuple[ProfileValue, ...]) -> None:
    """Production never shows residents a value the council has not confirmed; the embedded
    mode starts, and says how many there are (README: "Before going live")."""
    import sys

    from portal.council_confirmation import refusal_message

    where = f"the council profile {app.config['COUNCIL_PROFILE']}"
    if app.config["PORTAL_ENV"] == "production":
        raise RuntimeError(refusal_message(where, values))
    if not app.config.get("TESTING"):
        print(
            f" * {where} has {len(values)} value(s) for demonstration only: "
            "production will not start until they are confirmed",
            file=sys.stderr,
        )


def _init_evidence(app: Flask) -> None:
    """The key that encrypts residents' evidence: from EVIDENCE_KEY, or generated once into
    the instance folder in the embedded mode."""
    import os

    from portal.encryption import EvidenceCipher, load_or_create_key

    environ = dict(os.environ)
    if app.config.get("EVIDENCE_KEY"):
        environ["EVIDENCE_KEY"] = app.config["EVIDENCE_KEY"]
    environ["PORTAL_ENV"] = app.config["PORTAL_ENV"]
    key, _source = load_or_create_key(Path(app.instance_path), environ)
    app.extensions["evidence_cipher"] = EvidenceCipher(key)


def _init_extensions(app: Flask) -> None:
    # Importing the models registers their tables with the metadata.
    from portal import (
        notices,  # noqa: F401
        outbox,  # noqa: F401
        rate_limits,  # noqa: F401
    )
    from portal.accounts import models as account_models  # noqa: F401
    from portal.cases import (
        after_decision_models,  # noqa: F401
        case_months,  # noqa: F401
        casework_models,  # noqa: F401
        department_request_models,  # noqa: F401
        document_models,  # noqa: F401
        entitlement,  # noqa: F401
        link_models,  # noqa: F401
        redaction_models,  # noqa: F401
        rights_models,  # noqa: F401
    )
    from portal.cases import models as case_models  # noqa: F401
    from portal.extensions import babel, csrf, db, engine_options, migrate
    from portal.i18n import babel_locale
    from portal.sessions import DatabaseSessionInterface

    for name, value in engine_options(app.config["SQLALCHEMY_DATABASE_URI"]).items():
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault(name, value)
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIRECTORY"])
    csrf.init_app(app)
    babel.init_app(app, locale_selector=babel_locale)
    app.session_interface = DatabaseSessionInterface()


def _init_templates(app: Flask) -> None:
    from flask_babel import format_date
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    from portal import bidi
    from portal.assets import asset_url
    from portal.council_retention import period_words
    from portal.i18n import greeting
    from portal.links import absolute_link

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(Path(app.root_path) / "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.globals["absolute_link"] = absolute_link
    app.jinja_env.globals["greeting_line"] = greeting
    app.jinja_env.globals["period_words"] = period_words
    bidi.register(app)
    # Multi-line {% trans %} blocks give one clean message each (babel.cfg says the same).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
