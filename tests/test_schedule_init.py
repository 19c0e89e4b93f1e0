"""The documented scheduled command, run exactly as the README gives it; and `briefgen init` as a new user meets it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from briefs import REPO
from click.testing import CliRunner

from briefgen.cli import main

SAMPLE_PATH = "/srv/briefs/kazakhstan"


def scheduled_commands() -> list[str]:
    """Every line of the README's scheduling section that runs briefgen (crontab, systemd, CI)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scheduled regeneration", 1)[1].split("\n## ", 1)[0]
    return [m.group(0) for m in re.finditer(r"briefgen build -p \S+", section)]


def test_every_schedule_runs_the_same_documented_command() -> None:
    commands = scheduled_commands()
    assert len(commands) >= 3, commands  # crontab, systemd service, CI workflow
    assert set(commands) == {f"briefgen build -p {SAMPLE_PATH}"}


def test_the_documented_command_builds_the_sample_and_then_has_nothing_to_do(tmp_path: Path) -> None:
    brief = tmp_path / "kazakhstan"
    brief.mkdir()
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, brief / name)
    argv = scheduled_commands()[0].replace(SAMPLE_PATH, str(brief)).split()
    binary = Path(sys.executable).parent / argv[0]
    first = subprocess.run([str(binary), *argv[1:]], capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "6 written, 0 unchanged"
    second = subprocess.run([str(binary), *argv[1:]], capture_output=True, text=True, check=False)
    assert (second.returncode, second.stdout.strip()) == (0, "0 written, 6 unchanged")
    before = {p: p.read_bytes() for p in brief.glob("outputs/*/*")}
    (brief / "options" / "status-quo.yaml").write_text("id: [broken\n")
    third = subprocess.run([str(binary), *argv[1:]], capture_output=True, text=True, check=False)
    assert third.returncode == 1 and "options/status-quo.yaml:2: YAML syntax error" in third.stderr
    assert {p: p.read_bytes() for p in brief.glob("outputs/*/*")} == before


def test_init_scaffolds_a_brief_that_builds_as_it_stands(tmp_path: Path) -> None:
    target = tmp_path / "new-brief"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "templates" / "reference.docx").is_file()
    check = CliRunner().invoke(main, ["check", "--strict", "-p", str(target)])  # no lint warning, every quote verified
    assert check.exit_code == 0 and "1 sources, 3 evidence records, 2 options" in check.output, check.output
    built = CliRunner().invoke(main, ["build", "-p", str(target)])
    assert built.exit_code == 0, built.output
    assert built.output.strip() == "4 written, 0 unchanged"
    principal = (target / "outputs" / "example" / "principal.md").read_text()
    assert "Staff said the pilot added paperwork" not in principal
    paper = (target / "outputs" / "example" / "working-level.md").read_text()
    assert "(TLP:AMBER) Staff feedback suggests paperwork must be cut" in paper


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "exists and is not an empty folder" in result.output
    assert (tmp_path / "keep.txt").read_text() == "mine"
