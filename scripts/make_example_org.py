#!/usr/bin/env python3
"""Write the bundled example organization, Northwind Robotics (``o-nw7r0b0t1c``).

    python scripts/make_example_org.py [--out DIR]

Default output: ``python/accessgraph/data/example-org/`` — ``README.md`` (every account, OU, policy and
deliberate misconfiguration, with the expected consequence) and ``snapshot/`` (a LAYOUT.md snapshot).
The output is deterministic: re-running reproduces identical files. Do not edit the output by hand.

The AWS CLI responses are rendered by ``python/accessgraph/synth.py`` (loaded from this source tree by
file path, so the compiled extension is not needed).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "python" / "accessgraph" / "data" / "example-org"


def _load_synth() -> Any:
    spec = importlib.util.spec_from_file_location("_accessgraph_synth", REPO / "python" / "accessgraph" / "synth.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


S = _load_synth()
st, pol, root_arn, ago, DAY = S.statement, S.policy, S.root_arn, S.ago, S.DAY

# ---------------------------------------------------------------------------------------------------
# The organization
# ---------------------------------------------------------------------------------------------------

ORG_ID = "o-nw7r0b0t1c"
ROOT_ID = "r-nw7r"
REGIONS = ("us-east-1", "eu-west-1")
US, EU = REGIONS

MGT = "401122334455"  # northwind-management
SEC = "412233445566"  # northwind-security
SHR = "467788990011"  # northwind-shared-services
PRD = "423344556677"  # northwind-prod
DAT = "445566778899"  # northwind-data
STG = "434455667788"  # northwind-staging
SBX = "456677889900"  # northwind-sandbox
MKT = "478899001122"  # northwind-marketing

# outside the organization
PARTNER = "731947285016"        # Contoso Logistics, a partner; member of its own organization PARTNER_ORG
PARTNER_ORG = "o-p4rtn3rx9z"
AUDITOR = "842058396127"        # Fabrikam Audit LLP
SAAS = "964170518239"           # Skyline Monitoring, a SaaS vendor
MANUFACTURER = "175281629340"   # Tailspin Manufacturing, contract manufacturer
OLD_SIEM = "286392730451"       # Litware SIEM, a retired vendor

OU_SECURITY = "ou-nw7r-s3cur1ty"
OU_INFRA = "ou-nw7r-1nfr4str"
OU_WORKLOADS = "ou-nw7r-w0rkl0ad"
OU_PROD = "ou-nw7r-pr0dw0rk"
OU_NONPROD = "ou-nw7r-n0npr0dx"
OU_SANDBOX = "ou-nw7r-s4ndb0x1"

UNITS = [
    S.OrgUnit(OU_SECURITY, "Security", ROOT_ID),
    S.OrgUnit(OU_INFRA, "Infrastructure", ROOT_ID),
    S.OrgUnit(OU_WORKLOADS, "Workloads", ROOT_ID),
    S.OrgUnit(OU_SANDBOX, "Sandbox", ROOT_ID),
    S.OrgUnit(OU_PROD, "Prod", OU_WORKLOADS),
    S.OrgUnit(OU_NONPROD, "NonProd", OU_WORKLOADS),
]
UNIT_NAME = {ROOT_ID: "Root", **{u.id: u.name for u in UNITS}}
UNIT_PARENT = {u.id: u.parent for u in UNITS}


def ou_path(parent: str) -> str:
    names = []
    while parent != ROOT_ID:
        names.append(UNIT_NAME[parent])
        parent = UNIT_PARENT[parent]
    return " / ".join(["Root"] + names[::-1])


def d(y: int, m: int, day: int, h: int = 9, mi: int = 0) -> int:
    import calendar
    return calendar.timegm((y, m, day, h, mi, 0))


EXPIRED = d(2026, 3, 1, 23, 59)  # marketing's server certificate
ACCOUNTS = [
    S.OrgAccount(MGT, "northwind-management", "aws-root@northwind-robotics.example", ROOT_ID, "CREATED", d(2018, 3, 12)),
    S.OrgAccount(SEC, "northwind-security", "aws-security@northwind-robotics.example", OU_SECURITY, "INVITED",
                 d(2018, 6, 4, 14)),
    S.OrgAccount(SHR, "northwind-shared-services", "aws-shared@northwind-robotics.example", OU_INFRA, "CREATED",
                 d(2018, 6, 20)),
    S.OrgAccount(PRD, "northwind-prod", "aws-prod@northwind-robotics.example", OU_PROD, "CREATED", d(2019, 1, 15)),
    S.OrgAccount(DAT, "northwind-data", "aws-data@northwind-robotics.example", OU_PROD, "CREATED", d(2020, 9, 1)),
    S.OrgAccount(STG, "northwind-staging", "aws-staging@northwind-robotics.example", OU_NONPROD, "CREATED",
                 d(2019, 1, 16)),
    S.OrgAccount(SBX, "northwind-sandbox", "aws-sandbox@northwind-robotics.example", OU_SANDBOX, "CREATED",
                 d(2021, 4, 7)),
    S.OrgAccount(MKT, "northwind-marketing", "web-team@northwind-robotics.example", ROOT_ID, "INVITED",
                 d(2022, 11, 2, 16, 30)),
]
NAME = {a.id: a.name for a in ACCOUNTS}
SHORT = {MGT: "management", SEC: "security", SHR: "shared-services", PRD: "prod", DAT: "data", STG: "staging",
         SBX: "sandbox", MKT: "marketing"}
EXTERNAL = [
    (PARTNER, "Contoso Logistics (partner; its own organization `o-p4rtn3rx9z`)"),
    (AUDITOR, "Fabrikam Audit LLP (external auditor)"),
    (SAAS, "Skyline Monitoring (SaaS monitoring vendor)"),
    (MANUFACTURER, "Tailspin Manufacturing (contract manufacturer)"),
    (OLD_SIEM, "Litware SIEM (retired security vendor, contract ended)"),
]

ORG_ONLY = {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}


def org_policies() -> list[Any]:
    """SCPs and RCPs: id, name, description, type, content, targets."""
    everyone = [ROOT_ID] + [u.id for u in UNITS] + [a.id for a in ACCOUNTS]
    out = S.aws_managed_org_policies(everyone)
    scp, rcp = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"

    def add(pid: str, name: str, desc: str, ptype: str, doc: dict[str, Any], targets: list[str]) -> None:
        out.append(S.OrgPolicy(pid, name, desc, ptype, S.json.dumps(doc, indent=4), targets))

    add("p-nwdenylv1", "DenyLeaveOrganization", "Member accounts cannot leave the organization", scp,
        pol(st("Deny", None, "organizations:LeaveOrganization", "*", sid="DenyLeaveOrganization")), [ROOT_ID])
    add("p-nwdenyrt1", "DenyRootUser", "No root user actions in member accounts", scp,
        pol(st("Deny", None, "*", "*", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}},
               sid="DenyRootUser")), [ROOT_ID])
    add("p-nwregion1", "RegionRestriction", "Workloads run in us-east-1 and eu-west-1 only; global services and "
        "the organization's admin roles excepted", scp,
        pol(st("Deny", None, None, "*", {
            "StringNotEquals": {"aws:RequestedRegion": list(REGIONS)},
            "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/OrganizationAccountAccessRole",
                                               "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/"
                                               "AWSReservedSSO_AdministratorAccess_*"]}},
            sid="DenyOutsideApprovedRegions",
            not_action=["iam:*", "organizations:*", "sts:*", "support:*", "budgets:*", "ce:*", "cloudfront:*",
                        "route53:*", "waf:*", "health:*", "trustedadvisor:*"])), [OU_WORKLOADS])
    add("p-nwprotsec", "ProtectSecurityTooling", "Only the security breakglass role may stop logging or delete "
        "analyzers", scp,
        pol(st("Deny", None, ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "access-analyzer:DeleteAnalyzer",
                              "guardduty:DeleteDetector", "config:StopConfigurationRecorder"], "*",
               {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/security-breakglass"}},
               sid="ProtectSecurityServices")), [OU_SECURITY])
    add("p-nwsbxguard", "SandboxGuardrails", "Sandbox: no large instances, no organization or billing changes", scp,
        pol(st("Deny", None, "ec2:RunInstances", "arn:aws:ec2:*:*:instance/*",
               {"ForAnyValue:StringNotLike": {"ec2:InstanceType": ["t3.*", "t4g.*", "m7g.medium"]}},
               sid="SmallInstancesOnly"),
            st("Deny", None, ["organizations:*", "account:*", "aws-portal:*"], "*", sid="NoOrgOrBilling")), [SBX])
    add("p-nwtlsonly", "EnforceSecureTransport", "Every S3 request must use TLS", rcp,
        pol(st("Deny", "*", "s3:*", "*", {"BoolIfExists": {"aws:SecureTransport": "false"}},
               sid="EnforceSecureTransport")), [ROOT_ID])
    add("p-nwperim01", "ProdDataPerimeter", "Production data: organization identities and AWS services only", rcp,
        pol(st("Deny", "*", ["s3:*", "kms:*", "sqs:*", "secretsmanager:*"], "*", ORG_ONLY,
               sid="ProdDataStaysInOrganization")), [OU_PROD])
    add("p-nwsecsts1", "SecurityAccountTrustedCallers", "Security roles: organization identities and the external "
        "auditor only", rcp,
        pol(st("Deny", "*", ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "*", {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID, "aws:PrincipalAccount": [AUDITOR]},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}, sid="OnlyOrganizationAndAuditor")), [SEC])
    return out


POLICY_NOTES = {
    "p-FullAWSAccess": "AWS managed; attached by AWS to the root, every OU and every account (allows everything).",
    "p-RCPFullAWSAccess": "AWS managed; attached by AWS to the root, every OU and every account.",
    "p-nwdenylv1": "Deny `organizations:LeaveOrganization`.",
    "p-nwdenyrt1": "Deny everything to the root user (`aws:PrincipalArn` like `arn:aws:iam::*:root`). "
                   "SCPs never restrict the management account.",
    "p-nwregion1": "Deny every action outside `us-east-1`/`eu-west-1` (`NotAction` exempts global services), except "
                   "for `OrganizationAccountAccessRole` and the SSO administrator roles (`ArnNotLike`).",
    "p-nwprotsec": "Deny stopping CloudTrail, deleting analyzers/detectors and stopping AWS Config unless the "
                   "caller is `security-breakglass`.",
    "p-nwsbxguard": "Account-level SCP: only small instance types; no Organizations, account or billing actions.",
    "p-nwtlsonly": "Deny `s3:*` when `aws:SecureTransport` is false. It never denies a TLS request, so it "
                   "restricts no finding (`rcp_restricted` stays false because of it).",
    "p-nwperim01": "Deny `s3:*`, `kms:*`, `sqs:*`, `secretsmanager:*` unless the caller belongs to this organization "
                   "(`StringNotEqualsIfExists aws:PrincipalOrgID`) or is an AWS service "
                   "(`BoolIfExists aws:PrincipalIsAWSService false`). Does not cover Lambda, SNS, ECR or STS.",
    "p-nwsecsts1": "Account-level RCP: deny `sts:AssumeRole`/`TagSession`/`SetSourceIdentity` unless the caller is in "
                   "the organization **or** in the auditor's account 842058396127 (two keys in one "
                   "`StringNotEqualsIfExists`: both must differ for the Deny) or is an AWS service.",
}


# ---------------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------------

@dataclass
class Notes:
    principals: list[tuple[str, str, str]] = field(default_factory=list)      # kind, name, note
    policies: list[tuple[str, str]] = field(default_factory=list)             # name, note
    resources: list[tuple[str, str, str, str]] = field(default_factory=list)  # region, type, name, note
    summary: str = ""
    cli: str = "AWS CLI v2"


@dataclass
class Misconfiguration:
    title: str
    where: str
    holds: str
    consequence: str


class Northwind:
    def __init__(self, root: Path) -> None:
        self.w = S.SnapshotWriter(root)
        self.rng = random.Random("northwind-robotics")
        self.notes: dict[str, Notes] = {a.id: Notes() for a in ACCOUNTS}
        self.misconfigs: list[Misconfiguration] = []
        self.no_finding: list[str] = []
        self.cis: dict[str, dict[str, str]] = {}

    # -- helpers ----------------------------------------------------------------------------------
    def iid(self, prefix: str) -> str:
        return str(S.rand_iam_id(self.rng, prefix))

    def uuid(self) -> str:
        return str(S.rand_uuid(self.rng))

    def hexid(self, n: int) -> str:
        return str(S.rand_hex(self.rng, n))

    def mis(self, title: str, where: str, holds: str, consequence: str) -> None:
        self.misconfigs.append(Misconfiguration(title, where, holds, consequence))

    def cis_result(self, check: str, account: str, verdict: str) -> None:
        self.cis.setdefault(check, {})[account] = verdict

    def user(self, iam: Any, name: str, note: str, *, created: int, creds: Any, **kw: Any) -> str:
        uid = self.iid("AIDA")
        arn = iam.user(name, user_id=uid, created=created, creds=creds, **kw)
        if creds.mfa:
            iam.virtual_mfa(name, uid, created, created + DAY)
        self.notes[iam.account].principals.append(("user", name, note))
        return str(arn)

    def group(self, iam: Any, name: str, note: str, *, created: int, **kw: Any) -> str:
        arn = iam.group(name, group_id=self.iid("AGPA"), created=created, **kw)
        self.notes[iam.account].principals.append(("group", name, note))
        return str(arn)

    def role(self, iam: Any, name: str, trust: dict[str, Any], note: str, *, created: int, **kw: Any) -> str:
        arn = iam.role(name, trust, role_id=self.iid("AROA"), created=created, **kw)
        path = kw.get("path", "/")
        self.notes[iam.account].principals.append(("role", name if path == "/" else f"{path}{name}", note))
        return str(arn)

    def slrs(self, iam: Any, *names: str) -> None:
        for n in names:
            iam.service_linked_role(n, role_id=self.iid("AROA"), created=ago(1800),
                                    last_used=(ago(2), US) if n != "AWSServiceRoleForAccessAnalyzer" else (ago(0.3), US))
            svc = S.SERVICE_LINKED_ROLES[n][0]
            self.notes[iam.account].principals.append(("role", f"/aws-service-role/{svc}/{n}",
                                                        "service-linked role"))

    def sso(self, iam: Any, permission_set: str, policies: list[str], note: str) -> str:
        provider = f"arn:aws:iam::{iam.account}:saml-provider/AWSSSO_{self.hexid(16)}_DO_NOT_DELETE"
        name = f"AWSReservedSSO_{permission_set}_{self.hexid(16)}"
        return self.role(iam, name, pol(st("Allow", {"Federated": provider}, ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                                           condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})),
                         note, created=ago(1200), policies=policies, path="/aws-reserved/sso.amazonaws.com/",
                         max_session=43200, last_used=(ago(0.5), US))

    def org_access_role(self, iam: Any) -> str:
        return self.role(iam, "OrganizationAccountAccessRole", pol(st("Allow", {"AWS": root_arn(MGT)}, "sts:AssumeRole")),
                         "created by Organizations; trusts the management account; AdministratorAccess",
                         created=next(a.joined for a in ACCOUNTS if a.id == iam.account), policies=["AdministratorAccess"],
                         last_used=(ago(12), US))

    def support_role(self, iam: Any) -> str:
        return self.role(iam, "support-case-manager", pol(st("Allow", {"AWS": root_arn(iam.account)}, "sts:AssumeRole")),
                         "AWSSupportAccess: the CIS 1.17 support role", created=ago(900), policies=["AWSSupportAccess"])

    def customer(self, iam: Any, name: str, doc: dict[str, Any], note: str, *, created: int, **kw: Any) -> str:
        arn = iam.customer_policy(name, doc, created=created, policy_id=self.iid("ANPA"), **kw)
        self.notes[iam.account].policies.append((name, note))
        return str(arn)

    def res(self, r: Any, region: str, kind: str, name: str, note: str) -> None:
        self.notes[r.account].resources.append((region, kind, name, note))

    def key(self, r: Any, region: str, alias: str, doc: dict[str, Any], note: str, *, created: int,
            grants: Optional[list[dict[str, Any]]] = None, console: bool = True, key_id: Optional[str] = None,
            manager: str = "CUSTOMER", description: str = "") -> tuple[str, str]:
        key_id = key_id or self.uuid()
        arn = f"arn:aws:kms:{region}:{r.account}:key/{key_id}"
        text = S.console_style(doc) if console else S.json.dumps(doc, indent=2)
        r.key(region, key_id, created=created, policy_text=text, description=description or alias,
              aliases=[alias], grants=[dict(g, KeyId=arn) for g in grants or []], manager=manager)
        self.res(r, region, "KMS key", f"{alias} ({key_id})", note)
        return key_id, arn

    def grant(self, r: Any, name: str, grantee: str, ops: list[str], created: int, **kw: Any) -> dict[str, Any]:
        g: dict[str, Any] = r.grant("", self.hexid(64), name=name, created=created, grantee=grantee, operations=ops, **kw)
        return g

    def bucket(self, r: Any, name: str, region: str, note: str, **kw: Any) -> None:
        r.bucket(name, region, **kw)
        self.res(r, region, "S3 bucket", name, note)

    def queue(self, r: Any, region: str, name: str, doc: Optional[dict[str, Any]], note: str) -> str:
        arn = str(r.queue(region, name, doc))
        self.res(r, region, "SQS queue", name, note)
        return arn

    def topic(self, r: Any, region: str, name: str, extra: list[dict[str, Any]], note: str, **kw: Any) -> str:
        arn = str(r.topic(region, name, extra, **kw))
        self.res(r, region, "SNS topic", name, note)
        return arn

    def function(self, r: Any, region: str, name: str, role: str, sts: list[dict[str, Any]], note: str,
                 **kw: Any) -> str:
        arn = str(r.function(region, name, role_arn=role, modified=kw.pop("modified", ago(40)), rng=self.rng,
                             statements=sts, **kw))
        self.res(r, region, "Lambda function", name, note)
        return arn

    def secret(self, r: Any, region: str, name: str, doc: Optional[dict[str, Any]], note: str, **kw: Any) -> str:
        arn = str(r.secret(region, name, created=kw.pop("created", ago(500)), rng=self.rng, policy_doc=doc, **kw))
        self.res(r, region, "secret", name, note)
        return arn

    def repo(self, r: Any, region: str, name: str, doc: Optional[dict[str, Any]], note: str, **kw: Any) -> str:
        arn = str(r.repository(region, name, created=kw.pop("created", ago(600)), policy_doc=doc, **kw))
        self.res(r, region, "ECR repository", name, note)
        return arn

    def resources(self, account: str, style: Any = None) -> Any:
        return S.ResourceAccount(self.w, account, REGIONS, canonical_id=self.hexid(64),
                                 style=style or S.CliStyle())

    # -- build ------------------------------------------------------------------------------------
    def build(self) -> None:
        S.write_manifest(self.w, MGT, REGIONS)
        S.write_organization(self.w, org_id=ORG_ID, root_id=ROOT_ID, management=ACCOUNTS[0], units=UNITS,
                             accounts=ACCOUNTS, policies=self.policies)
        self.management()
        self.security()
        self.shared_services()
        self.prod()
        self.data()
        self.staging()
        self.sandbox()
        self.marketing()

    @property
    def policies(self) -> list[Any]:
        return org_policies()

    # -- northwind-management ---------------------------------------------------------------------
    def management(self) -> None:
        a = MGT
        n = self.notes[a]
        n.summary = ("Management account: the organization, consolidated billing, the organization CloudTrail "
                     "bucket and key, the Skyline Monitoring integration role. SCPs and RCPs never apply here.")
        iam = S.IamAccount(a)
        self.group(iam, "Admins", "AdministratorAccess", created=ago(3000), policies=["AdministratorAccess"])
        self.group(iam, "Billing", "Billing job function", created=ago(3000), policies=["Billing"])
        self.user(iam, "breakglass-admin", "member of Admins only; console password with MFA", created=ago(2900),
                  groups=["Admins"], creds=S.Credentials(password=True, password_last_used=ago(21),
                                                         password_changed=ago(60), mfa=True))
        self.user(iam, "finance.ana", "member of Billing only; console password with MFA", created=ago(1400),
                  groups=["Billing"], creds=S.Credentials(password=True, password_last_used=ago(3),
                                                          password_changed=ago(50), mfa=True))
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor",
                  "AWSServiceRoleForAccessAnalyzer")
        self.sso(iam, "AdministratorAccess", ["AdministratorAccess"], "IAM Identity Center permission set")
        self.sso(iam, "Billing", ["Billing"], "IAM Identity Center permission set")
        self.role(iam, "monitoring-saas-integration", pol(st(
            "Allow", {"AWS": f"arn:aws:iam::{SAAS}:role/skyline-collector"}, "sts:AssumeRole",
            condition={"StringEquals": {"sts:ExternalId": "nw-7c1f4be2-skyline"}})),
            "**M5** trusted by Skyline Monitoring's collector role **with** `sts:ExternalId`; ViewOnlyAccess",
            created=ago(700), policies=["ViewOnlyAccess"], last_used=(ago(0.1), US))
        self.support_role(iam)
        self.mis("Cross-account role trusted by an external account, with `sts:ExternalId`",
                 f"role `monitoring-saas-integration` ({SHORT[a]} {a})",
                 f"trust: `arn:aws:iam::{SAAS}:role/skyline-collector`, `StringEquals sts:ExternalId`",
                 f"external-access finding in both zones, principal `arn:aws:iam::{SAAS}:role/skyline-collector` "
                 "(the external id narrows, it does not remove the access); `rcp_restricted` **false**: RCPs never "
                 "apply to the management account.")
        iam.write(self.w, root_created=d(2018, 3, 12), password=S.password_policy(length=14, reuse=24, max_age=90),
                  password_max_age=90, root=S.Credentials(password_last_used=ago(412), mfa=True))

        r = self.resources(a)
        r.account_public_access_block(S.BPA_ALL)
        trail = f"arn:aws:cloudtrail:{US}:{MGT}:trail/northwind-org-trail"
        b = "northwind-org-cloudtrail"
        self.bucket(r, b, US, "organization trail logs: CloudTrail service statements (`aws:SourceArn`) — no finding",
                    created=d(2018, 3, 20), bpa=S.BPA_ALL, policy_doc=pol(
                        st("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:GetBucketAcl", f"arn:aws:s3:::{b}",
                           {"StringEquals": {"aws:SourceArn": trail}}, sid="AWSCloudTrailAclCheck"),
                        st("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject",
                           [f"arn:aws:s3:::{b}/AWSLogs/{MGT}/*", f"arn:aws:s3:::{b}/AWSLogs/{ORG_ID}/*"],
                           {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail}},
                           sid="AWSCloudTrailWrite")))
        b = "northwind-billing-reports"
        self.bucket(r, b, US, "Cost and Usage Reports written by `bcm-data-exports.amazonaws.com` — no finding",
                    created=d(2019, 2, 1), bpa=S.BPA_ALL, policy_doc=pol(st(
                        "Allow", {"Service": "bcm-data-exports.amazonaws.com"}, ["s3:PutObject", "s3:GetBucketPolicy"],
                        [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                        {"StringLike": {"aws:SourceArn": [f"arn:aws:cur:{US}:{MGT}:definition/*",
                                                          f"arn:aws:bcm-data-exports:{US}:{MGT}:export/*"]},
                         "StringEquals": {"aws:SourceAccount": MGT}}, sid="EnableAWSDataExportsToWriteToS3")))
        self.key(r, US, "alias/org-cloudtrail", S.default_key_policy(MGT, st(
            "Allow", {"Service": "cloudtrail.amazonaws.com"}, "kms:GenerateDataKey*", "*",
            {"StringEquals": {"aws:SourceArn": trail},
             "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MGT}:trail/*"}},
            sid="Allow CloudTrail to encrypt logs"), st(
            "Allow", {"Service": "cloudtrail.amazonaws.com"}, "kms:DescribeKey", "*", sid="Allow CloudTrail access"),
            id="Key policy created by CloudTrail"), "organization trail key; CloudTrail service only — no finding",
            created=d(2018, 3, 20))
        self.topic(r, US, "org-billing-alerts", [st("Allow", {"Service": "budgets.amazonaws.com"}, "SNS:Publish",
                                                    condition={"StringEquals": {"aws:SourceAccount": MGT}},
                                                    sid="AWSBudgetsSNSPublishingPermissions")],
                   "AWS Budgets alerts; default statement + `budgets.amazonaws.com` — no finding", subscriptions=2)
        r.region[EU].empty_queue_listing = True
        for region in REGIONS:
            r.analyzer(region, "management-account-analyzer", "ACCOUNT", ago(800))
        r.finish()

    # -- northwind-security -----------------------------------------------------------------------
    def security(self) -> None:
        a = SEC
        n = self.notes[a]
        n.summary = ("Security tooling, delegated administrator for IAM Access Analyzer (organization analyzer in "
                     "both regions), central logs. Joined by invitation, so it has no OrganizationAccountAccessRole; "
                     "no policy grants `*:*`.")
        iam = S.IamAccount(a)
        tooling = self.customer(iam, "SecurityToolingReadOnly", pol(st("Allow", None, [
            "access-analyzer:Get*", "access-analyzer:List*", "guardduty:Get*", "guardduty:List*",
            "securityhub:Get*", "securityhub:List*", "securityhub:Describe*", "config:Get*", "config:Describe*",
            "config:List*", "cloudtrail:LookupEvents", "cloudtrail:Get*", "cloudtrail:Describe*"], "*",
            sid="ReadSecurityFindings")), "read the security services' findings", created=ago(1500))
        self.customer(iam, "SecurityBreakglassScoped", pol(st("Allow", None, [
            "cloudtrail:*", "access-analyzer:*", "guardduty:*", "securityhub:*", "config:*", "iam:Get*",
            "iam:List*", "iam:GenerateCredentialReport"], "*", sid="SecurityServicesAdmin")),
            "security services administration (not `*:*`)", created=ago(1500))
        self.customer(iam, "SiemLogRead", pol(st("Allow", None, ["s3:GetObject", "s3:ListBucket"], [
            "arn:aws:s3:::northwind-security-logs", "arn:aws:s3:::northwind-security-logs/*"], sid="ReadLogs"),
            st("Allow", None, "kms:Decrypt", f"arn:aws:kms:{US}:{SEC}:key/*", sid="DecryptLogs")),
            "read the central log bucket", created=ago(2000))
        self.group(iam, "SecurityAnalysts", "ViewOnlyAccess + SecurityToolingReadOnly", created=ago(2000),
                   policies=["ViewOnlyAccess", "SecurityToolingReadOnly"])
        self.user(iam, "sec.analyst.omar", "member of SecurityAnalysts; MFA", created=ago(1100),
                  groups=["SecurityAnalysts"],
                  creds=S.Credentials(password=True, password_last_used=ago(1), password_changed=ago(70), mfa=True))
        self.user(iam, "sec.analyst.li", "member of SecurityAnalysts; MFA", created=ago(400),
                  groups=["SecurityAnalysts"],
                  creds=S.Credentials(password=True, password_last_used=ago(9), password_changed=ago(30), mfa=True))
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor",
                  "AWSServiceRoleForAccessAnalyzer")
        self.sso(iam, "SecurityAudit", ["ViewOnlyAccess", "SecurityToolingReadOnly"], "IAM Identity Center permission set")
        self.role(iam, "security-breakglass", pol(st("Allow", {"AWS": root_arn(SEC)}, "sts:AssumeRole",
                                                     condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
                  "MFA required; SecurityBreakglassScoped; exempt from the ProtectSecurityTooling SCP",
                  created=ago(1500), policies=["SecurityBreakglassScoped"])
        self.role(iam, "auditor-readonly", pol(st("Allow", {"AWS": root_arn(AUDITOR)}, "sts:AssumeRole",
                                                  condition={"StringEquals": {"sts:ExternalId": "fabrikam-nw-2026"}})),
                  "trusted by the auditor's account with `sts:ExternalId`; exempt in the account RCP",
                  created=ago(300), policies=["ViewOnlyAccess", "SecurityToolingReadOnly"], max_session=14400)
        self.role(iam, "legacy-siem-forwarder", pol(st("Allow", {"AWS": root_arn(OLD_SIEM)}, "sts:AssumeRole")),
                  "**M20** still trusts the retired SIEM vendor; blocked by the account RCP",
                  created=ago(1900), policies=["SiemLogRead"], last_used=(ago(400), US))
        self.support_role(iam)
        self.role(iam, "security-auto-remediation", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda execution role", created=ago(600),
                  policies=["AWSLambdaBasicExecutionRole", "SecurityToolingReadOnly"])
        self.mis("External trust blocked by an account-level RCP",
                 f"role `legacy-siem-forwarder` ({SHORT[a]} {a})",
                 f"trust: `arn:aws:iam::{OLD_SIEM}:root`, no condition; account RCP SecurityAccountTrustedCallers",
                 f"finding in both zones, principal `{OLD_SIEM}`; `rcp_restricted` **true** (the RCP attached to the "
                 f"account denies `sts:AssumeRole` to callers outside the organization other than {AUDITOR}). "
                 f"Contrast: `auditor-readonly` (trusted by {AUDITOR} with an external id) gives a finding with "
                 "`rcp_restricted` **false** — the auditor is the RCP's exception.")
        iam.write(self.w, root_created=d(2018, 5, 30), password=S.password_policy(length=16, reuse=24, max_age=90),
                  password_max_age=90, root=S.Credentials(mfa=True))

        r = self.resources(a)
        r.account_public_access_block(S.BPA_ALL)
        b = "northwind-security-logs"
        self.bucket(r, b, US, "central logs: any principal **of this organization** may write "
                    "(`aws:PrincipalOrgID`); Config and CloudTrail services — account-zone finding only",
                    created=d(2018, 7, 1), bpa=S.BPA_ALL, policy_doc=pol(
                        st("Allow", "*", "s3:PutObject", f"arn:aws:s3:::{b}/org-logs/*",
                           {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}, sid="OrgAccountsWriteLogs"),
                        st("Allow", {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]},
                           ["s3:GetBucketAcl", "s3:ListBucket"], f"arn:aws:s3:::{b}",
                           {"StringEquals": {"aws:SourceOrgID": ORG_ID}}, sid="ServicesCheckAcl"),
                        st("Deny", "*", "s3:*", [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                           {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport")))
        self.bucket(r, "northwind-security-findings-export", US, "no bucket policy", created=d(2022, 2, 14),
                    bpa=S.BPA_ALL)
        self.key(r, US, "alias/security-logs", S.default_key_policy(SEC, st(
            "Allow", "*", ["kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"], "*",
            {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}, sid="Organization accounts encrypt logs"),
            admins=[f"arn:aws:iam::{SEC}:role/security-breakglass"], id="key-consolepolicy-3"),
            "organization-wide use via `aws:PrincipalOrgID` — account-zone finding only", created=d(2018, 7, 1))
        alerts = self.topic(r, US, "security-alerts", [
            st("Allow", {"Service": "events.amazonaws.com"}, "SNS:Publish",
               condition={"StringEquals": {"aws:SourceAccount": SEC}}, sid="EventBridgePublishes"),
            st("Allow", {"AWS": "*"}, "SNS:Subscribe", condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
               sid="OrgAccountsSubscribe")],
            "EventBridge publishes; organization members subscribe (`aws:PrincipalOrgID`) — account-zone finding only",
            subscriptions=3)
        q = f"arn:aws:sqs:{US}:{SEC}:guardduty-findings"
        self.queue(r, US, "guardduty-findings", pol(st("Allow", {"Service": "sns.amazonaws.com"}, "sqs:SendMessage", q,
                                                       {"ArnEquals": {"aws:SourceArn": alerts}}, sid="FromSecurityAlerts")),
                   "fed by `security-alerts` through SNS (`aws:SourceArn`) — no finding")
        self.function(r, US, "security-auto-remediate", f"arn:aws:iam::{SEC}:role/security-auto-remediation", [
            st("Allow", {"Service": "events.amazonaws.com"}, "lambda:InvokeFunction",
               condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:events:{US}:{SEC}:rule/guardduty-high-severity"}},
               sid="guardduty-high-severity-rule")], "invoked by an EventBridge rule — no finding")
        self.key(r, EU, "alias/security-logs-eu", S.default_key_policy(SEC), "default key policy", created=d(2021, 3, 3),
                 console=False)
        qe = f"arn:aws:sqs:{EU}:{SEC}:guardduty-findings-eu"
        self.queue(r, EU, "guardduty-findings-eu", pol(st("Allow", {"Service": "events.amazonaws.com"}, "sqs:SendMessage",
                                                          qe, {"ArnEquals": {"aws:SourceArn":
                                                               f"arn:aws:events:{EU}:{SEC}:rule/guardduty-to-sqs"}})),
                   "EventBridge target — no finding")
        for region in REGIONS:
            r.analyzer(region, "northwind-org-analyzer", "ORGANIZATION", ago(700))
        r.finish()

    # -- northwind-shared-services ----------------------------------------------------------------
    def shared_services(self) -> None:
        a = SHR
        n = self.notes[a]
        n.summary = ("CI/CD and shared artifacts: container images, build artifacts, the partner order feed. "
                     "Holds three privilege-escalation paths and the start of the cross-account chain. "
                     "`get-account-authorization-details` is stored as two pages.")
        iam = S.IamAccount(a)
        boundary = self.customer(iam, "PlatformWorkloadBoundary", pol(
            st("Allow", None, ["s3:*", "ecr:*", "logs:*", "codebuild:*", "kms:Decrypt", "kms:GenerateDataKey*",
                               "sqs:*", "sns:Publish"], "*", sid="WorkloadServices"),
            st("Deny", None, ["iam:*", "organizations:*", "sts:AssumeRole"], "*", sid="NoIdentityChanges")),
            "permissions boundary of build roles", created=ago(900), path="/boundaries/")
        bot_policy_arn = f"arn:aws:iam::{SHR}:policy/build-bot-permissions"
        self.customer(iam, "build-bot-permissions", pol(
            st("Allow", None, ["ecr:GetAuthorizationToken"], "*", sid="EcrLogin"),
            st("Allow", None, ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                               "ecr:CompleteLayerUpload", "ecr:PutImage"],
               f"arn:aws:ecr:*:{SHR}:repository/robotics/*", sid="PushImages"),
            st("Allow", None, ["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::northwind-build-artifacts/*",
               sid="Artifacts"),
            st("Allow", None, ["iam:CreatePolicyVersion", "iam:GetPolicy", "iam:GetPolicyVersion",
                               "iam:ListPolicyVersions"], bot_policy_arn, sid="SelfServicePolicyUpdates")),
            "**M16** attached to build-bot; v2 (default) lets it create new versions of itself; v1 is older",
            created=ago(200), older=[(pol(st("Allow", None, ["ecr:GetAuthorizationToken", "ecr:PutImage"], "*")),
                                      ago(700))])
        self.customer(iam, "partner-sync-access", pol(st("Allow", None, ["sqs:ReceiveMessage", "sqs:DeleteMessage",
                                                                         "sqs:GetQueueAttributes"],
                                                         f"arn:aws:sqs:{US}:{SHR}:partner-orders-inbound", sid="ReadOrders")),
                      "read the partner order queue", created=ago(600))
        self.customer(iam, "artifact-bucket-rw", pol(st("Allow", None, ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], [
            "arn:aws:s3:::northwind-build-artifacts", "arn:aws:s3:::northwind-build-artifacts/*"], sid="Artifacts")),
            "read/write build artifacts", created=ago(1000))
        self.group(iam, "Platform", "PowerUserAccess", created=ago(2500), policies=["PowerUserAccess"])
        self.group(iam, "ReadOnly", "ViewOnlyAccess", created=ago(2500), policies=["ViewOnlyAccess"])
        self.user(iam, "build-bot", "**M16** no password; build-bot-permissions attached directly; two active keys "
                  "(one 200 days old, unused for 100 days)", created=ago(800), policies=["build-bot-permissions"],
                  creds=S.Credentials(keys=[S.AccessKey(True, ago(30), ago(0.4), US, "ecr"),
                                            S.AccessKey(True, ago(200), ago(100), US, "s3")]))
        self.user(iam, "dana.ops", "**M19** member of Platform; may assume `staging-deployer` in staging; MFA",
                  created=ago(1300), groups=["Platform"], inline_policies=[S.inline("assume-staging-deployer", pol(st(
                      "Allow", None, "sts:AssumeRole", f"arn:aws:iam::{STG}:role/staging-deployer",
                      sid="AssumeStagingDeployer")))],
                  creds=S.Credentials(password=True, password_last_used=ago(0.8), password_changed=ago(40), mfa=True))
        self.user(iam, "release.manager.kim", "member of ReadOnly; MFA; console unused for 60 days",
                  created=ago(900), groups=["ReadOnly"],
                  creds=S.Credentials(password=True, password_last_used=ago(60), password_changed=ago(80), mfa=True))
        self.org_access_role(iam)
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor",
                  "AWSServiceRoleForECS")
        self.sso(iam, "AdministratorAccess", ["AdministratorAccess"], "IAM Identity Center permission set")
        self.sso(iam, "PowerUserAccess", ["PowerUserAccess"], "IAM Identity Center permission set")
        self.role(iam, "partner-logistics-sync", pol(st("Allow", {"AWS": root_arn(PARTNER)}, "sts:AssumeRole")),
                  "**M4** trusted by the partner's whole account, **no** `sts:ExternalId`",
                  created=ago(600), policies=["partner-sync-access"], last_used=(ago(0.2), US))
        self.role(iam, "ci-lambda-deployer", pol(st(
            "Allow", {"Federated": f"arn:aws:iam::{SHR}:oidc-provider/token.actions.githubusercontent.com"},
            "sts:AssumeRoleWithWebIdentity", condition={
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:northwind-robotics/platform-deploy:*"}})),
            "**M17** GitHub Actions role: `iam:PassRole` on `*` + `lambda:CreateFunction` + `lambda:InvokeFunction`",
            created=ago(500), inline_policies=[S.inline("deploy-functions", pol(
                st("Allow", None, ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:InvokeFunction",
                                   "lambda:GetFunction"], "*", sid="ManageFunctions"),
                st("Allow", None, "iam:PassRole", "*", sid="PassAnyRole")))], last_used=(ago(1), US))
        self.role(iam, "ops-automation-admin", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda execution role with AdministratorAccess (the role M17 can pass)", created=ago(1100),
                  policies=["AdministratorAccess"])
        self.role(iam, "codebuild-firmware", pol(st("Allow", {"Service": "codebuild.amazonaws.com"}, "sts:AssumeRole")),
                  "CodeBuild; boundary PlatformWorkloadBoundary", created=ago(900),
                  policies=["AmazonEC2ContainerRegistryPowerUser", "artifact-bucket-rw"], boundary_arn=boundary,
                  path="/service-role/")
        self.role(iam, "platform-deployer", pol(st("Allow", {"AWS": f"arn:aws:iam::{SHR}:user/dana.ops"}, "sts:AssumeRole",
                                                   condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
                  "trusted by dana.ops with MFA; PowerUserAccess; boundary PlatformWorkloadBoundary", created=ago(1000),
                  policies=["PowerUserAccess"], boundary_arn=boundary)
        self.mis("Cross-account role trusted by an external account without `sts:ExternalId`",
                 f"role `partner-logistics-sync` ({SHORT[a]} {a})", f"trust: `arn:aws:iam::{PARTNER}:root`, no condition",
                 f"finding in both zones, principal `{PARTNER}`; `rcp_restricted` **false** (no STS RCP on the "
                 "Infrastructure path). Any principal of the partner account that its own admins allow can assume "
                 "it (confused-deputy risk: no external id).")
        self.mis("Privilege escalation: `iam:CreatePolicyVersion` on a policy attached to oneself",
                 f"user `build-bot` ({SHORT[a]} {a})",
                 "`build-bot-permissions` (attached to build-bot) allows `iam:CreatePolicyVersion` on its own ARN",
                 "build-bot can publish a new default version of its own policy (`--set-as-default`) granting `*:*`: "
                 "path user → administrator in one call. Also note the non-default version v1 — only the "
                 "`IsDefaultVersion` one is in force.")
        self.mis("Privilege escalation: `iam:PassRole` + `lambda:CreateFunction`",
                 f"role `ci-lambda-deployer` ({SHORT[a]} {a})",
                 "inline policy: `iam:PassRole` on `*`, `lambda:CreateFunction`, `lambda:InvokeFunction`; role "
                 "`ops-automation-admin` trusts `lambda.amazonaws.com` and has AdministratorAccess",
                 "the CI role can create a function running as `ops-automation-admin` and invoke it: administrator "
                 "of the account.")
        iam.write(self.w, root_created=d(2018, 6, 20), password=S.password_policy(length=14, reuse=24),
                  root=S.Credentials(mfa=True), pages=2)

        r = self.resources(a)
        r.account_public_access_block(S.BPA_ALL)
        b = "northwind-build-artifacts"
        self.bucket(r, b, US, "organization members read (`aws:PrincipalOrgID`), the CodeBuild role writes — "
                    "account-zone finding only", created=d(2018, 7, 10), bpa=S.BPA_ALL, policy_doc=pol(
                        st("Allow", "*", ["s3:GetObject", "s3:ListBucket"], [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                           {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}, sid="OrgReadsArtifacts"),
                        st("Allow", {"AWS": f"arn:aws:iam::{SHR}:role/service-role/codebuild-firmware"}, "s3:PutObject",
                           f"arn:aws:s3:::{b}/*", sid="CodeBuildWrites")))
        b = "northwind-terraform-state"
        self.bucket(r, b, US, "platform-deployer only; TLS enforced — no finding", created=d(2019, 1, 10),
                    bpa=S.BPA_ALL, policy_doc=pol(
                        st("Allow", {"AWS": f"arn:aws:iam::{SHR}:role/platform-deployer"},
                           ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                           sid="DeployerState"),
                        st("Deny", "*", "s3:*", [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                           {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport")))
        created = d(2020, 5, 5)
        self.key(r, US, "alias/build-artifacts", S.default_key_policy(
            SHR, admins=[f"arn:aws:iam::{SHR}:role/platform-deployer"], id="key-consolepolicy-3"),
            f"**M8** grant to the contract manufacturer's account {MANUFACTURER}; grant to codebuild-firmware",
            created=created, grants=[
                self.grant(r, "tailspin-firmware-signing", root_arn(MANUFACTURER),
                           ["Decrypt", "GenerateDataKey", "DescribeKey"], ago(250)),
                self.grant(r, "codebuild-firmware", f"arn:aws:iam::{SHR}:role/service-role/codebuild-firmware",
                           ["Encrypt", "Decrypt", "GenerateDataKey"], ago(800),
                           constraints={"EncryptionContextSubset": {"project": "firmware"}})])
        self.mis("KMS grant to an external account", f"key `alias/build-artifacts` ({SHORT[a]} {a}, {US})",
                 f"default key policy; grant `tailspin-firmware-signing`: GranteePrincipal `arn:aws:iam::{MANUFACTURER}:root`, "
                 "Decrypt/GenerateDataKey/DescribeKey",
                 f"finding in both zones, principal `{MANUFACTURER}`, actions from the grant's operations "
                 "(Access Analyzer analyses key policies **and grants**); `rcp_restricted` **false** "
                 "(no KMS RCP on the Infrastructure path).")
        self.repo(r, US, "robotics/firmware-base", pol(st(
            "Allow", "*", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            condition={"StringEquals": {"aws:PrincipalOrgID": PARTNER_ORG}}, sid="PartnerOrgPulls"), version="2008-10-17"),
            f"**M13** pulled by any principal of the partner's organization `{PARTNER_ORG}`")
        self.mis("ECR repository pulled by another organization", f"repository `robotics/firmware-base` ({SHORT[a]} {a}, {US})",
                 f"`Principal \"*\"` may pull when `aws:PrincipalOrgID` = `{PARTNER_ORG}` (the partner's organization)",
                 "finding keyed `public` (any principal) with condition key `aws:PrincipalOrgID`, both zones: the "
                 "other organization is outside the zone of trust. A puller also needs `ecr:GetAuthorizationToken` "
                 "in its own account. ECR is not covered by the RCPs here: `rcp_restricted` **false**.")
        self.repo(r, US, "platform/base-python", pol(st(
            "Allow", "*", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}, sid="OrgPulls"), version="2008-10-17"),
            "pulled by this organization (`aws:PrincipalOrgID`) — account-zone finding only")
        self.repo(r, US, "platform/ci-runner", None, "no repository policy", immutable=False)
        q = f"arn:aws:sqs:{US}:{SHR}:partner-orders-inbound"
        self.queue(r, US, "partner-orders-inbound", pol(st("Allow", "*", "sqs:SendMessage", q,
                                                           {"StringEquals": {"aws:PrincipalOrgID": PARTNER_ORG}},
                                                           sid="PartnerOrgSendsOrders")),
                   f"**M9** any principal of the partner's organization `{PARTNER_ORG}` may send")
        self.mis("SQS queue open to another organization", f"queue `partner-orders-inbound` ({SHORT[a]} {a}, {US})",
                 f"`Principal \"*\"`, `sqs:SendMessage`, `StringEquals aws:PrincipalOrgID` = `{PARTNER_ORG}`",
                 "finding keyed `public` with condition key `aws:PrincipalOrgID`, both zones (every account of the "
                 "partner's organization, including ones added later, may send); `rcp_restricted` **false** "
                 "(ProdDataPerimeter covers SQS but is attached to Prod, not Infrastructure).")
        self.queue(r, US, "build-events", None, "no `Policy` attribute")
        self.topic(r, US, "build-status", [st("Allow", {"AWS": "*"}, "SNS:Subscribe",
                                              condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
                                              sid="OrgSubscribes")],
                   "organization members subscribe — account-zone finding only", subscriptions=4)
        self.function(r, US, "ecr-scan-notifier", f"arn:aws:iam::{SHR}:role/ops-automation-admin", [
            st("Allow", {"Service": "events.amazonaws.com"}, "lambda:InvokeFunction",
               condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:events:{US}:{SHR}:rule/ecr-scan-complete"}},
               sid="ecr-scan-complete")], "EventBridge rule — no finding", runtime="python3.12")
        self.secret(r, US, "ci/github-app-key", pol(st("Allow", {"AWS": f"arn:aws:iam::{SHR}:role/ci-lambda-deployer"},
                                                       "secretsmanager:GetSecretValue", "*", sid="CiReads")),
                    "read by ci-lambda-deployer (same account) — no finding", created=ago(500))
        self.repo(r, EU, "robotics/navigation-stack", pol(st(
            "Allow", {"AWS": [root_arn(PRD), root_arn(STG)]},
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], sid="WorkloadsPull"),
            version="2008-10-17"), "prod and staging accounts pull — account-zone findings only", created=ago(400))
        self.key(r, EU, "alias/build-artifacts-eu", S.default_key_policy(SHR), "default key policy",
                 created=d(2021, 6, 1), console=False)
        self.function(r, EU, "artifact-replicator", f"arn:aws:iam::{SHR}:role/service-role/codebuild-firmware", [],
                      "no function policy", runtime="python3.11")
        for region in REGIONS:
            r.no_analyzers(region)
        r.finish()

    # -- northwind-prod ---------------------------------------------------------------------------
    def prod(self) -> None:
        a = PRD
        n = self.notes[a]
        n.summary = ("Production robot fleet backend (orders, telemetry). Governed by the ProdDataPerimeter RCP "
                     "(Prod OU) and the RegionRestriction SCP (Workloads OU). End of the cross-account chain.")
        iam = S.IamAccount(a)
        bnd = self.customer(iam, "ProdWorkloadBoundary", pol(
            st("Allow", None, ["s3:*", "sqs:*", "sns:Publish", "kms:Decrypt", "kms:GenerateDataKey*", "logs:*",
                               "secretsmanager:GetSecretValue", "ssm:*", "ec2messages:*", "ssmmessages:*"], "*",
                sid="WorkloadServices")), "permissions boundary of workload roles", created=ago(700), path="/boundaries/")
        self.customer(iam, "prod-orders-rw", pol(st("Allow", None, ["sqs:SendMessage", "sqs:ReceiveMessage",
                                                                    "sqs:DeleteMessage"], f"arn:aws:sqs:*:{PRD}:prod-*"),
                                                 st("Allow", None, "secretsmanager:GetSecretValue",
                                                    f"arn:aws:secretsmanager:*:{PRD}:secret:prod/*")),
                      "order router data access", created=ago(650))
        self.customer(iam, "prod-oncall-ops", pol(st("Allow", None, ["ssm:StartSession", "ssm:SendCommand",
                                                                     "ec2:RebootInstances"], "*")),
                      "on-call operations", created=ago(900))
        self.group(iam, "OnCall", "ViewOnlyAccess + prod-oncall-ops", created=ago(1500),
                   policies=["ViewOnlyAccess", "prod-oncall-ops"])
        self.user(iam, "oncall.yuki", "member of OnCall; MFA; one access key rotated 30 days ago", created=ago(1200),
                  groups=["OnCall"], creds=S.Credentials(password=True, password_last_used=ago(1), password_changed=ago(20),
                                                         mfa=True, keys=[S.AccessKey(True, ago(30), ago(2), US, "ssm")]))
        self.user(iam, "oncall.ravi", "member of OnCall; MFA", created=ago(300), groups=["OnCall"],
                  creds=S.Credentials(password=True, password_last_used=ago(6), password_changed=ago(15), mfa=True))
        self.org_access_role(iam)
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor",
                  "AWSServiceRoleForAutoScaling", "AWSServiceRoleForAccessAnalyzer")
        self.sso(iam, "AdministratorAccess", ["AdministratorAccess"], "IAM Identity Center permission set")
        self.sso(iam, "ViewOnly", ["ViewOnlyAccess"], "IAM Identity Center permission set")
        self.role(iam, "prod-break-glass", pol(st("Allow", {"AWS": f"arn:aws:iam::{STG}:role/staging-deployer"},
                                                  "sts:AssumeRole")),
                  "**M19** AdministratorAccess; trusted by staging's `staging-deployer`", created=ago(800),
                  policies=["AdministratorAccess"], last_used=(ago(33), US))
        self.role(iam, "order-router-exec", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda execution role; boundary ProdWorkloadBoundary", created=ago(650),
                  policies=["AWSLambdaBasicExecutionRole", "prod-orders-rw"], boundary_arn=bnd, last_used=(ago(0.01), US))
        self.role(iam, "prod-app-ec2", pol(st("Allow", {"Service": "ec2.amazonaws.com"}, "sts:AssumeRole")),
                  "EC2 instance profile; boundary ProdWorkloadBoundary", created=ago(640),
                  policies=["AmazonSSMManagedInstanceCore"], boundary_arn=bnd, instance_profile="prod-app-ec2",
                  last_used=(ago(0.01), US))
        self.role(iam, "data-etl-reader", pol(st("Allow", {"AWS": f"arn:aws:iam::{DAT}:role/etl-runner"}, "sts:AssumeRole")),
                  "trusted by the data account's etl-runner (inside the organization)", created=ago(500),
                  policies=["AmazonS3ReadOnlyAccess"])
        self.support_role(iam)
        iam.write(self.w, root_created=d(2019, 1, 15), password=S.password_policy(length=14, reuse=5, max_age=90),
                  password_max_age=90, root=S.Credentials(password_last_used=ago(500), mfa=True),
                  server_certificates=[S.server_certificate(PRD, "api-northwind-robotics-com-2026", self.iid("ASCA"),
                                                            ago(200), S.ago(-160))])

        r = self.resources(a)
        r.account_public_access_block(S.BPA_ALL)
        etl = f"arn:aws:iam::{DAT}:role/etl-runner"
        b = "northwind-prod-telemetry"
        self.bucket(r, b, US, "read by the data account's etl-runner — account-zone finding only", created=d(2019, 2, 1),
                    bpa=S.BPA_ALL, policy_doc=pol(st("Allow", {"AWS": etl}, ["s3:GetObject", "s3:ListBucket"],
                                                      [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"], sid="DataEtlReads")))
        b = "northwind-prod-backups"
        self.bucket(r, b, US, "same-account role; TLS enforced — no finding", created=d(2019, 2, 1), bpa=S.BPA_ALL,
                    policy_doc=pol(st("Allow", {"AWS": f"arn:aws:iam::{PRD}:role/prod-app-ec2"}, "s3:PutObject",
                                      f"arn:aws:s3:::{b}/*", sid="AppWritesBackups"),
                                   st("Deny", "*", "s3:*", [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                                      {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport")))
        router = f"arn:aws:iam::{PRD}:role/order-router-exec"
        asg = f"arn:aws:iam::{PRD}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        _, app_key = self.key(r, US, "alias/prod-app-data", S.default_key_policy(PRD, st(
            "Allow", {"AWS": [router, asg]}, ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                              "kms:DescribeKey"], "*", sid="Allow use of the key"), st(
            "Allow", {"AWS": asg}, ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "*",
            {"Bool": {"kms:GrantIsForAWSResource": "true"}}, sid="Allow attachment of persistent resources"),
            id="key-consolepolicy-3"), "same-account roles and the Auto Scaling service-linked role; grants to "
            "both — no finding", created=d(2019, 3, 1), grants=[
                self.grant(r, "", asg, ["Decrypt", "Encrypt", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
                                        "ReEncryptTo", "CreateGrant", "DescribeKey"], ago(300), retiring=asg),
                self.grant(r, "order-router", router, ["Decrypt", "GenerateDataKey"], ago(600))])
        self.key(r, US, "alias/prod-backups", S.default_key_policy(PRD), "default key policy — no finding",
                 created=d(2019, 3, 1), console=False)
        sm_key = self.uuid()
        self.key(r, US, "alias/aws/secretsmanager", S.aws_managed_key_policy(PRD, US, "secretsmanager"),
                 "AWS managed key: `Principal {\"AWS\": \"*\"}` limited by `kms:CallerAccount` = this account and "
                 "`kms:ViaService` — no finding", created=d(2019, 4, 2), console=False, key_id=sm_key, manager="AWS",
                 description="Default key that protects my Secrets Manager data when no other key is defined")
        topic = self.topic(r, US, "prod-order-events", [st("Allow", {"AWS": root_arn(DAT)}, "SNS:Subscribe",
                                                           sid="DataAccountSubscribes")],
                           "the data account subscribes — account-zone finding only", subscriptions=2)
        q = f"arn:aws:sqs:{US}:{PRD}:prod-orders"
        self.queue(r, US, "prod-orders", pol(st("Allow", {"Service": "sns.amazonaws.com"}, "sqs:SendMessage", q,
                                                {"ArnEquals": {"aws:SourceArn": topic}}, sid="FromOrderEvents")),
                   "fed by `prod-order-events` (`aws:SourceArn`) — no finding")
        self.queue(r, US, "prod-orders-dlq", None, "no `Policy` attribute")
        self.function(r, US, "prod-order-router", router, [
            st("Allow", {"Service": "apigateway.amazonaws.com"}, "lambda:InvokeFunction",
               condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{US}:{PRD}:k2x9vq7m1a/*/POST/orders"}},
               sid="apigateway-orders")], "invoked by API Gateway — no finding")
        self.secret(r, US, "prod/partner-api+token", pol(st("Allow", {"AWS": root_arn(PARTNER)},
                                                            ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                                                            "*", sid="PartnerReadsApiToken")),
                    "**M12** shared with the partner account; escaped file name `prod%2Fpartner-api%2Btoken.json`",
                    kms_key_arn=app_key, created=ago(300))
        self.mis("Secret shared with an external account, blocked by an RCP",
                 f"secret `prod/partner-api+token` ({SHORT[a]} {a}, {US})",
                 f"`Principal {{\"AWS\": \"arn:aws:iam::{PARTNER}:root\"}}` may GetSecretValue/DescribeSecret",
                 f"finding in both zones, principal `{PARTNER}`; `rcp_restricted` **true**: ProdDataPerimeter (Prod "
                 "OU) denies `secretsmanager:*` to principals outside the organization. (The secret is also "
                 "encrypted with a customer key the partner cannot use.)")
        self.secret(r, US, "prod/db-credentials", pol(st("Allow", {"AWS": router}, "secretsmanager:GetSecretValue", "*",
                                                         sid="RouterReads")),
                    "same-account role; encrypted with `aws/secretsmanager` (no KmsKeyId) — no finding", created=ago(1500))
        self.repo(r, US, "prod/robot-controller", None, "no repository policy", created=ago(900))
        b = "northwind-prod-eu-telemetry"
        self.bucket(r, b, EU, "read by the data account's etl-runner — account-zone finding only",
                    created=d(2021, 2, 1), bpa=S.BPA_ALL, policy_doc=pol(st(
                        "Allow", {"AWS": etl}, ["s3:GetObject", "s3:ListBucket"], [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                        sid="DataEtlReads")))
        self.key(r, EU, "alias/prod-app-data-eu", S.default_key_policy(PRD), "default key policy", created=d(2021, 2, 1),
                 console=False)
        qe = f"arn:aws:sqs:{EU}:{PRD}:prod-eu-orders"
        self.queue(r, EU, "prod-eu-orders", pol(st("Allow", {"AWS": router}, ["sqs:SendMessage", "sqs:ReceiveMessage"],
                                                   qe, sid="RouterUsesQueue")), "same-account role — no finding")
        self.secret(r, EU, "prod/eu-db-credentials", None, "no resource policy", created=ago(700))
        self.function(r, EU, "prod-eu-order-router", router, [], "no function policy")
        r.analyzer(US, "prod-account-analyzer", "ACCOUNT", ago(600))
        r.no_analyzers(EU)
        r.finish()

    # -- northwind-data ---------------------------------------------------------------------------
    def data(self) -> None:
        a = DAT
        n = self.notes[a]
        n.summary = ("Analytics data lake shared with the partner. In the Prod OU, so ProdDataPerimeter applies to "
                     "its S3, KMS, SQS and Secrets Manager resources — but not to Lambda.")
        iam = S.IamAccount(a)
        bnd = self.customer(iam, "DataWorkloadBoundary", pol(st("Allow", None, ["s3:*", "glue:*", "athena:*", "kms:Decrypt",
                                                                                "kms:GenerateDataKey*", "logs:*",
                                                                                "sts:AssumeRole"], "*")),
                            "permissions boundary of etl-runner", created=ago(800), path="/boundaries/")
        self.customer(iam, "data-lake-rw", pol(st("Allow", None, ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], [
            "arn:aws:s3:::northwind-data-lake*", "arn:aws:s3:::northwind-data-lake*/*"]),
            st("Allow", None, "sts:AssumeRole", f"arn:aws:iam::{PRD}:role/data-etl-reader")),
            "data lake read/write; may assume prod's data-etl-reader", created=ago(700))
        self.group(iam, "DataEngineers", "AmazonAthenaFullAccess + AmazonS3ReadOnlyAccess", created=ago(1400),
                   policies=["AmazonAthenaFullAccess", "AmazonS3ReadOnlyAccess"])
        self.user(iam, "etl-service-user", "no password; inline policy directly on the user; key 400 days old",
                  created=ago(1300), inline_policies=[S.inline("etl-s3-access", pol(st(
                      "Allow", None, ["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::northwind-data-lake/*")))],
                  creds=S.Credentials(keys=[S.AccessKey(True, ago(400), ago(1), US, "s3")]))
        created = ago(150)
        self.user(iam, "priya.analyst", "member of DataEngineers; MFA; an access key created with the user and never "
                  "used", created=created, groups=["DataEngineers"],
                  creds=S.Credentials(password=True, password_last_used=ago(2), password_changed=created, mfa=True,
                                      keys=[S.AccessKey(True, created, None)]))
        self.org_access_role(iam)
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor")
        self.sso(iam, "AdministratorAccess", ["AdministratorAccess"], "IAM Identity Center permission set")
        self.role(iam, "etl-runner", pol(st("Allow", {"Service": "glue.amazonaws.com"}, "sts:AssumeRole")),
                  "Glue job role; boundary DataWorkloadBoundary", created=ago(700),
                  policies=["AWSGlueServiceRole", "data-lake-rw"], boundary_arn=bnd, path="/", last_used=(ago(0.1), US))
        self.role(iam, "partner-telemetry-exec", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda execution role", created=ago(400), policies=["AWSLambdaBasicExecutionRole"])
        self.role(iam, "analytics-athena", pol(st("Allow", {"AWS": root_arn(DAT)}, "sts:AssumeRole",
                                                  condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
                  "same-account, MFA", created=ago(900), policies=["AmazonAthenaFullAccess"])
        iam.write(self.w, root_created=d(2020, 9, 1), password=S.password_policy(length=14, reuse=24),
                  root=S.Credentials(password_last_used=ago(800), mfa=True))

        r = self.resources(a)
        r.account_public_access_block(S.BPA_ALL)
        b = "northwind-data-lake"
        self.bucket(r, b, US, "**M21** the partner account reads `shared/` — finding restricted by the RCP",
                    created=d(2020, 9, 10), bpa=S.BPA_ALL, policy_doc=pol(
                        st("Allow", {"AWS": root_arn(PARTNER)}, "s3:GetObject", f"arn:aws:s3:::{b}/shared/*",
                           sid="PartnerReadsSharedPrefix"),
                        st("Allow", {"AWS": f"arn:aws:iam::{DAT}:role/etl-runner"}, ["s3:GetObject", "s3:PutObject",
                                                                                     "s3:ListBucket"],
                           [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"], sid="EtlReadWrite")))
        self.mis("Bucket shared with an external account inside the data perimeter",
                 f"bucket `northwind-data-lake` ({SHORT[a]} {a}, {US})",
                 f"`arn:aws:iam::{PARTNER}:root` may `s3:GetObject` under `shared/`",
                 f"finding in both zones, principal `{PARTNER}`; `rcp_restricted` **true** (ProdDataPerimeter denies "
                 "`s3:*` to outsiders: the share does not actually work).")
        b = "northwind-data-athena-results"
        self.bucket(r, b, US, "same-account role — no finding", created=d(2021, 1, 5), bpa=S.BPA_ALL,
                    policy_doc=pol(st("Allow", {"AWS": f"arn:aws:iam::{DAT}:role/analytics-athena"},
                                      ["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{b}/*")))
        key_created = d(2020, 9, 10)
        self.key(r, US, "alias/data-lake", S.default_key_policy(DAT, st(
            "Allow", "*", ["kms:Decrypt", "kms:DescribeKey"], "*", {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
            sid="Organization decrypts data lake objects")),
            "organization members decrypt (`aws:PrincipalOrgID`) — account-zone finding only; grant to etl-runner",
            created=key_created, grants=[self.grant(r, "etl-runner", f"arn:aws:iam::{DAT}:role/etl-runner",
                                                     ["Decrypt", "Encrypt", "GenerateDataKey"], ago(650))])
        self.function(r, US, "partner-telemetry-ingest", f"arn:aws:iam::{DAT}:role/partner-telemetry-exec", [
            st("Allow", {"AWS": root_arn(PARTNER)}, "lambda:InvokeFunction", sid="partner-invoke")],
            "**M11** invokable by the partner account", runtime="nodejs20.x")
        self.mis("Lambda function invokable by an external account",
                 f"function `partner-telemetry-ingest` ({SHORT[a]} {a}, {US})",
                 f"function policy: `arn:aws:iam::{PARTNER}:root` may `lambda:InvokeFunction`",
                 f"finding in both zones, principal `{PARTNER}`; `rcp_restricted` **false** although the account is in "
                 "the Prod OU: ProdDataPerimeter names no Lambda action.")
        q = f"arn:aws:sqs:{US}:{DAT}:data-ingest"
        self.queue(r, US, "data-ingest", pol(st("Allow", {"Service": "s3.amazonaws.com"}, "sqs:SendMessage", q, {
            "ArnLike": {"aws:SourceArn": "arn:aws:s3:::northwind-data-lake"},
            "StringEquals": {"aws:SourceAccount": DAT}}, sid="S3Notifications")),
            "S3 event notifications (`aws:SourceArn` + `aws:SourceAccount`) — no finding")
        self.topic(r, US, "data-pipeline-alerts", [st("Allow", {"Service": "cloudwatch.amazonaws.com"}, "SNS:Publish",
                                                      condition={"StringEquals": {"aws:SourceAccount": DAT}})],
                   "CloudWatch alarms — no finding", subscriptions=1)
        self.secret(r, US, "data/warehouse-readonly", pol(st(
            "Allow", {"AWS": f"arn:aws:iam::{PRD}:role/order-router-exec"}, "secretsmanager:GetSecretValue", "*",
            sid="ProdRouterReads")), "read by prod's order-router-exec — account-zone finding only", created=ago(450))
        self.bucket(r, "northwind-data-lake-eu", EU, "no bucket policy", created=d(2022, 3, 3), bpa=S.BPA_ALL)
        self.key(r, EU, "alias/data-lake-eu", S.default_key_policy(DAT), "default key policy", created=d(2022, 3, 3),
                 console=False)
        qe = f"arn:aws:sqs:{EU}:{DAT}:data-ingest-eu"
        self.queue(r, EU, "data-ingest-eu", pol(st("Allow", {"Service": "s3.amazonaws.com"}, "sqs:SendMessage", qe, {
            "ArnLike": {"aws:SourceArn": "arn:aws:s3:::northwind-data-lake-eu"},
            "StringEquals": {"aws:SourceAccount": DAT}})), "S3 event notifications — no finding")
        for region in REGIONS:
            r.no_analyzers(region)
        r.finish()

    # -- northwind-staging ------------------------------------------------------------------------
    def staging(self) -> None:
        a = STG
        n = self.notes[a]
        n.summary = ("Pre-production. Weak password policy, a contractor without MFA, CloudShell for developers, a "
                     "role trusting any principal, an open KMS key, and the middle hop of the chain to prod.")
        iam = S.IamAccount(a)
        self.customer(iam, "qa-tooling-read", pol(st("Allow", None, ["s3:GetObject", "s3:ListBucket", "sqs:ReceiveMessage",
                                                                     "logs:GetLogEvents", "logs:FilterLogEvents"], "*")),
                      "read-only QA tooling", created=ago(500))
        self.group(iam, "Developers", "PowerUserAccess + AWSCloudShellFullAccess", created=ago(1800),
                   policies=["PowerUserAccess", "AWSCloudShellFullAccess"])
        self.group(iam, "QA", "ViewOnlyAccess", created=ago(1800), policies=["ViewOnlyAccess"])
        self.user(iam, "ext-contractor-lee", "**M14** member of Developers; console password, **no MFA**",
                  created=ago(120), groups=["Developers"],
                  creds=S.Credentials(password=True, password_last_used=ago(5), password_changed=ago(120)))
        self.user(iam, "qa-lead.marta", "**M18** member of QA; inline `iam:UpdateAssumeRolePolicy` on every role; MFA",
                  created=ago(700), groups=["QA"], inline_policies=[S.inline("qa-trust-admin", pol(st(
                      "Allow", None, ["iam:UpdateAssumeRolePolicy", "iam:GetRole", "iam:ListRoles"],
                      f"arn:aws:iam::{STG}:role/*", sid="ManageTestRoleTrust")))],
                  creds=S.Credentials(password=True, password_last_used=ago(2), password_changed=ago(100), mfa=True))
        self.org_access_role(iam)
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForSSO", "AWSServiceRoleForTrustedAdvisor")
        self.sso(iam, "AdministratorAccess", ["AdministratorAccess"], "IAM Identity Center permission set")
        self.role(iam, "staging-deployer", pol(st("Allow", {"AWS": f"arn:aws:iam::{SHR}:user/dana.ops"}, "sts:AssumeRole")),
                  "**M19** trusted by shared-services' dana.ops; PowerUserAccess; may assume prod-break-glass",
                  created=ago(1000), policies=["PowerUserAccess"], inline_policies=[S.inline("assume-prod-break-glass", pol(
                      st("Allow", None, "sts:AssumeRole", f"arn:aws:iam::{PRD}:role/prod-break-glass",
                         sid="HotfixAccess")))], last_used=(ago(3), US))
        self.role(iam, "qa-tooling-access", pol(st("Allow", {"AWS": "*"}, "sts:AssumeRole",
                                                   condition={"StringEquals": {"aws:PrincipalTag/team": "qa"}})),
                  "**M6** trusts **any** AWS principal carrying the tag `team=qa`", created=ago(450),
                  policies=["qa-tooling-read"])
        self.role(iam, "staging-app-exec", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda execution role", created=ago(900), policies=["AWSLambdaBasicExecutionRole"])
        self.mis("Role trusting any principal with only a weak condition", f"role `qa-tooling-access` ({SHORT[a]} {a})",
                 "trust: `Principal {\"AWS\": \"*\"}`, `StringEquals aws:PrincipalTag/team` = `qa`",
                 "public (any principal) finding in both zones: anyone can tag a principal in **their own** account "
                 "`team=qa`, so the condition does not narrow access to a known set of accounts; "
                 "`rcp_restricted` **false** (no STS RCP on the Workloads/NonProd path).")
        self.mis("Console user without MFA", f"user `ext-contractor-lee` ({SHORT[a]} {a})",
                 "credential report: `password_enabled` true, `mfa_active` false; member of Developers (PowerUserAccess)",
                 "CIS 1.10 fails in staging; a phished password gives PowerUserAccess.")
        self.mis("Privilege escalation: `iam:UpdateAssumeRolePolicy`", f"user `qa-lead.marta` ({SHORT[a]} {a})",
                 f"inline policy: `iam:UpdateAssumeRolePolicy` on `arn:aws:iam::{STG}:role/*`",
                 "she can rewrite the trust policy of `OrganizationAccountAccessRole` (AdministratorAccess) to trust "
                 "herself and assume it: administrator of staging — and, through `staging-deployer`'s permission to "
                 "assume `prod-break-glass`, of prod.")
        self.mis("Chain of role assumptions across accounts",
                 f"user `dana.ops` ({SHORT[SHR]}) → role `staging-deployer` ({SHORT[STG]}) → role `prod-break-glass` "
                 f"({SHORT[PRD]})",
                 "each identity policy allows `sts:AssumeRole` on the next role, each trust policy names the previous "
                 "principal; `prod-break-glass` has AdministratorAccess",
                 f"a two-hop path from an IAM user in {SHR} to administrator of {PRD}; every hop stays inside the "
                 "organization (account-zone findings only on the two roles); SCP RegionRestriction exempts `sts:*`.")
        iam.virtual_mfa(None, STG, d(2019, 1, 16), d(2019, 1, 17))  # the root user's MFA is virtual
        iam.write(self.w, root_created=d(2019, 1, 16), password=S.password_policy(length=8, reuse=None, symbols=False),
                  root=S.Credentials(password_last_used=ago(300), mfa=True), root_virtual_mfa=True)

        r = self.resources(a)
        r.account_public_access_block(S.BPA_ALL)
        b = "northwind-staging-preview"
        self.bucket(r, b, US, "**M3** `Principal \"*\"` GetObject, no bucket-level BPA — neutralised by the account's "
                    "RestrictPublicBuckets", created=d(2019, 6, 6), bpa=None, policy_doc=pol(st(
                        "Allow", "*", "s3:GetObject", f"arn:aws:s3:::{b}/*", sid="PublicPreview")))
        self.mis("Public bucket neutralised by account-level Block Public Access",
                 f"bucket `northwind-staging-preview` ({SHORT[a]} {a}, {US})",
                 "policy: `Principal \"*\"` may `s3:GetObject`, no condition; no bucket-level BPA; account-level BPA "
                 "all true (the policy predates it)",
                 "**no finding**: `RestrictPublicBuckets` limits a bucket with a public policy to AWS service "
                 "principals and the owner account, and S3 applies the most restrictive of bucket and account "
                 "settings.")
        b = "northwind-staging-artifacts"
        self.bucket(r, b, US, "organization members read (`aws:PrincipalOrgID`) — account-zone finding only",
                    created=d(2019, 6, 6), bpa=S.BPA_ALL, policy_doc=pol(st(
                        "Allow", "*", "s3:GetObject", f"arn:aws:s3:::{b}/*",
                        {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}, sid="OrgReads")))
        self.key(r, US, "alias/staging-shared-data", pol(
            st("Allow", {"AWS": root_arn(STG)}, "kms:*", "*", sid="Enable IAM User Permissions"),
            st("Allow", {"AWS": "*"}, "kms:*", "*", sid="AllowEveryoneTemporarily"), id="key-consolepolicy-3"),
            "**M7** `Principal {\"AWS\": \"*\"}` may `kms:*`, no condition", created=d(2023, 5, 5))
        self.mis("Over-broad KMS key policy", f"key `alias/staging-shared-data` ({SHORT[a]} {a}, {US})",
                 "statement `AllowEveryoneTemporarily`: `Principal {\"AWS\": \"*\"}`, `kms:*`, `Resource \"*\"`, no condition",
                 "public finding (`isPublic` true) in both zones: any AWS principal may use **and administer** the "
                 "key (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`); `rcp_restricted` **false** (no KMS RCP on "
                 "the NonProd path).")
        qs = f"arn:aws:sqs:{US}:{STG}:staging-orders"
        self.queue(r, US, "staging-orders", pol(st("Allow", {"AWS": f"arn:aws:iam::{STG}:role/staging-app-exec"},
                                                   ["sqs:SendMessage", "sqs:ReceiveMessage"], qs)), "same-account role — no finding")
        self.topic(r, US, "staging-alerts", [], "default statement only — no finding", subscriptions=1)
        self.function(r, US, "staging-order-router", f"arn:aws:iam::{STG}:role/staging-app-exec", [
            st("Allow", {"Service": "apigateway.amazonaws.com"}, "lambda:InvokeFunction",
               condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{US}:{STG}:p7t2mz9c4d/*/POST/orders"}},
               sid="apigateway-orders")], "API Gateway — no finding")
        self.secret(r, US, "staging/db-credentials", pol(st("Allow", {"AWS": f"arn:aws:iam::{STG}:role/staging-app-exec"},
                                                            "secretsmanager:GetSecretValue", "*")),
                    "same-account role — no finding", created=ago(900))
        self.repo(r, US, "staging/robot-controller", pol(st(
            "Allow", {"AWS": f"arn:aws:iam::{SHR}:role/service-role/codebuild-firmware"},
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:PutImage",
             "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"], sid="CodeBuildPushPull"),
            version="2008-10-17"), "shared-services' CodeBuild role pushes — account-zone finding only")
        self.key(r, EU, "alias/staging-eu", S.default_key_policy(STG), "default key policy", created=d(2022, 8, 8),
                 console=False)
        self.queue(r, EU, "staging-eu-orders", None, "no `Policy` attribute")
        for region in REGIONS:
            r.no_analyzers(region)
        r.finish()

    # -- northwind-sandbox ------------------------------------------------------------------------
    def sandbox(self) -> None:
        a = SBX
        n = self.notes[a]
        n.summary = ("Developer experiments, under the SandboxGuardrails account-level SCP. An administrator user "
                     "with a directly attached AdministratorAccess, a `*:*` customer policy, a topic anyone may "
                     "publish to, and a root user without MFA.")
        iam = S.IamAccount(a)
        bnd = self.customer(iam, "SandboxDeveloperBoundary", pol(
            st("Allow", None, ["s3:*", "lambda:*", "logs:*", "sqs:*", "sns:*", "dynamodb:*", "ec2:Describe*",
                               "cloudwatch:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"], "*",
               sid="SandboxServices"),
            st("Deny", None, ["iam:CreateUser", "iam:CreateAccessKey", "iam:PutUserPolicy",
                              "iam:AttachUserPolicy"], "*", sid="NoIamUsers")),
            "permissions boundary of developers", created=ago(1000), path="/boundaries/")
        self.customer(iam, "SandboxFullAccess", pol(st("Allow", None, "*", "*", sid="Everything")),
                      "**M22** grants `*:*`; attached to sandbox-experiments (whose boundary limits it)",
                      created=ago(600))
        self.group(iam, "SandboxDevelopers", "PowerUserAccess", created=ago(1200), policies=["PowerUserAccess"])
        self.user(iam, "sandbox-admin", "**M15** AdministratorAccess attached **directly**; MFA", created=ago(1100),
                  policies=["AdministratorAccess"],
                  creds=S.Credentials(password=True, password_last_used=ago(4), password_changed=ago(30), mfa=True))
        for who, days in (("dev.noor", 2), ("dev.kai", 11)):
            self.user(iam, who, "member of SandboxDevelopers; boundary SandboxDeveloperBoundary; MFA", created=ago(500),
                      groups=["SandboxDevelopers"], boundary_arn=bnd,
                      creds=S.Credentials(password=True, password_last_used=ago(days), password_changed=ago(40), mfa=True))
        self.org_access_role(iam)
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForTrustedAdvisor")
        self.role(iam, "sandbox-experiments", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda role with SandboxFullAccess (`*:*`); boundary SandboxDeveloperBoundary", created=ago(600),
                  policies=["SandboxFullAccess"], boundary_arn=bnd)
        self.role(iam, "dev-role-noor", pol(st("Allow", {"AWS": f"arn:aws:iam::{SBX}:user/dev.noor"}, "sts:AssumeRole")),
                  "trusted by dev.noor; boundary SandboxDeveloperBoundary", created=ago(450),
                  policies=["PowerUserAccess"], boundary_arn=bnd)
        self.mis("IAM user with AdministratorAccess attached directly", f"user `sandbox-admin` ({SHORT[a]} {a})",
                 "`AttachedManagedPolicies`: AdministratorAccess; no group",
                 "administrator of the sandbox (SandboxGuardrails still denies large instances and Organizations/"
                 "billing actions); CIS 1.15 and 1.16 fail.")
        iam.write(self.w, root_created=d(2021, 4, 7), password=S.password_policy(length=12, reuse=None),
                  root=S.Credentials(password_last_used=ago(700), mfa=False,
                                     keys=[S.AccessKey(False, ago(1200), ago(1000), US, "s3")]))

        r = self.resources(a)
        r.account_public_access_block({"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
                                       "RestrictPublicBuckets": False})
        self.bucket(r, "northwind-sandbox-scratch", US, "no bucket policy", created=d(2021, 5, 1), bpa=None)
        self.topic(r, US, "sandbox-build-notifications", [st("Allow", {"AWS": "*"}, "SNS:Publish", sid="AnyonePublishes")],
                   "**M10** `Principal {\"AWS\": \"*\"}` may `SNS:Publish`, no condition", subscriptions=3)
        self.mis("SNS topic anyone may publish to", f"topic `sandbox-build-notifications` ({SHORT[a]} {a}, {US})",
                 "statement `AnyonePublishes`: `Principal {\"AWS\": \"*\"}`, `SNS:Publish`, no condition",
                 "public finding in both zones; anyone can send messages to the subscribers (spam, phishing through "
                 "e-mail subscriptions); `rcp_restricted` **false** (SNS is not an RCP service).")
        self.function(r, US, "sandbox-hello", f"arn:aws:iam::{SBX}:role/sandbox-experiments", [], "no function policy",
                      runtime="python3.12")
        qs = f"arn:aws:sqs:{US}:{SBX}:sandbox-jobs"
        self.queue(r, US, "sandbox-jobs", pol(st("Allow", {"AWS": f"arn:aws:iam::{SBX}:role/sandbox-experiments"},
                                                 "sqs:*", qs)), "same-account role — no finding")
        self.key(r, US, "alias/sandbox-key", S.default_key_policy(SBX), "default key policy", created=d(2021, 5, 1),
                 console=False)
        self.bucket(r, "northwind-sandbox-eu-scratch", EU, "no bucket policy", created=d(2022, 1, 10), bpa=S.BPA_ALL)
        self.secret(r, EU, "sandbox/api-test", None, "no resource policy", created=ago(100))
        for region in REGIONS:
            r.no_analyzers(region)
        r.finish()

    # -- northwind-marketing ----------------------------------------------------------------------
    def marketing(self) -> None:
        a = MKT
        n = self.notes[a]
        n.cli = "AWS CLI v1"
        n.summary = ("Legacy website account, joined by invitation and placed directly under the root. Collected "
                     "with AWS CLI v1 (epoch timestamps for KMS, Secrets Manager and ECR; no `BucketRegion`). "
                     "Public website buckets, an active root access key, no password policy, an expired "
                     "certificate. Access Analyzer listings were not collected.")
        v1 = S.CliStyle(v1=True)
        iam = S.IamAccount(a, style=v1)
        self.customer(iam, "marketing-web-publish", pol(st("Allow", None, ["s3:PutObject", "s3:DeleteObject",
                                                                           "s3:ListBucket"], [
            "arn:aws:s3:::northwind-www-assets", "arn:aws:s3:::northwind-www-assets/*"])),
            "publish the website", created=ago(1400))
        self.customer(iam, "LegacyFullAccess", pol(st("Allow", None, "*", "*")),
                      "**M22** grants `*:*`; attached to web-ops", created=ago(1450))
        self.group(iam, "WebTeam", "marketing-web-publish", created=ago(1450), policies=["marketing-web-publish"])
        self.user(iam, "web-publisher", "member of WebTeam; no password; key rotated 300 days ago, unused for 120 days",
                  created=ago(1400), groups=["WebTeam"],
                  creds=S.Credentials(keys=[S.AccessKey(True, ago(300), ago(120), US, "s3")]))
        self.user(iam, "cms-admin", "member of WebTeam; console password **without MFA**", created=ago(1300),
                  groups=["WebTeam"], creds=S.Credentials(password=True, password_last_used=ago(7), password_changed=ago(400)))
        self.slrs(iam, "AWSServiceRoleForOrganizations", "AWSServiceRoleForTrustedAdvisor")
        self.role(iam, "web-ops", pol(st("Allow", {"AWS": root_arn(MKT)}, "sts:AssumeRole")),
                  "LegacyFullAccess (`*:*`)", created=ago(1450), policies=["LegacyFullAccess"], last_used=(ago(15), US))
        self.role(iam, "cms-lambda-exec", pol(st("Allow", {"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")),
                  "Lambda execution role", created=ago(1000), policies=["AWSLambdaBasicExecutionRole"])
        self.mis("A customer managed policy granting `*:*`, attached", f"policy `LegacyFullAccess` on role `web-ops` "
                 f"({SHORT[a]} {a}); also `SandboxFullAccess` ({SHORT[SBX]})",
                 "`{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}`",
                 "CIS 1.16 fails; `web-ops` (trusted by the whole account) is an administrator.")
        iam.write(self.w, root_created=d(2016, 2, 20), password=None,
                  root=S.Credentials(password_last_used=ago(2), mfa=True,
                                     keys=[S.AccessKey(True, ago(1600), ago(1), US, "s3")]),
                  server_certificates=[S.server_certificate(MKT, "www-northwind-robotics-com-2025", self.iid("ASCA"),
                                                            ago(700), EXPIRED, style=v1)])

        r = self.resources(a, style=v1)
        r.account_public_access_block(None)
        b = "northwind-www-assets"
        self.bucket(r, b, US, "**M1** public website: `Principal \"*\"` GetObject, no BPA anywhere",
                    created=d(2016, 3, 1), bpa=None, ownership=None, list_region=False,
                    policy_doc=pol(st("Allow", "*", "s3:GetObject", f"arn:aws:s3:::{b}/*", sid="PublicReadGetObject"),
                                   version="2008-10-17"))
        self.mis("Public bucket (policy)", f"bucket `northwind-www-assets` ({SHORT[a]} {a}, {US})",
                 "policy: `Principal \"*\"` may `s3:GetObject` on every object, no condition; no bucket-level or "
                 "account-level Block Public Access",
                 "public finding (`isPublic` true, source POLICY) in both zones; `rcp_restricted` **false** "
                 "(EnforceSecureTransport only denies non-TLS requests).")
        b = "northwind-press-kit"
        self.bucket(r, b, US, "**M2** ACL grants READ to AllUsers (ObjectWriter ownership)", created=d(2017, 4, 1),
                    bpa=None, ownership="ObjectWriter", list_region=False,
                    grants=[{"Grantee": {"Type": "Group", "URI": S.ALL_USERS}, "Permission": "READ"}])
        self.mis("Bucket public through its ACL", f"bucket `northwind-press-kit` ({SHORT[a]} {a}, {US})",
                 "no policy; ACL grant `READ` to `AllUsers`; ownership ObjectWriter (ACLs enabled); no BPA",
                 "public finding (source BUCKET_ACL) in both zones with at least `s3:ListBucket` (bucket READ lists "
                 "the objects); `rcp_restricted` **false**.")
        self.bucket(r, "northwind-marketing-logs", US, "access logs; ACL grants WRITE/READ_ACP to the S3 LogDelivery "
                    "group — no finding", created=d(2017, 4, 1), bpa=None, ownership="ObjectWriter", list_region=False,
                    grants=[{"Grantee": {"Type": "Group", "URI": S.LOG_DELIVERY}, "Permission": p}
                            for p in ("WRITE", "READ_ACP")])
        self.bucket(r, "northwind-www-assets-eu", EU, "no bucket policy; created 2012-style with LocationConstraint "
                    "`EU`", created=d(2016, 3, 2), bpa=None, ownership=None, location="EU", list_region=False)
        self.key(r, US, "alias/marketing-cms", S.default_key_policy(MKT), "default key policy; grant to "
                 "cms-lambda-exec — no finding", created=d(2020, 2, 2), console=False,
                 grants=[self.grant(r, "cms-lambda", f"arn:aws:iam::{MKT}:role/cms-lambda-exec", ["Decrypt"], ago(900))])
        self.secret(r, US, "marketing/cms-api-key", None, "no resource policy (epoch timestamps)", created=ago(1000))
        self.repo(r, US, "marketing/web-frontend", None, "no repository policy (epoch timestamps)", created=ago(800),
                  immutable=False, scan=False)
        self.function(r, US, "marketing-form-handler", f"arn:aws:iam::{MKT}:role/cms-lambda-exec", [
            st("Allow", {"Service": "apigateway.amazonaws.com"}, "lambda:InvokeFunction",
               condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:{US}:{MKT}:w3bf0rm5x1/*/POST/contact"}},
               sid="contact-form")], "API Gateway — no finding", runtime="nodejs20.x")
        self.topic(r, EU, "marketing-newsletter", [], "default statement only — no finding", subscriptions=1)
        r.finish()




# ---------------------------------------------------------------------------------------------------
# CIS AWS Foundations Benchmark v3.0.0, section 1 (IAM): what each account is built to show
# ---------------------------------------------------------------------------------------------------

ORDER = [MGT, SEC, SHR, PRD, DAT, STG, SBX, MKT]
CIS = [
    ("1.4", "No root user access key exists", {
        MKT: "FAIL: active root key (AccountAccessKeysPresent 1)",
        SBX: "FAIL: an inactive root key still exists (AccountAccessKeysPresent 1)"}, "PASS"),
    ("1.5", "MFA is enabled for the root user", {SBX: "FAIL: root `mfa_active` false"}, "PASS"),
    ("1.6", "Hardware MFA is enabled for the root user", {
        STG: "FAIL: `root-account-mfa-device` listed in list-virtual-mfa-devices (virtual)",
        SBX: "FAIL: no root MFA"}, "PASS"),
    ("1.7", "Eliminate use of the root user for administrative and daily tasks", {
        MKT: "FAIL: root password used 2 days and its access key 1 day before collection"}, "PASS"),
    ("1.8", "IAM password policy requires a minimum length of 14 or greater", {
        STG: "FAIL: 8", SBX: "FAIL: 12", MKT: "FAIL: no password policy (NoSuchEntity)"}, "PASS"),
    ("1.9", "IAM password policy prevents password reuse (24)", {
        PRD: "FAIL: PasswordReusePrevention 5", STG: "FAIL: not set", SBX: "FAIL: not set",
        MKT: "FAIL: no password policy"}, "PASS"),
    ("1.10", "MFA is enabled for all IAM users that have a console password", {
        STG: "FAIL: ext-contractor-lee", MKT: "FAIL: cms-admin"}, "PASS"),
    ("1.11", "No access keys created during initial user setup (console users)", {
        DAT: "FAIL: priya.analyst's key created with the user, never used"}, "PASS"),
    ("1.12", "Credentials unused for 45 days or more are disabled", {
        SHR: "FAIL: build-bot key 2 unused 100 days; release.manager.kim's password unused 60 days",
        DAT: "FAIL: priya.analyst's key never used since creation 150 days ago",
        MKT: "FAIL: web-publisher's key unused 120 days"}, "PASS"),
    ("1.13", "Only one active access key per IAM user", {SHR: "FAIL: build-bot has two active keys"}, "PASS"),
    ("1.14", "Access keys are rotated every 90 days or less", {
        SHR: "FAIL: build-bot key 2 is 200 days old",
        DAT: "FAIL: etl-service-user's key is 400 days old, priya.analyst's 150",
        MKT: "FAIL: web-publisher key is 300 days old"}, "PASS"),
    ("1.15", "IAM users receive permissions only through groups", {
        SHR: "FAIL: build-bot (attached), dana.ops (inline)", DAT: "FAIL: etl-service-user (inline)",
        STG: "FAIL: qa-lead.marta (inline)", SBX: "FAIL: sandbox-admin (attached)"}, "PASS"),
    ("1.16", "No IAM policy allowing full `*:*` administrative privileges is attached", {
        MGT: "FAIL: AdministratorAccess on group Admins and the SSO administrator role",
        SEC: "PASS: no AdministratorAccess, no `*:*` policy",
        SHR: "FAIL: AdministratorAccess on OrganizationAccountAccessRole, the SSO role, ops-automation-admin",
        PRD: "FAIL: AdministratorAccess on OrganizationAccountAccessRole, the SSO role, prod-break-glass",
        DAT: "FAIL: AdministratorAccess on OrganizationAccountAccessRole and the SSO role",
        STG: "FAIL: AdministratorAccess on OrganizationAccountAccessRole and the SSO role",
        SBX: "FAIL: AdministratorAccess on sandbox-admin and OrganizationAccountAccessRole; SandboxFullAccess",
        MKT: "FAIL: LegacyFullAccess (`*:*`) on web-ops"}, ""),
    ("1.17", "A support role has been created to manage incidents with AWS Support", {
        MGT: "PASS", SEC: "PASS", PRD: "PASS"}, "FAIL: AWSSupportAccess attached nowhere"),
    ("1.19", "Expired SSL/TLS certificates stored in IAM are removed", {
        MKT: "FAIL: www-northwind-robotics-com-2025 expired 2026-03-01",
        PRD: "PASS: api-northwind-robotics-com-2026 valid until 2027-04-29"}, "PASS: no server certificate"),
    ("1.20", "IAM Access Analyzer is enabled for all regions", {
        MGT: "PASS: ACCOUNT analyzer in both regions", SEC: "PASS: ORGANIZATION analyzer in both regions",
        PRD: "FAIL: us-east-1 only", MKT: "not assessable: list-analyzers not collected"},
        "FAIL: no analyzer (empty list-analyzers)"),
    ("1.22", "Access to AWSCloudShellFullAccess is restricted", {
        STG: "FAIL: attached to group Developers"}, "PASS"),
]


def cis_cell(check: str, default: str, special: dict[str, str], acct: str) -> str:
    return special.get(acct, default)


# ---------------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------------

def count_snapshot(root: Path) -> dict[str, int]:
    """Counts computed from the written files (the same way tests/python/test_example_org.py does)."""
    import json
    import glob

    def load(p: str) -> Any:
        text = Path(p).read_text()
        return json.loads(text) if text.strip() else {}

    o = root / "organizations"
    c = {"accounts": len(load(str(o / "list-accounts.json"))["Accounts"])}
    todo, ous = [x["Id"] for x in load(str(o / "list-roots.json"))["Roots"]], 0
    while todo:
        p = todo.pop()
        kids = load(str(o / "list-organizational-units-for-parent" / f"{p}.json"))["OrganizationalUnits"]
        ous += len(kids)
        todo += [k["Id"] for k in kids]
    c["organizational units"] = ous
    c["SCPs"] = len(load(str(o / "list-policies" / "SERVICE_CONTROL_POLICY.json"))["Policies"])
    c["RCPs"] = len(load(str(o / "list-policies" / "RESOURCE_CONTROL_POLICY.json"))["Policies"])
    users = groups = roles = 0
    res = {k: 0 for k in ("S3 buckets", "KMS keys", "SQS queues", "SNS topics", "Lambda functions",
                          "Secrets Manager secrets", "ECR repositories")}
    for adir in sorted(glob.glob(str(root / "accounts" / "*"))):
        iam = Path(adir) / "global" / "iam"
        pages = ([str(iam / "get-account-authorization-details.json")] if (iam / "get-account-authorization-details.json").exists()
                 else sorted(glob.glob(str(iam / "get-account-authorization-details" / "page-*.json"))))
        for p in pages:
            dd = load(p)
            users += len(dd["UserDetailList"])
            groups += len(dd["GroupDetailList"])
            roles += len(dd["RoleDetailList"])
        res["S3 buckets"] += len(load(f"{adir}/global/s3api/list-buckets.json")["Buckets"])
        for region in REGIONS:
            rr = f"{adir}/regions/{region}"
            res["KMS keys"] += len(load(f"{rr}/kms/list-keys.json")["Keys"])
            res["SQS queues"] += len(load(f"{rr}/sqs/list-queues.json").get("QueueUrls", []))
            res["SNS topics"] += len(load(f"{rr}/sns/list-topics.json")["Topics"])
            res["Lambda functions"] += len(load(f"{rr}/lambda/list-functions.json")["Functions"])
            res["Secrets Manager secrets"] += len(load(f"{rr}/secretsmanager/list-secrets.json")["SecretList"])
            res["ECR repositories"] += len(load(f"{rr}/ecr/describe-repositories.json")["repositories"])
    c.update({"IAM users": users, "IAM groups": groups, "IAM roles": roles, "principals (users + roles)": users + roles})
    c.update(res)
    c["resources (all of the above)"] = sum(res.values())
    return c


def readme(nw: Northwind, counts: dict[str, int]) -> str:
    L: list[str] = []
    add = L.append
    add("# Example organization: Northwind Robotics")
    add("")
    add(f"A fictional company's AWS organization `{ORG_ID}`, bundled with accessgraph as a realistic snapshot "
        f"(`snapshot/`, in the layout of `shared/snapshot/LAYOUT.md`), collected at `{S.COLLECTED_AT}` from the "
        f"management account {MGT}, regions `{US}` and `{EU}`. Every account id, name and secret is invented. "
        "SCPs **and** RCPs are enabled.")
    add("")
    add("```python")
    add("from accessgraph.examples import example_snapshot_path")
    add("snapshot = example_snapshot_path()   # .../accessgraph/data/example-org/snapshot")
    add("```")
    add("")
    add("Generated by `python scripts/make_example_org.py` (deterministic — re-running reproduces every byte); "
        "never edit these files by hand. The misconfigurations below are deliberate, each with the consequence a "
        "correct analysis must report. Findings follow IAM Access Analyzer's rules as summarised in "
        "`shared/findings/README.md` (zone of trust = the organization or one account; `rcp_restricted` = an RCP "
        "on the resource's path explicitly denies every action of the finding to that principal).")
    add("")
    add("## Counts")
    add("")
    add("Computed from the files (and checked by `tests/python/test_example_org.py`).")
    add("")
    add("| what | count |")
    add("|---|---|")
    for k, v in counts.items():
        add(f"| {k} | {v} |")
    add("")
    add("## Organization")
    add("")
    add("```")
    add(f"Root {ROOT_ID}")

    def tree(parent: str, indent: str) -> None:
        for acc in ACCOUNTS:
            if acc.parent == parent:
                add(f"{indent}├─ {acc.id} {acc.name}" + (" (management)" if acc.id == MGT else ""))
        for u in UNITS:
            if u.parent == parent:
                add(f"{indent}├─ OU {u.name} ({u.id})")
                tree(u.id, indent + "│  ")

    tree(ROOT_ID, "")
    add("```")
    add("")
    add("| account | name | where | joined | collected with | purpose |")
    add("|---|---|---|---|---|---|")
    for acc in ACCOUNTS:
        nn = nw.notes[acc.id]
        add(f"| {acc.id} | {acc.name} | {ou_path(acc.parent)} | {acc.joined_method.lower()} "
            f"{S.iso(acc.joined)[:10]} | {nn.cli} | {nn.summary} |")
    add("")
    add("Outside the organization:")
    add("")
    add("| account | who |")
    add("|---|---|")
    for ext, who in EXTERNAL:
        add(f"| {ext} | {who} |")
    add("")
    add("### Organizational units")
    add("")
    add("| OU | id | parent | accounts |")
    add("|---|---|---|---|")
    for u in UNITS:
        accs = ", ".join(f"{x.id} {x.name}" for x in ACCOUNTS if x.parent == u.id) or "—"
        add(f"| {u.name} | `{u.id}` | {UNIT_NAME[u.parent]} | {accs} |")
    add("")
    add("### SCPs and RCPs")
    add("")
    add("| id | name | type | attached to | what it does |")
    add("|---|---|---|---|---|")
    target_name = {ROOT_ID: "Root", **{u.id: f"OU {u.name}" for u in UNITS}, **{x.id: x.name for x in ACCOUNTS}}
    for p in org_policies():
        where = "every target" if p.aws_managed else ", ".join(target_name[t] for t in p.targets)
        add(f"| `{p.id}` | {p.name} | {'SCP' if p.type == 'SERVICE_CONTROL_POLICY' else 'RCP'} | {where} | "
            f"{POLICY_NOTES[p.id]} |")
    add("")
    add("Which RCPs govern each member account (besides RCPFullAWSAccess): every account — EnforceSecureTransport "
        "(root); prod and data — also ProdDataPerimeter (Prod OU); security — also SecurityAccountTrustedCallers "
        "(account). The management account is governed by none: RCPs and SCPs never apply to it.")
    add("")
    add("## Deliberate misconfigurations")
    add("")
    add("| # | misconfiguration | where | what the snapshot holds | expected consequence |")
    add("|---|---|---|---|---|")
    order = sorted(nw.misconfigs, key=lambda m: _mis_rank(m.title))
    for i, m in enumerate(order, 1):
        add(f"| M{i} | {m.title} | {m.where} | {m.holds} | {m.consequence} |")
    add("")
    add("(The `**Mn**` tags in the tables below refer to this list.)")
    add("")
    add("Also deliberately **without** an external-access finding: service principals (CloudTrail, AWS Data "
        "Exports, Config, EventBridge, SNS → SQS, S3 notifications, API Gateway, CloudWatch, Budgets) narrowed by "
        "`aws:SourceArn`/`aws:SourceAccount`/`aws:SourceOrgID`; SNS default statements (`AWS:SourceOwner`); the AWS "
        "managed key `alias/aws/secretsmanager` in prod (`Principal \"*\"` limited by `kms:CallerAccount` and "
        "`kms:ViaService`); the LogDelivery ACL of `northwind-marketing-logs`; same-account grants and roles; "
        "`northwind-staging-preview` (M3). Sharing **inside** the organization (`aws:PrincipalOrgID` = "
        f"`{ORG_ID}`, other member accounts, `OrganizationAccountAccessRole` trusting {MGT}) gives account-zone "
        "findings only, never organization-zone ones.")
    add("")
    add("## CIS AWS Foundations Benchmark v3.0.0 — IAM checks")
    add("")
    add("Each automated IAM check passes in at least one account and fails in at least one other "
        "(1.1–1.3, 1.18 and 1.21 are manual and not modelled).")
    add("")
    add("| check | " + " | ".join(SHORT[x] for x in ORDER) + " |")
    add("|---|" + "---|" * len(ORDER))
    for check, title, special, default in CIS:
        cells = [cis_cell(check, default, special, x) for x in ORDER]
        add(f"| **{check}** {title} | " + " | ".join(cells) + " |")
    add("")
    add("## Accounts in detail")
    for acc in ACCOUNTS:
        nn = nw.notes[acc.id]
        add("")
        add(f"### {acc.id} {acc.name}")
        add("")
        add(nn.summary)
        add("")
        add("| principal | name | notes |")
        add("|---|---|---|")
        for kind, name, note in nn.principals:
            add(f"| {kind} | `{name}` | {note} |")
        if nn.policies:
            add("")
            add("| customer managed policy | notes |")
            add("|---|---|")
            for name, note in nn.policies:
                add(f"| `{name}` | {note} |")
        add("")
        add("| region | resource | name | notes |")
        add("|---|---|---|---|")
        for region, kind, name, note in nn.resources:
            add(f"| {region if kind != 'S3 bucket' else region + ' (global/s3api)'} | {kind} | `{name}` | {note} |")
    add("")
    add("## Loader traps")
    add("")
    add("* `northwind-shared-services`: `get-account-authorization-details` is two pages "
        "(`get-account-authorization-details/page-0001.json`, `page-0002.json`); the customer policy "
        "`build-bot-permissions` has two versions (only `v2` is the default).")
    add("* `northwind-marketing`: AWS CLI v1 output — KMS, Secrets Manager and ECR timestamps are epoch seconds "
        "(numbers), IAM timestamps end in `Z`, S3 timestamps in `.000Z`, `list-buckets` has no `BucketRegion`; "
        "`northwind-www-assets-eu` has the legacy `LocationConstraint` `EU` (= eu-west-1); no "
        "`accessanalyzer/` folder; the password policy and account-level BPA are `.error.txt` files.")
    add("* `prod/partner-api+token` is stored as `secretsmanager/get-resource-policy/prod%2Fpartner-api%2Btoken.json`; "
        "ECR repository names with `/` are escaped the same way (`robotics%2Ffirmware-base.json`).")
    add("* `northwind-management`, eu-west-1: `sqs/list-queues.json` is an empty file (the CLI prints nothing).")
    add("* Policies are JSON strings in several styles: minified (S3, SQS, SNS, Lambda), two-space (Secrets "
        "Manager), console style `\"Key\" : value` (KMS keys edited in the console, ECR). IAM documents are objects.")
    add("* `alias/aws/secretsmanager` in prod is an AWS managed key (`KeyManager` AWS) listed by `list-keys`; the other "
        "`alias/aws/*` aliases have no target key yet.")
    add("")
    return "\n".join(L)


_MIS_ORDER = [
    "Public bucket (policy)", "Bucket public through its ACL", "Public bucket neutralised",
    "Cross-account role trusted by an external account without", "Cross-account role trusted by an external account, with",
    "Role trusting any principal", "Over-broad KMS key policy", "KMS grant to an external account",
    "SQS queue open to another organization", "SNS topic anyone", "Lambda function invokable",
    "Secret shared with an external account", "ECR repository pulled", "Console user without MFA",
    "IAM user with AdministratorAccess", "Privilege escalation: `iam:CreatePolicyVersion`",
    "Privilege escalation: `iam:PassRole`", "Privilege escalation: `iam:UpdateAssumeRolePolicy`",
    "Chain of role assumptions", "External trust blocked", "Bucket shared with an external account",
    "A customer managed policy granting",
]


def _mis_rank(title: str) -> int:
    for i, prefix in enumerate(_MIS_ORDER):
        if title.startswith(prefix):
            return i
    raise KeyError(title)


# ---------------------------------------------------------------------------------------------------

def build(out: Path) -> dict[str, int]:
    """Write README.md and snapshot/ into ``out`` (replaced as a whole)."""
    out = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=".example-org-", dir=out.parent if out.parent.exists() else None))
    try:
        nw = Northwind(tmp / "snapshot")
        nw.build()
        counts = count_snapshot(tmp / "snapshot")
        (tmp / "README.md").write_text(readme(nw, counts), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    args = ap.parse_args(argv)
    counts = build(args.out)
    print(f"wrote {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
