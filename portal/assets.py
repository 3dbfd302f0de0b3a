"""Static files: versioned URLs for templates, and WhiteNoise serving them compressed.

`make css` builds portal/static/dist/ (portal/asset_build.py): a copy of each file with a
hash of its content in its name, its .br and .gz, and a manifest. Pages link the copies, so
a browser keeps them for a year and never asks again; a new build gives new names.
WhiteNoise answers /static/ before Flask sees the request: the precompressed file the
browser accepts (brotli, else gzip, else the plain file, with Vary: Accept-Encoding), and
no session, database or template work.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, url_for

from portal.asset_build import DIST_NAME, HASH_LENGTH, MANIFEST_NAME

# dist/<folder>/<stem>.<hash>.<suffix>: a name that changes with the content.
VERSIONED = re.compile(rf"/{DIST_NAME}/.+\.[0-9a-f]{{{HASH_LENGTH}}}(\.[^/]+)?$")


@cache
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@cache
def _manifest(path: Path, mtime_ns: int) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def _versioned(static: Path, filename: str) -> str | None:
    """The file's versioned copy, unless there is none or the file changed after the build
    (a developer editing a script between two `make css`: the page gets the new one)."""
    path = static / DIST_NAME / MANIFEST_NAME
    try:
        built = path.stat().st_mtime_ns
        manifest = _manifest(path, built)
        versioned = manifest.get(filename)
        if versioned is None or (static / filename).stat().st_mtime_ns > built:
            return None
    except FileNotFoundError:
        return None
    return versioned if (static / DIST_NAME / versioned).exists() else None


def asset_url(filename: str) -> str:
    """The versioned copy's URL; without a build (`make css` not run since the file was
    added), the file itself with ?v=<hash>, which browsers revalidate on every visit.

    Outside development the answer is kept per process: WhiteNoise read the static files
    once at start, so a file changed later is not served anyway until the server restarts.
    In development (debug or templates reloading) every call looks again."""
    app = current_app
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return _asset_url(filename)
    known: dict[tuple[str, str], str] = app.extensions.setdefault("asset_urls", {})
    key = (request.script_root if has_request_context() else "", filename)
    url = known.get(key)
    if url is None:
        url = known[key] = _asset_url(filename)
    return url


def _asset_url(filename: str) -> str:
    static = Path(current_app.static_folder or "")
    versioned = _versioned(static, filename)
    if versioned is not None:
        return url_for("static", filename=f"{DIST_NAME}/{versioned}")
    path = static / filename
    version = _digest(path, path.stat().st_mtime_ns) if path.exists() else "missing"
    return url_for("static", filename=filename, v=version)


def is_versioned(path: str, url: str) -> bool:
    """WhiteNoise's immutable_file_test: the versioned copies may be cached for good."""
    return bool(VERSIONED.search(url))


def revalidate_unversioned_static(response):
    """Files Flask serves itself (not in the build WhiteNoise read at start) are fetched by
    ?v= or by plain name: they must be rechecked, or a change would not reach browsers that
    cached the old copy."""
    if request.endpoint == "static" and "v" not in request.args:
        response.cache_control.max_age = 0
        response.cache_control.no_cache = True
    return response


def serve_static_files(app: Flask) -> None:
    """WhiteNoise in front of the app for /static/: files found when the app starts."""
    from whitenoise import WhiteNoise

    from portal.security import static_file_headers

    def add_headers(headers, path: str, url: str) -> None:
        if not is_versioned(path, url):
            headers["Cache-Control"] = "no-cache"
        static_file_headers(headers)

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        immutable_file_test=is_versioned,
        add_headers_function=add_headers,
        allow_all_origins=False,  # the portal's pages are the only ones that load its files
    )
    app.after_request(revalidate_unversioned_static)
