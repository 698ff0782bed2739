"""Synthetic AWS organizations, written as snapshots (``shared/snapshot/LAYOUT.md``).

:func:`write_synthetic_org` writes a complete, seeded organization of any size for scale tests::

    from accessgraph.synth import write_synthetic_org
    counts = write_synthetic_org("/tmp/org", accounts=50, seed=7)

The same arguments always give byte-identical files: every random choice comes from
``random.Random`` seeded from ``seed`` (one derived seed per account, so the result does not depend
on how many worker processes write it), every timestamp is derived from the fixed collection time
:data:`COLLECTED_AT`, and nothing iterates a ``set``.

The first half of the module renders single AWS CLI responses (IAM, Organizations, S3, KMS, SQS, SNS,
Lambda, Secrets Manager, ECR) exactly as ``aws ... --output json`` prints them; the hand-written
example organization (``scripts/make_example_org.py``) uses the same renderers.
"""

from __future__ import annotations

import base64
import calendar
import functools
import hashlib
import importlib.resources
import json
import multiprocessing
import os
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

__all__ = [
    "COLLECTED_AT",
    "CREDENTIAL_REPORT_FIELDS",
    "write_synthetic_org",
]

JSON = dict[str, Any]
Doc = Mapping[str, Any]

#: Collection time written to ``manifest.json``; every other timestamp lies before it.
COLLECTED_AT = "2026-11-20T09:30:00Z"
COLLECTED_EPOCH = 1795167000  # COLLECTED_AT as Unix seconds
DAY = 86400

#: Columns of the IAM credential report, in AWS's order (IAM UG, "Getting credential reports").
CREDENTIAL_REPORT_FIELDS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
)

_SAFE_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


# --------------------------------------------------------------------------------------------------
# Small value helpers
# --------------------------------------------------------------------------------------------------

def escape_id(name: str) -> str:
    """File name of a per-resource id (LAYOUT.md "Escaping"): UTF-8 bytes outside ``A-Za-z0-9._-``
    and a leading ``.`` become ``%XX``."""
    out = []
    for i, b in enumerate(name.encode("utf-8")):
        if b in _SAFE_BYTES and not (i == 0 and b == 0x2E):
            out.append(chr(b))
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def iso(epoch: int) -> str:
    """``2025-10-01T08:00:00+00:00``: AWS CLI v2 / boto3 timestamps, credential report."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


def iso_z(epoch: int) -> str:
    """``2025-10-01T08:00:00Z``: query-protocol timestamps as AWS CLI v1 prints them."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def ago(days: float, at: int = COLLECTED_EPOCH) -> int:
    """Unix seconds ``days`` before the collection time."""
    return int(at - days * DAY)


def compact(doc: Doc) -> str:
    """A policy as S3, SQS, SNS and Lambda return it: minified JSON text."""
    return json.dumps(doc, separators=(",", ":"))


def pretty(doc: Doc) -> str:
    """A policy as Secrets Manager returns it (two-space indentation)."""
    return json.dumps(doc, indent=2)


def console_style(doc: Doc) -> str:
    """A policy as the KMS and ECR consoles write it (``"Key" : value``)."""
    return json.dumps(doc, indent=2, separators=(",", " : "))


def policy(*statements: Doc, id: Optional[str] = None, version: str = "2012-10-17") -> JSON:
    doc: JSON = {"Version": version}
    if id is not None:
        doc["Id"] = id
    doc["Statement"] = list(statements)
    return doc


def statement(effect: str, principal: Any, action: Union[str, Sequence[str], None], resource: Any = None,
              condition: Optional[Doc] = None, sid: Optional[str] = None,
              not_action: Optional[Sequence[str]] = None) -> JSON:
    """One policy statement; ``principal`` None leaves Principal out (identity policies, SCPs)."""
    st: JSON = {}
    if sid is not None:
        st["Sid"] = sid
    st["Effect"] = effect
    if principal is not None:
        st["Principal"] = principal
    if action is not None:
        st["Action"] = action if isinstance(action, str) else list(action)
    if not_action is not None:
        st["NotAction"] = list(not_action)
    if resource is not None:
        st["Resource"] = resource
    if condition:
        st["Condition"] = dict(condition)
    return st


def root_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def rand_iam_id(rng: random.Random, prefix: str) -> str:
    """``AIDA``/``AROA``/``AGPA``/``ANPA`` followed by 17 base-32 characters, like IAM unique ids."""
    bits = rng.getrandbits(85)
    return prefix + "".join(_B32[(bits >> (5 * i)) & 31] for i in range(17))


def stable_iam_id(prefix: str, name: str) -> str:
    """A fixed IAM id for a name (AWS managed policies have one id in every account)."""
    digest = base64.b32encode(hashlib.sha1(name.encode()).digest()).decode()
    return prefix + digest[:17]


def rand_token(rng: random.Random, n: int, alphabet: str = _LOWER_ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def rand_hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def rand_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --------------------------------------------------------------------------------------------------
# AWS managed policies (package data)
# --------------------------------------------------------------------------------------------------

#: Paths of the AWS managed policies this module attaches (the package data is keyed by name only).
AWS_MANAGED_PATHS: dict[str, str] = {
    "AdministratorAccess": "/",
    "PowerUserAccess": "/",
    "ViewOnlyAccess": "/job-function/",
    "Billing": "/job-function/",
    "DatabaseAdministrator": "/job-function/",
    "NetworkAdministrator": "/job-function/",
    "SystemAdministrator": "/job-function/",
    "DataScientist": "/job-function/",
    "AmazonS3ReadOnlyAccess": "/",
    "AmazonS3FullAccess": "/",
    "IAMReadOnlyAccess": "/",
    "AmazonEC2ReadOnlyAccess": "/",
    "AmazonSQSFullAccess": "/",
    "AmazonSNSReadOnlyAccess": "/",
    "AmazonDynamoDBReadOnlyAccess": "/",
    "AmazonRDSReadOnlyAccess": "/",
    "CloudWatchLogsFullAccess": "/",
    "AWSSupportAccess": "/",
    "AWSCloudShellFullAccess": "/",
    "AWSLambda_FullAccess": "/",
    "AmazonAthenaFullAccess": "/",
    "AWSCodeBuildDeveloperAccess": "/",
    "AmazonEC2ContainerRegistryReadOnly": "/",
    "AmazonEC2ContainerRegistryPowerUser": "/",
    "AmazonSSMManagedInstanceCore": "/",
    "AWSLambdaBasicExecutionRole": "/service-role/",
    "AWSLambdaVPCAccessExecutionRole": "/service-role/",
    "AmazonECSTaskExecutionRolePolicy": "/service-role/",
    "AWSGlueServiceRole": "/service-role/",
    "AWSOrganizationsServiceTrustPolicy": "/aws-service-role/",
    "AWSSSOServiceRolePolicy": "/aws-service-role/",
    "AWSTrustedAdvisorServiceRolePolicy": "/aws-service-role/",
    "AccessAnalyzerServiceRolePolicy": "/aws-service-role/",
    "AutoScalingServiceRolePolicy": "/aws-service-role/",
    "AWSElasticLoadBalancingServiceRolePolicy": "/aws-service-role/",
    "AmazonECSServiceRolePolicy": "/aws-service-role/",
}

#: Service-linked roles: name -> (service principal, AWS managed policy).
SERVICE_LINKED_ROLES: dict[str, tuple[str, str]] = {
    "AWSServiceRoleForOrganizations": ("organizations.amazonaws.com", "AWSOrganizationsServiceTrustPolicy"),
    "AWSServiceRoleForSSO": ("sso.amazonaws.com", "AWSSSOServiceRolePolicy"),
    "AWSServiceRoleForTrustedAdvisor": ("trustedadvisor.amazonaws.com", "AWSTrustedAdvisorServiceRolePolicy"),
    "AWSServiceRoleForAccessAnalyzer": ("access-analyzer.amazonaws.com", "AccessAnalyzerServiceRolePolicy"),
    "AWSServiceRoleForAutoScaling": ("autoscaling.amazonaws.com", "AutoScalingServiceRolePolicy"),
    "AWSServiceRoleForElasticLoadBalancing": ("elasticloadbalancing.amazonaws.com",
                                              "AWSElasticLoadBalancingServiceRolePolicy"),
    "AWSServiceRoleForECS": ("ecs.amazonaws.com", "AmazonECSServiceRolePolicy"),
}


@functools.lru_cache(maxsize=1)
def managed_policies() -> dict[str, JSON]:
    """``aws-managed-policies.json``: policy name -> ``{"Document", "VersionId", "CreateDate"}``."""
    if __package__:
        text = (importlib.resources.files(__package__) / "data" / "aws-managed-policies.json").read_text("utf-8")
    else:  # loaded from a source tree by file path (scripts/make_example_org.py)
        text = (Path(__file__).resolve().parent / "data" / "aws-managed-policies.json").read_text("utf-8")
    data: dict[str, JSON] = json.loads(text)
    return data


def aws_managed_arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy{AWS_MANAGED_PATHS[name]}{name}"


def _aws_date(text: str) -> int:
    return calendar.timegm(time.strptime(text.replace("Z", ""), "%Y-%m-%dT%H:%M:%S"))


# --------------------------------------------------------------------------------------------------
# Writing files
# --------------------------------------------------------------------------------------------------

class SnapshotWriter:
    """Writes files under a snapshot root and counts them."""

    def __init__(self, root: Union[str, os.PathLike[str]]) -> None:
        self.root = os.fspath(root)
        self.files = 0
        self.bytes = 0
        self._dirs: set[str] = set()  # membership only, never iterated

    def text(self, rel: str, text: str) -> None:
        path = os.path.join(self.root, rel)
        folder = os.path.dirname(path)
        if folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        data = text.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        self.files += 1
        self.bytes += len(data)

    def json(self, rel: str, obj: Any) -> None:
        """One CLI response, as ``--output json`` prints it (4-space indentation, non-ASCII kept)."""
        self.text(rel, json.dumps(obj, indent=4, ensure_ascii=False) + "\n")

    def error(self, rel_json: str, code: str, operation: str, message: str) -> None:
        """The saved stderr of a failed call, next to where its ``.json`` would be."""
        self.text(rel_json[:-len(".json")] + ".error.txt",
                  f"An error occurred ({code}) when calling the {operation} operation: {message}\n")


@dataclass(frozen=True)
class CliStyle:
    """How one collector printed timestamps: AWS CLI v2 (ISO 8601 everywhere) or v1 (JSON-protocol
    services — KMS, Organizations, Secrets Manager, ECR — as epoch seconds, others as sent)."""

    v1: bool = False

    def query(self, epoch: int) -> str:  # IAM, STS: XML protocol
        return iso_z(epoch) if self.v1 else iso(epoch)

    def json_protocol(self, epoch: int) -> Union[str, float]:  # KMS, Organizations, Secrets Manager, ECR
        return epoch + 0.123 if self.v1 else iso(epoch)

    def s3(self, epoch: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch)) if self.v1 else iso(epoch)


