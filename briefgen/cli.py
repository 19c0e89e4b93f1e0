"""The command line: parse arguments, forward to the library, print the result. No behaviour lives here."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, InputError, RenderError, TemplateError, printable

if TYPE_CHECKING:
    from briefgen.builder.outputs import Format


# Written as it stands when even formatting a message fails for want of memory.
_OUT_OF_MEMORY = b"briefgen: out of memory (the process reached its memory ceiling); no output was changed\n"


def _printable(text: str) -> str:
    """``text`` with control characters escaped, line by line (its line breaks kept)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _report(message: str, count: str | None = None) -> None:
    """Errors to stderr, in red where the terminal shows colour; text is never read as rich markup, and control
    characters in it are escaped. If printing itself runs out of memory, the lines go out plain."""
    lines = _printable(message)
    try:
        from rich.console import Console

        console = Console(stderr=True, highlight=False, soft_wrap=True)
        console.print(lines, markup=False, style="red")
        if count:
            console.print(count, markup=False, style="bold red")
    except MemoryError:
        _plain(f"{lines}\n{count}" if count else lines)


def _plain(text: str) -> None:
    try:
        data = text.encode("utf-8", "replace") + b"\n"
    except MemoryError:
        data = _OUT_OF_MEMORY
    os.write(2, data)


def _report_error(err: BaseException, suffix: str = "") -> None:
    """One line per problem, then the count line check prints, for what is wrong with the brief (input, template
    and render errors, from check, build and watch alike); the message alone for any other briefgen error; one line
    for anything else (an internal error)."""
    if isinstance(err, InputError):
        _report("\n".join(str(p) for p in err.problems), f"{err.count_line()}{suffix}")
    elif isinstance(err, (TemplateError, RenderError)):
        lines = str(err).splitlines() or [str(err)]
        _report("\n".join(lines), f"{len(lines)} error{'s' if len(lines) != 1 else ''}{suffix}")
    elif isinstance(err, BriefgenError):
        _report(f"{err}{suffix}")
    elif isinstance(err, MemoryError):
        _report(f"out of memory (the process reached its memory ceiling){suffix}")
    else:
        _report(f"internal error: {type(err).__name__}: {err}{suffix} (run with --debug for the traceback)")


def _run(ctx: click.Context, action: Callable[[], Any]) -> Any:
    """Run one library call inside the one error handler: briefgen errors → message, exit 1; no tracebacks."""
    try:
        return action()
    except Exception as err:  # an internal error still gets one clear line
        if isinstance(err, BriefgenError) and _is_usage(err):
            raise click.UsageError(str(err), ctx) from None  # exit 2, as for any other bad argument
        if not isinstance(err, BriefgenError) and ctx.obj and ctx.obj.get("debug"):
            raise
        failure = err
    _forget(failure)
    _report_error(failure)
    sys.exit(1)


def _is_usage(err: BriefgenError) -> bool:
    from briefgen.builder.outputs import UnknownTarget

    return isinstance(err, UnknownTarget)


def _forget(err: BaseException) -> None:
    """Drop what a failure holds on to — its traceback and the exception it replaced, whose frames can hold most
    of the memory (a render that ran out of it) — before the message is printed."""
    err.__traceback__ = err.__context__ = err.__cause__ = None
    gc.collect()


