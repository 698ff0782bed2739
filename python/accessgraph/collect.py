"""Collect a snapshot from AWS with boto3, in the layout that :func:`accessgraph.load_snapshot` reads.

::

    import boto3
    from accessgraph.collect import collect

    report = collect(boto3.Session(profile_name="audit"), "snapshot/", regions=["us-east-1", "eu-west-1"])
    print(report.summary())
    org = accessgraph.load_snapshot("snapshot/")

Every file is one unmodified API response (``ResponseMetadata`` removed), written where the snapshot layout
(``shared/snapshot/LAYOUT.md``) puts the AWS CLI's output for the same call. Only read-only calls are made
(the AWS managed ``SecurityAudit`` or ``ReadOnlyAccess`` policy allows all of them), plus
``iam:GenerateCredentialReport``, which AWS requires before ``GetCredentialReport``.

Collection never stops on a failed call: the error text (``str(ClientError)``, e.g. ``An error occurred
(AccessDenied) when calling the GetBucketPolicy operation: ...``) is saved next to where the response would
have gone as ``<path>.error.txt`` and listed in the :class:`CollectReport`, so the loader can tell "no bucket
policy" (a documented not-found code) from "not allowed to look" (any other code). Throttling is retried by
botocore's adaptive retry mode; ``manifest.json`` is written last, so a snapshot without one is incomplete.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, PaginationError

if TYPE_CHECKING:  # pragma: no cover
    import boto3

__all__ = ["CallError", "CollectReport", "collect", "escape_id"]

# LAYOUT.md "Optional configuration": an error with this code means the configuration does not exist.
ABSENT_CODES: dict[str, str] = {
    "s3api/get-bucket-policy": "NoSuchBucketPolicy",
    "s3api/get-public-access-block": "NoSuchPublicAccessBlockConfiguration",
    "s3api/get-bucket-ownership-controls": "OwnershipControlsNotFoundError",
    "s3control/get-public-access-block": "NoSuchPublicAccessBlockConfiguration",
    "iam/get-account-password-policy": "NoSuchEntity",
    "lambda/get-policy": "ResourceNotFoundException",
    "ecr/get-repository-policy": "RepositoryPolicyNotFoundException",
}

# Listings stored as one file per page (LAYOUT.md "Pagination") when they have more than one page: the
# authorization details of a large account are tens of megabytes.
_PAGE_FOLDERS = frozenset({"iam/get-account-authorization-details"})
_PAGING_FIELDS = frozenset({"NextToken", "Marker", "NextMarker", "IsTruncated", "Truncated", "ContinuationToken"})
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_REGIONAL_STEPS = ("kms", "sqs", "sns", "lambda", "secretsmanager", "ecr", "accessanalyzer")
_ACCOUNT_STEPS = 2 + len(_REGIONAL_STEPS)  # iam + s3 + per region (multiplied below)

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, step)``: called after each step (one service of one account and region)."""


def escape_id(name: str) -> str:
    """A resource id as a file name (LAYOUT.md "Escaping"): every UTF-8 byte outside ``A-Za-z0-9._-`` and a
    leading ``.`` become ``%XX``; ``prod/db+ro@x`` -> ``prod%2Fdb%2Bro%40x``."""
    return "".join(chr(b) if b in _SAFE and not (i == 0 and b == 0x2E) else f"%{b:02X}"
                   for i, b in enumerate(name.encode("utf-8")))


