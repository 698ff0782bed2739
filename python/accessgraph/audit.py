"""Account hygiene audit: the IAM controls of the CIS AWS Foundations Benchmark v3.0.0 that a snapshot
can decide, and a few more (roles anyone may assume, unused roles, administrator users).

Every check is a small function in the ``CHECKS`` table at the end of this module. A check yields one
result per resource it examines (a user, a policy, a region, ...) or one result for the account; each
result is ``pass``, ``fail``, ``not-applicable`` (nothing to examine) or ``unknown`` (the snapshot lacks
the data: never ``pass`` for missing data). "Now", for every age, is the snapshot's ``collected_at``.

    results = org.audit()                       # or org.audit(checks=["1.10", "role-trust-public"])
    results.failed().to_dataframe()
    json.dumps(results.to_sarif())              # SARIF 2.1.0
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from .organization import Problem, Results

if TYPE_CHECKING:  # pragma: no cover
    from .organization import Organization

__all__ = [
    "AuditProblem",
    "AuditResult",
    "AuditResults",
    "CHECKS",
    "Check",
    "Thresholds",
    "run_audit",
    "select_checks",
]

PASS, FAIL, NOT_APPLICABLE, UNKNOWN = "pass", "fail", "not-applicable", "unknown"
STATUSES = (PASS, FAIL, NOT_APPLICABLE, UNKNOWN)
SEVERITIES = ("critical", "high", "medium", "low")
CIS_VERSION = "CIS AWS Foundations Benchmark v3.0.0"


# --------------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Limits of the age- and size-based checks; the defaults are the CIS v3.0.0 values."""

    password_min_length: int = 14        # CIS 1.8
    password_reuse_prevention: int = 24  # CIS 1.9
    unused_credential_days: int = 45     # CIS 1.12: unused for this many days or more
    access_key_max_age_days: int = 90    # CIS 1.14: rotated every this many days or less
    root_use_days: int = 30              # CIS 1.7 names no number: root use within this many days fails
    unused_role_days: int = 90           # beyond CIS (IAM Access Analyzer's unused-access default)

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"threshold {f.name} must be a whole number >= 0, not {v!r}")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Thresholds:
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise ValueError(f"unknown threshold(s) {', '.join(unknown)}; known: {', '.join(cls.names())}")
        converted: dict[str, int] = {}
        for k, v in values.items():
            try:
                converted[k] = int(v) if isinstance(v, str) else v
            except ValueError:
                raise ValueError(f"threshold {k} must be a whole number, not {v!r}") from None
        return cls(**converted)

    @classmethod
    def from_strings(cls, pairs: Iterable[str]) -> Thresholds:
        """From ``NAME=VALUE`` strings (the CLI's ``--threshold``)."""
        values: dict[str, str] = {}
        for p in pairs:
            k, sep, v = p.partition("=")
            if not sep or not k.strip():
                raise ValueError(f"bad threshold {p!r}: write NAME=VALUE, e.g. unused_credential_days=45")
            values[k.strip().replace("-", "_")] = v.strip()
        return cls.from_mapping(values)


@dataclass(frozen=True)
class AuditResult:
    """One verdict of one check on one resource of one account."""

    account: str
    resource: str
    check: str          # our stable check id, e.g. "console-user-mfa"
    cis: Optional[str]  # the CIS v3.0.0 control id, e.g. "1.10"; None beyond CIS
    severity: str       # critical | high | medium | low
    status: str         # pass | fail | not-applicable | unknown
    evidence: str
    remediation: str

    @property
    def title(self) -> str:
        return CHECKS_BY_ID[self.check].title if self.check in CHECKS_BY_ID else self.check

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        cis = f" (CIS {self.cis})" if self.cis else ""
        return f"{self.status.upper()} [{self.severity}] {self.check}{cis} {self.account} {self.resource}: {self.evidence}"


@dataclass(frozen=True)
class AuditProblem(Problem):
    """A problem found while auditing (a bad credential-report line, an unreadable date), with its line."""

    line: Optional[int] = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f"#{self.json_pointer}" if self.json_pointer else "")
        return f"{self.severity}: {self.code}: {where}: {self.message}"


@dataclass(frozen=True)
class Check:
    """A row of the check table: metadata and the function deciding it for one account."""

    id: str
    cis: Optional[str]
    title: str
    severity: str
    rationale: str
    remediation: str
    run: Callable[[_Account], Iterable[tuple[str, str, str]]] = field(repr=False, compare=False)


_STATUS_RANK = {FAIL: 3, UNKNOWN: 2, PASS: 1, NOT_APPLICABLE: 0}