def write_manifest(w: SnapshotWriter, collector_account_id: str, regions: Sequence[str],
                   collected_at: str = COLLECTED_AT) -> None:
    w.json("manifest.json", {"format_version": 1, "collected_at": collected_at, "partition": "aws",
                             "collector_account_id": collector_account_id, "regions": list(regions)})


# --------------------------------------------------------------------------------------------------
# Organizations
# --------------------------------------------------------------------------------------------------

FULL_AWS_ACCESS = "p-FullAWSAccess"
RCP_FULL_AWS_ACCESS = "p-RCPFullAWSAccess"
_POLICY_TYPE_PATH = {"SERVICE_CONTROL_POLICY": "service_control_policy",
                     "RESOURCE_CONTROL_POLICY": "resource_control_policy"}


@dataclass
class OrgAccount:
    id: str
    name: str
    email: str
    parent: str
    joined_method: str = "CREATED"
    joined: int = 0


@dataclass
class OrgUnit:
    id: str
    name: str
    parent: str


@dataclass
class OrgPolicy:
    id: str
    name: str
    description: str
    type: str  # SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY
    content: str
    targets: list[str] = field(default_factory=list)
    aws_managed: bool = False


def aws_managed_org_policies(targets: Sequence[str]) -> list[OrgPolicy]:
    """FullAWSAccess and RCPFullAWSAccess, attached (as AWS does by default) to every target."""
    scp = policy(statement("Allow", None, "*", "*"))
    rcp = policy(statement("Allow", "*", "*", "*"))
    return [
        OrgPolicy(FULL_AWS_ACCESS, "FullAWSAccess", "Allows access to every operation", "SERVICE_CONTROL_POLICY",
                  json.dumps(scp, indent=4), list(targets), aws_managed=True),
        OrgPolicy(RCP_FULL_AWS_ACCESS, "RCPFullAWSAccess", "Allows access to every operation",
                  "RESOURCE_CONTROL_POLICY", json.dumps(rcp, indent=4), list(targets), aws_managed=True),
    ]


