"""The only way a document may load a resource: the portal's own static files.

WeasyPrint calls the fetcher for every stylesheet, image and font a document names. This
one answers only for files inside the static folder, which documents name by relative
URLs (``build/print.css``) against a base URL that is the static folder itself.
Everything else (other files, http, https, ftp, data smuggled in a template or a typed
record) is refused, so a document can never read the server's files or reach the network.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedResource(ValueError):
    """A document named a resource outside the portal's static files."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_root: Path) -> None:
        super().__init__(allowed_protocols=("file",))
        self.static_root = static_root.resolve()
        self.base_url = self.static_root.as_uri() + "/"

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self.resolve(url)
        mime_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": mime_type or "application/octet-stream"},
        )

    def resolve(self, url: str) -> Path:
        """Map a URL to a file inside the static folder, or refuse it."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"Refused to fetch {url!r}: only static files may be used")
        candidate = Path(unquote(parts.path)).resolve()
        if not candidate.is_relative_to(self.static_root) or not candidate.is_file():
            raise RefusedResource(f"Refused to fetch {url!r}: not a static file of the portal")
        return candidate