class AuditResults(Results[AuditResult]):
    """The results of ``Organization.audit()``: a sequence of :class:`AuditResult` with summaries and
    table / JSON / SARIF / notebook renderings. ``problems`` lists what was wrong in the input."""

    def __init__(self, items: list[AuditResult], problems: Sequence[Problem] = (), thresholds: Thresholds | None = None,
                 collected_at: str = "", checks: Sequence[Check] | None = None, title: str = "audit") -> None:
        super().__init__(items, title)
        self.problems: list[Problem] = list(problems)
        self.thresholds = thresholds or Thresholds()
        self.collected_at = collected_at
        self.checks: list[Check] = list(checks if checks is not None else CHECKS)

    def _derive(self, items: list[AuditResult], title: str) -> AuditResults:
        return AuditResults(items, self.problems, self.thresholds, self.collected_at, self.checks, title)

    def filter(self, *, check: str | Iterable[str] | None = None, account: str | Iterable[str] | None = None,
               status: str | Iterable[str] | None = None) -> AuditResults:
        """Results matching every given criterion (each a value or a collection; checks by id or CIS id)."""

        def norm(x: str | Iterable[str] | None) -> set[str] | None:
            return None if x is None else {x} if isinstance(x, str) else set(x)

        checks = {c.id for c in select_checks(norm(check))} if check is not None else None
        accounts, statuses = norm(account), norm(status)
        items = [r for r in self._items if (checks is None or r.check in checks) and
                 (accounts is None or r.account in accounts) and (statuses is None or r.status in statuses)]
        return self._derive(items, self.title)

    def failed(self) -> AuditResults:
        return self._derive([r for r in self._items if r.status == FAIL], "failed audit results")

    def unknown(self) -> AuditResults:
        return self._derive([r for r in self._items if r.status == UNKNOWN], "unknown audit results")

    @property
    def passed(self) -> bool:
        """No result failed (unknown results do not make this false; see ``unknown()``)."""
        return not any(r.status == FAIL for r in self._items)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for r in self._items:
            out[r.status] += 1
        return out

    def verdicts(self) -> dict[tuple[str, str], str]:
        """The verdict of each (account, check): fail if any result failed, else unknown if any was
        unknown, else pass if any passed, else not-applicable."""
        out: dict[tuple[str, str], str] = {}
        for r in self._items:
            key = (r.account, r.check)
            if key not in out or _STATUS_RANK[r.status] > _STATUS_RANK[out[key]]:
                out[key] = r.status
        return out

    def summary(self) -> list[dict[str, Any]]:
        """One row per check: how many results of each status."""
        rows = []
        for c in self.checks:
            n = {s: 0 for s in STATUSES}
            for r in self._items:
                if r.check == c.id:
                    n[r.status] += 1
            rows.append({"check": c.id, "cis": c.cis, "title": c.title, "severity": c.severity, **n})
        return rows

    def to_json(self, indent: int | None = 2) -> str:
        doc = {
            "collected_at": self.collected_at,
            "thresholds": asdict(self.thresholds),
            "counts": self.counts(),
            "summary": self.summary(),
            "results": self.to_dicts(),
            "problems": [asdict(p) for p in self.problems],
        }
        return json.dumps(doc, indent=indent, default=str)

    def to_sarif(self) -> dict[str, Any]:
        """SARIF 2.1.0 (a JSON-ready dict): one rule per check, one result per audit result (``kind`` pass /
        fail / notApplicable / open for unknown), input problems as tool execution notifications."""
        from . import __version__

        index = {c.id: i for i, c in enumerate(self.checks)}
        rules = []
        for c in self.checks:
            tags = ["security", "iam"] + ([f"{CIS_VERSION} {c.cis}"] if c.cis else [])
            rules.append({
                "id": c.id,
                "name": "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", c.id) if w),
                "shortDescription": {"text": (f"CIS {c.cis}: " if c.cis else "") + c.title},
                "fullDescription": {"text": c.rationale},
                "help": {"text": c.remediation, "markdown": c.remediation},
                "defaultConfiguration": {"level": _SARIF_LEVEL[c.severity]},
                "properties": {"cis": c.cis, "severity": c.severity, "tags": tags,
                               "security-severity": _SARIF_SECURITY_SEVERITY[c.severity]},
            })
        results = []
        for r in self._items:
            res: dict[str, Any] = {
                "ruleId": r.check,
                "kind": _SARIF_KIND[r.status],
                "level": _SARIF_LEVEL[r.severity] if r.status == FAIL else "none",
                "message": {"text": f"{r.title}: {r.evidence}"},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": r.resource, "kind": "resource"}],
                               "message": {"text": f"account {r.account}"}}],
                "partialFingerprints": {"accessgraph/audit/v1": f"{r.check}|{r.account}|{r.resource}"},
                "properties": {"account": r.account, "resource": r.resource, "cis": r.cis, "severity": r.severity,
                               "status": r.status, "remediation": r.remediation},
            }
            if r.check in index:
                res["ruleIndex"] = index[r.check]
            results.append(res)
        notifications = [{"level": "error" if p.severity == "error" else "warning",
                          "message": {"text": f"{p.code}: {p.message}"},
                          "locations": [{"physicalLocation": {"artifactLocation": {"uri": p.file},
                                                              **({"region": {"startLine": p.line}}
                                                                 if isinstance(p, AuditProblem) and p.line else {})}}]}
                         for p in self.problems]
        run: dict[str, Any] = {
            "tool": {"driver": {"name": "accessgraph", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "results": results,
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "properties": {"collected_at": self.collected_at, "thresholds": asdict(self.thresholds)},
        }
        return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}

    def _repr_html_(self) -> str:
        colours = {FAIL: "#c62828", UNKNOWN: "#9e6a03", PASS: "#2e7d32", NOT_APPLICABLE: "#757575"}
        c = self.counts()
        head = (f"<p><b>{html.escape(self.title)}</b> — collected {html.escape(self.collected_at)}: "
                + ", ".join(f"<span style='color:{colours[s]}'>{c[s]} {s}</span>" for s in STATUSES) + "</p>")
        summary = "".join(
            f"<tr><td><code>{html.escape(r['check'])}</code></td><td>{html.escape(r['cis'] or '')}</td>"
            f"<td>{html.escape(r['title'])}</td><td>{r['severity']}</td>"
            + "".join(f"<td style='color:{colours[s]}'>{r[s] or ''}</td>" for s in STATUSES) + "</tr>"
            for r in self.summary() if any(r[s] for s in STATUSES))
        table = ("<table><tr><th>check</th><th>CIS</th><th>title</th><th>severity</th>"
                 + "".join(f"<th>{s}</th>" for s in STATUSES) + f"</tr>{summary}</table>")
        shown = sorted((r for r in self._items if r.status in (FAIL, UNKNOWN)),
                       key=lambda r: (r.status != FAIL, SEVERITIES.index(r.severity), r.account, r.check))
        rows = "".join(
            f"<tr><td style='color:{colours[r.status]}'>{r.status}</td><td>{r.severity}</td><td>{r.account}</td>"
            f"<td><code>{html.escape(r.check)}</code></td><td>{html.escape(r.resource)}</td>"
            f"<td>{html.escape(r.evidence)}</td></tr>" for r in shown[:500])
        detail = ("<table><tr><th>status</th><th>severity</th><th>account</th><th>check</th><th>resource</th>"
                  f"<th>evidence</th></tr>{rows}</table>") if shown else ""
        more = f"<p>… {len(shown) - 500} more</p>" if len(shown) > 500 else ""
        probs = (f"<p>{len(self.problems)} input problem(s):</p><ul>"
                 + "".join(f"<li>{html.escape(str(p))}</li>" for p in self.problems[:50]) + "</ul>") if self.problems else ""
        return head + table + detail + more + probs

    def __repr__(self) -> str:
        c = self.counts()
        return f"<{self.title}: {len(self)} result(s): " + ", ".join(f"{c[s]} {s}" for s in STATUSES) + ">"


_SARIF_KIND = {PASS: "pass", FAIL: "fail", NOT_APPLICABLE: "notApplicable", UNKNOWN: "open"}
_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_SARIF_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


# --------------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
                  r"\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$")


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 timestamp (``T`` or space, optional fraction, ``Z`` / ``±HH:MM`` / none = UTC; a bare
    date is midnight UTC) as an aware datetime; None when the text is anything else."""
    m = _ISO.match(text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, frac, tz = m.groups()
    try:
        micro = int((frac or "0")[:6].ljust(6, "0"))
        offset = timezone.utc
        if tz and tz not in ("Z", "z", "UTC"):
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro, tzinfo=offset)
    except ValueError:  # month 13, 25 o'clock, ...
        return None


def _day(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%d")


# --------------------------------------------------------------------------------------------------
# The credential report
# --------------------------------------------------------------------------------------------------

_ROOT = "<root_account>"
_SPECIAL = {"N/A", "no_information", "not_supported"}
_BOOL_COLUMNS = ("password_enabled", "mfa_active", "access_key_1_active", "access_key_2_active",
                 "cert_1_active", "cert_2_active")
_DATE_COLUMNS = ("user_creation_time", "password_last_used", "password_last_changed", "password_next_rotation",
                 "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_2_last_rotated",
                 "access_key_2_last_used_date", "cert_1_last_rotated", "cert_2_last_rotated")
_TEXT_COLUMNS = ("user", "arn", "access_key_1_last_used_region", "access_key_1_last_used_service",
                 "access_key_2_last_used_region", "access_key_2_last_used_service")
KNOWN_COLUMNS = frozenset(_BOOL_COLUMNS + _DATE_COLUMNS + _TEXT_COLUMNS)
_USED_COLUMNS = frozenset({"user", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
                           "mfa_active"} | {f"access_key_{i}_{c}" for i in (1, 2) for c in ("active", "last_rotated",
                                                                                          "last_used_date")})


class _Unknown(Exception):
    """The data a verdict needs is missing or unreadable; the message says which."""


class _Row:
    """One user's line of the credential report. Accessors raise _Unknown for unusable values."""

    def __init__(self, report: _CredentialReport, line: int, values: dict[str, str]) -> None:
        self.report = report
        self.line = line
        self.values = values
        self.broken: str | None = None  # the whole line is unusable
        self.bad: dict[str, str] = {}   # column -> why its value is unusable

    @property
    def name(self) -> str:
        return self.values.get("user", "")

    def raw(self, col: str) -> str:
        if self.broken:
            raise _Unknown(self.broken)
        if col not in self.report.columns:
            raise _Unknown(f"the credential report has no {col} column")
        if col in self.bad:
            raise _Unknown(self.bad[col])
        return self.values[col]

    def flag(self, col: str) -> bool | None:
        """true / false; None for not_supported (the root user's password_enabled)."""
        v = self.raw(col).strip().lower()
        return None if v == "not_supported" else v == "true"

    def when(self, col: str) -> datetime | None:
        """The timestamp; None for N/A, no_information and not_supported."""
        v = self.raw(col).strip()
        return None if v in _SPECIAL else parse_time(v)


