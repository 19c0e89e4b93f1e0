"""Every failure is one clear line, whatever is in the names and values it prints; work is bounded; markings are
never hidden, dropped or left off what derives from them.

Covers the second hostile-input round's classes that are not about paths: a memory-exhausted render (even when
printing needs memory), a NUL byte in YAML, a template over the size limit, control characters in file names and
values, one render deadline across passes, and marking hygiene (a mark that marks nothing, marks in fields that are
no portions, a banner line that is not exactly the marking, a derived value that carries its marking)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from briefs import BRIEF, EVIDENCE, OPTION, build_tree, expect_error, run_check
from click.testing import CliRunner

from briefgen.cli import main

HOG = '{% set s = "x" * 1000000 %}{% set t %}{% for i in range(5000) %}{{ s }}{% endfor %}{% endset %}{{ t|length }}'


def hog_project(root: Path) -> Path:
    build_tree(root, {})
    (root / "templates/principal.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block body %}' + HOG + "{% endblock %}"
    )
    return root


def test_a_memory_exhausted_render_is_one_line_even_when_printing_needs_memory(tmp_path: Path) -> None:
    """The console script caps memory; here rich (which prints errors in colour) cannot even be imported."""
    root = hog_project(tmp_path)
    program = textwrap.dedent(
        f"""
        import sys
        class NoMemory:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "rich":
                    raise MemoryError
        sys.meta_path.insert(0, NoMemory())
        sys.argv = ["briefgen", "build", "-p", {str(root)!r}, "--audience", "principal", "--format", "md"]
        from briefgen.cli import run
        run()
        """
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()  # the error's one line, then the count line every error report ends with
    assert lines[0].startswith("templates/principal.md.j2:") and lines[1:] == ["1 error"], result.stderr
    assert "Traceback" not in result.stderr


def test_running_out_of_memory_outside_a_template_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from briefgen.builder import run

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(run, "build", exhausted)
    result = CliRunner().invoke(main, ["build", "-p", str(build_tree(tmp_path, {}))])
    assert (result.exit_code, result.output) == (1, "out of memory (the process reached its memory ceiling)\n")


def test_a_nul_byte_in_yaml_gets_its_line(tmp_path: Path) -> None:
    build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE.replace("A report", "A re\0port").encode()})
    expect_error(tmp_path, r"^evidence/src-one\.yaml:3: a NUL byte \(U\+0000\) at column 14: YAML does not allow it$")


@pytest.mark.parametrize("where", ["audience", "include"])
def test_a_template_over_the_size_limit_is_refused_unread(tmp_path: Path, where: str) -> None:
    """A sparse 64 MiB file: refused from its size, before it is read (or digested) whole."""
    build_tree(tmp_path, {})
    big = tmp_path / "templates" / ("principal.md.j2" if where == "audience" else "big.md.j2")
    with big.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)
    if where == "include":
        (tmp_path / "templates/principal.md.j2").write_text(
            '{% extends "base.md.j2" %}{% block body %}{% include "big.md.j2" %}{% endblock %}'
        )
    message = f"template '{big.name}' is 67,108,864 bytes, over the 4,194,304-byte limit"
    assert message in expect_error(tmp_path, "templates/")
    result = CliRunner().invoke(main, ["build", "-p", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output, result.output


# ---------------------------------------------------------------- control characters are printed escaped


def test_control_characters_in_a_file_name_cannot_forge_or_recolour_lines(tmp_path: Path) -> None:
    name = "evidence/x\n2 errors\x1b[32m\u202e.yaml"
    build_tree(tmp_path, {name: "source: [unclosed\n"})
    code, out = run_check(tmp_path)
    assert code == 1
    assert "\x1b" not in out and "\u202e" not in out
    lines = out.splitlines()
    assert len(lines) == 2 and lines[1] == "1 error", out
    assert lines[0].startswith("evidence/x\\n2 errors\\x1b[32m\\u202e.yaml:2: "), out


def test_control_characters_in_values_are_printed_escaped(tmp_path: Path) -> None:
    build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace("title: Test brief", 'title: "Test\\e[31m brief\\nfake"')})
    code, out = run_check(tmp_path)
    assert code == 0, out
    assert "\x1b" not in out, out
    assert out.splitlines()[-1].startswith("Test\\x1b[31m brief\\nfake: "), out  # the summary is still one line


def test_a_lock_note_holding_control_characters_is_printed_escaped(tmp_path: Path) -> None:
    from briefgen.builder.lock import build_lock
    from briefgen.errors import printable

    root = build_tree(tmp_path, {})
    (root / ".briefgen").mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom briefgen.builder.lock import build_lock\n"
            "sys.argv = ['briefgen\\x1b[2J', 'build\\nforged line']\n"
            f"with build_lock(Path({str(root)!r})):\n    print('locked', flush=True)\n    time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(Exception, match="another build is running") as caught, build_lock(root, timeout=0.2):
            pass
        assert "\x1b" not in printable(str(caught.value)) and "\n" not in printable(str(caught.value))
    finally:
        holder.kill()
        holder.wait()


# ---------------------------------------------------------------- bounded work: one render deadline per output


def test_every_pass_of_one_render_shares_one_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body that reads its own marking is rendered again; the second pass continues the first one's clock."""
    from briefgen.formats.sandbox import Sandbox

    root = build_tree(tmp_path, {})
    body = "{% if memo.marking == 'TLP:CLEAR' %}{{ memo.evidence['E-2'].claim }}{% endif %}x"
    (root / "templates/principal.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block body %}' + body + "{% endblock %}"
    )
    started: list[float] = []
    real = Sandbox.begin

    def begin(self: Sandbox, deadline: float | None = None) -> float:
        value = real(self, deadline)
        started.append(value)
        return value

    monkeypatch.setattr(Sandbox, "begin", begin)
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--audience", "principal", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert len(started) >= 3 and len(set(started)) == 1, started  # passes and late blocks: one deadline


