"""The `accessgraph` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__, conformance

app = typer.Typer(
    name="accessgraph",
    help="Offline AWS access analysis: decide requests, explain them, find external access.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)


def _fail(message: str, hint: str = "", code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}" + (f"\n  [dim]{hint}[/]" if hint else ""))
    return typer.Exit(code)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"accessgraph {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=_print_version),
    debug: bool = typer.Option(False, "--debug", help="Show a Python traceback on errors."),
) -> None:
    """Offline AWS access analysis: decide requests, explain them, find external access."""


@app.command("check-vectors")
def check_vectors(
    file: str = typer.Argument(..., metavar="FILE.jsonl", help="Conformance vectors in FORMAT.md form; '-' reads standard input."),
    decisions: bool = typer.Option(False, "--decisions", help="Print one decision per input line, in order, and nothing else."),
    show: int = typer.Option(20, "--show", help="How many mismatches to print in detail."),
) -> None:
    """Decide conformance vectors and compare with their expected decisions (exit 1 on any mismatch)."""
    try:
        if file == "-":
            lines = sys.stdin.read().splitlines()
        else:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise _fail(f"cannot read {file}: {e.strerror}", "check the path") from None
    except UnicodeDecodeError as e:
        raise _fail(f"{file} is not UTF-8 text ({e.reason} at byte {e.start})") from None
    try:
        vectors = list(conformance.parse_lines(lines))
    except conformance.VectorError as e:
        raise _fail(f"{file}: {e}", "each line must be one JSON object in the conformance FORMAT.md shape") from None

    if decisions:
        out = sys.stdout
        for d in conformance.decide(vectors):
            out.write(d + "\n")
        return

    report = conformance.check(vectors)
    console = Console(highlight=False)
    table = Table(title=f"Conformance: {file}", show_footer=True)
    table.add_column("category", footer="total")
    table.add_column("passed", justify="right", footer=str(report.passed))
    table.add_column("failed", justify="right", footer=str(report.failed))
    for name in sorted(report.by_category):
        c = report.by_category[name]
        table.add_row(name, str(c.passed), f"[red]{c.failed}[/]" if c.failed else "0")
    console.print(table)
    for v, got in report.mismatches[:show]:
        console.print(f"[red]MISMATCH[/] line {v.line} id={v.id} [{v.category}] expected {v.expected}, got {got}")
        from . import _core

        console.print(_core._evaluate(v.request, v.policies).explain().to_text(), markup=False)
    verdict = "all decided right" if report.failed == 0 else f"{report.failed} mismatch(es)"
    console.print(f"{report.passed}/{report.total} {verdict}")
    raise typer.Exit(0 if report.failed == 0 else 1)


@app.command()
def demo() -> None:
    """Decide a few requests against example policies and explain each decision."""
    from .demo import run_demo

    run_demo(Console(highlight=False))


def main(argv: Optional[list[str]] = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        app(args=argv, standalone_mode=True)
    except Exception as e:  # noqa: BLE001 - one clear line for users; --debug shows the traceback
        if debug:
            raise
        err.print(f"[bold red]error:[/] {type(e).__name__}: {e}\n  [dim]run with --debug for a traceback[/]")
        sys.exit(2)


if __name__ == "__main__":
    main()
