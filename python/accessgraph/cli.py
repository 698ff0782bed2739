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
err = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)


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
    console = Console(highlight=False, emoji=False)
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
def demo(
    engine: bool = typer.Option(False, "--engine", help="Instead: decide a few single requests and explain each one."),
) -> None:
    """Analyse the bundled example organization: external access, escalation, hygiene."""
    from .demo import run_demo, run_engine_demo

    console = Console(highlight=False, emoji=False, width=None if Console().is_terminal else 200)
    (run_engine_demo if engine else run_demo)(console)


@app.command()
def synth(
    accounts: int = typer.Option(..., "--accounts", min=1, help="Number of accounts (the first is the management account)."),
    seed: int = typer.Option(..., "--seed", help="Random seed: the same arguments give byte-identical files."),
    out: Path = typer.Option(..., "--out", help="Directory to write the snapshot to (new or empty)."),
    principals_per_account: int = typer.Option(100, "--principals-per-account", min=0,
                                               help="IAM users and roles per account."),
    resource_policies_per_account: int = typer.Option(200, "--resource-policies-per-account", min=0,
                                                      help="Resources with a resource policy per account."),
) -> None:
    """Write a synthetic AWS organization snapshot (LAYOUT.md) for scale tests."""
    from .synth import write_synthetic_org

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise _fail(f"{out} exists and is not an empty directory", "choose a new or empty directory for --out")
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # auto_refresh=False: no refresh thread exists when the writer forks its worker processes
        with Progress(TextColumn("synth"), BarColumn(), MofNCompleteColumn(), TextColumn("accounts"),
                      TimeElapsedColumn(), console=err, transient=True, auto_refresh=False) as bar:
            task = bar.add_task("accounts", total=accounts)
            counts = write_synthetic_org(out, accounts, seed, principals_per_account, resource_policies_per_account,
                                         progress=lambda done, _total: bar.update(task, completed=done, refresh=True))
    else:
        counts = write_synthetic_org(out, accounts, seed, principals_per_account, resource_policies_per_account)
    typer.echo(f"wrote {out}: {counts['accounts']} accounts, {counts['organizational_units']} OUs, "
               f"{counts['scps']} SCPs, {counts['rcps']} RCPs, {counts['principals']} principals "
               f"({counts['users']} users, {counts['roles']} roles), {counts['groups']} groups, "
               f"{counts['resources']} resources ({counts['resource_policies']} with a policy), "
               f"{counts['files']} files, {counts['bytes'] / 1e6:.1f} MB")


from . import _cli_org  # noqa: E402,F401  (registers the snapshot commands on `app`)
from . import _cli_collect  # noqa: E402,F401  (registers `collect` on `app`)


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
