"""The document fetcher reads the portal's static files and nothing else."""

from __future__ import annotations

import pytest

from portal.documents.fetcher import RefusedResource, StaticOnlyFetcher
from portal.documents.pdf import STATIC_ROOT, render_pdf


@pytest.fixture()
def fetcher():
    return StaticOnlyFetcher(STATIC_ROOT)


def test_reads_a_static_file(fetcher):
    response = fetcher.fetch(fetcher.base_url + "documents/document.css")
    assert b"@page" in response.read()
    assert response.headers["Content-Type"] == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/secret",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "data:text/css,body{}",
        "file://evil.example/etc/passwd",
    ],
)
def test_refuses_anything_outside_static(fetcher, url):
    with pytest.raises(RefusedResource):
        fetcher.fetch(url)


def test_refuses_climbing_out_of_static(fetcher):
    with pytest.raises(RefusedResource):
        fetcher.fetch(fetcher.base_url + "../config.py")
    with pytest.raises(RefusedResource):
        fetcher.fetch(fetcher.base_url + "documents/%2e%2e/%2e%2e/config.py")


class RecordingFetcher(StaticOnlyFetcher):
    def __init__(self, static_root):
        super().__init__(static_root)
        self.asked: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        response = super().fetch(url, headers)
        self.served.append(url)
        return response


def test_a_document_cannot_pull_in_server_files_or_the_network(monkeypatch):
    recorder = RecordingFetcher(STATIC_ROOT)
    monkeypatch.setattr("portal.documents.pdf.StaticOnlyFetcher", lambda root: recorder)
    html = """<!DOCTYPE html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="http://127.0.0.1:9/x.css">
      <link rel="stylesheet" href="documents/document.css"></head>
      <body><img src="file:///etc/hostname" alt="x"><img src="https://example.com/a.png" alt="y">
      <a href="file:///etc/passwd" rel="attachment">attached</a><p>Hello</p></body></html>"""
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert recorder.served == [recorder.base_url + "documents/document.css"]
    assert any(url.startswith("file:///etc/") for url in recorder.asked)
    assert b"root:x:0:0" not in pdf