def write_organization(w: SnapshotWriter, *, org_id: str, root_id: str, management: OrgAccount,
                       units: Sequence[OrgUnit], accounts: Sequence[OrgAccount], policies: Sequence[OrgPolicy],
                       style: CliStyle = CliStyle()) -> None:
    """Every ``organizations/`` file of LAYOUT.md (``list-targets-for-policy`` form)."""
    mgmt = management.id
    base = f"arn:aws:organizations::{mgmt}"
    enabled = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
               {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"}]
    w.json("organizations/describe-organization.json", {"Organization": {
        "Id": org_id, "Arn": f"{base}:organization/{org_id}", "FeatureSet": "ALL",
        "MasterAccountArn": f"{base}:account/{org_id}/{mgmt}", "MasterAccountId": mgmt,
        "MasterAccountEmail": management.email, "AvailablePolicyTypes": enabled[:1]}})
    w.json("organizations/list-roots.json", {"Roots": [
        {"Id": root_id, "Arn": f"{base}:root/{org_id}/{root_id}", "Name": "Root", "PolicyTypes": enabled}]})

    def account_entry(a: OrgAccount) -> JSON:
        return {"Id": a.id, "Arn": f"{base}:account/{org_id}/{a.id}", "Email": a.email, "Name": a.name,
                "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": a.joined_method,
                "JoinedTimestamp": style.json_protocol(a.joined)}

    def unit_entry(u: OrgUnit) -> JSON:
        return {"Id": u.id, "Arn": f"{base}:ou/{org_id}/{u.id}", "Name": u.name}

    w.json("organizations/list-accounts.json", {"Accounts": [account_entry(a) for a in accounts]})
    children_units: dict[str, list[OrgUnit]] = {root_id: []}
    children_accounts: dict[str, list[OrgAccount]] = {root_id: []}
    for u in units:
        children_units.setdefault(u.id, [])
        children_accounts.setdefault(u.id, [])
    for u in units:
        children_units[u.parent].append(u)
    for a in accounts:
        children_accounts[a.parent].append(a)
    for parent in [root_id] + [u.id for u in units]:
        w.json(f"organizations/list-organizational-units-for-parent/{escape_id(parent)}.json",
               {"OrganizationalUnits": [unit_entry(u) for u in children_units[parent]]})
        w.json(f"organizations/list-accounts-for-parent/{escape_id(parent)}.json",
               {"Accounts": [account_entry(a) for a in children_accounts[parent]]})

    target_info: dict[str, tuple[str, str, str]] = {root_id: ("Root", f"{base}:root/{org_id}/{root_id}", "ROOT")}
    for u in units:
        target_info[u.id] = (u.name, f"{base}:ou/{org_id}/{u.id}", "ORGANIZATIONAL_UNIT")
    for a in accounts:
        target_info[a.id] = (a.name, f"{base}:account/{org_id}/{a.id}", "ACCOUNT")

    def summary(p: OrgPolicy) -> JSON:
        kind = _POLICY_TYPE_PATH[p.type]
        arn = (f"arn:aws:organizations::aws:policy/{kind}/{p.id}" if p.aws_managed
               else f"{base}:policy/{org_id}/{kind}/{p.id}")
        return {"Id": p.id, "Arn": arn, "Name": p.name, "Description": p.description, "Type": p.type,
                "AwsManaged": p.aws_managed}

    for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        w.json(f"organizations/list-policies/{ptype}.json",
               {"Policies": [summary(p) for p in policies if p.type == ptype]})
    for p in policies:
        w.json(f"organizations/describe-policy/{escape_id(p.id)}.json",
               {"Policy": {"PolicySummary": summary(p), "Content": p.content}})
        targets = []
        for t in p.targets:
            name, arn, kind = target_info[t]
            targets.append({"TargetId": t, "Arn": arn, "Name": name, "Type": kind})
        w.json(f"organizations/list-targets-for-policy/{escape_id(p.id)}.json", {"Targets": targets})


# --------------------------------------------------------------------------------------------------
# IAM
# --------------------------------------------------------------------------------------------------

def attached(name: str, arn: str) -> JSON:
    return {"PolicyName": name, "PolicyArn": arn}


def boundary(arn: str) -> JSON:
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


def inline(name: str, doc: Doc) -> JSON:
    return {"PolicyName": name, "PolicyDocument": doc}


@dataclass
class AccessKey:
    active: bool
    created: int
    last_used: Optional[int] = None
    region: str = "us-east-1"
    service: str = "s3"


@dataclass
class Credentials:
    """What the credential report says about one IAM user (or the root user)."""

    password: bool = False
    password_last_used: Optional[int] = None  # None with a password: "no_information"
    password_changed: Optional[int] = None
    mfa: bool = False
    keys: list[AccessKey] = field(default_factory=list)


def credential_row(user: str, arn: str, created: int, c: Credentials, *, root: bool = False,
                   password_max_age: Optional[int] = None) -> list[str]:
    def t(epoch: Optional[int], none: str = "N/A") -> str:
        return none if epoch is None else iso(epoch)

    if root:
        row = [user, arn, iso(created), "not_supported", t(c.password_last_used, "no_information"),
               "not_supported", "not_supported"]
    elif c.password:
        changed = c.password_changed if c.password_changed is not None else created
        rotation = iso(changed + password_max_age * DAY) if password_max_age else "N/A"
        row = [user, arn, iso(created), "true", t(c.password_last_used, "no_information"), iso(changed), rotation]
    else:
        row = [user, arn, iso(created), "false", "N/A", "N/A", "N/A"]
    row.append("true" if c.mfa else "false")
    for i in range(2):
        if i < len(c.keys):
            k = c.keys[i]
            used = k.last_used is not None
            row += ["true" if k.active else "false", iso(k.created), t(k.last_used),
                    k.region if used else "N/A", k.service if used else "N/A"]
        else:
            row += ["false", "N/A", "N/A", "N/A", "N/A"]
    row += ["false", "N/A", "false", "N/A"]
    return row


def credential_report(rows: Iterable[Sequence[str]]) -> str:
    lines = [",".join(CREDENTIAL_REPORT_FIELDS)]
    lines += [",".join(r) for r in rows]
    return "\n".join(lines)  # AWS's CSV has no trailing newline


def account_summary(*, users: int, groups: int, roles: int, policies: int, mfa_devices: int,
                    mfa_in_use: int, root_mfa: bool, root_keys: bool, server_certificates: int = 0,
                    instance_profiles: int = 0, providers: int = 0, policy_versions: int = 0) -> JSON:
    return {"SummaryMap": {
        "GroupPolicySizeQuota": 5120, "InstanceProfilesQuota": 1000, "Policies": policies,
        "GroupsPerUserQuota": 10, "InstanceProfiles": instance_profiles, "AttachedPoliciesPerUserQuota": 10,
        "Users": users, "PoliciesQuota": 1500, "Providers": providers, "AccountMFAEnabled": int(root_mfa),
        "AccessKeysPerUserQuota": 2, "AssumeRolePolicySizeQuota": 2048, "PolicyVersionsInUseQuota": 10000,
        "GlobalEndpointTokenVersion": 1, "VersionsPerPolicyQuota": 5, "AttachedPoliciesPerGroupQuota": 10,
        "PolicySizeQuota": 6144, "Groups": groups, "AccountSigningCertificatesPresent": 0, "UsersQuota": 5000,
        "ServerCertificatesQuota": 20, "MFADevices": mfa_devices, "UserPolicySizeQuota": 2048,
        "PolicyVersionsInUse": policy_versions, "ServerCertificates": server_certificates, "Roles": roles,
        "RolesQuota": 1000, "SigningCertificatesPerUserQuota": 2, "MFADevicesInUse": mfa_in_use,
        "RolePolicySizeQuota": 10240, "AttachedPoliciesPerRoleQuota": 10,
        "AccountAccessKeysPresent": int(root_keys), "GroupsQuota": 300}}


def password_policy(*, length: int, reuse: Optional[int], max_age: Optional[int] = None, symbols: bool = True,
                    numbers: bool = True, upper: bool = True, lower: bool = True, hard_expiry: bool = False) -> JSON:
    p: JSON = {"MinimumPasswordLength": length, "RequireSymbols": symbols, "RequireNumbers": numbers,
               "RequireUppercaseCharacters": upper, "RequireLowercaseCharacters": lower,
               "AllowUsersToChangePassword": True, "ExpirePasswords": max_age is not None}
    if max_age is not None:
        p["MaxPasswordAge"] = max_age
    if reuse is not None:
        p["PasswordReusePrevention"] = reuse
    p["HardExpiry"] = hard_expiry
    return {"PasswordPolicy": p}


class IamAccount:
    """Collects one account's IAM entities and writes ``global/iam/``."""

    def __init__(self, account: str, style: CliStyle = CliStyle()) -> None:
        self.account = account
        self.style = style
        self.users: list[JSON] = []
        self.groups: list[JSON] = []
        self.roles: list[JSON] = []
        self.local_policies: list[JSON] = []
        self.credentials: list[tuple[str, str, int, Credentials]] = []
        self.mfa_devices: list[JSON] = []
        self._aws_used: dict[str, None] = {}  # ordered set of AWS managed policy names

    # -- entities ---------------------------------------------------------------------------------
    def arn(self, kind: str, name: str, path: str = "/") -> str:
        return f"arn:aws:iam::{self.account}:{kind}{path}{name}"

    def policy_ref(self, name: str) -> JSON:
        """An attachment of an AWS managed policy (``AWS_MANAGED_PATHS``) or a customer policy."""
        if name in AWS_MANAGED_PATHS:
            self._aws_used[name] = None
            return attached(name, aws_managed_arn(name))
        for p in self.local_policies:
            if p["PolicyName"] == name:
                return attached(name, p["Arn"])
        raise KeyError(f"unknown managed policy {name!r} in {self.account}")

    def customer_policy(self, name: str, doc: Doc, *, created: int, path: str = "/", description: str = "",
                        policy_id: str, older: Sequence[tuple[Doc, int]] = ()) -> str:
        """A customer managed policy whose default version ``doc`` dates from ``created``; ``older``
        lists earlier, non-default versions (document, date), oldest first. IAM lists the newest first."""
        default_id = f"v{len(older) + 1}"
        versions = [{"Document": doc, "VersionId": default_id, "IsDefaultVersion": True,
                     "CreateDate": self.style.query(created)}]
        for i in range(len(older) - 1, -1, -1):
            odoc, when = older[i]
            versions.append({"Document": odoc, "VersionId": f"v{i + 1}", "IsDefaultVersion": False,
                             "CreateDate": self.style.query(when)})
        entry: JSON = {"PolicyName": name, "PolicyId": policy_id, "Arn": self.arn("policy", name, path),
                       "Path": path, "DefaultVersionId": default_id, "AttachmentCount": 0,
                       "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
                       "CreateDate": self.style.query(older[0][1] if older else created),
                       "UpdateDate": self.style.query(created), "PolicyVersionList": versions}
        if description:
            entry["Description"] = description
        self.local_policies.append(entry)
        return str(entry["Arn"])

    def user(self, name: str, *, user_id: str, created: int, groups: Sequence[str] = (),
             policies: Sequence[str] = (), inline_policies: Sequence[JSON] = (), boundary_arn: Optional[str] = None,
             path: str = "/", creds: Optional[Credentials] = None, tags: Sequence[JSON] = ()) -> str:
        arn = self.arn("user", name, path)
        u: JSON = {"Path": path, "UserName": name, "UserId": user_id, "Arn": arn,
                   "CreateDate": self.style.query(created), "UserPolicyList": list(inline_policies),
                   "GroupList": list(groups), "AttachedManagedPolicies": [self.policy_ref(p) for p in policies]}
        if boundary_arn:
            u["PermissionsBoundary"] = boundary(boundary_arn)
        u["Tags"] = list(tags)
        self.users.append(u)
        self.credentials.append((name, arn, created, creds or Credentials()))
        return arn

    def group(self, name: str, *, group_id: str, created: int, policies: Sequence[str] = (),
              inline_policies: Sequence[JSON] = (), path: str = "/") -> str:
        arn = self.arn("group", name, path)
        self.groups.append({"Path": path, "GroupName": name, "GroupId": group_id, "Arn": arn,
                            "CreateDate": self.style.query(created), "GroupPolicyList": list(inline_policies),
                            "AttachedManagedPolicies": [self.policy_ref(p) for p in policies]})
        return arn

    def role(self, name: str, trust: Doc, *, role_id: str, created: int, policies: Sequence[str] = (),
             inline_policies: Sequence[JSON] = (), boundary_arn: Optional[str] = None, path: str = "/",
             description: Optional[str] = None, max_session: int = 3600, instance_profile: Optional[str] = None,
             last_used: Optional[tuple[int, str]] = None, tags: Sequence[JSON] = ()) -> str:
        arn = self.arn("role", name, path)
        r: JSON = {"Path": path, "RoleName": name, "RoleId": role_id, "Arn": arn,
                   "CreateDate": self.style.query(created), "AssumeRolePolicyDocument": trust}
        if description is not None:
            r["Description"] = description
        r["MaxSessionDuration"] = max_session
        profiles = []
        if instance_profile:
            profiles.append({"Path": "/", "InstanceProfileName": instance_profile,
                             "InstanceProfileId": "AIPA" + role_id[4:],
                             "Arn": self.arn("instance-profile", instance_profile),
                             "CreateDate": self.style.query(created), "Roles": []})
        r["InstanceProfileList"] = profiles
        r["RolePolicyList"] = list(inline_policies)
        r["AttachedManagedPolicies"] = [self.policy_ref(p) for p in policies]
        if boundary_arn:
            r["PermissionsBoundary"] = boundary(boundary_arn)
        r["Tags"] = list(tags)
        r["RoleLastUsed"] = ({"LastUsedDate": self.style.query(last_used[0]), "Region": last_used[1]}
                             if last_used else {})
        self.roles.append(r)
        return arn

    def service_linked_role(self, name: str, *, role_id: str, created: int,
                            last_used: Optional[tuple[int, str]] = None) -> str:
        service, pol = SERVICE_LINKED_ROLES[name]
        trust = policy(statement("Allow", {"Service": service}, "sts:AssumeRole"))
        return self.role(name, trust, role_id=role_id, created=created, policies=[pol],
                         path=f"/aws-service-role/{service}/", last_used=last_used,
                         description=f"Service-linked role for {service.split('.')[0]}")

    def virtual_mfa(self, user_name: Optional[str], user_id: str, created: int, enabled: int) -> None:
        """A virtual MFA device (``user_name`` None: the root user's)."""
        if user_name is None:
            serial = f"arn:aws:iam::{self.account}:mfa/root-account-mfa-device"
            user: JSON = {"Arn": root_arn(self.account), "UserId": self.account,
                          "CreateDate": self.style.query(created)}
        else:
            serial = f"arn:aws:iam::{self.account}:mfa/{user_name}"
            user = {"Path": "/", "UserName": user_name, "UserId": user_id,
                    "Arn": self.arn("user", user_name), "CreateDate": self.style.query(created)}
        self.mfa_devices.append({"SerialNumber": serial, "User": user, "EnableDate": self.style.query(enabled)})

    # -- output -----------------------------------------------------------------------------------
    def _count_attachments(self) -> dict[str, tuple[int, int]]:
        counts: dict[str, list[int]] = {}
        for kind in (self.users, self.groups, self.roles):
            for e in kind:
                for a in e["AttachedManagedPolicies"]:
                    counts.setdefault(a["PolicyArn"], [0, 0])[0] += 1
                if "PermissionsBoundary" in e:
                    counts.setdefault(e["PermissionsBoundary"]["PermissionsBoundaryArn"], [0, 0])[1] += 1
        return {k: (v[0], v[1]) for k, v in counts.items()}

    def policies(self) -> list[JSON]:
        """``Policies`` of get-account-authorization-details: customer managed ones, then the AWS
        managed policies attached in the account."""
        counts = self._count_attachments()
        out = []
        for p in self.local_policies:
            a, b = counts.get(p["Arn"], (0, 0))
            p["AttachmentCount"] = a
            p["PermissionsBoundaryUsageCount"] = b
            out.append(p)
        data = managed_policies()
        for name in self._aws_used:
            arn = aws_managed_arn(name)
            a, b = counts.get(arn, (0, 0))
            if a == 0 and b == 0:
                continue
            d = data[name]
            created = _aws_date(d["CreateDate"])
            out.append({"PolicyName": name, "PolicyId": stable_iam_id("ANPA", name), "Arn": arn,
                        "Path": AWS_MANAGED_PATHS[name], "DefaultVersionId": d["VersionId"], "AttachmentCount": a,
                        "PermissionsBoundaryUsageCount": b, "IsAttachable": True,
                        "CreateDate": self.style.query(created), "UpdateDate": self.style.query(created),
                        "PolicyVersionList": [{"Document": d["Document"], "VersionId": d["VersionId"],
                                               "IsDefaultVersion": True,
                                               "CreateDate": self.style.query(created)}]})
        return out

    def write(self, w: SnapshotWriter, *, root_created: int, root: Credentials,
              password: Optional[JSON], pages: int = 1, server_certificates: Sequence[JSON] = (),
              password_max_age: Optional[int] = None, root_virtual_mfa: bool = False) -> None:
        base = f"accounts/{self.account}/global/iam"
        pols = self.policies()
        details = {"UserDetailList": self.users, "GroupDetailList": self.groups, "RoleDetailList": self.roles,
                   "Policies": pols}
        if pages <= 1:
            w.json(f"{base}/get-account-authorization-details.json", {**details, "IsTruncated": False})
        else:
            # A boto3 page loop: each page holds a slice of every list, in order.
            for i in range(pages):
                page: JSON = {}
                for key, items in details.items():
                    n = (len(items) + pages - 1) // pages
                    page[key] = items[i * n:(i + 1) * n]
                last = i == pages - 1
                page["IsTruncated"] = not last
                if not last:
                    page["Marker"] = base64.b64encode(f"{self.account}:page:{i + 2}".encode()).decode()
                w.json(f"{base}/get-account-authorization-details/page-{i + 1:04d}.json", page)
        if password is None:
            w.error(f"{base}/get-account-password-policy.json", "NoSuchEntity", "GetAccountPasswordPolicy",
                    f"The Password Policy with domain name {self.account} cannot be found.")
        else:
            w.json(f"{base}/get-account-password-policy.json", password)
        mfa_in_use = sum(1 for _, _, _, c in self.credentials if c.mfa) + int(root.mfa)
        w.json(f"{base}/get-account-summary.json", account_summary(
            users=len(self.users), groups=len(self.groups), roles=len(self.roles), policies=len(self.local_policies),
            mfa_devices=len(self.mfa_devices) + int(root.mfa and not root_virtual_mfa), mfa_in_use=mfa_in_use,
            root_mfa=root.mfa, root_keys=bool(root.keys), server_certificates=len(server_certificates),
            instance_profiles=sum(len(r["InstanceProfileList"]) for r in self.roles),
            policy_versions=sum(len(p["PolicyVersionList"]) for p in self.local_policies)))
        rows = [credential_row("<root_account>", root_arn(self.account), root_created, root, root=True)]
        rows += [credential_row(n, a, c, cr, password_max_age=password_max_age) for n, a, c, cr in self.credentials]
        w.text(f"{base}/credential-report.csv", credential_report(rows))
        w.json(f"{base}/list-virtual-mfa-devices.json", {"VirtualMFADevices": self.mfa_devices, "IsTruncated": False})
        w.json(f"{base}/list-server-certificates.json",
               {"ServerCertificateMetadataList": list(server_certificates), "IsTruncated": False})


def server_certificate(account: str, name: str, cert_id: str, uploaded: int, expires: int,
                       style: CliStyle = CliStyle()) -> JSON:
    return {"Path": "/", "ServerCertificateName": name, "ServerCertificateId": cert_id,
            "Arn": f"arn:aws:iam::{account}:server-certificate/{name}", "UploadDate": style.query(uploaded),
            "Expiration": style.query(expires)}


# --------------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------------

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
BPA_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
           "RestrictPublicBuckets": True}
