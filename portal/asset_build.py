"""Versioned, precompressed copies of the static files browsers load, built once by `make css`.

Each file under portal/static (but the Sass sources and the documents' own stylesheets,
which WeasyPrint reads from disk) is copied into portal/static/dist/ with a hash of its
content in its name: `js/portal.mjs` becomes `dist/js/portal.<hash>.mjs`. A file that names
another (an ES module's imports, a stylesheet's url()) names the other's versioned copy, so
its own hash changes when the other changes, and a browser may keep every one of them for a
year without ever asking again. `dist/manifest.json` maps each file to its copy, for
portal.assets.asset_url. WhiteNoise's compressor then writes a .br and a .gz beside each copy
that compresses, so the server never compresses at run time.

Run from the repository root: `python -m portal.asset_build` (the Makefile's css target).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
DIST_NAME = "dist"
MANIFEST_NAME = "manifest.json"
HASH_LENGTH = 12
# Not served to browsers as versioned assets: Sass sources, the PDF stylesheets, the output.
SKIPPED_FOLDERS = frozenset({"scss", "documents", DIST_NAME})
NODE_MODULES = STATIC.parent.parent / "node_modules"
# Pictures that GOV.UK Frontend's and MOJ Frontend's CSS name (the footer's crest, the
# timeline's document icon, the filter's icons). Few pages draw them, but a stylesheet that
# names a missing file makes a 404 as soon as a browser needs it; copied beside the compiled
# CSS, where the Sass settings ($govuk-assets-path, $moj-assets-path) point.
FRONTEND_IMAGES = {
    "build/images/govuk-crest.svg": "govuk-frontend/dist/govuk/assets/images/govuk-crest.svg",
    "build/images/icon-document.svg": (
        "@ministryofjustice/frontend/moj/assets/images/icon-document.svg"
    ),
    # The filter pattern's (issue 19 point 5): its close button, its tags' cross, and the
    # plus and minus of a group of options that folds away.
    **{
        f"build/images/{icon}": f"@ministryofjustice/frontend/moj/assets/images/{icon}"
        for icon in (
            "icon-close-cross-black.svg",
            "icon-tag-remove-cross.svg",
            "icon-tag-remove-cross-white.svg",
            "icon-toggle-plus-minus.svg",
        )
    },
}

# `import ... from "./x.mjs"`, `import "./x.mjs"`, `export ... from "../y.js"`, `import("./z.mjs")`
MODULE_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}/[^"']+)\2""")
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
# Source maps are not shipped: a comment naming one would be a 404 in the browser's tools.
SOURCE_MAP_COMMENT = re.compile(
    rb"(//# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$"
)
STATIC_PREFIX = "/static/"


def versioned_name(name: str, content: bytes) -> str:
    """`js/portal.mjs` -> `js/portal.<12 hex digits of sha256>.mjs`."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, _, filename = name.rpartition("/")
    stem, dot, suffix = filename.partition(".")
    versioned = f"{stem}.{digest}{dot}{suffix}" if dot else f"{stem}.{digest}"
    return f"{folder}/{versioned}" if folder else versioned


def source_files(static: Path) -> list[str]:
    names = []
    for path in sorted(static.rglob("*")):
        relative = path.relative_to(static)
        if path.is_file() and relative.parts[0] not in SKIPPED_FOLDERS:
            if path.suffix not in (".gz", ".br", ".map"):
                names.append(relative.as_posix())
    return names


class Versioner:
    """Versions each file after the files it names, so a name depends on its references."""

    def __init__(self, static: Path) -> None:
        self.static = static
        self.names = set(source_files(static))
        self.manifest: dict[str, str] = {}
        self.contents: dict[str, bytes] = {}
        self._in_progress: set[str] = set()

    def version(self, name: str) -> str:
        if name in self.manifest:
            return self.manifest[name]
        if name in self._in_progress:
            raise ValueError(f"{name} names itself through its imports")
        self._in_progress.add(name)
        content = (self.static / name).read_bytes()
        if name.endswith((".mjs", ".js", ".css")):
            content = SOURCE_MAP_COMMENT.sub(b"", content)
        if name.endswith((".mjs", ".js")):
            content = self._rewrite_imports(name, content)
        elif name.endswith(".css"):
            content = self._rewrite_urls(name, content)
        self._in_progress.discard(name)
        self.manifest[name] = versioned_name(name, content)
        self.contents[name] = content
        return self.manifest[name]

    def _target(self, name: str, reference: str) -> str | None:
        """The static file a reference from `name` points at, or None if it is not one."""
        if reference.startswith(STATIC_PREFIX):
            target = reference.removeprefix(STATIC_PREFIX)
        elif reference.startswith(("./", "../")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), reference))
        else:
            return None  # data: URLs, fragments (#id), other sites: left as they are
        if target not in self.names:
            raise FileNotFoundError(f"{name} names {reference}, which is not a static file")
        return target

    def _relative(self, name: str, target: str) -> str:
        """The versioned target's address relative to the versioned `name` (same folders)."""
        relative = posixpath.relpath(self.version(target), posixpath.dirname(name) or ".")
        return relative if relative.startswith("../") else f"./{relative}"

    def _rewrite_imports(self, name: str, content: bytes) -> bytes:
        def rewrite(match: re.Match[str]) -> str:
            keyword, quote, reference = match.groups()
            target = self._target(name, reference)
            if target is None:  # the pattern only matches ./ and ../, which always resolve
                return match.group(0)
            return f"{keyword}{quote}{self._relative(name, target)}{quote}"

        return MODULE_IMPORT.sub(rewrite, content.decode("utf-8")).encode("utf-8")

    def _rewrite_urls(self, name: str, content: bytes) -> bytes:
        def rewrite(match: re.Match[str]) -> str:
            reference = match.group(2)
            target = self._target(name, reference.split("#")[0].split("?")[0])
            if target is None:
                return match.group(0)
            return f'url("{self._relative(name, target)}")'

        return CSS_URL.sub(rewrite, content.decode("utf-8")).encode("utf-8")


def copy_frontend_images(static: Path, node_modules: Path) -> None:
    for name, package_path in FRONTEND_IMAGES.items():
        destination = static / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / package_path, destination)


def build(static: Path = STATIC, *, node_modules: Path = NODE_MODULES, quiet: bool = True) -> dict:
    """Write dist/ afresh: the versioned copies, their .br and .gz, and the manifest."""
    from whitenoise.compress import Compressor

    copy_frontend_images(static, node_modules)
    versioner = Versioner(static)
    for name in sorted(versioner.names):
        versioner.version(name)
    dist = static / DIST_NAME
    shutil.rmtree(dist, ignore_errors=True)
    compressor = Compressor(quiet=quiet)
    for name, versioned in versioner.manifest.items():
        path = dist / versioned
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(versioner.contents[name])
        if compressor.should_compress(path.name):
            compressor.compress(str(path))
    manifest = dict(sorted(versioner.manifest.items()))
    (dist / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    written = build(quiet="-v" not in sys.argv)
    print(f"{len(written)} versioned static files in {STATIC / DIST_NAME}")
