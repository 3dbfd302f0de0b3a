"""The casework rules (C1-C12) are called as plain functions on a throwaway SQLite database.

No Flask here: the tables come from the models (create_all), which is what shows the
domain runs without the web layer, and evidence is encrypted with a key of the tests' own.
The `scenarios` fixture (tests/conftest.py) builds cases on this session with that key. The
migrated schema is exercised in tests/functional/test_casework.py. A test module with its
own `session` fixture (a real database, or the app's) overrides this one.
"""

from __future__ import annotations

import pytest

from portal.encryption import EvidenceCipher
from tests.conftest import throwaway_session

CIPHER = EvidenceCipher(b"c" * 32)


@pytest.fixture()
def session(tmp_path):
    with throwaway_session(f"sqlite:///{tmp_path / 'casework.sqlite'}") as session:
        yield session


@pytest.fixture()
def cipher():
    return CIPHER
