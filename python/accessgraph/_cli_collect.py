"""`accessgraph collect`: write a snapshot of an AWS account (and its organization) with boto3."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .cli import _fail, app, err


@app.command("collect")
def collect_cmd(
    out: Path = typer.Option(..., "--out", help="Directory to write the snapshot to (new or empty)."),
    profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile (default: the usual credential chain)."),
    regions: Optional[str] = typer.Option(None, "--regions", help="Comma-separated regions, e.g. us-east-1,eu-west-1 "
                                          "(default: every region enabled in the account)."),
    member_role: Optional[str] = typer.Option(None, "--member-role", help="Role name to assume in every other active "
                                              "account of the organization, e.g. OrganizationAccountAccessRole "
                                              "(default: collect the profile's account only)."),
    show: int = typer.Option(20, "--show", help="How many failed calls to list."),
) -> None:
    """Collect a snapshot with read-only AWS calls (the SecurityAudit policy allows them all).

    A failed call does not stop the collection: its error is saved as <file>.error.txt and listed at the end.
    Exit 0 when every call succeeded, 1 when some failed (the snapshot is written all the same).
    """
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency; this guards a broken environment
        raise _fail("boto3 is not installed", "pip install boto3 (or reinstall accessgraph)") from None

    from .collect import collect

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise _fail(f"{out} exists and is not an empty directory", "choose a new or empty directory for --out")
    chosen = [r.strip() for r in regions.split(",") if r.strip()] if regions is not None else None
    if chosen is not None and not chosen:
        raise _fail("--regions names no region", "write e.g. --regions us-east-1,eu-west-1")
    try:
        session = boto3.Session(profile_name=profile)
        if err.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("collect"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          TextColumn("{task.description}"), console=err, transient=True) as bar:
                task = bar.add_task("starting", total=None)
                report = collect(session, out, chosen, member_role=member_role,
                                 progress=lambda done, total, step: bar.update(task, completed=done, total=total,
                                                                               description=step))
        else:
            report = collect(session, out, chosen, member_role=member_role)
    except (BotoCoreError, ClientError) as e:
        # Only the first call (sts:GetCallerIdentity) or the session itself can raise: bad profile or credentials.
        raise _fail(str(e), "check --profile and the credentials (aws sts get-caller-identity)") from None

    # soft_wrap: a path is never broken across lines (the terminal wraps); markup off: a path may hold "[".
    console = Console(highlight=False, emoji=False, soft_wrap=True)
    console.print(f"wrote {out}: account {report.collector_account_id}, {len(report.accounts)} account(s) collected, "
                  f"regions {', '.join(report.regions)}, organization "
                  f"{'collected' if report.organization_collected else 'not collected'}, "
                  f"{report.calls} calls, {report.files_written} files", markup=False)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", markup=True)
    if report.errors:
        t = Table(title=f"{len(report.errors)} failed call(s): their data is unknown (not absent)")
        t.add_column("file", overflow="fold")
        t.add_column("code")
        t.add_column("operation")
        for failed in report.errors[:show]:
            t.add_row(escape(failed.path), escape(failed.code), escape(failed.operation))
        console.print(t)
        if len(report.errors) > show:
            console.print(f"… {len(report.errors) - show} more (see the .error.txt files)")
    raise typer.Exit(0 if report.ok else 1)