# ---------------------------------------------------------------- marking hygiene


def test_a_portion_mark_alone_in_its_paragraph_is_refused(tmp_path: Path) -> None:
    option = OPTION.format(id="alpha") + "description: |\n  First.\n\n  (TLP:AMBER)\n\n  Second.\n"
    build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(
        tmp_path, r"^options/alpha\.yaml:\d+: description: paragraph 2: portion mark \(TLP:AMBER\) marks nothing"
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("briefgen.yaml", "name: Regional influence, weight: 0.6}", "name: X, weight: 0.6, description: '[TLP:RED] y'}",
         r"criteria\[0\]\.description"),
        ("evidence/src-one.yaml", "title: A report", "title: A report (TLP:AMBER)", r"source\.title"),
        ("options/alpha.yaml", "{text: It helps., evidence: [E-1]}", '{text: "It helps [TLP:AMBER].", evidence: [E-1]}',
         r"pros\[0\]\.text"),
        ("briefgen.yaml", "bluf: Cooperate", "bluf: \"[ TLP:AMBER ] Cooperate", r"memos\[0\]\.bluf"),
    ],
)  # fmt: skip
def test_a_mark_written_into_a_field_that_is_no_portion_is_refused(
    tmp_path: Path, file: str, old: str, new: str, field: str
) -> None:
    files = {"briefgen.yaml": BRIEF, "evidence/src-one.yaml": EVIDENCE, "options/alpha.yaml": OPTION.format(id="alpha")}
    text = files[file].replace(old, new)
    if new.startswith('bluf: "'):
        text = text.replace("later.\n", 'later."\n')
    assert text != files[file]
    build_tree(tmp_path, {file: text})
    expect_error(tmp_path, rf"^{file.replace('.', '[.]')}:\d+: {field}: portion mark .* would be ignored")


@pytest.mark.parametrize(
    "banner",
    [
        "**{{ memo.marking }}** <!-- TLP:AMBER -->",
        "{{ memo.marking }}<span hidden>x</span>",
        "**{{ memo.marking }}** and more",
        "<!-- {{ memo.marking }} -->",
    ],
)
def test_a_banner_line_must_be_exactly_the_marking(tmp_path: Path, banner: str) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates/partner.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block banner %}' + banner + "{% endblock %}"
    )
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert result.exit_code == 1, result.output
    assert "templates/partner.md.j2: template: the output must open with its marking (TLP:CLEAR)" in result.output
    assert not (root / "outputs").exists()


@pytest.mark.parametrize("banner", ["**{{ memo.marking }}**", "{{ memo.marking }}", "# {{ memo.marking }}"])
def test_a_banner_that_is_the_marking_alone_builds(tmp_path: Path, banner: str) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates/partner.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block banner %}' + banner + "{% endblock %}"
    )
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0


JUDGMENTS = """    key_judgments:
      - {text: Astana will agree., confidence: high, evidence: [E-1]}
      - {text: Moscow will object., confidence: low, evidence: [E-2]}
"""


def test_a_confidence_summary_carries_the_marking_of_the_judgments_it_summarises(tmp_path: Path) -> None:
    """Only the confidences are printed, not the AMBER judgment itself: the memo is still marked AMBER."""
    root = build_tree(tmp_path, {"briefgen.yaml": BRIEF + JUDGMENTS})
    body = "Confidence across judgments: {{ memo.judgment_confidence | join(', ') }}."
    (root / "templates/principal.md.j2").write_text(
        '{% extends "base.md.j2" %}{% block body %}' + body + "{% endblock %}"
    )
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--audience", "principal", "--format", "md"])
    assert result.exit_code == 0, result.output
    text = (root / "outputs/test-memo/principal.md").read_text()
    assert "high, low" in text
    assert text.splitlines()[0] == "**TLP:AMBER**", text
    assert os.path.exists(root / "outputs/test-memo/principal.md")
