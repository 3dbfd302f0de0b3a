"""Apps of the tests' own (other settings, other databases), closed afterwards."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.conftest import make_app


@pytest.fixture()
def build_app(tmp_path):
    """make_app(url, **settings), with each app's connections closed when the test ends."""
    built = []

    def build(url: str, **overrides):
        app = make_app(url, tmp_path, **overrides)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
