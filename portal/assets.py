"""Static asset URLs that carry a hash of the file, so browsers may cache them for a year."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, url_for


@cache
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    path = Path(current_app.static_folder or "") / filename
    version = _digest(path, path.stat().st_mtime_ns) if path.exists() else "missing"
    return url_for("static", filename=filename, v=version)


def revalidate_unversioned_static(response):
    """Files fetched without ?v= (modules imported by other modules) must be rechecked,
    or a change would not reach browsers that cached the old copy for a year."""
    from flask import request

    if request.endpoint == "static" and "v" not in request.args:
        response.cache_control.max_age = 0
        response.cache_control.no_cache = True
    return response
