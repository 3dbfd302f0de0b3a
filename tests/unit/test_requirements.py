"""A server installs requirements.txt only: every package the portal imports must come with
it, named there or brought in by something named there (pikepdf was once only in
requirements-dev.txt, so a production install could not make a response pack)."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[=<>!~;]", requirement, maxsplit=1)[0]).lower()


def runtime_distributions() -> set[str]:
    """requirements.txt and, through installed metadata, everything it pulls in."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    wanted = [_name(line) for line in lines if line.strip() and not line.startswith(("#", "-"))]
    found: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in found:
            continue
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # for another platform or Python
            continue
        found.add(name)
        for requirement in requirements:
            if "extra ==" not in requirement:
                wanted.append(_name(requirement))
    return found


def imported_top_level_modules() -> set[str]:
    modules: set[str] = set()
    for path in (ROOT / "portal").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"portal", "__future__"}


def test_everything_the_portal_imports_is_installed_by_requirements_txt():
    providers = metadata.packages_distributions()
    installed = runtime_distributions()
    missing = {
        module: providers.get(module)
        for module in imported_top_level_modules()
        if not any(_name(dist) in installed for dist in providers.get(module, []))
    }
    assert not missing, f"imported by the portal but not installed by requirements.txt: {missing}"
