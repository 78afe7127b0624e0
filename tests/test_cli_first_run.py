"""A plugin author's first run of the `viqa` command: real processes, real files; every hint
names an option or a setting that exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from viqa.settings import Settings
from viqa.translate.models import ModelUnavailable, load_translator, looks_like_path


def viqa(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
         timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "viqa.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=cwd)


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
    with pytest.raises(ModelUnavailable, match="no such folder"):
        load_translator(str(tmp_path / "absent"), direction="vi-en", settings=settings)