project_option = click.option(
    "-p",
    "--project",
    "project",
    type=click.Path(file_okay=False),
    default=None,
    help="Brief project folder (default: nearest folder at or above the current one with briefgen.yaml).",
)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from briefgen.inputs.scales import reference_date

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2026-11-23, got {value!r}") from None
    try:
        return reference_date(day)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=_date,
    default=None,
    metavar="DATE",
    help="Reference date for staleness (default: today), for reproducible runs.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("--debug", is_flag=True, help="Show a full traceback for internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Decision memos from a graded evidence base, in Markdown and Word, per audience."""
    ctx.obj = {"debug": debug}


@main.command()
@project_option
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail (exit 1) on stale cited evidence, quotes not in their sources, lint warnings.",
)
@as_of_option
@click.pass_context
def check(ctx: click.Context, project: str | None, strict: bool, as_of: dt.date | None) -> None:
    """Validate everything; exit 1 with every error."""
    from briefgen.builder.check import check as check_project

    summary = _run(ctx, lambda: check_project(project, strict=strict, as_of=as_of))
    if summary.warnings:
        _warn("\n".join(str(w) for w in summary.warnings))
    _echo(str(summary))


def _warn(message: str) -> None:
    """Lint warnings to stderr, in yellow where the terminal shows colour."""
    from rich.console import Console

    lines = _printable(message)
    Console(stderr=True, highlight=False, soft_wrap=True).print(lines, markup=False, style="yellow")


@main.command()
@project_option
@click.pass_context
def verify(ctx: click.Context, project: str | None) -> None:
    """Check every record's quote against its source's text file; exit 1 naming each quote not found."""
    from briefgen.builder.verify import verify as verify_project

    click.echo(str(_run(ctx, lambda: verify_project(project))))


@main.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@project_option
@click.option(
    "--into", default=None, metavar="DIR", help="The evidence folder to write (default: the project's evidence/)."
)
@click.option("--dry-run", is_flag=True, help="Show what would be created or changed; write nothing.")
@click.pass_context
def import_(ctx: click.Context, file: str, project: str | None, into: str | None, dry_run: bool) -> None:
    """Import BibTeX (.bib), CSL-JSON (.json) or RIS (.ris) entries as sources, one evidence file each."""
    from briefgen.builder.importer import import_citations

    click.echo(str(_run(ctx, lambda: import_citations(file, project, into, dry_run))))


@main.command()
@click.argument("kind", type=click.Choice(["evidence", "option", "brief"]), default="brief")
def schema(kind: str) -> None:
    """Print the JSON Schema of an input file kind, for editor completion."""
    from briefgen.inputs.model import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, sort_keys=True))


@main.command()
@project_option
@click.option("--memo", default=None, help="Build only this memo.")
@click.option("--audience", default=None, help="Build only this audience.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "docx", "pdf", "html"]), default=None, help="Build only this format."
)
@click.option(
    "--force",
    is_flag=True,
    help="Render every output even if its inputs did not change; an output edited by hand is saved under "
    ".briefgen/edited/ first, then overwritten.",
)
@click.option("--dry-run", is_flag=True, help="List what would be rebuilt and why; write nothing.")
@click.option(
    "--redline",
    is_flag=True,
    help="A new version of any output also gets <audience>.redline.docx and .redline.md against the last one.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Render on N processes (default: one per core)."
)
@as_of_option
@click.pass_context
def build(
    ctx: click.Context,
    project: str | None,
    memo: str | None,
    audience: str | None,
    fmt: str | None,
    force: bool,
    dry_run: bool,
    redline: bool,
    jobs: int | None,
    as_of: dt.date | None,
) -> None:
    """Render memos to outputs/<memo>/<audience>.md and .docx, rebuilding only what changed."""
    from briefgen.builder.run import build as build_project

    result = _run(
        ctx,
        lambda: build_project(
            project,
            memo,
            audience,
            cast("Format | None", fmt),
            force,
            dry_run,
            as_of,
            progress=_progress(),
            on_wait=_say,
            jobs=jobs,
            redline=redline,
        ),
    )
    _echo(str(result))


@main.command()
@click.argument("memo")
@click.argument("audience")
@project_option
@click.option(
    "--from",
    "older",
    type=click.IntRange(min=1),
    default=None,
    help="The older version (default: the one before --to).",
)
@click.option(
    "--to", "newer", type=click.IntRange(min=1), default=None, help="The newer version (default: the latest kept)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "docx"]),
    default="text",
    help="text: the changes here, word by word; md or docx: write outputs/MEMO/AUDIENCE.vN-vM.redline.md or .docx.",
)
@as_of_option
@click.pass_context
def diff(
    ctx: click.Context,
    memo: str,
    audience: str,
    project: str | None,
    older: int | None,
    newer: int | None,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """What changed between two kept versions of MEMO for AUDIENCE (.briefgen/history/)."""
    from briefgen.builder.diff import diff as diff_versions

    result = _run(ctx, lambda: diff_versions(project, memo, audience, older, newer, cast("Any", fmt), as_of))
    if result.text is not None:
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=True)
        if console.is_terminal:
            console.print(result.text)
        else:  # a file or a pipe shows no strike-through: the words deleted and inserted would run together
            click.echo(result.plain, nl=False)
    _echo(str(result))


def _echo(text: str) -> None:
    """Print a result; control characters in it (a title, a file name) are escaped, line by line."""
    click.echo(_printable(text))


def _say(message: str) -> None:
    click.echo(printable(message), err=True)


def _progress() -> Callable[[Any], Any] | None:
    """A rich progress bar when attached to a terminal; nothing otherwise (logs stay clean)."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import track

    return lambda items: track(list(items), description="Rendering", transient=True, console=None)


@main.group()
def style() -> None:
    """The house style Word output is written in (style.reference in briefgen.yaml)."""


@style.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_context
def style_export(ctx: click.Context, file: str, force: bool) -> None:
    """Write briefgen's full reference document to FILE, every style shown, to restyle in Word."""
    from briefgen.builder.style import export_style

    path = _run(ctx, lambda: export_style(file, force))
    click.echo(f"wrote {path}: restyle it in Word, then set style: {{reference: ...}} in briefgen.yaml")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.pass_context
def init(ctx: click.Context, directory: str) -> None:
    """Scaffold a new brief in DIRECTORY that builds as it stands."""
    from briefgen.scaffold import init as scaffold

    files = _run(ctx, lambda: scaffold(directory))
    click.echo(f"created {directory} with {len(files)} files; next: cd {directory} && briefgen build")


@main.command()
@project_option
@as_of_option
@click.pass_context
def watch(ctx: click.Context, project: str | None, as_of: dt.date | None) -> None:
    """Rebuild on every change to briefgen.yaml, evidence/, options/ or templates/; Ctrl-C stops."""
    from briefgen.builder.run import build as build_project
    from briefgen.builder.watch import watch as watch_project
    from briefgen.inputs.project import project_root

    root = _run(ctx, lambda: project_root(project))

    def rebuild() -> str:
        return str(build_project(root, as_of=as_of, on_wait=_say))

    watch_project(root, rebuild, _echo, _print_error)


def _print_error(err: BaseException) -> None:
    _forget(err)
    _report_error(err, "; still watching")


MEMORY_LIMIT = 2 * 1024**3


def run() -> None:
    """The console script: the CLI with a ceiling on the process's address space, so that a template (or input)
    that slips past every size check ends in a MemoryError reported as one error line, not in the machine's OOM
    killer. Set here, not in the library: a program embedding briefgen keeps its own limits."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > MEMORY_LIMIT:
        ceiling = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    main()
