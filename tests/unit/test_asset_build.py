"""The versioned copies `make css` builds (portal/asset_build.py): a file's name changes when
anything it names changes, so a year-long cache never serves an old module to a new one."""

from __future__ import annotations

import json

import pytest

from portal.asset_build import FRONTEND_IMAGES, build


def _static(tmp_path, timeout_warning: str):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "build" / "images").mkdir(parents=True)
    (static / "js" / "portal.mjs").write_text(
        'import { initAll } from "../build/frontend.min.js";\n'
        'import { initTimeoutWarning } from "./timeout-warning.mjs";\n'
    )
    (static / "js" / "timeout-warning.mjs").write_text(timeout_warning)
    (static / "build" / "frontend.min.js").write_text("export function initAll() {}\n" * 50)
    (static / "build" / "portal.css").write_text(
        'a{background:url("/static/build/images/crest.svg")}\n' * 50
        + "/*# sourceMappingURL=portal.css.map */"
    )
    (static / "scss").mkdir()
    (static / "scss" / "portal.scss").write_text("// a source, not served\n")
    node_modules = tmp_path / "node_modules"
    for package_path in FRONTEND_IMAGES.values():
        (node_modules / package_path).parent.mkdir(parents=True, exist_ok=True)
        (node_modules / package_path).write_text("<svg/>")
    (static / "build" / "images" / "crest.svg").write_text("<svg/>")
    return static, node_modules


def test_an_imported_module_changing_changes_the_importers_name(tmp_path):
    static, node_modules = _static(tmp_path, "export function initTimeoutWarning() {}\n")
    first = build(static, node_modules=node_modules)
    (static / "js" / "timeout-warning.mjs").write_text("export function initTimeoutWarning() {1}\n")
    second = build(static, node_modules=node_modules)
    assert first["js/timeout-warning.mjs"] != second["js/timeout-warning.mjs"]
    assert first["js/portal.mjs"] != second["js/portal.mjs"]
    assert first["build/frontend.min.js"] == second["build/frontend.min.js"]
    assert "scss/portal.scss" not in second
    dist = static / "dist"
    assert json.loads((dist / "manifest.json").read_text()) == second
    assert not (dist / first["js/portal.mjs"]).exists()  # each build starts afresh
    portal = (dist / second["js/portal.mjs"]).read_text()
    assert f'from "../{second["build/frontend.min.js"]}"' in portal
    assert f'from "./{second["js/timeout-warning.mjs"].removeprefix("js/")}"' in portal


def test_stylesheets_name_versioned_pictures_and_come_compressed(tmp_path):
    static, node_modules = _static(tmp_path, "export function initTimeoutWarning() {}\n")
    manifest = build(static, node_modules=node_modules)
    css_path = static / "dist" / manifest["build/portal.css"]
    css = css_path.read_text()
    assert f'url("./images/{manifest["build/images/crest.svg"].split("/")[-1]}")' in css
    assert "sourceMappingURL" not in css
    assert css_path.with_name(css_path.name + ".br").exists()
    assert css_path.with_name(css_path.name + ".gz").exists()
    # the pictures GOV.UK Frontend's and MOJ Frontend's stylesheets name are there too
    assert {"build/images/govuk-crest.svg", "build/images/icon-document.svg"} <= set(manifest)


def test_a_reference_to_a_missing_file_stops_the_build(tmp_path):
    static, node_modules = _static(tmp_path, 'import "./gone.mjs";\n')
    with pytest.raises(FileNotFoundError, match=r"gone\.mjs"):
        build(static, node_modules=node_modules)


def test_pages_link_the_file_itself_when_it_changed_after_the_build(tmp_path):
    """A developer who edits a module and reloads gets the new one, by ?v=, before the next
    `make css`; the versioned copy again after it."""
    import os

    from portal.assets import _versioned

    static, node_modules = _static(tmp_path, "export function initTimeoutWarning() {}\n")
    manifest = build(static, node_modules=node_modules)
    assert _versioned(static, "js/timeout-warning.mjs") == manifest["js/timeout-warning.mjs"]
    assert _versioned(static, "js/not-built.mjs") is None
    edited = static / "js" / "timeout-warning.mjs"
    later = (static / "dist" / "manifest.json").stat().st_mtime_ns + 10**9
    os.utime(edited, ns=(later, later))
    assert _versioned(static, "js/timeout-warning.mjs") is None
    rebuilt = build(static, node_modules=node_modules)
    os.utime(static / "dist" / "manifest.json", ns=(later + 1, later + 1))  # built after
    assert _versioned(static, "js/timeout-warning.mjs") == rebuilt["js/timeout-warning.mjs"]