class _CredentialReport:
    """The parsed credential report of one account, with the problems of its lines."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.known = False
        self.fatal: str | None = None       # nothing in it can be used
        self.incomplete: str | None = None  # lines after this point could not be read
        self.columns: list[str] = []
        self.rows: dict[str, _Row] = {}
        self.root: _Row | None = None
        self.problems: list[AuditProblem] = []

    def _problem(self, code: str, line: int | None, message: str, severity: str = "warning") -> None:
        self.problems.append(AuditProblem(code, self.file, "", message, severity, line))

    @classmethod
    def parse(cls, text: str | None, file: str) -> _CredentialReport:
        rep = cls(file)
        if text is None:
            rep.fatal = "the credential report was not collected"
            return rep
        rep.known = True
        text = text.lstrip("\ufeff")
        if not text.strip():
            rep.fatal = "the credential report is empty"
            rep._problem("empty-file", 1, "the credential report is empty: every check that needs it is unknown", "error")
            return rep
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            rep.fatal = f"the credential report is not text (NUL byte on line {line})"
            rep._problem("malformed-csv", line, "NUL byte: the credential report is not CSV text; every check that "
                         "needs it is unknown", "error")
            return rep
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader)
        except (csv.Error, StopIteration) as e:
            rep.fatal = "the credential report's header line is unreadable"
            rep._problem("malformed-csv", 1, f"unreadable header: {e}", "error")
            return rep
        header = [h.strip() for h in header]
        if "user" not in header:
            rep.fatal = "the credential report has no header line naming a user column"
            rep._problem("missing-header", 1, "the first line is not the credential report header (no 'user' column): "
                         f"{','.join(header)[:120]!r}; every check that needs the report is unknown", "error")
            return rep
        rep.columns = header
        for col in header:
            if col and col not in KNOWN_COLUMNS:
                rep._problem("unknown-column", 1, f"unknown column {col!r}: ignored")
        seen: set[str] = set()
        for col in header:
            if col in seen:
                rep._problem("duplicate-column", 1, f"column {col!r} appears twice: the first one is used")
            seen.add(col)
        for col in sorted(KNOWN_COLUMNS - set(header)):
            if col in _USED_COLUMNS:
                rep._problem("missing-column", 1, f"no {col} column: the checks that need it are unknown", "error")
            else:
                rep._problem("missing-column", 1, f"no {col} column (not used by the audit)")
        first_line: dict[str, int] = {}
        while True:
            try:
                fields_ = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                rep.incomplete = f"line {reader.line_num} of the credential report is malformed ({e}); the rest was not read"
                rep._problem("malformed-csv", reader.line_num, f"{e}: this line and the rest of the report are ignored",
                             "error")
                break
            line = reader.line_num
            if not fields_ or all(not f.strip() for f in fields_):
                continue
            values: dict[str, str] = {}
            for col, v in zip(header, fields_):
                values.setdefault(col, v)
            row = _Row(rep, line, values)
            name = values.get("user", "").strip()
            if len(fields_) != len(header):
                kind = "truncated-row" if len(fields_) < len(header) else "malformed-row"
                row.broken = (f"line {line} of the credential report has {len(fields_)} field(s) where the header has "
                              f"{len(header)}")
                rep._problem(kind, line, f"{len(fields_)} field(s), the header has {len(header)}: user "
                             f"{name or '?'} is unknown", "error")
            if not name:
                rep._problem("malformed-row", line, "no user name: the line is ignored", "error")
                continue
            if not row.broken:
                rep._validate(row)
            earlier = rep.root if name == _ROOT else rep.rows.get(name)
            if earlier is not None:
                prev = first_line[name]
                rep._problem("duplicate-row", line, f"user {name} also appears on line {prev}: both are ignored", "error")
                earlier.broken = f"user {name} appears twice in the credential report (lines {prev} and {line})"
                continue
            first_line[name] = line
            if name == _ROOT:
                rep.root = row
            else:
                rep.rows[name] = row
        return rep

    def _validate(self, row: _Row) -> None:
        for col in _BOOL_COLUMNS:
            if col in row.values:
                v = row.values[col].strip().lower()
                ok = v in ("true", "false") or (v == "not_supported" and col == "password_enabled")
                if not ok:
                    row.bad[col] = f"{col} of user {row.name} is {row.values[col]!r}, not true or false (line {row.line})"
                    self._problem("invalid-value", row.line, f"{col} is {row.values[col]!r}, not true/false: the checks "
                                  f"of user {row.name} that need it are unknown")
        for col in _DATE_COLUMNS:
            if col in row.values:
                v = row.values[col].strip()
                if v not in _SPECIAL and parse_time(v) is None:
                    row.bad[col] = (f"{col} of user {row.name} is {row.values[col]!r}, not an ISO 8601 timestamp "
                                    f"(line {row.line})")
                    self._problem("invalid-date", row.line, f"{col} is {row.values[col]!r}, not an ISO 8601 timestamp: "
                                  f"the checks of user {row.name} that need it are unknown")

    def require(self) -> None:
        if self.fatal:
            raise _Unknown(self.fatal)

    def root_row(self) -> _Row:
        self.require()
        if self.root is None:
            raise _Unknown("the credential report has no <root_account> line" +
                           (f" ({self.incomplete})" if self.incomplete else ""))
        return self.root


# --------------------------------------------------------------------------------------------------
# One account, as the checks see it
# --------------------------------------------------------------------------------------------------

_ADMIN_PROBES = (
    ("iam:AttachUserPolicy", "{self}"),
    ("iam:PutRolePolicy", "arn:{p}:iam::{a}:role/accessgraph-audit-probe"),
    ("iam:CreateAccessKey", "arn:{p}:iam::{a}:user/accessgraph-audit-probe"),
    ("ec2:TerminateInstances", "arn:{p}:ec2:{r}:{a}:instance/i-0accessgraphaudit"),
    ("lambda:CreateFunction", "arn:{p}:lambda:{r}:{a}:function:accessgraph-audit-probe"),
    ("dynamodb:DeleteTable", "arn:{p}:dynamodb:{r}:{a}:table/accessgraph-audit-probe"),
)


class _Account:
    def __init__(self, org: Organization, account_id: str, data: Mapping[str, Any], now: datetime | None,
                 now_error: str, thresholds: Thresholds, report: _CredentialReport, partition: str,
                 regions: list[str]) -> None:
        self.org = org
        self.id = account_id
        self.data = data
        self._now = now
        self._now_error = now_error
        self.t = thresholds
        self.report = report
        self.partition = partition
        self.regions = regions
        self.resource = f"AWS::::Account:{account_id}"
        self.root_arn = f"arn:{partition}:iam::{account_id}:root"
        self.extra_problems: list[AuditProblem] = []

    # ----- time -----
    @property
    def now(self) -> datetime:
        if self._now is None:
            raise _Unknown(self._now_error)
        return self._now

    def age(self, t: datetime) -> float:
        return (self.now - t).total_seconds() / 86400

    def ago(self, t: datetime) -> str:
        days = self.age(t)
        return f"{_day(t)}, {int(days)} day(s) before collection" if days >= 0 else f"{_day(t)}, after collection"

    def bad_auth_date(self, what: str) -> None:
        self.extra_problems.append(AuditProblem(
            "invalid-date", f"accounts/{self.id}/global/iam/get-account-authorization-details.json", "",
            f"{what} is not an ISO 8601 timestamp: the checks that need it are unknown"))

    # ----- IAM -----
    def require_iam(self) -> None:
        if not self.data.get("iam_collected"):
            raise _Unknown("IAM (get-account-authorization-details) was not collected for this account")

    def users(self) -> list[dict[str, Any]]:
        self.require_iam()
        return list(self.data["users"])

    def roles(self) -> list[dict[str, Any]]:
        self.require_iam()
        return list(self.data["roles"])

    def attachments(self) -> dict[str, list[str]]:
        """Managed policy ARN -> the entities it is attached to ("user alice", "group Admins", "role ci")."""
        self.require_iam()
        out: dict[str, list[str]] = {}
        for kind, key in (("user", "users"), ("group", "groups"), ("role", "roles")):
            for e in self.data[key]:
                for arn in e["attached_policy_arns"]:
                    out.setdefault(arn, []).append(f"{kind} {e['name']}")
        return out

    def summary_value(self, key: str) -> int | None:
        s = self.data.get("account_summary")
        return int(s[key]) if isinstance(s, Mapping) and key in s else None

    def report_users(self) -> Iterator[tuple[str, _Row | None, str]]:
        """(user ARN, its credential report line or None, why it has none) for every IAM user: the users
        of get-account-authorization-details when collected, else the lines of the report."""
        rep = self.report
        if self.data.get("iam_collected"):
            users = self.data["users"]
            if users:
                rep.require()
            for u in users:
                row = rep.rows.get(u["name"])
                why = "" if row else ("user not in the credential report" +
                                      (f" ({rep.incomplete})" if rep.incomplete else " (the report may predate the user)"))
                yield u["arn"], row, why
        else:
            rep.require()
            for name, row in rep.rows.items():
                arn = row.values.get("arn") or f"arn:{self.partition}:iam::{self.id}:user/{name}"
                yield arn, row, ""
            if rep.incomplete:
                raise _Unknown(f"other users may be missing: {rep.incomplete}")


Finding = tuple[str, str, str]  # (resource, status, evidence)


def _per_user(a: _Account, judge: Callable[[_Row], tuple[str, str] | None], nothing: str) -> Iterator[Finding]:
    """Apply `judge` to each user's credential report line; a user it does not apply to (judge returns
    None) gives no result; when it applies to nobody, one not-applicable result for the account."""
    applied = False
    for arn, row, why in a.report_users():
        try:
            if row is None:
                raise _Unknown(why)
            verdict = judge(row)
        except _Unknown as e:
            verdict = (UNKNOWN, str(e))
        if verdict is not None:
            applied = True
            yield arn, verdict[0], verdict[1]
    if not applied:
        yield a.resource, NOT_APPLICABLE, nothing


def _active_keys(row: _Row) -> list[int]:
    return [i for i in (1, 2) if row.flag(f"access_key_{i}_active")]


# --------------------------------------------------------------------------------------------------
# The checks: root user (CIS 1.4 - 1.7)
# --------------------------------------------------------------------------------------------------


def _root_key_facts(a: _Account) -> tuple[bool | None, str]:
    """Does the root user have an access key (active or not)? From get-account-summary, else the report."""
    present = a.summary_value("AccountAccessKeysPresent")
    detail = ""
    from_report: bool | None = None
    try:
        row = a.report.root_row()
        keys = []
        for i in (1, 2):
            active, rotated = row.flag(f"access_key_{i}_active"), row.when(f"access_key_{i}_last_rotated")
            if active or rotated:
                keys.append(f"key {i} {'active' if active else 'inactive'}" + (f", created {_day(rotated)}" if rotated else ""))
        from_report = bool(keys)
        detail = "credential report: " + ("; ".join(keys) if keys else "no root access key")
    except _Unknown as e:
        detail = str(e)
    if present is not None:
        text = f"get-account-summary AccountAccessKeysPresent = {present}" + (f"; {detail}" if from_report else "")
        return present > 0 or bool(from_report), text
    if from_report is not None:
        return from_report, detail
    return None, f"get-account-summary was not collected and {detail}"


def _root_access_keys(a: _Account) -> Iterator[Finding]:
    has, text = _root_key_facts(a)
    yield a.root_arn, UNKNOWN if has is None else FAIL if has else PASS, text


def _root_mfa_facts(a: _Account) -> tuple[bool | None, str]:
    enabled = a.summary_value("AccountMFAEnabled")
    if enabled is not None:
        return enabled == 1, f"get-account-summary AccountMFAEnabled = {enabled}"
    try:
        mfa = a.report.root_row().flag("mfa_active")
        return bool(mfa), f"credential report: <root_account> mfa_active {str(mfa).lower()}"
    except _Unknown as e:
        return None, f"get-account-summary was not collected and {e}"


def _root_mfa(a: _Account) -> Iterator[Finding]:
    on, text = _root_mfa_facts(a)
    yield a.root_arn, UNKNOWN if on is None else PASS if on else FAIL, text


def _root_hardware_mfa(a: _Account) -> Iterator[Finding]:
    on, text = _root_mfa_facts(a)
    if on is None:
        yield a.root_arn, UNKNOWN, text
    elif not on:
        yield a.root_arn, FAIL, f"the root user has no MFA at all ({text})"
    elif not a.data.get("virtual_mfa_known"):
        yield a.root_arn, UNKNOWN, (f"root MFA is enabled ({text}) but list-virtual-mfa-devices was not collected: "
                                    "hardware and virtual MFA cannot be told apart")
    elif a.data.get("root_virtual_mfa_serial"):
        yield a.root_arn, FAIL, f"root MFA is the virtual device {a.data['root_virtual_mfa_serial']} (list-virtual-mfa-devices)"
    else:
        yield a.root_arn, PASS, f"root MFA is enabled ({text}) and is not among the virtual MFA devices"


def _root_recent_use(a: _Account) -> Iterator[Finding]:
    row = a.report.root_row()
    limit = a.t.root_use_days
    recent: list[str] = []
    older: list[str] = []
    for col, what in (("password_last_used", "password"), ("access_key_1_last_used_date", "access key 1"),
                      ("access_key_2_last_used_date", "access key 2")):
        t = row.when(col)
        if t is None:
            continue
        (recent if a.age(t) < limit else older).append(f"{what} last used {a.ago(t)}")
    if recent:
        yield a.root_arn, FAIL, f"root used within {limit} days: " + "; ".join(recent)
    else:
        yield a.root_arn, PASS, ("; ".join(older) if older else "no recorded use of the root password or keys") + \
            f" (nothing within {limit} days)"


# --------------------------------------------------------------------------------------------------
# Password policy (CIS 1.8, 1.9)
# --------------------------------------------------------------------------------------------------


def _password_policy(a: _Account) -> Mapping[str, Any] | None:
    pp = a.data.get("password_policy") or {}
    if not pp.get("known"):
        raise _Unknown("the password policy (get-account-password-policy) was not collected or is unreadable")
    return pp if pp.get("exists") else None


def _password_min_length(a: _Account) -> Iterator[Finding]:
    pp = _password_policy(a)
    need = a.t.password_min_length
    if pp is None:
        yield a.resource, FAIL, "no password policy (NoSuchEntity): IAM's default minimum is 8 characters"
    else:
        n = pp["minimum_length"]
        yield a.resource, PASS if n >= need else FAIL, f"MinimumPasswordLength {n} (required {need} or more)"


def _password_reuse(a: _Account) -> Iterator[Finding]:
    pp = _password_policy(a)
    need = a.t.password_reuse_prevention
    if pp is None:
        yield a.resource, FAIL, "no password policy (NoSuchEntity): password reuse is not prevented"
    else:
        n = pp["reuse_prevention"]
        shown = f"PasswordReusePrevention {n}" if n else "PasswordReusePrevention not set"
        yield a.resource, PASS if n >= need else FAIL, f"{shown} (required {need} or more)"


# --------------------------------------------------------------------------------------------------
# IAM users' credentials (CIS 1.10 - 1.14), from the credential report
# --------------------------------------------------------------------------------------------------


def _console_user_mfa(a: _Account) -> Iterator[Finding]:
    def judge(row: _Row) -> tuple[str, str] | None:
        if not row.flag("password_enabled"):
            return None
        if row.flag("mfa_active"):
            return PASS, "console password with an MFA device"
        return FAIL, "console password and no MFA device (mfa_active false)"

    return _per_user(a, judge, "no IAM user has a console password")


def _initial_access_keys(a: _Account) -> Iterator[Finding]:
    def judge(row: _Row) -> tuple[str, str] | None:
        if not row.flag("password_enabled"):
            return None
        try:
            created = row.when("user_creation_time")
        except _Unknown:
            created = None  # only for the evidence
        unused = []
        for i in _active_keys(row):
            if row.when(f"access_key_{i}_last_used_date") is None:
                rotated = row.when(f"access_key_{i}_last_rotated")
                with_user = rotated is not None and created is not None and abs((rotated - created).total_seconds()) <= 3600
                unused.append(f"active access key {i} never used" +
                              (f", created {_day(rotated)}" if rotated else "") + (" together with the user" if with_user else ""))
        if unused:
            return FAIL, "console user with " + "; ".join(unused)
        return PASS, "console user without an active, never-used access key"

    return _per_user(a, judge, "no IAM user has a console password")


def _unused_credentials(a: _Account) -> Iterator[Finding]:
    limit = a.t.unused_credential_days

    def judge(row: _Row) -> tuple[str, str] | None:
        stale: list[str] = []
        fresh: list[str] = []
        if row.flag("password_enabled"):
            used = row.when("password_last_used")
            if used is not None:
                (stale if a.age(used) >= limit else fresh).append(f"password last used {a.ago(used)}")
            else:
                since = row.when("password_last_changed") or row.when("user_creation_time")
                if since is None:
                    raise _Unknown(f"user {row.name}: password never used and no password_last_changed date")
                (stale if a.age(since) >= limit else fresh).append(f"password never used, set {a.ago(since)}")
        for i in _active_keys(row):
            used = row.when(f"access_key_{i}_last_used_date")
            if used is not None:
                (stale if a.age(used) >= limit else fresh).append(f"access key {i} last used {a.ago(used)}")
            else:
                since = row.when(f"access_key_{i}_last_rotated")
                if since is None:
                    raise _Unknown(f"user {row.name}: access key {i} is active but has no last_rotated date")
                (stale if a.age(since) >= limit else fresh).append(f"access key {i} never used, created {a.ago(since)}")
        if not stale and not fresh:
            return None
        if stale:
            return FAIL, f"unused for {limit} days or more: " + "; ".join(stale)
        return PASS, "; ".join(fresh)

    return _per_user(a, judge, "no IAM user has a console password or an active access key")


def _single_active_key(a: _Account) -> Iterator[Finding]:
    def judge(row: _Row) -> tuple[str, str] | None:
        keys = _active_keys(row)
        if not keys:
            return None
        if len(keys) > 1:
            return FAIL, "two active access keys (access_key_1_active and access_key_2_active true)"
        return PASS, f"one active access key (key {keys[0]})"

    return _per_user(a, judge, "no IAM user has an active access key")


def _access_key_rotation(a: _Account) -> Iterator[Finding]:
    limit = a.t.access_key_max_age_days

    def judge(row: _Row) -> tuple[str, str] | None:
        keys = _active_keys(row)
        if not keys:
            return None
        old: list[str] = []
        ok: list[str] = []
        for i in keys:
            t = row.when(f"access_key_{i}_last_rotated")
            if t is None:
                raise _Unknown(f"user {row.name}: access key {i} is active but has no last_rotated date")
            (old if a.age(t) > limit else ok).append(f"access key {i} rotated {a.ago(t)}")
        if old:
            return FAIL, f"older than {limit} days: " + "; ".join(old)
        return PASS, "; ".join(ok)

    return _per_user(a, judge, "no IAM user has an active access key")


# --------------------------------------------------------------------------------------------------
# Policies (CIS 1.15 - 1.17, 1.22)
# --------------------------------------------------------------------------------------------------


def _user_policies_via_groups(a: _Account) -> Iterator[Finding]:
    users = a.users()
    if not users:
        yield a.resource, NOT_APPLICABLE, "no IAM users"
    for u in users:
        direct = [f"attached {arn.rsplit('/', 1)[-1]}" for arn in u["attached_policy_arns"]]
        direct += [f"inline {p['name']}" for p in u["inline_policies"]]
        if direct:
            yield u["arn"], FAIL, "policies directly on the user: " + ", ".join(direct)
        else:
            groups = ", ".join(u["groups"]) if u["groups"] else "none"
            yield u["arn"], PASS, f"no policy on the user itself (groups: {groups})"


def _values(v: Any) -> list[str]:
    return [v] if isinstance(v, str) else [str(x) for x in v] if isinstance(v, (list, tuple)) else []


def _full_admin_statements(policy: Any) -> list[str]:
    """The Allow statements granting Action "*" on Resource "*" (CIS 1.16's "*:*")."""
    found = []
    for st in policy.statements:
        if st.get("effect") != "Allow":
            continue
        if not any(x in ("*", "*:*") for x in _values(st.get("Action", []))):
            continue
        if "*" not in _values(st.get("Resource", [])):
            continue
        label = f"statement {st.get('index', '?')}" + (f" ({st['sid']})" if st.get("sid") else "")
        if st.get("Condition"):
            label += " with conditions " + ", ".join(sorted(k for op in st["Condition"].values() for k in op))
        found.append(label)
    return found


def _full_admin_policy(a: _Account) -> Iterator[Finding]:
    attached = a.attachments()
    policies = {m["arn"]: m for m in a.data["managed_policies"]}
    for m in policies.values():
        if m["attachment_count"] and m["arn"] not in attached:
            attached[m["arn"]] = [f"{m['attachment_count']} entit(ies) (AttachmentCount)"]
    if not attached:
        yield a.resource, NOT_APPLICABLE, "no managed policy is attached to a user, group or role"
    for arn in sorted(attached):
        to = ", ".join(attached[arn])
        m = policies.get(arn)
        if m is None or m.get("policy") is None:
            yield arn, UNKNOWN, f"attached to {to}, but its document is not in the snapshot (nor in the bundled AWS managed policies)"
            continue
        hits = _full_admin_statements(m["policy"])
        kind = "AWS managed" if m.get("aws_managed") else "customer managed"
        if hits:
            yield arn, FAIL, f"{kind} policy allowing \"Action\": \"*\" on \"Resource\": \"*\" ({'; '.join(hits)}), attached to {to}"
        else:
            yield arn, PASS, f"{kind} policy without an Allow of \"*\" on \"*\", attached to {to}"


_SUPPORT_POLICY = ":iam::aws:policy/AWSSupportAccess"
_CLOUDSHELL_POLICY = ":iam::aws:policy/AWSCloudShellFullAccess"


def _support_role(a: _Account) -> Iterator[Finding]:
    entities = [e for arn, es in a.attachments().items() if arn.endswith(_SUPPORT_POLICY) for e in es]
    roles = [e for e in entities if e.startswith("role ")]
    if roles:
        yield a.resource, PASS, "AWSSupportAccess is attached to " + ", ".join(roles)
    elif entities:
        yield a.resource, FAIL, "AWSSupportAccess is attached only to " + ", ".join(entities) + ", not to a role"
    else:
        yield a.resource, FAIL, "AWSSupportAccess is attached to no role"


def _cloudshell_full_access(a: _Account) -> Iterator[Finding]:
    arn = f"arn:{a.partition}:iam::aws:policy/AWSCloudShellFullAccess"
    entities = [e for p, es in a.attachments().items() if p.endswith(_CLOUDSHELL_POLICY) for e in es]
    if entities:
        yield arn, FAIL, "AWSCloudShellFullAccess is attached to " + ", ".join(entities)
    else:
        yield arn, PASS, "AWSCloudShellFullAccess is attached to no user, group or role"


# --------------------------------------------------------------------------------------------------
# Certificates and Access Analyzer (CIS 1.19, 1.20)
# --------------------------------------------------------------------------------------------------


def _expired_server_certificates(a: _Account) -> Iterator[Finding]:
    certs = a.data.get("server_certificates")
    if certs is None:
        raise _Unknown("list-server-certificates was not collected")
    if not certs:
        yield a.resource, NOT_APPLICABLE, "no server certificate stored in IAM"
    for c in certs:
        t = parse_time(c["expiration"] or "")
        if t is None:
            a.extra_problems.append(AuditProblem(
                "invalid-date", f"accounts/{a.id}/global/iam/list-server-certificates.json", "",
                f"certificate {c['name']}: Expiration {c['expiration']!r} is not an ISO 8601 timestamp"))
            yield c["arn"], UNKNOWN, f"Expiration {c['expiration']!r} is not a timestamp"
        elif t <= a.now:
            yield c["arn"], FAIL, f"expired {a.ago(t)}"
        else:
            yield c["arn"], PASS, f"valid until {_day(t)}"


_EXTERNAL_ANALYZER_TYPES = {"ACCOUNT", "ORGANIZATION"}


def _access_analyzer(a: _Account) -> Iterator[Finding]:
    listed = a.data.get("access_analyzers")
    if not a.regions:
        raise _Unknown("the manifest lists no region")
    for region in a.regions:
        resource = f"arn:{a.partition}:access-analyzer:{region}:{a.id}:analyzer/*"
        if listed is None:
            yield resource, UNKNOWN, f"accessanalyzer list-analyzers was not collected (in {region} or another region)"
            continue
        here = [x.split("|") for x in listed if x.split("|")[-1] == region]
        active = [f"{p[0]} ({p[1]})" for p in here if len(p) == 4 and p[1] in _EXTERNAL_ANALYZER_TYPES and p[2] == "ACTIVE"]
        if active:
            yield resource, PASS, "active external-access analyzer: " + ", ".join(active)
        elif here:
            yield resource, FAIL, "no ACTIVE ACCOUNT or ORGANIZATION analyzer; listed: " + \
                ", ".join(f"{p[0]} ({'/'.join(p[1:3])})" for p in here)
        else:
            yield resource, FAIL, f"no analyzer in {region} (empty list-analyzers)"


# --------------------------------------------------------------------------------------------------
# Beyond CIS: roles and administrators
# --------------------------------------------------------------------------------------------------

_ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
# Condition keys that limit an "any principal" trust to known accounts / organizations.
_NARROWING_KEYS = {"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
                   "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:userid"}
# Identity providers shared by everybody, where `aud` does not identify the customer: `sub` must be pinned.
_SHARED_IDPS = ("token.actions.githubusercontent.com", "app.terraform.io", "gitlab.com", "bitbucket.org")


def _is_assume(st: Mapping[str, Any]) -> bool:
    actions = [x.lower() for x in _values(st.get("Action", []))]
    if "NotAction" in st:
        return True
    return any(x in ("*", "sts:*", "sts:assume*") or x in _ASSUME_ACTIONS for x in actions)


def _pinned(key: str, value: str) -> bool:
    """Does this condition value name something specific (not a bare wildcard, not any account)?"""
    if value.strip("*?") == "" or re.fullmatch(r"repo:[*?]*", value):
        return False
    if key in ("aws:principalarn", "aws:sourcearn") and value.startswith("arn:"):
        parts = value.split(":")
        return len(parts) > 4 and not any(ch in parts[4] for ch in "*?") and parts[4] != ""
    return True


def _narrowing(cond: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    """Positive, not-IfExists, not-ForAllValues condition entries on the given keys whose values all
    name something specific."""
    wanted = {k.lower() for k in keys}
    out = []
    for op, entries in cond.items():
        opl = op.lower()
        base = opl.split(":")[-1]
        if base.endswith("ifexists") or "not" in base or base in ("null", "bool") or opl.startswith("forallvalues:"):
            continue
        for key, vals in entries.items():
            k = key.lower()
            if k in wanted and _values(vals) and all(_pinned(k, v) for v in _values(vals)):
                out.append(f"{op} {key}")
    return out


def _trust_issues(policy: Any) -> tuple[list[str], list[str]]:
    """(why anyone may assume the role, who is trusted) from the trust policy's Allow statements."""
    issues: list[str] = []
    trusted: list[str] = []
    for st in policy.statements:
        if st.get("effect") != "Allow" or not _is_assume(st):
            continue
        cond = st.get("Condition") or {}
        where = f"statement {st.get('index', '?')}"
        if "NotPrincipal" in st:
            issues.append(f"{where}: Allow with NotPrincipal (everyone except the listed principals)")
            continue
        principal = st.get("Principal") or {}
        for ptype, values in principal.items():
            for v in _values(values):
                if v == "*":
                    limits = _narrowing(cond, _NARROWING_KEYS)
                    if limits:
                        trusted.append(f"any principal limited by {', '.join(limits)}")
                    else:
                        kept = ", ".join(sorted(k for op in cond.values() for k in op)) if cond else ""
                        issues.append(f"{where}: Principal {ptype} \"*\"" +
                                      (f" with only {kept}, which does not limit the accounts" if kept else ", no condition"))
                elif ptype == "Federated" and (":oidc-provider/" in v or not v.lower().startswith("arn:")):
                    host = v.split(":oidc-provider/", 1)[-1].lower()
                    shared = any(host.startswith(h) for h in _SHARED_IDPS)
                    needed = [f"{host}:sub"] if shared else [f"{host}:{k}" for k in ("sub", "aud", "oaud", "app_id")]
                    limits = _narrowing(cond, needed)
                    if limits:
                        trusted.append(f"web identities of {host} limited by {', '.join(limits)}")
                    else:
                        issues.append(f"{where}: Federated {v} without a condition on {' or '.join(needed)}: "
                                      "any identity of that provider may assume the role")
                else:
                    trusted.append(v)
    return issues, trusted


def _role_trust_public(a: _Account) -> Iterator[Finding]:
    roles = [r for r in a.roles() if not r["service_linked"]]
    if not roles:
        yield a.resource, NOT_APPLICABLE, "no role other than service-linked roles"
    for r in roles:
        if r["trust_policy"] is None:
            yield r["arn"], UNKNOWN, "the trust policy could not be read"
            continue
        issues, trusted = _trust_issues(r["trust_policy"])
        if issues:
            yield r["arn"], FAIL, "; ".join(issues)
        else:
            shown = ", ".join(trusted[:6]) + (f" and {len(trusted) - 6} more" if len(trusted) > 6 else "")
            yield r["arn"], PASS, f"trusts {shown}" if trusted else "trusts no one (no Allow of sts:AssumeRole*)"


def _role_unused(a: _Account) -> Iterator[Finding]:
    limit = a.t.unused_role_days
    roles = [r for r in a.roles() if not r["service_linked"]]
    if not roles:
        yield a.resource, NOT_APPLICABLE, "no role other than service-linked roles"
    for r in roles:
        if not r["last_used_known"]:
            yield r["arn"], UNKNOWN, "RoleLastUsed is not in get-account-authorization-details"
            continue
        if r["last_used_date"]:
            t = parse_time(r["last_used_date"])
            if t is None:
                a.bad_auth_date(f"role {r['name']}: RoleLastUsed.LastUsedDate {r['last_used_date']!r}")
                yield r["arn"], UNKNOWN, f"RoleLastUsed.LastUsedDate {r['last_used_date']!r} is not a timestamp"
            else:
                yield r["arn"], FAIL if a.age(t) >= limit else PASS, f"last used {a.ago(t)}"
            continue
        created = parse_time(r["create_date"] or "")
        if created is None:
            if r["create_date"]:
                a.bad_auth_date(f"role {r['name']}: CreateDate {r['create_date']!r}")
            yield r["arn"], UNKNOWN, "never used (no RoleLastUsed date) and its CreateDate is unknown"
        elif a.age(created) >= limit:
            yield r["arn"], FAIL, f"never used (within IAM's tracking period) since its creation {a.ago(created)}"
        else:
            yield r["arn"], PASS, f"never used yet, created {a.ago(created)} (less than {limit} days)"


def _user_admin_access(a: _Account) -> Iterator[Finding]:
    users = a.users()
    if not users:
        yield a.resource, NOT_APPLICABLE, "no IAM users"
    region = a.regions[0] if a.regions else "us-east-1"
    context = {"aws:MultiFactorAuthPresent": "true", "aws:SecureTransport": "true", "aws:RequestedRegion": region}
    for u in users:
        denied = None
        try:
            for action, pattern in _ADMIN_PROBES:
                resource = pattern.format(self=u["arn"], p=a.partition, a=a.id, r=region)
                if not a.org.can(u["arn"], action, resource, context).allowed:
                    denied = action
                    break
        except (ValueError, RuntimeError) as e:
            yield u["arn"], UNKNOWN, f"could not evaluate the user's policies: {e}"
            continue
        if denied:
            yield u["arn"], PASS, f"not an administrator: {denied} is not allowed"
        else:
            yield u["arn"], FAIL, ("allowed every probe of administrator access (" +
                                   ", ".join(p for p, _ in _ADMIN_PROBES) + "), with MFA, after SCPs and boundaries")


# --------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------

CHECKS: tuple[Check, ...] = (
    Check("root-access-keys", "1.4", "No root user access key exists", "critical",
          "The root user has unrestricted access to the account; an access key for it is a long-lived secret "
          "that cannot be limited by any policy.",
          "Sign in as the root user, open Security credentials and delete every root access key (deactivating is "
          "not enough). Use IAM roles or users with least privilege for programmatic access.",
          _root_access_keys),
    Check("root-mfa", "1.5", "MFA is enabled for the root user", "critical",
          "MFA adds a second factor to the most powerful credential of the account.",
          "Sign in as the root user, open Security credentials and assign an MFA device (preferably a hardware "
          "key or passkey).",
          _root_mfa),
    Check("root-hardware-mfa", "1.6", "Hardware MFA is enabled for the root user", "high",
          "A virtual MFA lives on a phone that may be lost, compromised or replaced; a hardware device keeps "
          "the root second factor off general-purpose devices. Decided from get-account-summary and "
          "list-virtual-mfa-devices (a root device listed there is virtual); unknown without that listing.",
          "Replace the root user's virtual MFA device by a hardware TOTP token or a FIDO security key.",
          _root_hardware_mfa),
    Check("root-recent-use", "1.7", "The root user is not used for administrative and daily tasks", "high",
          "Root actions cannot be restricted by IAM policies; daily work with root multiplies the chances of "
          "its credentials leaking. Decided from the credential report's root line (password and key last use).",
          "Create administrator roles or users for daily work, lock the root credentials away and use them only "
          "for the few tasks that require root; investigate recent root use.",
          _root_recent_use),
    Check("password-min-length", "1.8", "The IAM password policy requires a minimum length of 14 or more",
          "medium", "Long passwords resist brute-force and guessing attacks.",
          "aws iam update-account-password-policy --minimum-password-length 14 (keep the other settings you use).",
          _password_min_length),
    Check("password-reuse-prevention", "1.9", "The IAM password policy prevents password reuse (24)", "low",
          "Preventing reuse stops users from cycling back to compromised passwords.",
          "aws iam update-account-password-policy --password-reuse-prevention 24 (keep the other settings).",
          _password_reuse),
    Check("console-user-mfa", "1.10", "MFA is enabled for every IAM user with a console password", "high",
          "A console password alone is one phishing email away from compromise.",
          "Assign an MFA device to the user (IAM > Users > Security credentials > Assign MFA device), or remove "
          "the console password if it is not needed; enforce MFA with a policy denying actions without "
          "aws:MultiFactorAuthPresent.",
          _console_user_mfa),
    Check("initial-access-keys", "1.11", "No access keys are set up at initial user setup for console users",
          "low", "Keys created with the user 'just in case' are unnecessary long-lived credentials; a console user "
          "with an active key that was never used shows one (CIS audit: password_enabled and "
          "access_key_*_last_used_date N/A).",
          "Delete the access keys that were never used; let users create keys themselves when they need them.",
          _initial_access_keys),
    Check("unused-credentials", "1.12", "Credentials unused for 45 days or more are disabled", "medium",
          "Unused passwords and keys are a window for compromised or abandoned credentials.",
          "Disable the console password (delete the login profile) and deactivate or delete the access keys that "
          "were not used for 45 days; delete the user if it is not needed.",
          _unused_credentials),
    Check("single-active-key", "1.13", "Only one active access key exists per IAM user", "medium",
          "Two active keys double the secrets to protect; a second key is only needed during rotation.",
          "Finish the rotation: move the applications to the newest key, then deactivate and delete the other.",
          _single_active_key),
    Check("access-key-rotation", "1.14", "Access keys are rotated every 90 days or less", "medium",
          "Rotating keys limits how long a leaked key stays usable.",
          "Create a new key, move the applications to it, then deactivate and delete the old key; better, replace "
          "long-lived keys by roles (IAM Roles Anywhere, OIDC, instance profiles).",
          _access_key_rotation),
    Check("user-policies-via-groups", "1.15", "IAM users receive permissions only through groups", "low",
          "Permissions managed on groups are easier to review and less likely to be excessive or forgotten.",
          "Move the user's attached and inline policies to a group matching the job function, add the user to "
          "it, then detach and delete the user's own policies.",
          _user_policies_via_groups),
    Check("full-admin-policy", "1.16", "No attached IAM policy grants full \"*:*\" administrative privileges",
          "high", "A policy allowing every action on every resource gives whoever holds it the whole account; "
          "reported per attached managed policy, AWS managed ones (AdministratorAccess) included.",
          "Replace the policy by one granting only the actions the principals need, or detach it; keep full "
          "administrator access to a few break-glass roles protected by MFA.",
          _full_admin_policy),
    Check("support-role", "1.17", "A support role exists to manage incidents with AWS Support", "low",
          "A role with AWSSupportAccess lets the incident team open and follow AWS Support cases without broader "
          "privileges.",
          "Create a role trusted by your incident responders and attach arn:aws:iam::aws:policy/AWSSupportAccess.",
          _support_role),
    Check("expired-server-certificates", "1.19", "Expired SSL/TLS certificates stored in IAM are removed",
          "medium", "An expired certificate may be deployed by mistake to a load balancer or CloudFront, breaking "
          "clients and trust.",
          "aws iam delete-server-certificate --server-certificate-name NAME (after checking it is no longer "
          "deployed); prefer AWS Certificate Manager.",
          _expired_server_certificates),
    Check("access-analyzer-enabled", "1.20", "IAM Access Analyzer is enabled in every region", "medium",
          "An external-access analyzer (account or organization zone of trust) continuously reports resources "
          "shared outside it. Unknown when list-analyzers was not collected.",
          "aws accessanalyzer create-analyzer --analyzer-name default --type ACCOUNT (or ORGANIZATION from the "
          "delegated administrator) in every region you use.",
          _access_analyzer),
    Check("cloudshell-full-access", "1.22", "Access to AWSCloudShellFullAccess is restricted", "medium",
          "AWSCloudShellFullAccess allows file upload and download through CloudShell, a path for data "
          "exfiltration outside the usual controls.",
          "Detach AWSCloudShellFullAccess and grant a custom policy without cloudshell:GetFileUploadUrls / "
          "GetFileDownloadUrls where CloudShell is needed.",
          _cloudshell_full_access),
    Check("role-trust-public", None, "No role can be assumed by any AWS account or any web identity", "critical",
          "A trust policy with Principal \"*\" (without a condition fixing the accounts or organization, such as "
          "aws:PrincipalOrgID or aws:PrincipalAccount), an Allow with NotPrincipal, or a web identity provider "
          "without a condition on the subject / audience lets anyone in the world assume the role.",
          "Name the trusted principals explicitly in the trust policy, or add a condition on aws:PrincipalOrgID / "
          "aws:PrincipalAccount; for OIDC providers, pin the audience and the subject (e.g. "
          "token.actions.githubusercontent.com:sub = repo:ORG/REPO:ref:refs/heads/main).",
          _role_trust_public),
    Check("role-unused", None, "Roles are used (last use within 90 days)", "low",
          "Unused roles keep permissions and trust relationships nobody reviews; decided from RoleLastUsed "
          "where the snapshot has it (unknown otherwise); service-linked roles are skipped.",
          "Confirm the role is no longer needed (CloudTrail, owners), then delete it, or at least remove its "
          "trust and permissions.",
          _role_unused),
    Check("user-admin-access", None, "No IAM user has administrator access", "high",
          "Administrator users hold long-lived credentials to everything; administration belongs to roles assumed "
          "with MFA. Decided by evaluating each user's policies (groups, boundary, SCPs) on probe requests: "
          "IAM writes on itself and others, EC2, Lambda and DynamoDB — all allowed means administrator.",
          "Remove the administrator policies from the user and its groups; grant administration through a role "
          "(IAM Identity Center permission set or an MFA-protected role) instead.",
          _user_admin_access),
)

CHECKS_BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}


def select_checks(checks: Iterable[str] | None) -> list[Check]:
    """The checks named by id (``console-user-mfa``) or CIS id (``1.10``, ``CIS 1.10``), in table order."""
    if checks is None:
        return list(CHECKS)
    wanted: set[str] = set()
    for name in [checks] if isinstance(checks, str) else checks:
        key = name.strip()
        cis = re.sub(r"^(?:cis)?\s*", "", key, flags=re.IGNORECASE)
        hit = CHECKS_BY_ID.get(key) or next((c for c in CHECKS if c.cis and c.cis == cis), None)
        if hit is None:
            raise ValueError(f"unknown check {name!r}; known: " +
                             ", ".join(f"{c.id}" + (f" ({c.cis})" if c.cis else "") for c in CHECKS))
        wanted.add(hit.id)
    return [c for c in CHECKS if c.id in wanted]


# --------------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------------


def _report_file(org: Organization, account_id: str) -> str:
    base = f"accounts/{account_id}/global/iam"
    root = Path(org.source) if org.source and not org.source.startswith("<") else None
    if root is not None and not (root / base / "credential-report.csv").exists() and \
            (root / base / "get-credential-report.json").exists():
        return f"{base}/get-credential-report.json"  # line numbers are those of the decoded Content
    return f"{base}/credential-report.csv"


def run_audit(org: Organization, checks: Iterable[str] | None = None,
              thresholds: Thresholds | Mapping[str, Any] | None = None) -> AuditResults:
    """Run the selected checks (all by default) on every account of the snapshot."""
    selected = select_checks(checks)
    th = thresholds if isinstance(thresholds, Thresholds) else Thresholds.from_mapping(thresholds or {})
    now = parse_time(org.collected_at or "")
    # The loader's problems with the files the audit reads explain its unknown results: keep them.
    problems: list[Problem] = [p for p in org.problems if p.file == "manifest.json" or "/global/iam/" in p.file
                               or p.file.endswith("/global/iam") or "/accessanalyzer/" in p.file]
    now_error = ""
    if now is None:
        now_error = f"the snapshot's collected_at {org.collected_at!r} is not a timestamp: ages cannot be computed"
        problems.append(AuditProblem("invalid-date", "manifest.json", "/collected_at", now_error, "error"))
    partition = getattr(org._core, "partition", "") or "aws"
    regions = org.regions
    results: list[AuditResult] = []
    for account_id in org.account_ids:
        data = org.account(account_id)
        report = _CredentialReport.parse(data.get("credential_report_csv"), _report_file(org, account_id))
        problems.extend(report.problems)
        a = _Account(org, account_id, data, now, now_error, th, report, partition, regions)
        for c in selected:
            try:
                for resource, status, evidence in c.run(a):
                    results.append(AuditResult(account_id, resource, c.id, c.cis, c.severity, status, evidence, c.remediation))
            except _Unknown as e:
                results.append(AuditResult(account_id, a.resource, c.id, c.cis, c.severity, UNKNOWN, str(e), c.remediation))
        problems.extend(a.extra_problems)
    return AuditResults(results, problems, th, org.collected_at, selected)