@dataclass(frozen=True)
class CallError:
    """One API call that failed; its text is also in ``<snapshot>/<path>``."""

    path: str
    """The ``.error.txt`` file, relative to the snapshot directory."""
    operation: str
    code: str
    message: str
    """``str(ClientError)``: ``An error occurred (CODE) when calling the OPERATION operation: ...``."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class CollectReport:
    """What :func:`collect` did: files written, calls that failed, what could not be collected."""

    out_dir: Path
    collector_account_id: str = ""
    partition: str = "aws"
    regions: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    """Accounts whose IAM, S3 and regional resources were collected."""
    organization_collected: bool = False
    files_written: int = 0
    calls: int = 0
    errors: list[CallError] = field(default_factory=list)
    """Failed calls whose outcome is unknown (AccessDenied, throttled past the retries, ...)."""
    absent: list[CallError] = field(default_factory=list)
    """Calls answered with a documented not-found code (no bucket policy, no password policy, ...)."""
    notes: list[str] = field(default_factory=list)
    """Whole parts not collected, and why (no organization, an account whose role could not be assumed)."""

    @property
    def ok(self) -> bool:
        """True when every call succeeded or answered a documented not-found."""
        return not self.errors

    def summary(self) -> str:
        head = (f"{self.out_dir}: {len(self.accounts)} account(s), {len(self.regions)} region(s), "
                f"organization {'collected' if self.organization_collected else 'not collected'}, "
                f"{self.calls} calls, {self.files_written} files, {len(self.errors)} failed call(s)")
        return "\n".join([head, *(f"  note: {n}" for n in self.notes), *(f"  error: {e}" for e in self.errors)])

    def to_dict(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "collector_account_id": self.collector_account_id,
                "partition": self.partition, "regions": self.regions, "accounts": self.accounts,
                "organization_collected": self.organization_collected, "files_written": self.files_written,
                "calls": self.calls, "errors": [vars(e) for e in self.errors],
                "absent": [vars(e) for e in self.absent], "notes": self.notes}


def _error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "Unknown"))
    return type(exc).__name__


def _error_text(exc: Exception, operation: str) -> str:
    if isinstance(exc, ClientError):
        return str(exc)
    # Same shape as a ClientError's text so that the code is "the text inside the first ( )" (LAYOUT.md).
    return f"An error occurred ({type(exc).__name__}) when calling the {operation} operation: {exc}"


def _operation_name(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


def _command_of(rel: str) -> str:
    """``<service>/<command>`` of a snapshot file: ``.../s3api/get-bucket-policy/<bucket>.json`` and
    ``.../iam/get-account-password-policy.json`` give ``s3api/get-bucket-policy``, ``iam/get-account-password-policy``."""
    parts = rel[: -len(".json")].split("/")
    if parts[0] == "accounts":  # accounts/<id>/global/... or accounts/<id>/regions/<region>/...
        parts = parts[3:] if parts[2] == "global" else parts[4:]
    return "/".join(parts[:2])


def _without_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _merge_pages(pages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the AWS CLI prints for a paginated call: every top-level list concatenated in page order,
    other fields from the first page, paging tokens dropped (the loader's rule in LAYOUT.md)."""
    out: dict[str, Any] = {}
    for i, page in enumerate(pages):
        for key, value in page.items():
            if key in _PAGING_FIELDS:
                continue
            if isinstance(value, list):
                out.setdefault(key, []).extend(value)
            elif i == 0:
                out[key] = value
    return out


