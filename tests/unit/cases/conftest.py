"""The casework rules (C1-C12) are called as plain functions on a throwaway SQLite database.

No Flask here: the tables come from the models (create_all), which is what shows the
domain runs without the web layer. The migrated schema is exercised in
tests/functional/test_casework.py. A test module with its own `session` fixture (a real
database, or the app's) overrides this one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from portal import outbox
from portal.cases import audit
from portal.cases import casework_models as cm
from portal.cases import models as case_models
from portal.extensions import Base


@pytest.fixture()
def session(tmp_path):
    assert case_models and cm and outbox  # their tables are in the metadata
    engine = create_engine(f"sqlite:///{tmp_path / 'casework.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(case_models.AuditHead(id=1, last_hash=audit.GENESIS_HASH))
        session.commit()
        yield session
    engine.dispose()
