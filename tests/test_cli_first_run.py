"""A plugin author's first run of the `viqa` command: real processes, real files; every hint
names an option or a setting that exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import viqa as package
from tests.conftest import SEEDS
from viqa.settings import Settings
from viqa.translate.models import ModelUnavailable, load_translator, looks_like_path


def viqa(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
         timeout: int = 300) -> subprocess.CompletedProcess[str]:
    # This checkout's package, also from another working directory.
    here = str(Path(package.__file__).resolve().parents[1])
    path = os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-m", "viqa.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": path, **(env or {})})


@pytest.mark.parametrize("flag", ["--model", "--reverse-model"])
def test_a_missing_model_folder_is_exit_2_before_any_hub(flag: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-folder")
    result = viqa("check", "--translation", str(SEEDS / "vinh-long-2023.vi.txt"),
                  "--no-meaning", flag, missing)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "no such folder" in result.stderr and missing in result.stderr
    assert "hub" not in result.stderr and result.stdout == ""


def test_path_looking_names_are_told_from_hub_ids() -> None:
    for path in ("/tmp/x", "./m", "../m", "~/models/m", "C:\\models\\m", "."):
        assert looks_like_path(path), path
    for name in ("Helsinki-NLP/opus-mt-vi-en", "opus-mt-vi-en", "facebook/m2m100_418M"):
        assert not looks_like_path(name), name


def test_model_hints_name_settings_that_exist(tmp_path: Path) -> None:
    settings = Settings(models_dir=tmp_path, auto_pull=False)  # type: ignore[call-arg]
    with pytest.raises(ModelUnavailable) as missing:
        load_translator("opus-mt-vi-en", direction="vi-en", settings=settings)
    assert "VIQA_MT_MODEL" in str(missing.value)
    assert "pass --model" not in str(missing.value)
    assert hasattr(settings, "mt_model") and hasattr(settings, "mt_reverse_model")
    with pytest.raises(ModelUnavailable, match=r"no such folder.*VIQA_MT_MODEL"):
        load_translator(str(tmp_path / "absent"), direction="vi-en", settings=settings)
    with pytest.raises(ModelUnavailable, match=r"no such folder.*VIQA_MT_REVERSE_MODEL"):
        load_translator(str(tmp_path / "absent"), direction="en-vi", settings=settings)


def test_keys_create_names_its_database_and_list_and_revoke_work(tmp_path: Path) -> None:
    from viqa.store.db import Database
    from viqa.store.keys import authenticate

    database = tmp_path / "here.db"
    env = {"VIQA_DATABASE_URL": f"sqlite:///{database}"}
    created = viqa("keys", "create", "--tenant", "demo", "--role", "plugin", env=env,
                   cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    key = created.stdout.splitlines()[-1]
    assert created.stdout == key + "\n" and key.startswith("viqa_")
    assert str(database) in created.stderr.replace("\n", "")
    assert "a new database is created" in created.stderr.replace("\n", " ")
    second = viqa("keys", "create", "--tenant", "demo", "--role", "admin", env=env,
                  cwd=tmp_path)
    assert second.returncode == 0 and "new database" not in second.stderr.replace("\n", " ")
    key_id = key.split("_")[1]

    listed = viqa("keys", "list", env=env, cwd=tmp_path)
    assert listed.returncode == 0 and key_id in listed.stdout and "plugin" in listed.stdout
    assert key.split("_", 2)[2] not in listed.stdout  # never the secret

    with Database(env["VIQA_DATABASE_URL"]).session() as session:
        assert authenticate(session, key) is not None
    revoked = viqa("keys", "revoke", key_id, env=env, cwd=tmp_path)
    assert revoked.returncode == 0 and f"revoked plugin key {key_id}" in revoked.stderr
    assert "401" in revoked.stderr
    with Database(env["VIQA_DATABASE_URL"]).session() as session:
        assert authenticate(session, key) is None
    again = viqa("keys", "revoke", "nope", env=env, cwd=tmp_path)
    assert again.returncode == 2 and "viqa keys list" in again.stderr
    assert not (tmp_path / "viqa.db").exists()


@pytest.mark.parametrize("args", [
    ["keys", "list"], ["keys", "revoke", "abc123"], ["calibrate", "--tenant", "demo"],
    ["check", "--translation", str(SEEDS / "vinh-long-2023.vi.txt"), "--no-meaning", "--no-mt",
     "--tenant", "demo"],
])
def test_commands_that_read_the_servers_database_create_none(args: list[str],
                                                             tmp_path: Path) -> None:
    """Run outside the server's folder, they say which database is missing and how to point
    at the server's, instead of creating an empty one that lists no keys."""
    done = viqa(*args, env={"VIQA_DATABASE_URL": "sqlite:///viqa.db"}, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    message = " ".join(done.stderr.split())
    assert f"no database at {tmp_path / 'viqa.db'}" in message
    assert "VIQA_DATABASE_URL" in message and "Traceback" not in done.stderr
    assert not (tmp_path / "viqa.db").exists()


def test_version() -> None:
    from viqa import __version__

    result = viqa("--version")
    assert result.returncode == 0 and result.stdout == f"viqa {__version__}\n"


def test_no_loading_noise_unless_verbose() -> None:
    seed = str(SEEDS / "vinh-long-2023.vi.txt")
    quiet = viqa("check", "--translation", seed, "--no-mt")
    assert quiet.returncode == 1, quiet.stderr
    assert "Loading weights" not in quiet.stderr and "%|" not in quiet.stderr
    loud = viqa("--verbose", "check", "--translation", seed, "--no-mt")
    assert loud.returncode == 1 and "Loading weights" in loud.stderr


def test_serve_logs_no_migration_lines(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    here = str(Path(package.__file__).resolve().parents[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "viqa.cli", "serve", "--port", str(port), "--no-jobs"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": here, "VIQA_MT_ENABLED": "0",
             "VIQA_DATABASE_URL": f"sqlite:///{tmp_path / 'v.db'}"})
    lines: list[str] = []
    try:
        assert server.stderr is not None
        for line in server.stderr:
            lines.append(line)
            if "Uvicorn running" in line:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert any("ready on sqlite" in line for line in lines), lines
    assert not [line for line in lines if "alembic" in line or "Loading" in line], lines