_AWS_KMS_ALIASES = ("acm", "dynamodb", "ebs", "elasticfilesystem", "lambda", "rds", "s3", "secretsmanager",
                    "sns", "sqs")


@dataclass
class _Region:
    keys: list[JSON] = field(default_factory=list)
    aliases: list[JSON] = field(default_factory=list)
    aws_aliases: dict[str, str] = field(default_factory=dict)  # alias -> key id of created AWS managed keys
    queues: list[str] = field(default_factory=list)
    topics: list[JSON] = field(default_factory=list)
    functions: list[JSON] = field(default_factory=list)
    secrets: list[JSON] = field(default_factory=list)
    repositories: list[JSON] = field(default_factory=list)
    analyzers: Optional[list[JSON]] = None
    empty_queue_listing: bool = False


class ResourceAccount:
    """One account's S3 buckets (``global/``) and regional resources. Per-resource files are written
    at once; :meth:`finish` writes the listings."""

    def __init__(self, w: SnapshotWriter, account: str, regions: Sequence[str], *, canonical_id: str,
                 style: CliStyle = CliStyle()) -> None:
        self.w = w
        self.account = account
        self.regions = list(regions)
        self.canonical_id = canonical_id
        self.style = style
        self.buckets: list[JSON] = []
        self.region: dict[str, _Region] = {r: _Region() for r in regions}
        self.g = f"accounts/{account}/global"
        self.resources = 0
        self.with_policy = 0

    def _r(self, region: str) -> str:
        return f"accounts/{self.account}/regions/{region}"

    def _count(self, has_policy: bool) -> None:
        self.resources += 1
        self.with_policy += int(has_policy)

    # -- S3 ---------------------------------------------------------------------------------------
    def account_public_access_block(self, config: Optional[Mapping[str, bool]]) -> None:
        path = f"{self.g}/s3control/get-public-access-block.json"
        if config is None:
            self.w.error(path, "NoSuchPublicAccessBlockConfiguration", "GetPublicAccessBlock",
                         "The public access block configuration was not found")
        else:
            self.w.json(path, {"PublicAccessBlockConfiguration": dict(config)})

    def bucket(self, name: str, region: str, *, created: int, policy_doc: Optional[Doc] = None,
               grants: Sequence[JSON] = (), bpa: Optional[Mapping[str, bool]] = None,
               ownership: Optional[str] = "BucketOwnerEnforced", location: Optional[str] = "auto",
               list_region: bool = True) -> None:
        """``grants`` are added after the owner's FULL_CONTROL; ``location`` "auto" derives
        LocationConstraint from the region (null for us-east-1), anything else is written as given."""
        entry: JSON = {"Name": name, "CreationDate": self.style.s3(created)}
        if list_region:
            entry["BucketRegion"] = region
        self.buckets.append(entry)
        g = f"{self.g}/s3api"
        if policy_doc is None:
            self.w.error(f"{g}/get-bucket-policy/{escape_id(name)}.json", "NoSuchBucketPolicy", "GetBucketPolicy",
                         "The bucket policy does not exist")
        else:
            self.w.json(f"{g}/get-bucket-policy/{escape_id(name)}.json", {"Policy": compact(policy_doc)})
        owner = {"ID": self.canonical_id}
        acl = [{"Grantee": {"ID": self.canonical_id, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
        self.w.json(f"{g}/get-bucket-acl/{escape_id(name)}.json", {"Owner": owner, "Grants": acl + list(grants)})
        if bpa is None:
            self.w.error(f"{g}/get-public-access-block/{escape_id(name)}.json",
                         "NoSuchPublicAccessBlockConfiguration", "GetPublicAccessBlock",
                         "The public access block configuration was not found")
        else:
            self.w.json(f"{g}/get-public-access-block/{escape_id(name)}.json",
                        {"PublicAccessBlockConfiguration": dict(bpa)})
        if ownership is None:
            self.w.error(f"{g}/get-bucket-ownership-controls/{escape_id(name)}.json",
                         "OwnershipControlsNotFoundError", "GetBucketOwnershipControls",
                         "The bucket ownership controls were not found")
        else:
            self.w.json(f"{g}/get-bucket-ownership-controls/{escape_id(name)}.json",
                        {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}})
        constraint = (None if region == "us-east-1" else region) if location == "auto" else location
        self.w.json(f"{g}/get-bucket-location/{escape_id(name)}.json", {"LocationConstraint": constraint})
        self._count(policy_doc is not None)

    # -- KMS --------------------------------------------------------------------------------------
    def key(self, region: str, key_id: str, *, created: int, policy_text: str, description: str = "",
            aliases: Sequence[str] = (), grants: Sequence[JSON] = (), manager: str = "CUSTOMER",
            rotation: bool = True) -> str:
        arn = f"arn:aws:kms:{region}:{self.account}:key/{key_id}"
        rr = self.region[region]
        rr.keys.append({"KeyId": key_id, "KeyArn": arn})
        for a in aliases:
            if manager == "AWS":
                rr.aws_aliases[a] = key_id
            else:
                rr.aliases.append({"AliasName": a, "AliasArn": f"arn:aws:kms:{region}:{self.account}:{a}",
                                   "TargetKeyId": key_id, "CreationDate": self.style.json_protocol(created),
                                   "LastUpdatedDate": self.style.json_protocol(created)})
        r = self._r(region)
        meta: JSON = {"AWSAccountId": self.account, "KeyId": key_id, "Arn": arn,
                      "CreationDate": self.style.json_protocol(created), "Enabled": True,
                      "Description": description, "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled",
                      "Origin": "AWS_KMS", "KeyManager": manager, "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
                      "KeySpec": "SYMMETRIC_DEFAULT", "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
                      "MultiRegion": False}
        self.w.json(f"{r}/kms/describe-key/{escape_id(key_id)}.json", {"KeyMetadata": meta})
        self.w.json(f"{r}/kms/get-key-policy/{escape_id(key_id)}.json", {"Policy": policy_text, "PolicyName": "default"})
        self.w.json(f"{r}/kms/list-grants/{escape_id(key_id)}.json", {"Grants": list(grants), "Truncated": False})
        self._count(True)
        return arn

    def grant(self, key_arn: str, grant_id: str, *, name: str, created: int, grantee: str,
              operations: Sequence[str], retiring: Optional[str] = None,
              constraints: Optional[JSON] = None) -> JSON:
        g: JSON = {"KeyId": key_arn, "GrantId": grant_id, "Name": name,
                   "CreationDate": self.style.json_protocol(created), "GranteePrincipal": grantee}
        if retiring:
            g["RetiringPrincipal"] = retiring
        g["IssuingAccount"] = root_arn(self.account)
        g["Operations"] = list(operations)
        if constraints:
            g["Constraints"] = constraints
        return g

    # -- SQS / SNS --------------------------------------------------------------------------------
    def queue(self, region: str, name: str, policy_doc: Optional[Doc] = None) -> str:
        arn = f"arn:aws:sqs:{region}:{self.account}:{name}"
        self.region[region].queues.append(f"https://sqs.{region}.amazonaws.com/{self.account}/{name}")
        attrs: JSON = {}
        if policy_doc is not None:
            attrs["Policy"] = compact(policy_doc)
        attrs["QueueArn"] = arn
        self.w.json(f"{self._r(region)}/sqs/get-queue-attributes/{escape_id(name)}.json", {"Attributes": attrs})
        self._count(policy_doc is not None)
        return arn

    def topic(self, region: str, name: str, extra_statements: Sequence[JSON] = (), *, subscriptions: int = 0,
              display_name: str = "", default_statement: bool = True) -> str:
        """A topic whose policy is SNS's default statement (owner account only) plus ``extra_statements``."""
        arn = f"arn:aws:sns:{region}:{self.account}:{name}"
        self.region[region].topics.append({"TopicArn": arn})
        sts = []
        if default_statement:
            sts.append(statement("Allow", {"AWS": "*"}, [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"], arn,
                {"StringEquals": {"AWS:SourceOwner": self.account}}, sid="__default_statement_ID"))
        sts += [dict(s, Resource=arn) if "Resource" not in s else s for s in extra_statements]
        doc = policy(*sts, id="__default_policy_ID")
        attrs = {"Policy": compact(doc), "Owner": self.account, "SubscriptionsPending": "0", "TopicArn": arn,
                 "EffectiveDeliveryPolicy": _SNS_DELIVERY_POLICY, "SubscriptionsConfirmed": str(subscriptions),
                 "DisplayName": display_name, "SubscriptionsDeleted": "0"}
        self.w.json(f"{self._r(region)}/sns/get-topic-attributes/{escape_id(name)}.json", {"Attributes": attrs})
        self._count(True)
        return arn

    # -- Lambda -----------------------------------------------------------------------------------
    def function(self, region: str, name: str, *, role_arn: str, modified: int, rng: random.Random,
                 statements: Sequence[JSON] = (), runtime: str = "python3.12", memory: int = 256,
                 timeout: int = 30, description: str = "") -> str:
        arn = f"arn:aws:lambda:{region}:{self.account}:function:{name}"
        revision = rand_uuid(rng)
        self.region[region].functions.append({
            "FunctionName": name, "FunctionArn": arn, "Runtime": runtime, "Role": role_arn,
            "Handler": "index.handler" if runtime.startswith("nodejs") else "app.handler",
            "CodeSize": rng.randrange(900, 5_000_000), "Description": description, "Timeout": timeout,
            "MemorySize": memory,
            "LastModified": time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(modified)),
            "CodeSha256": base64.b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode(),
            "Version": "$LATEST", "TracingConfig": {"Mode": "PassThrough"}, "RevisionId": revision,
            "PackageType": "Zip", "Architectures": [rng.choice(("arm64", "x86_64"))],
            "EphemeralStorage": {"Size": 512}, "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}})
        path = f"{self._r(region)}/lambda/get-policy/{escape_id(name)}.json"
        if statements:
            doc = policy(*[dict(s, Resource=arn) if "Resource" not in s else s for s in statements], id="default")
            self.w.json(path, {"Policy": compact(doc), "RevisionId": revision})
        else:
            self.w.error(path, "ResourceNotFoundException", "GetPolicy", "The resource you requested does not exist.")
        self._count(bool(statements))
        return arn

    # -- Secrets Manager --------------------------------------------------------------------------
    def secret(self, region: str, name: str, *, created: int, rng: random.Random,
               policy_doc: Optional[Doc] = None, kms_key_arn: Optional[str] = None, description: str = "",
               last_changed: Optional[int] = None) -> str:
        arn = f"arn:aws:secretsmanager:{region}:{self.account}:secret:{name}-{rand_token(rng, 6, _ALNUM)}"
        entry: JSON = {"ARN": arn, "Name": name, "Description": description}
        if kms_key_arn:
            entry["KmsKeyId"] = kms_key_arn
        changed = last_changed if last_changed is not None else created
        entry.update({"LastChangedDate": self.style.json_protocol(changed),
                      "LastAccessedDate": self.style.json_protocol(ago(1) // DAY * DAY),
                      "Tags": [], "SecretVersionsToStages": {rand_uuid(rng): ["AWSCURRENT"]},
                      "CreatedDate": self.style.json_protocol(created)})
        self.region[region].secrets.append(entry)
        resp: JSON = {"ARN": arn, "Name": name}
        if policy_doc is not None:
            resp["ResourcePolicy"] = pretty(policy_doc)
        self.w.json(f"{self._r(region)}/secretsmanager/get-resource-policy/{escape_id(name)}.json", resp)
        self._count(policy_doc is not None)
        return arn

    # -- ECR --------------------------------------------------------------------------------------
    def repository(self, region: str, name: str, *, created: int, policy_doc: Optional[Doc] = None,
                   immutable: bool = True, scan: bool = True) -> str:
        arn = f"arn:aws:ecr:{region}:{self.account}:repository/{name}"
        self.region[region].repositories.append({
            "repositoryArn": arn, "registryId": self.account, "repositoryName": name,
            "repositoryUri": f"{self.account}.dkr.ecr.{region}.amazonaws.com/{name}",
            "createdAt": self.style.json_protocol(created),
            "imageTagMutability": "IMMUTABLE" if immutable else "MUTABLE",
            "imageScanningConfiguration": {"scanOnPush": scan}, "encryptionConfiguration": {"encryptionType": "AES256"}})
        path = f"{self._r(region)}/ecr/get-repository-policy/{escape_id(name)}.json"
        if policy_doc is None:
            self.w.error(path, "RepositoryPolicyNotFoundException", "GetRepositoryPolicy",
                         f"Repository policy does not exist for the repository with name '{name}' "
                         f"in the registry with id '{self.account}'")
        else:
            self.w.json(path, {"registryId": self.account, "repositoryName": name,
                               "policyText": console_style(policy_doc)})
        self._count(policy_doc is not None)
        return arn

    # -- Access Analyzer --------------------------------------------------------------------------
    def analyzer(self, region: str, name: str, kind: str, created: int, status: str = "ACTIVE") -> None:
        """An Access Analyzer analyzer (``kind`` ACCOUNT or ORGANIZATION) in ``region``."""
        rr = self.region[region]
        if rr.analyzers is None:
            rr.analyzers = []
        rr.analyzers.append({"arn": f"arn:aws:access-analyzer:{region}:{self.account}:analyzer/{name}",
                             "name": name, "type": kind, "createdAt": iso(created),
                             "lastResourceAnalyzedAt": iso(ago(0.2)), "tags": {}, "status": status})

    def no_analyzers(self, region: str) -> None:
        """An empty ``list-analyzers`` (collected: no analyzer in the region)."""
        if self.region[region].analyzers is None:
            self.region[region].analyzers = []

    def finish(self) -> None:
        self.w.json(f"{self.g}/s3api/list-buckets.json", {"Buckets": self.buckets, "Owner": {"ID": self.canonical_id}})
        for region in self.regions:
            rr = self.region[region]
            r = self._r(region)
            self.w.json(f"{r}/kms/list-keys.json", {"Keys": rr.keys, "Truncated": False})
            aliases: list[JSON] = []
            for a in _AWS_KMS_ALIASES:
                name = f"alias/aws/{a}"
                entry: JSON = {"AliasName": name, "AliasArn": f"arn:aws:kms:{region}:{self.account}:{name}"}
                if name in rr.aws_aliases:
                    entry["TargetKeyId"] = rr.aws_aliases[name]
                aliases.append(entry)
            self.w.json(f"{r}/kms/list-aliases.json", {"Aliases": aliases + rr.aliases, "Truncated": False})
            if rr.queues:
                self.w.json(f"{r}/sqs/list-queues.json", {"QueueUrls": rr.queues})
            elif rr.empty_queue_listing:
                self.w.text(f"{r}/sqs/list-queues.json", "")  # the CLI prints nothing for no queue
            else:
                self.w.json(f"{r}/sqs/list-queues.json", {})
            self.w.json(f"{r}/sns/list-topics.json", {"Topics": rr.topics})
            self.w.json(f"{r}/lambda/list-functions.json", {"Functions": rr.functions})
            self.w.json(f"{r}/secretsmanager/list-secrets.json", {"SecretList": rr.secrets})
            self.w.json(f"{r}/ecr/describe-repositories.json", {"repositories": rr.repositories})
            if rr.analyzers is not None:
                self.w.json(f"{r}/accessanalyzer/list-analyzers.json", {"analyzers": rr.analyzers})


_SNS_DELIVERY_POLICY = compact({"http": {
    "defaultHealthyRetryPolicy": {"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
                                  "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                                  "backoffFunction": "linear"},
    "disableSubscriptionOverrides": False,
    "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}})


def default_key_policy(account: str, *extra: JSON, admins: Sequence[str] = (), id: str = "key-default-1") -> JSON:
    """The KMS default key policy (the account may use IAM policies), optional key administrators, and
    ``extra`` statements."""
    sts = [statement("Allow", {"AWS": root_arn(account)}, "kms:*", "*", sid="Enable IAM User Permissions")]
    if admins:
        sts.append(statement("Allow", {"AWS": list(admins) if len(admins) > 1 else admins[0]}, [
            "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
            "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
            "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"], "*",
            sid="Allow access for Key Administrators"))
    sts += extra
    return policy(*sts, id=id)


def aws_managed_key_policy(account: str, region: str, service: str) -> JSON:
    """The policy AWS writes on an AWS managed key (``alias/aws/<service>``): any principal of the
    account, through the service only."""
    via = f"{service}.{region}.amazonaws.com"
    return policy(
        statement("Allow", {"AWS": "*"}, ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                          "kms:CreateGrant", "kms:DescribeKey"], "*",
                  {"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": via}},
                  sid=f"Allow access through {service} for all principals in the account that are authorized to use it"),
        statement("Allow", {"AWS": root_arn(account)}, ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                  "*", sid="Allow direct access to key metadata to the account"),
        id=f"auto-{service}-2")


# --------------------------------------------------------------------------------------------------
# The synthetic organization
# --------------------------------------------------------------------------------------------------

_FIRST = ("alex", "sam", "jordan", "taylor", "morgan", "casey", "riley", "jamie", "avery", "quinn", "devon",
          "harper", "rowan", "emery", "kai", "noor", "li", "ana", "omar", "ines", "yuki", "ravi", "lena", "marta")
_LAST = ("smith", "garcia", "chen", "novak", "okafor", "silva", "kumar", "muller", "rossi", "kim", "haddad",
         "larsen", "dubois", "tanaka", "ortiz", "wolfe", "brennan", "ivanova", "mensah", "costa")
_WORDS = ("orders", "billing", "telemetry", "inventory", "reports", "invoices", "events", "audit", "media",
          "search", "payments", "catalog", "shipping", "analytics", "profiles", "sessions", "exports", "imports",
          "firmware", "maps", "alerts", "metrics", "ledger", "claims", "builds", "backups")
_ENVS = ("prod", "staging", "dev", "test", "sandbox", "data", "shared", "ml")
_OU_L1 = ("Workloads", "Infrastructure", "Security", "Sandbox", "Deployments", "Business-Units", "Exceptions",
          "Suspended", "Policy-Staging", "Transitional")
_OU_L2 = ("Prod", "NonProd", "Dev", "Test", "Shared", "Data", "Platform", "Edge")
_OU_L3 = ("Payments", "Robotics", "Logistics", "Retail", "Research", "Mobile", "Web", "Fleet", "Vision", "Mapping")
_SERVICES = ("lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com",
             "states.amazonaws.com", "codebuild.amazonaws.com", "events.amazonaws.com")
_GROUPS = (("Admins", ("AdministratorAccess",)), ("Developers", ("PowerUserAccess",)),
           ("ReadOnly", ("ViewOnlyAccess",)), ("Billing", ("Billing",)), ("DataEngineers", ("AmazonAthenaFullAccess",
           "AmazonS3ReadOnlyAccess")), ("Support", ("AWSSupportAccess",)), ("NetworkOps", ("NetworkAdministrator",)),
           ("DBAs", ("DatabaseAdministrator",)))
_ROLE_AWS_POLICIES = ("AmazonS3ReadOnlyAccess", "AWSLambdaBasicExecutionRole", "AmazonSSMManagedInstanceCore",
                      "AmazonECSTaskExecutionRolePolicy", "AmazonDynamoDBReadOnlyAccess", "CloudWatchLogsFullAccess",
                      "AmazonEC2ReadOnlyAccess", "AmazonSQSFullAccess", "AmazonSNSReadOnlyAccess", "IAMReadOnlyAccess",
                      "AWSGlueServiceRole", "AmazonEC2ContainerRegistryReadOnly", "AWSLambdaVPCAccessExecutionRole")
#: Roles every synthetic member account has, so that other accounts' policies can name them.
STANDARD_ROLES = ("platform-deployer", "data-pipeline", "readonly-auditor")


@dataclass(frozen=True)
class _Plan:
    root_dir: str
    seed: int
    regions: tuple[str, ...]
    principals: int
    resource_policies: int
    org_id: str
    account_ids: tuple[str, ...]
    account_names: tuple[str, ...]
    account_seeds: tuple[int, ...]
    external_ids: tuple[str, ...]
    partner_org: str
    tooling: str   # account whose platform-deployer deploys everywhere
    security: str  # account whose readonly-auditor audits everywhere

    @property
    def management(self) -> str:
        return self.account_ids[0]


def _pool_documents() -> list[tuple[str, JSON]]:
    """AWS managed policy documents small enough for a customer managed policy (6,144 characters)."""
    out = []
    for name, d in managed_policies().items():  # dicts keep the file's order: deterministic
        if len(compact(d["Document"])) <= 6144:
            out.append((name, d["Document"]))
    return out


_POOL: list[tuple[str, JSON]] = []


def _pool() -> list[tuple[str, JSON]]:
    if not _POOL:
        _POOL.extend(_pool_documents())
    return _POOL


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split by ``weights``, exactly (largest remainders first, ties by position)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


class _Synth:
    """Generates one synthetic account."""

    def __init__(self, plan: _Plan, index: int) -> None:
        self.plan = plan
        self.index = index
        self.rng = random.Random(plan.account_seeds[index])
        self.acct = plan.account_ids[index]
        self.name = plan.account_names[index]
        self.mgmt = index == 0
        self.others = [a for a in plan.account_ids if a != self.acct]

    # -- principals for policies ------------------------------------------------------------------
    def other_member(self) -> str:
        return self.rng.choice(self.others) if self.others else self.acct

    def member_principal(self) -> str:
        other = self.other_member()
        r = self.rng.random()
        if r < 0.4:
            return root_arn(other)
        return f"arn:aws:iam::{other}:role/{self.rng.choice(STANDARD_ROLES)}"

    def external_principal(self) -> str:
        ext = self.rng.choice(self.plan.external_ids)
        return root_arn(ext) if self.rng.random() < 0.6 else f"arn:aws:iam::{ext}:role/{self.rng.choice(_WORDS)}-sync"

    def grantee(self, own_roles: Sequence[str]) -> tuple[str, Any, Optional[JSON]]:
        """(kind, Principal element, Condition) of one sharing statement."""
        kind = self.rng.choices(("same", "member", "org", "external", "service", "public", "other-org"),
                                (30, 25, 12, 10, 15, 3, 5))[0]
        if kind == "same":
            return kind, {"AWS": self.rng.choice(own_roles) if own_roles else root_arn(self.acct)}, None
        if kind == "member":
            return kind, {"AWS": self.member_principal()}, None
        if kind == "org":
            return kind, "*", {"StringEquals": {"aws:PrincipalOrgID": self.plan.org_id}}
        if kind == "external":
            return kind, {"AWS": self.external_principal()}, None
        if kind == "other-org":
            return kind, "*", {"StringEquals": {"aws:PrincipalOrgID": self.plan.partner_org}}
        if kind == "public":
            return kind, "*", None
        return kind, None, None  # service: the caller picks a service and its condition

    # -- the account ------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        w = SnapshotWriter(self.plan.root_dir)
        rng = self.rng
        iam = IamAccount(self.acct)
        roles = self.iam(iam)
        counts = {"users": len(iam.users), "groups": len(iam.groups), "roles": len(iam.roles),
                  "customer_managed_policies": len(iam.local_policies)}
        pw_kind = rng.random()
        password = (password_policy(length=14, reuse=24, max_age=90) if pw_kind < 0.6 else
                    password_policy(length=8, reuse=None, symbols=False) if pw_kind < 0.85 else None)
        root = Credentials(password_last_used=ago(rng.uniform(20, 900)) if rng.random() < 0.7 else None,
                           mfa=rng.random() < 0.85)
        if rng.random() < 0.05:
            root.keys.append(AccessKey(rng.random() < 0.5, ago(rng.uniform(400, 2000)),
                                       ago(rng.uniform(1, 300)) if rng.random() < 0.5 else None))
        if root.mfa and rng.random() < 0.3:
            iam.virtual_mfa(None, self.acct, ago(1500), ago(1400))
        pages = 2 if self.index % 50 == 7 else 1
        iam.write(w, root_created=ago(rng.uniform(1500, 3000)), root=root, password=password, pages=pages,
                  password_max_age=90 if password and pw_kind < 0.6 else None,
                  root_virtual_mfa=bool(iam.mfa_devices and iam.mfa_devices[-1]["User"]["UserId"] == self.acct))
        res = ResourceAccount(w, self.acct, self.plan.regions, canonical_id=rand_hex(rng, 64))
        self.resources(res, roles)
        res.finish()
        counts.update(resources=res.resources, resource_policies=res.with_policy, files=w.files, bytes=w.bytes)
        return counts

    def iam(self, iam: IamAccount) -> list[str]:
        """Users, groups, roles and policies; returns the role ARNs resource policies may name."""
        rng, acct, plan = self.rng, self.acct, self.plan
        n_users = plan.principals * 3 // 10
        n_roles = plan.principals - n_users
        pool = _pool()
        # customer managed policies drawn from real AWS documents, plus two boundaries
        cmp_names: list[str] = []
        for i in range(max(2, plan.principals // 5)):
            src, doc = pool[rng.randrange(len(pool))]
            name = f"{src}-custom-{i:03d}"
            iam.customer_policy(name, doc, created=ago(rng.uniform(30, 1500)), policy_id=rand_iam_id(rng, "ANPA"),
                                description=f"Adapted from the AWS managed policy {src}")
            cmp_names.append(name)
        boundaries = []
        for b in ("boundary-workload", "boundary-developer"):
            _, doc = pool[rng.randrange(len(pool))]
            boundaries.append(iam.customer_policy(b, doc, created=ago(rng.uniform(300, 1500)), path="/boundaries/",
                                                  policy_id=rand_iam_id(rng, "ANPA")))

        def maybe_boundary(p: float) -> Optional[str]:
            return rng.choice(boundaries) if rng.random() < p else None

        def some_policies(aws: Sequence[str], k: int) -> list[str]:
            out: list[str] = []
            for _ in range(k):
                name = rng.choice(cmp_names) if rng.random() < 0.5 else rng.choice(aws)
                if name not in out:
                    out.append(name)
            return out

        groups = _GROUPS[: 4 + rng.randrange(len(_GROUPS) - 3)]
        for gname, gpols in groups:
            iam.group(gname, group_id=rand_iam_id(rng, "AGPA"), created=ago(rng.uniform(500, 2500)), policies=gpols)
        used_names: set[str] = set()  # membership only
        for _ in range(n_users):
            base = f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}" if rng.random() < 0.8 else f"svc-{rng.choice(_WORDS)}"
            name, k = base, 2
            while name in used_names:
                name, k = f"{base}{k}", k + 1
            used_names.add(name)
            created = ago(rng.uniform(10, 2000))
            human = not name.startswith("svc-")
            c = Credentials(password=human and rng.random() < 0.8)
            if c.password:
                c.password_last_used = ago(rng.uniform(0.1, 200)) if rng.random() < 0.9 else None
                c.password_changed = ago(rng.uniform(1, min(400, (COLLECTED_EPOCH - created) / DAY)))
                c.mfa = rng.random() < 0.8
            for _k in range(rng.choices((0, 1, 2), (40, 50, 10))[0]):
                kc = ago(rng.uniform(1, (COLLECTED_EPOCH - created) / DAY))
                c.keys.append(AccessKey(rng.random() < 0.85, kc,
                                        ago(rng.uniform(0, (COLLECTED_EPOCH - kc) / DAY)) if rng.random() < 0.8 else None,
                                        rng.choice(plan.regions), rng.choice(("s3", "sts", "ec2", "iam", "lambda"))))
            user_id = rand_iam_id(rng, "AIDA")
            member = [g for g, _ in groups if rng.random() < 0.35][:2] or [rng.choice(groups)[0]]
            inl = ([inline(f"{name}-extra", policy(statement("Allow", None, ["s3:GetObject", "s3:ListBucket"],
                   [f"arn:aws:s3:::{rng.choice(_WORDS)}-{acct}-*", f"arn:aws:s3:::{rng.choice(_WORDS)}-{acct}-*/*"])))]
                   if rng.random() < 0.1 else [])
            iam.user(name, user_id=user_id, created=created, groups=member,
                     policies=some_policies(("ViewOnlyAccess", "AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess"), 1)
                     if rng.random() < 0.15 else (), inline_policies=inl, boundary_arn=maybe_boundary(0.1), creds=c)
            if c.mfa:
                iam.virtual_mfa(name, user_id, created, created + DAY)

        role_arns: list[str] = []

        def add_role(name: str, trust: JSON, **kw: Any) -> None:
            if len(iam.roles) >= n_roles:
                return
            role_arns.append(iam.role(name, trust, role_id=rand_iam_id(rng, "AROA"),
                                      created=ago(rng.uniform(30, 2000)), **kw))

        assume = "sts:AssumeRole"
        if self.mgmt:
            add_role("org-admin", policy(statement("Allow", {"AWS": root_arn(acct)}, assume,
                     condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})), policies=["AdministratorAccess"])
        else:
            add_role("OrganizationAccountAccessRole", policy(statement("Allow", {"AWS": root_arn(plan.management)},
                     assume)), policies=["AdministratorAccess"])
        add_role("platform-deployer", policy(statement("Allow", {"AWS": f"arn:aws:iam::{plan.tooling}:role/platform-deployer"},
                 assume)), policies=["PowerUserAccess"], boundary_arn=boundaries[0])
        add_role("data-pipeline", policy(statement("Allow", {"Service": "glue.amazonaws.com"}, assume)),
                 policies=["AWSGlueServiceRole", "AmazonS3ReadOnlyAccess"])
        add_role("readonly-auditor", policy(statement("Allow", {"AWS": f"arn:aws:iam::{plan.security}:root"}, assume)),
                 policies=["ViewOnlyAccess", "AWSSupportAccess"])
        for slr in ("AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor"):
            if len(iam.roles) < n_roles:
                role_arns.append(iam.service_linked_role(slr, role_id=rand_iam_id(rng, "AROA"),
                                                         created=ago(rng.uniform(1000, 2000))))
        i = 0
        while len(iam.roles) < n_roles:
            i += 1
            kind = rng.choices(("service", "same", "member", "external-id", "external", "sso", "oidc"),
                               (45, 14, 20, 8, 4, 6, 3))[0]
            word = rng.choice(_WORDS)
            name = f"{word}-{kind}-{i:03d}"
            pols = some_policies(_ROLE_AWS_POLICIES, rng.randrange(1, 4))
            if kind == "service":
                svc = rng.choice(_SERVICES)
                add_role(name, policy(statement("Allow", {"Service": svc}, assume)), policies=pols,
                         boundary_arn=maybe_boundary(0.2), path="/service-role/" if rng.random() < 0.3 else "/",
                         instance_profile=name if svc == "ec2.amazonaws.com" else None,
                         last_used=(ago(rng.uniform(0, 60)), rng.choice(plan.regions)) if rng.random() < 0.7 else None)
            elif kind == "same":
                add_role(name, policy(statement("Allow", {"AWS": root_arn(acct)}, assume)), policies=pols,
                         boundary_arn=maybe_boundary(0.2))
            elif kind == "member":
                add_role(name, policy(statement("Allow", {"AWS": self.member_principal()}, assume)), policies=pols,
                         boundary_arn=maybe_boundary(0.2))
            elif kind == "external-id":
                add_role(name, policy(statement("Allow", {"AWS": self.external_principal()}, assume,
                         condition={"StringEquals": {"sts:ExternalId": rand_hex(rng, 24)}})), policies=pols)
            elif kind == "external":
                add_role(name, policy(statement("Allow", {"AWS": self.external_principal()}, assume)), policies=pols)
            elif kind == "sso":
                perm = rng.choice(("AdministratorAccess", "ViewOnlyAccess", "PowerUserAccess", "Billing"))
                provider = f"arn:aws:iam::{acct}:saml-provider/AWSSSO_{rand_hex(rng, 16)}_DO_NOT_DELETE"
                add_role(f"AWSReservedSSO_{perm}_{rand_hex(rng, 16)}", policy(statement(
                    "Allow", {"Federated": provider}, ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})),
                    policies=[perm], path="/aws-reserved/sso.amazonaws.com/", max_session=43200)
            else:
                add_role(name, policy(statement(
                    "Allow", {"Federated": f"arn:aws:iam::{acct}:oidc-provider/token.actions.githubusercontent.com"},
                    "sts:AssumeRoleWithWebIdentity", condition={
                        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                        "StringLike": {"token.actions.githubusercontent.com:sub": f"repo:northwind/{word}:*"}})),
                    policies=pols)
        return [a for a in role_arns if "/aws-service-role/" not in a and "/aws-reserved/" not in a]

    def resources(self, res: ResourceAccount, roles: Sequence[str]) -> None:
        rng, acct, plan = self.rng, self.acct, self.plan
        regions = plan.regions
        types = ("s3", "kms", "sqs", "sns", "lambda", "secrets", "ecr")
        with_policy = _split(plan.resource_policies, (15, 15, 15, 15, 15, 15, 10))
        without = _split(plan.resource_policies // 20, (25, 0, 25, 0, 25, 15, 10))
        account_bpa: Optional[dict[str, bool]]
        r = rng.random()
        account_bpa = dict(BPA_ALL) if r < 0.7 else (
            {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
             "RestrictPublicBuckets": False} if r < 0.8 else None)
        res.account_public_access_block(account_bpa)
        topic_arns: dict[str, list[str]] = {reg: [] for reg in regions}
        n = 0
        for t, k_with, k_without in zip(types, with_policy, without):
            for j in range(k_with + k_without):
                n += 1
                region = regions[(n + rng.randrange(len(regions))) % len(regions)]
                has = j < k_with
                word = rng.choice(_WORDS)
                created = ago(rng.uniform(5, 1800))
                if t == "s3":
                    self.bucket(res, f"{word}-{acct}-{n:04d}", region, created, has, account_bpa, roles)
                elif t == "kms":
                    self.kms_key(res, region, word, n, created, roles)
                elif t == "sqs":
                    self.queue(res, region, f"{word}-{n:04d}", has, roles, topic_arns[region])
                elif t == "sns":
                    topic_arns[region].append(self.topic(res, region, f"{word}-events-{n:04d}", roles))
                elif t == "lambda":
                    self.function(res, region, f"{word}-handler-{n:04d}", created, has, roles)
                elif t == "secrets":
                    env = rng.choice(_ENVS)
                    name = f"{env}/{word}/{'db+ro' if rng.random() < 0.1 else 'credentials'}-{n:04d}"
                    res.secret(region, name, created=created, rng=rng,
                               policy_doc=self.simple_policy(f"arn:aws:secretsmanager:{region}:{acct}:secret:{name}-*",
                                                             ["secretsmanager:GetSecretValue",
                                                              "secretsmanager:DescribeSecret"], roles, "*")
                               if has else None)
                else:
                    name = f"{rng.choice(_OU_L3).lower()}/{word}-{n:04d}"
                    res.repository(region, name, created=created, immutable=rng.random() < 0.6,
                                   policy_doc=self.ecr_policy(roles) if has else None)
        if self.mgmt or rng.random() < 0.3:
            for reg in regions:
                res.analyzer(reg, "org-analyzer" if self.mgmt else "account-analyzer",
                             "ORGANIZATION" if self.mgmt else "ACCOUNT", ago(rng.uniform(100, 900)))

    def simple_policy(self, resource: str, actions: Sequence[str], roles: Sequence[str], res_elem: Any,
                      service: Optional[tuple[str, JSON]] = None) -> JSON:
        kind, principal, cond = self.grantee(roles)
        if kind == "service":
            if service is None:
                principal, cond = {"AWS": root_arn(self.acct)}, None
            else:
                principal, cond = {"Service": service[0]}, service[1]
        return policy(statement("Allow", principal, actions, res_elem, cond, sid=f"{kind.title().replace('-', '')}Access"))

    def bucket(self, res: ResourceAccount, name: str, region: str, created: int, has: bool,
               account_bpa: Optional[Mapping[str, bool]], roles: Sequence[str]) -> None:
        rng, acct = self.rng, self.acct
        bucket_arn = f"arn:aws:s3:::{name}"
        bpa = dict(BPA_ALL) if rng.random() < 0.6 else None
        ownership = rng.choices(("BucketOwnerEnforced", "ObjectWriter", None), (80, 15, 5))[0]
        block_policy = bool((bpa and bpa["BlockPublicPolicy"]) or (account_bpa and account_bpa["BlockPublicPolicy"]))
        ignore_acls = bool((bpa and bpa["IgnorePublicAcls"]) or (account_bpa and account_bpa["IgnorePublicAcls"]))
        doc: Optional[JSON] = None
        if has:
            kind, principal, cond = self.grantee(roles)
            while kind == "public" and block_policy:  # S3 refuses new public policies then
                kind, principal, cond = self.grantee(roles)
            if kind == "service":
                svc = rng.choice(("logging.s3.amazonaws.com", "cloudtrail.amazonaws.com", "config.amazonaws.com",
                                  "delivery.logs.amazonaws.com"))
                principal = {"Service": svc}
                cond = {"StringEquals": {"aws:SourceAccount": acct}} if rng.random() < 0.5 else {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:cloudtrail:{region}:{acct}:trail/*"}}
                actions: Any = "s3:PutObject"
            else:
                actions = rng.choice((["s3:GetObject"], ["s3:GetObject", "s3:ListBucket"], ["s3:PutObject"],
                                      ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]))
            sts = [statement("Allow", principal, actions,
                             [bucket_arn, f"{bucket_arn}/*"] if "s3:ListBucket" in actions else f"{bucket_arn}/*",
                             cond, sid=f"{kind.title().replace('-', '')}Access")]
            if rng.random() < 0.5:
                sts.append(statement("Deny", "*", "s3:*", [bucket_arn, f"{bucket_arn}/*"],
                                     {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"))
            doc = policy(*sts)
        grants: list[JSON] = []
        if ownership == "ObjectWriter":
            if rng.random() < 0.3:
                grants += [{"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": p}
                           for p in ("WRITE", "READ_ACP")]
            if rng.random() < 0.1 and not ignore_acls:
                grants.append({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"})
        res.bucket(name, region, created=created, policy_doc=doc, grants=grants, bpa=bpa, ownership=ownership)

    def kms_key(self, res: ResourceAccount, region: str, word: str, n: int, created: int, roles: Sequence[str]) -> None:
        rng, acct = self.rng, self.acct
        key_id = rand_uuid(rng)
        extra: list[JSON] = []
        kind, principal, cond = self.grantee(roles)
        if kind == "service":
            extra.append(statement("Allow", {"Service": f"logs.{region}.amazonaws.com"},
                                   ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                    "kms:Describe*"], "*",
                                   {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                                f"arn:aws:logs:{region}:{acct}:log-group:*"}},
                                   sid="Allow CloudWatch Logs"))
        elif kind != "public" or rng.random() < 0.3:
            extra.append(statement("Allow", principal, ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                                        "kms:GenerateDataKey*", "kms:DescribeKey"], "*", cond,
                                   sid="Allow use of the key"))
        admins = [roles[0]] if roles and rng.random() < 0.6 else []
        doc = default_key_policy(acct, *extra, admins=admins,
                                 id="key-consolepolicy-3" if admins else "key-default-1")
        key_arn = f"arn:aws:kms:{region}:{acct}:key/{key_id}"
        grants = []
        for gi in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
            grantee = rng.choice(roles) if roles and rng.random() < 0.6 else f"arn:aws:iam::{self.other_member()}:role/data-pipeline"
            grants.append(res.grant(key_arn, rand_hex(rng, 64), name=f"{word}-grant-{gi}",
                                    created=created + DAY, grantee=grantee,
                                    operations=rng.choice((["Decrypt"], ["Encrypt", "Decrypt", "GenerateDataKey"],
                                                           ["Decrypt", "DescribeKey"]))))
        res.key(region, key_id, created=created, policy_text=console_style(doc) if admins else json.dumps(doc, indent=2),
                description=f"{word} data key", aliases=[f"alias/{word}-{n:04d}"], grants=grants)

    def queue(self, res: ResourceAccount, region: str, name: str, has: bool, roles: Sequence[str],
              topics: Sequence[str]) -> None:
        arn = f"arn:aws:sqs:{region}:{self.acct}:{name}"
        doc = None
        if has:
            source = self.rng.choice(topics) if topics else f"arn:aws:events:{region}:{self.acct}:rule/{name}"
            svc = "sns.amazonaws.com" if topics else "events.amazonaws.com"
            doc = self.simple_policy(arn, ["sqs:SendMessage"], roles, arn,
                                     service=(svc, {"ArnEquals": {"aws:SourceArn": source}}))
        res.queue(region, name, doc)

    def topic(self, res: ResourceAccount, region: str, name: str, roles: Sequence[str]) -> str:
        kind, principal, cond = self.grantee(roles)
        if kind == "service":
            principal = {"Service": self.rng.choice(("events.amazonaws.com", "cloudwatch.amazonaws.com",
                                                     "budgets.amazonaws.com", "s3.amazonaws.com"))}
            cond = {"StringEquals": {"aws:SourceAccount": self.acct}}
        elif principal == "*":
            principal = {"AWS": "*"}
        action = "SNS:Publish" if kind in ("service", "public", "same") else self.rng.choice(("SNS:Publish", "SNS:Subscribe"))
        st = statement("Allow", principal, action, None, cond, sid=f"{kind.title().replace('-', '')}Access")
        return res.topic(region, name, [st], subscriptions=self.rng.randrange(0, 5))

    def function(self, res: ResourceAccount, region: str, name: str, created: int, has: bool,
                 roles: Sequence[str]) -> None:
        rng, acct = self.rng, self.acct
        sts: list[JSON] = []
        if has:
            kind, principal, cond = self.grantee(roles)
            if kind in ("service", "public"):
                svc = rng.choice(("s3.amazonaws.com", "events.amazonaws.com", "apigateway.amazonaws.com",
                                  "sns.amazonaws.com"))
                source = {"s3.amazonaws.com": f"arn:aws:s3:::{rng.choice(_WORDS)}-{acct}-uploads",
                          "events.amazonaws.com": f"arn:aws:events:{region}:{acct}:rule/{name}-schedule",
                          "apigateway.amazonaws.com": f"arn:aws:execute-api:{region}:{acct}:{rand_token(rng, 10)}/*/POST/{name}",
                          "sns.amazonaws.com": f"arn:aws:sns:{region}:{acct}:{rng.choice(_WORDS)}-events"}[svc]
                principal = {"Service": svc}
                cond = {"ArnLike": {"AWS:SourceArn": source}}
                if svc == "s3.amazonaws.com":
                    cond["StringEquals"] = {"AWS:SourceAccount": acct}
            sts.append(statement("Allow", principal, "lambda:InvokeFunction", None, cond,
                                 sid=f"{name}-{kind}-{rand_hex(rng, 8)}"))
        res.function(region, name, role_arn=rng.choice(roles) if roles else f"arn:aws:iam::{acct}:role/{name}",
                     modified=created, rng=rng, statements=sts,
                     runtime=rng.choice(("python3.12", "python3.11", "nodejs20.x", "java21")))

    def ecr_policy(self, roles: Sequence[str]) -> JSON:
        kind, principal, cond = self.grantee(roles)
        if kind == "service":
            principal = {"Service": "lambda.amazonaws.com"}
            cond = {"StringLike": {"aws:sourceArn": f"arn:aws:lambda:*:{self.acct}:function:*"}}
        return policy(statement("Allow", principal, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                                     "ecr:BatchCheckLayerAvailability"], None, cond,
                                sid=f"{kind.title().replace('-', '')}Pull"), version="2008-10-17")


def _write_account(args: tuple[_Plan, int]) -> dict[str, int]:
    plan, index = args
    return _Synth(plan, index).run()


def _plan(out_dir: str, accounts: int, seed: int, principals: int, resource_policies: int,
          regions: tuple[str, ...]) -> tuple[_Plan, list[OrgUnit], list[OrgAccount], list[OrgPolicy], str]:
    rng = random.Random(seed)
    seen: set[str] = set()  # membership only

    def account_id() -> str:
        while True:
            a = str(rng.randrange(10**11, 10**12))
            if a not in seen:
                seen.add(a)
                return a

    ids = tuple(account_id() for _ in range(accounts))
    external = tuple(account_id() for _ in range(12))
    org_id = "o-" + rand_token(rng, 10)
    partner_org = "o-" + rand_token(rng, 10)
    root_id = "r-" + rand_token(rng, 4)
    names = tuple(["management"] + [f"{rng.choice(_ENVS)}-{rng.choice(_WORDS)}-{i:04d}" for i in range(1, accounts)])
    seeds = tuple(rng.getrandbits(64) for _ in range(accounts))

    # OUs: about one per 20 accounts, in two or three levels
    n_ous = max(2, round(accounts / 20))
    n1 = max(1, round(n_ous * 0.3))
    n3 = (n_ous - n1) // 3 if n_ous >= 4 else 0
    n2 = n_ous - n1 - n3
    units: list[OrgUnit] = []
    used: dict[tuple[str, str], int] = {}

    def unit(level_names: Sequence[str], parent: str) -> OrgUnit:
        base = rng.choice(level_names)
        k = used.get((parent, base), 0)
        used[(parent, base)] = k + 1
        u = OrgUnit(f"ou-{root_id[2:]}-{rand_token(rng, 8)}", base if k == 0 else f"{base}-{k + 1}", parent)
        units.append(u)
        return u

    level1 = [unit(_OU_L1, root_id) for _ in range(n1)]
    level2 = [unit(_OU_L2, rng.choice(level1).id) for _ in range(n2)]
    level3 = [unit(_OU_L3, rng.choice(level2).id) for _ in range(n3)] if level2 else []
    base_join = ago(3000)
    accts = [OrgAccount(ids[0], names[0], f"aws-management@{org_id[2:]}.example", root_id, "CREATED", base_join)]
    for i in range(1, accounts):
        parent = root_id if rng.random() < 0.05 else rng.choice(units).id
        accts.append(OrgAccount(ids[i], names[i], f"aws+{names[i]}@{org_id[2:]}.example", parent,
                                "INVITED" if rng.random() < 0.1 else "CREATED",
                                base_join + rng.randrange(0, 2800) * DAY))

    # policies
    targets_all = [root_id] + [u.id for u in units] + [a.id for a in accts]
    pols = aws_managed_org_policies(targets_all)

    def pid() -> str:
        return "p-" + rand_token(rng, 8)

    def add(name: str, desc: str, ptype: str, doc: JSON, targets: list[str]) -> None:
        pols.append(OrgPolicy(pid(), name, desc, ptype, json.dumps(doc, indent=4), targets))

    scp, rcp = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
    add("DenyLeaveOrganization", "Member accounts stay in the organization", scp,
        policy(statement("Deny", None, "organizations:LeaveOrganization", "*", sid="DenyLeave")), [root_id])
    add("DenyRootUser", "No root user actions in member accounts", scp,
        policy(statement("Deny", None, "*", "*", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}},
                         sid="DenyRootUser")), [root_id])
    region_targets = [u.id for u in level1[::2]]
    add("RegionRestriction", f"Only {', '.join(regions)}, global services excepted", scp, policy(statement(
        "Deny", None, None, "*", {"StringNotEquals": {"aws:RequestedRegion": list(regions)},
                                  "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}},
        sid="DenyOutsideApprovedRegions", not_action=["iam:*", "organizations:*", "sts:*", "support:*",
                                                      "cloudfront:*", "route53:*", "budgets:*"])), region_targets)
    if level2:
        add("DenyExpensiveInstances", "No GPU instances outside research", scp, policy(statement(
            "Deny", None, "ec2:RunInstances", "arn:aws:ec2:*:*:instance/*",
            {"StringLike": {"ec2:InstanceType": ["p4d.*", "p5.*", "x2iedn.*"]}}, sid="DenyLargeInstances")),
            [u.id for u in level2[::3]])
    picked = [a.id for a in accts[1:] if rng.random() < 0.03] or [a.id for a in accts[1:2]]
    if picked:
        add("DenyIAMUserCreation", "Use IAM Identity Center instead of IAM users", scp,
            policy(statement("Deny", None, ["iam:CreateUser", "iam:CreateAccessKey"], "*", sid="NoIamUsers")), picked)
    add("EnforceSecureTransport", "Deny requests without TLS to S3", rcp, policy(statement(
        "Deny", "*", "s3:*", "*", {"BoolIfExists": {"aws:SecureTransport": "false"}}, sid="EnforceTLS")), [root_id])
    add("DataPerimeter", "Only organization identities and AWS services reach our data", rcp, policy(statement(
        "Deny", "*", ["s3:*", "kms:*", "sqs:*", "secretsmanager:*"], "*",
        {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
         "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}, sid="EnforceOrgIdentities")),
        [u.id for u in level1[1::3]] or [level1[0].id])
    if level2:
        add("OrgOnlyRoleAssumption", "Only organization identities assume our roles", rcp, policy(statement(
            "Deny", "*", ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "*",
            {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
             "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}, sid="OrgOnlySts")), [u.id for u in level2[1::4]])
    picked = [a.id for a in accts[1:] if rng.random() < 0.02] or [a.id for a in accts[-1:] if a.id != ids[0]]
    if picked:
        add("ExternalSecretsGuard", "Secrets never leave the organization", rcp, policy(statement(
            "Deny", "*", "secretsmanager:*", "*", {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
                                                  "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
            sid="OrgOnlySecrets")), picked)

    tooling = ids[1] if accounts > 1 else ids[0]
    security = ids[2] if accounts > 2 else ids[0]
    plan = _Plan(out_dir, seed, regions, principals, resource_policies, org_id, ids, names, seeds, external,
                 partner_org, tooling, security)
    return plan, units, accts, pols, root_id


def write_synthetic_org(out_dir: Union[str, os.PathLike[str]], accounts: int, seed: int,
                        principals_per_account: int = 100, resource_policies_per_account: int = 200,
                        regions: Sequence[str] = ("us-east-1", "eu-west-1"), *,
                        progress: Optional[Callable[[int, int], None]] = None,
                        workers: Optional[int] = None) -> dict[str, int]:
    """Write a synthetic organization snapshot to ``out_dir`` (new or empty) and return its counts.

    ``accounts`` accounts (the first is the management account), about ``accounts / 20``
    organizational units in two or three levels, SCPs and RCPs at every level, about
    ``principals_per_account`` IAM users and roles and ``resource_policies_per_account`` resources with
    a resource policy (plus a few without) per account, spread over ``regions``.

    ``progress(done, total)`` is called after each account. ``workers`` processes write accounts in
    parallel (default: one per CPU, at most 4, for 20 accounts or more); the files do not depend on it.
    """
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    if principals_per_account < 0 or resource_policies_per_account < 0:
        raise ValueError("principals_per_account and resource_policies_per_account must not be negative")
    regions = tuple(regions)
    if not regions:
        raise ValueError("at least one region is needed")
    out = os.fspath(out_dir)
    if os.path.exists(out):
        if not os.path.isdir(out):
            raise NotADirectoryError(f"{out} exists and is not a directory")
        with os.scandir(out) as entries:
            not_empty = any(entries)
        if not_empty:
            raise FileExistsError(f"{out} is not empty; synthetic snapshots are written to a new or empty directory")
    os.makedirs(out, exist_ok=True)

    plan, units, accts, pols, root_id = _plan(out, accounts, seed, principals_per_account,
                                              resource_policies_per_account, regions)
    w = SnapshotWriter(out)
    write_manifest(w, plan.management, regions)
    write_organization(w, org_id=plan.org_id, root_id=root_id, management=accts[0], units=units, accounts=accts,
                       policies=pols)
    totals = {"accounts": accounts, "organizational_units": len(units),
              "scps": sum(1 for p in pols if p.type == "SERVICE_CONTROL_POLICY"),
              "rcps": sum(1 for p in pols if p.type == "RESOURCE_CONTROL_POLICY"),
              "users": 0, "groups": 0, "roles": 0, "principals": 0, "customer_managed_policies": 0,
              "resources": 0, "resource_policies": 0, "files": w.files, "bytes": w.bytes}
    _pool()  # load the managed policies once, before worker processes fork

    def add(c: Mapping[str, int]) -> None:
        for k, v in c.items():
            totals[k] += v

    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if accounts >= 20 else 1
    jobs = [(plan, i) for i in range(accounts)]
    done = 0
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        # fork, not spawn: spawn would re-run the importing program's __main__ (e.g. the CLI).
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for c in pool.imap_unordered(_write_account, jobs, chunksize=4):
                add(c)
                done += 1
                if progress:
                    progress(done, accounts)
    else:
        for job in jobs:
            add(_write_account(job))
            done += 1
            if progress:
                progress(done, accounts)
    totals["principals"] = totals["users"] + totals["roles"]
    return totals
