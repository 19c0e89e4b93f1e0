"""The command line as a user meets it: the sample brief, schema, version, init, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from briefs import REPO
from click.testing import CliRunner

from briefgen import __version__
from briefgen.cli import main


def test_sample_brief_is_valid() -> None:
    result = CliRunner().invoke(main, ["check", "-p", str(REPO)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("US space cooperation with Kazakhstan: 5 sources,")
    assert "3 outputs — valid" in result.output


def test_project_is_found_from_a_subfolder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "evidence")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("kind", "folder"), [("evidence", "evidence"), ("option", "options"), ("brief", None)])
def test_schema_is_valid_json_schema_that_accepts_the_sample(kind: str, folder: str | None) -> None:
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((REPO / folder).glob("*.yaml")) if folder else [REPO / "briefgen.yaml"]
    assert files
    for file in files:
        data = json.loads(json.dumps(yaml.safe_load(file.read_text()), default=str))
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (file.name, errors[:3])


def test_schema_rejects_what_check_rejects() -> None:
    schema = json.loads(CliRunner().invoke(main, ["schema", "evidence"]).output)
    bad = {"source": {"id": "x", "title": "t", "published": 2024, "reliability": "G"}, "records": []}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["build", "--format", "odt"]).exit_code == 2


def test_python_m_briefgen_gives_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "briefgen.yaml").write_text("title: [\n")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "check", "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    assert "briefgen.yaml:2: YAML syntax error" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_internal_error_is_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.builder.check

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(briefgen.builder.check, "check", boom)
    result = CliRunner().invoke(main, ["check", "-p", str(REPO)])
    assert result.exit_code == 1
    assert result.output.strip() == "internal error: RuntimeError: boom (run with --debug for the traceback)"
    debug = CliRunner().invoke(main, ["--debug", "check", "-p", str(REPO)])
    assert isinstance(debug.exception, RuntimeError)


def test_public_api_names_are_the_functions_not_the_stage_modules(tmp_path: Path) -> None:
    import functools
    import importlib
    import pkgutil

    import briefgen

    modules = [m.name for m in pkgutil.walk_packages(briefgen.__path__, "briefgen.") if m.name != "briefgen.__main__"]
    for module in modules:
        importlib.import_module(module)  # every module of the house imports by its dotted path ...
        reached = functools.reduce(getattr, module.split(".")[1:], briefgen)  # ... and is reachable as an attribute
        assert reached.__name__ == module
    assert callable(briefgen.load) and callable(briefgen.check)
    assert callable(briefgen.build) and callable(briefgen.render)
    brief = briefgen.load(REPO)
    assert briefgen.check(REPO).records == len(brief.records)
    text = briefgen.render(brief, "kazakhstan-space", "partner", "md")
    assert isinstance(text, str) and text.startswith("**TLP:")