class _Collector:
    def __init__(self, session: boto3.Session, out_dir: Path, page_size: int | None,
                 progress: ProgressCallback | None) -> None:
        from . import __version__

        self.session = session
        self.out = out_dir
        self.page_size = page_size
        self.progress = progress
        # Throttling (Rate exceeded, SlowDown, ...) is retried with client-side rate limiting.
        self.config = Config(retries={"mode": "adaptive", "max_attempts": 10},
                             user_agent_extra=f"accessgraph/{__version__}")
        self.report = CollectReport(out_dir)
        self.done = 0
        self.total = 0
        self._clients: dict[tuple[int, str, str], Any] = {}

    # ----- plumbing -----
    def client(self, session: boto3.Session, service: str, region: str) -> Any:
        """A botocore client. Typed Any: its methods are generated at run time from the service model (the
        stubs type them per service package only)."""
        key = (id(session), service, region)
        if key not in self._clients:
            make: Any = session.client
            self._clients[key] = make(service, region_name=region, config=self.config)
        return self._clients[key]

    def step(self, what: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, what)

    def write(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.report.files_written += 1

    def write_json(self, rel: str, obj: Any) -> None:
        self.write(rel, (json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n").encode("utf-8"))

    def record_error(self, rel_json: str, exc: Exception, method: str) -> None:
        operation = getattr(exc, "operation_name", None) or _operation_name(method)
        code, text = _error_code(exc), _error_text(exc, operation)
        rel_err = rel_json[: -len(".json")] + ".error.txt"
        self.write(rel_err, (text + "\n").encode("utf-8"))
        err = CallError(rel_err, operation, code, text)
        (self.report.absent if ABSENT_CODES.get(_command_of(rel_json)) == code else self.report.errors).append(err)

    def pages(self, client: Any, method: str, kwargs: Mapping[str, Any]) -> list[dict[str, Any]]:
        if not client.can_paginate(method):
            self.report.calls += 1
            return [getattr(client, method)(**kwargs)]
        paginator = client.get_paginator(method)
        try:
            iterator = paginator.paginate(**kwargs, PaginationConfig={"PageSize": self.page_size}) \
                if self.page_size else paginator.paginate(**kwargs)
        except PaginationError:  # this operation takes no page size
            iterator = paginator.paginate(**kwargs)
        out = []
        for page in iterator:
            self.report.calls += 1
            out.append(page)
        return out

    def call(self, client: Any, rel: str, method: str, **kwargs: Any) -> dict[str, Any] | None:
        """Make one call (every page of it), save the response at ``rel`` (or the error next to it)."""
        try:
            pages = [_without_metadata(p) for p in self.pages(client, method, kwargs)]
        except (ClientError, BotoCoreError) as exc:  # recorded; the collection goes on
            self.record_error(rel, exc, method)
            return None
        merged = _merge_pages(pages)
        if len(pages) > 1 and _command_of(rel) in _PAGE_FOLDERS:
            for i, page in enumerate(pages, 1):
                self.write_json(f"{rel[: -len('.json')]}/page-{i:04d}.json", page)
        else:
            self.write_json(rel, merged if len(pages) > 1 else pages[0])
        return merged

    # ----- organization -----
    def organization(self, session: boto3.Session, region: str) -> list[dict[str, Any]]:
        """Collect ``organizations/``; return the organization's accounts ([] when it cannot be read)."""
        org = self.client(session, "organizations", region)
        try:
            self.report.calls += 1
            described = org.describe_organization()
            self.report.calls += 1
            roots = org.list_roots()
        except (ClientError, BotoCoreError) as exc:
            code = _error_code(exc)
            why = ("the account is not in an organization" if code == "AWSOrganizationsNotInUseException"
                   else f"this account cannot read it (not the management account or a delegated administrator?): {exc}")
            self.report.notes.append(f"organization not collected: {why}")
            return []
        self.report.organization_collected = True
        self.write_json("organizations/describe-organization.json", _without_metadata(described))
        self.write_json("organizations/list-roots.json", _without_metadata(roots))
        accounts = (self.call(org, "organizations/list-accounts.json", "list_accounts") or {}).get("Accounts", [])
        todo = [r["Id"] for r in roots.get("Roots", [])]
        while todo:
            parent = todo.pop(0)
            ous = self.call(org, f"organizations/list-organizational-units-for-parent/{escape_id(parent)}.json",
                            "list_organizational_units_for_parent", ParentId=parent)
            todo.extend(ou["Id"] for ou in (ous or {}).get("OrganizationalUnits", []))
            self.call(org, f"organizations/list-accounts-for-parent/{escape_id(parent)}.json",
                      "list_accounts_for_parent", ParentId=parent)
        enabled = {t["Type"] for r in roots.get("Roots", []) for t in r.get("PolicyTypes", [])
                   if t.get("Status") == "ENABLED"}
        for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
            if ptype not in enabled:
                continue
            listed = self.call(org, f"organizations/list-policies/{ptype}.json", "list_policies", Filter=ptype)
            for pol in (listed or {}).get("Policies", []):
                pid = escape_id(pol["Id"])
                self.call(org, f"organizations/describe-policy/{pid}.json", "describe_policy", PolicyId=pol["Id"])
                self.call(org, f"organizations/list-targets-for-policy/{pid}.json", "list_targets_for_policy",
                          PolicyId=pol["Id"])
        return list(accounts)

    # ----- one account -----
    def account(self, session: boto3.Session, account_id: str, global_region: str, regions: Sequence[str]) -> None:
        base = f"accounts/{account_id}"
        self.iam(session, f"{base}/global/iam", global_region)
        self.step(f"{account_id} IAM")
        self.s3(session, f"{base}/global", account_id, global_region)
        self.step(f"{account_id} S3")
        for region in regions:
            r = f"{base}/regions/{region}"
            for service in _REGIONAL_STEPS:
                getattr(self, f"regional_{service}")(session, f"{r}/{service}", region)
                self.step(f"{account_id} {region} {service}")
        self.report.accounts.append(account_id)

    def iam(self, session: boto3.Session, d: str, region: str) -> None:
        iam = self.client(session, "iam", region)
        self.call(iam, f"{d}/get-account-authorization-details.json", "get_account_authorization_details")
        self.call(iam, f"{d}/get-account-password-policy.json", "get_account_password_policy")
        self.call(iam, f"{d}/get-account-summary.json", "get_account_summary")
        self.call(iam, f"{d}/list-virtual-mfa-devices.json", "list_virtual_mfa_devices")
        self.call(iam, f"{d}/list-server-certificates.json", "list_server_certificates")
        try:  # the report is generated asynchronously: ask, then wait until it is ready (at most ~2 minutes)
            for _ in range(60):
                self.report.calls += 1
                if iam.generate_credential_report().get("State") == "COMPLETE":
                    break
                _sleep(2.0)
            self.report.calls += 1
            content = iam.get_credential_report()["Content"]
            self.write(f"{d}/credential-report.csv", content if isinstance(content, bytes) else str(content).encode())
        except (ClientError, BotoCoreError) as exc:
            self.record_error(f"{d}/get-credential-report.json", exc, "get_credential_report")

    def s3(self, session: boto3.Session, g: str, account_id: str, region: str) -> None:
        s3 = self.client(session, "s3", region)
        listed = self.call(s3, f"{g}/s3api/list-buckets.json", "list_buckets")
        for bucket in (listed or {}).get("Buckets", []):
            name = bucket["Name"]
            # Calls go to the bucket's own region when the listing says it (saves S3's redirect).
            client = self.client(session, "s3", bucket.get("BucketRegion") or region)
            e = escape_id(name)
            for method in ("get_bucket_policy", "get_bucket_acl", "get_public_access_block",
                           "get_bucket_ownership_controls", "get_bucket_location"):
                self.call(client, f"{g}/s3api/{method.replace('_', '-')}/{e}.json", method, Bucket=name)
        self.call(self.client(session, "s3control", region), f"{g}/s3control/get-public-access-block.json",
                  "get_public_access_block", AccountId=account_id)

    def regional_kms(self, session: boto3.Session, d: str, region: str) -> None:
        kms = self.client(session, "kms", region)
        keys = self.call(kms, f"{d}/list-keys.json", "list_keys")
        self.call(kms, f"{d}/list-aliases.json", "list_aliases")
        for key in (keys or {}).get("Keys", []):
            kid = key["KeyId"]
            self.call(kms, f"{d}/describe-key/{escape_id(kid)}.json", "describe_key", KeyId=kid)
            self.call(kms, f"{d}/get-key-policy/{escape_id(kid)}.json", "get_key_policy", KeyId=kid, PolicyName="default")
            self.call(kms, f"{d}/list-grants/{escape_id(kid)}.json", "list_grants", KeyId=kid)

    def regional_sqs(self, session: boto3.Session, d: str, region: str) -> None:
        sqs = self.client(session, "sqs", region)
        queues = self.call(sqs, f"{d}/list-queues.json", "list_queues")
        for url in (queues or {}).get("QueueUrls", []):
            self.call(sqs, f"{d}/get-queue-attributes/{escape_id(url.rsplit('/', 1)[-1])}.json", "get_queue_attributes",
                      QueueUrl=url, AttributeNames=["Policy", "QueueArn"])

    def regional_sns(self, session: boto3.Session, d: str, region: str) -> None:
        sns = self.client(session, "sns", region)
        topics = self.call(sns, f"{d}/list-topics.json", "list_topics")
        for topic in (topics or {}).get("Topics", []):
            arn = topic["TopicArn"]
            self.call(sns, f"{d}/get-topic-attributes/{escape_id(arn.rsplit(':', 1)[-1])}.json", "get_topic_attributes",
                      TopicArn=arn)

    def regional_lambda(self, session: boto3.Session, d: str, region: str) -> None:
        lam = self.client(session, "lambda", region)
        functions = self.call(lam, f"{d}/list-functions.json", "list_functions")
        for fn in (functions or {}).get("Functions", []):
            name = fn["FunctionName"]
            self.call(lam, f"{d}/get-policy/{escape_id(name)}.json", "get_policy", FunctionName=name)

    def regional_secretsmanager(self, session: boto3.Session, d: str, region: str) -> None:
        sm = self.client(session, "secretsmanager", region)
        secrets = self.call(sm, f"{d}/list-secrets.json", "list_secrets")
        for secret in (secrets or {}).get("SecretList", []):
            # The ARN, not the name: a name can be taken for a partial ARN of another secret.
            self.call(sm, f"{d}/get-resource-policy/{escape_id(secret['Name'])}.json", "get_resource_policy",
                      SecretId=secret["ARN"])

    def regional_ecr(self, session: boto3.Session, d: str, region: str) -> None:
        ecr = self.client(session, "ecr", region)
        repos = self.call(ecr, f"{d}/describe-repositories.json", "describe_repositories")
        for repo in (repos or {}).get("repositories", []):
            name = repo["repositoryName"]
            self.call(ecr, f"{d}/get-repository-policy/{escape_id(name)}.json", "get_repository_policy",
                      repositoryName=name, registryId=repo["registryId"])

    def regional_accessanalyzer(self, session: boto3.Session, d: str, region: str) -> None:
        self.call(self.client(session, "accessanalyzer", region), f"{d}/list-analyzers.json", "list_analyzers")


_sleep = time.sleep  # replaced in tests


def _enabled_regions(c: _Collector, region: str) -> list[str]:
    try:
        c.report.calls += 1
        resp = c.client(c.session, "ec2", region).describe_regions()
        return sorted(r["RegionName"] for r in resp["Regions"])
    except (ClientError, BotoCoreError) as exc:
        c.report.notes.append(f"could not list the enabled regions ({exc}); collected {region} only")
        return [region]


def _member_session(c: _Collector, account_id: str, role_arn: str, region: str) -> boto3.Session | None:
    import boto3
    try:
        c.report.calls += 1
        creds = c.client(c.session, "sts", region).assume_role(
            RoleArn=role_arn, RoleSessionName="accessgraph-collect")["Credentials"]
    except (ClientError, BotoCoreError) as exc:
        c.report.notes.append(f"account {account_id} not collected: cannot assume {role_arn}: {exc}")
        return None
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=region)


def collect(session: boto3.Session, out_dir: str | PathLike[str], regions: Iterable[str] | None = None,
            progress: ProgressCallback | None = None, *, member_role: str | None = None,
            page_size: int | None = None) -> CollectReport:
    """Write a snapshot of the session's account (and its organization, when the account may read it).

    ``out_dir`` must be new or empty. ``regions`` defaults to the regions enabled in the account
    (``ec2:DescribeRegions``). ``member_role``: a role name (e.g. ``OrganizationAccountAccessRole``) assumed in
    every other active account of the organization to collect it too. ``page_size`` asks each paginated call
    for pages of that many items (tests use it; AWS's defaults are fine otherwise).
    ``progress(done, total, step)`` is called after each step.

    Returns a :class:`CollectReport`; failed calls never raise (see the module documentation).
    """
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty directory")
    if isinstance(regions, str):  # one region given as a string, not its characters
        regions = [regions]
    c = _Collector(session, out, page_size, progress)
    region = session.region_name or "us-east-1"

    # Bad credentials raise here, before anything is written.
    identity = c.client(session, "sts", region).get_caller_identity()
    c.report.calls += 1
    out.mkdir(parents=True, exist_ok=True)
    account_id = identity["Account"]
    c.report.collector_account_id = account_id
    c.report.partition = identity["Arn"].split(":")[1]
    chosen = list(dict.fromkeys(regions)) if regions is not None else _enabled_regions(c, region)
    if not chosen:
        raise ValueError("no region to collect")
    c.report.regions = chosen
    # Global services (IAM, Organizations, S3 listings) are called through the first collected region, which
    # is in the session's partition.
    global_region = session.region_name or chosen[0]

    per_account = 2 + len(_REGIONAL_STEPS) * len(chosen)
    c.total = 1 + per_account
    members = [a for a in c.organization(session, global_region)
               if a.get("Id") != account_id and (a.get("State") or a.get("Status")) == "ACTIVE"]
    c.step("organization")
    if member_role is not None and members:
        c.total += per_account * len(members)
    c.account(session, account_id, global_region, chosen)
    if member_role is not None:
        if not c.report.organization_collected:
            c.report.notes.append("member accounts not collected: the organization could not be read")
        for a in members:
            role_arn = f"arn:{c.report.partition}:iam::{a['Id']}:role/{member_role}"
            member = _member_session(c, a["Id"], role_arn, global_region)
            if member is None:
                c.done += per_account - 1
                c.step(f"{a['Id']} skipped")
                continue
            c.account(member, a["Id"], global_region, chosen)

    c.write_json("manifest.json", {
        "format_version": 1,
        "collected_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "partition": c.report.partition,
        "collector_account_id": account_id,
        "regions": chosen,
    })
    return c.report
