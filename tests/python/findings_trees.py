"""Small snapshot trees for the external-access findings tests.

`SnapshotTree` builds the nested dict that `accessgraph.load_snapshot_from_dict` takes: folders are
dicts, `.json` files their JSON value, `.txt` / `.csv` files strings, laid out as the snapshot
LAYOUT.md says. Every file holds what the AWS CLI prints for the call (policies inside responses are
JSON strings, IAM documents are objects as botocore decodes them). Every collected region has all
its listing files, empty ones included.

The organization (SCPs and RCPs enabled; RCPFullAWSAccess and FullAWSAccess attached everywhere)::

    Root r-tst1                          MGMT  (management account)
      OU Core   ou-tst1-c0re0001         A
      OU Edge   ou-tst1-edge0001
        OU Inner ou-tst1-1nner001        B     (nested OU)

OUTSIDE and OUTSIDE2 are accounts of no organization in the snapshot; OTHER_ORG is another
organization's id.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

ORG_ID = "o-tst0rg1234"
OTHER_ORG = "o-0th3r0rg99"
MGMT, A, B = "210987654321", "321098765432", "432109876543"
OUTSIDE, OUTSIDE2 = "543210987654", "654321098765"
ROOT_ID = "r-tst1"
OU_CORE, OU_EDGE, OU_INNER = "ou-tst1-c0re0001", "ou-tst1-edge0001", "ou-tst1-1nner001"
PARENT = {MGMT: ROOT_ID, A: OU_CORE, B: OU_INNER}
OU_PARENT = {OU_CORE: ROOT_ID, OU_EDGE: ROOT_ID, OU_INNER: OU_EDGE}
OU_NAME = {OU_CORE: "Core", OU_EDGE: "Edge", OU_INNER: "Inner"}
ACCOUNT_NAME = {MGMT: "tst-management", A: "tst-core", B: "tst-inner"}
REGION = "us-east-1"
COLLECTED_AT = "2026-01-15T10:00:00Z"

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

CREDENTIAL_REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")

RCP_FULL = {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
SCP_FULL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def root_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def role_arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def canonical_id(account: str) -> str:
    return hashlib.sha256(f"canonical:{account}".encode()).hexdigest()


def escape_id(name: str) -> str:
    """LAYOUT.md: every byte outside A-Z a-z 0-9 . _ - as %XX, a leading dot as %2E."""
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
    out = []
    for i, b in enumerate(name.encode()):
        out.append(chr(b) if b in safe and not (i == 0 and b == ord(".")) else f"%{b:02X}")
    return "".join(out)


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal: Any, action: Any, resource: Any = "*", condition: dict[str, Any] | None = None,
          sid: str | None = None) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    if sid:
        st["Sid"] = sid
    if condition:
        st["Condition"] = condition
    return st


def deny(principal: Any, action: Any, resource: Any = "*", condition: dict[str, Any] | None = None,
         not_principal: bool = False) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Deny", ("NotPrincipal" if not_principal else "Principal"): principal,
                          "Action": action, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


def default_key_policy(account: str) -> dict[str, Any]:
    """The default key policy: the owning account (its IAM policies) may use the key."""
    return policy({"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": root_arn(account)},
                   "Action": "kms:*", "Resource": "*"})


def default_topic_statement(account: str, topic_arn: str) -> dict[str, Any]:
    """The statement SNS writes into every new topic policy: any principal, if AWS:SourceOwner is the owner."""
    return {"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                       "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic_arn, "Condition": {"StringEquals": {"AWS:SourceOwner": account}}}


def data_perimeter_rcp(actions: list[str] | str, exempt_accounts: list[str] | None = None) -> dict[str, Any]:
    """The Organizations UG data-perimeter RCP: deny principals outside the organization (AWS services
    exempt); `exempt_accounts` adds aws:PrincipalAccount to the same operator (keys in one operator are ANDed)."""
    not_equals: dict[str, Any] = {"aws:PrincipalOrgID": ORG_ID}
    if exempt_accounts:
        not_equals["aws:PrincipalAccount"] = list(exempt_accounts)
    return policy({"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": actions,
                   "Resource": "*", "Condition": {"StringNotEqualsIfExists": not_equals,
                                                  "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}})


def _error(code: str, operation: str, message: str) -> str:
    return f"An error occurred ({code}) when calling the {operation} operation: {message}\n"


class SnapshotTree:
    """A small organization; add resources with the methods below, then `build()` the dict."""

    def __init__(self, regions: tuple[str, ...] = (REGION,), collected_at: str = COLLECTED_AT,
                 rcps_enabled: bool = True) -> None:
        self.regions = list(regions)
        self.collected_at = collected_at
        self.rcps_enabled = rcps_enabled
        self.roles: dict[str, list[dict[str, Any]]] = {a: [] for a in PARENT}
        self.buckets: dict[str, dict[str, dict[str, Any]]] = {a: {} for a in PARENT}
        self.account_bpa: dict[str, dict[str, bool]] = {}
        self.regional: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        # policy id -> (type, name, content, targets)
        self.org_policies: dict[str, tuple[str, str, dict[str, Any], list[str]]] = {}

    # ----- organization policies -----
    def rcp(self, policy_id: str, name: str, content: dict[str, Any], targets: list[str]) -> None:
        assert self.rcps_enabled
        self.org_policies[policy_id] = ("RESOURCE_CONTROL_POLICY", name, content, list(targets))

    def scp(self, policy_id: str, name: str, content: dict[str, Any], targets: list[str]) -> None:
        self.org_policies[policy_id] = ("SERVICE_CONTROL_POLICY", name, content, list(targets))

    # ----- IAM -----
    def role(self, account: str, name: str, trust: dict[str, Any]) -> str:
        arn = role_arn(account, name)
        self.roles[account].append({
            "Path": "/", "RoleName": name, "RoleId": "AROA" + hashlib.sha256(arn.encode()).hexdigest()[:17].upper(),
            "Arn": arn, "CreateDate": "2024-01-01T00:00:00+00:00", "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": [],
            "RoleLastUsed": {}})
        return arn

    # ----- S3 -----
    def bucket(self, account: str, name: str, policy_doc: dict[str, Any] | None = None,
               acl_groups: tuple[tuple[str, str], ...] = (), acl_users: tuple[tuple[str, str], ...] = (),
               bpa: dict[str, bool] | None = None, ownership: str | None = "BucketOwnerEnforced",
               region: str = REGION) -> str:
        """`acl_groups`: (group URI, permission); `acl_users`: (canonical id, permission);
        `ownership` None: no ownership controls (ObjectWriter, ACLs enabled)."""
        self.buckets[account][name] = {"policy": policy_doc, "acl_groups": acl_groups, "acl_users": acl_users,
                                       "bpa": bpa, "ownership": ownership, "region": region}
        return f"arn:aws:s3:::{name}"

    def set_account_bpa(self, account: str, **flags: bool) -> None:
        cfg = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
               "RestrictPublicBuckets": False}
        cfg.update(flags)
        self.account_bpa[account] = cfg

    # ----- regional services -----
    def _add(self, account: str, region: str, service: str, item: dict[str, Any]) -> None:
        assert region in self.regions, f"{region} is not a collected region"
        self.regional.setdefault((account, region), {}).setdefault(service, []).append(item)

    def key(self, account: str, key_id: str, policy_doc: dict[str, Any] | None = None,
            grants: tuple[dict[str, Any], ...] = (), region: str = REGION) -> str:
        """`grants`: dicts with `grantee` and `operations` (and optional `name`)."""
        self._add(account, region, "kms", {"id": key_id, "policy": policy_doc or default_key_policy(account),
                                           "grants": list(grants)})
        return f"arn:aws:kms:{region}:{account}:key/{key_id}"

    def queue(self, account: str, name: str, policy_doc: dict[str, Any] | None, region: str = REGION) -> str:
        self._add(account, region, "sqs", {"name": name, "policy": policy_doc})
        return f"arn:aws:sqs:{region}:{account}:{name}"

    def topic(self, account: str, name: str, extra_statements: tuple[dict[str, Any], ...] = (),
              region: str = REGION) -> str:
        """A topic whose policy is SNS's default statement followed by `extra_statements`."""
        arn = f"arn:aws:sns:{region}:{account}:{name}"
        doc = {"Version": "2012-10-17", "Id": "__default_policy_ID",
               "Statement": [default_topic_statement(account, arn), *extra_statements]}
        self._add(account, region, "sns", {"name": name, "policy": doc})
        return arn

    def function(self, account: str, name: str, statements: tuple[dict[str, Any], ...] = (),
                 region: str = REGION) -> str:
        """A function whose policy holds `statements` (as AddPermission writes them); none: no policy."""
        arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        self._add(account, region, "lambda", {"name": name, "statements": list(statements)})
        return arn

    def secret(self, account: str, name: str, policy_doc: dict[str, Any] | None, region: str = REGION) -> str:
        arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"
        self._add(account, region, "secretsmanager", {"name": name, "arn": arn, "policy": policy_doc})
        return arn

    def repository(self, account: str, name: str, policy_doc: dict[str, Any] | None, region: str = REGION) -> str:
        arn = f"arn:aws:ecr:{region}:{account}:repository/{name}"
        self._add(account, region, "ecr", {"name": name, "arn": arn, "policy": policy_doc})
        return arn

    # ----- rendering -----
    def build(self) -> dict[str, Any]:
        tree: dict[str, Any] = {
            "manifest.json": {"format_version": 1, "collected_at": self.collected_at, "partition": "aws",
                              "collector_account_id": MGMT, "regions": list(self.regions)},
            "organizations": self._organizations(),
            "accounts": {a: self._account(a) for a in PARENT},
        }
        return copy.deepcopy(tree)

    def _organizations(self) -> dict[str, Any]:
        base = f"arn:aws:organizations::{MGMT}:"
        types = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
        if self.rcps_enabled:
            types.append({"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"})

        def account_entry(a: str) -> dict[str, Any]:
            return {"Id": a, "Arn": f"{base}account/{ORG_ID}/{a}", "Email": f"{a}@example.com",
                    "Name": ACCOUNT_NAME[a], "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED",
                    "JoinedTimestamp": "2021-03-04T10:00:00+00:00"}

        def target(t: str) -> dict[str, Any]:
            if t == ROOT_ID:
                return {"TargetId": t, "Arn": f"{base}root/{ORG_ID}/{t}", "Name": "Root", "Type": "ROOT"}
            if t in OU_NAME:
                return {"TargetId": t, "Arn": f"{base}ou/{ORG_ID}/{t}", "Name": OU_NAME[t],
                        "Type": "ORGANIZATIONAL_UNIT"}
            return {"TargetId": t, "Arn": f"{base}account/{ORG_ID}/{t}", "Name": ACCOUNT_NAME[t],
                    "Type": "ACCOUNT"}

        everywhere = [ROOT_ID, *OU_NAME, *PARENT]
        policies = {"p-FullAWSAccess": ("SERVICE_CONTROL_POLICY", "FullAWSAccess", SCP_FULL, everywhere)}
        if self.rcps_enabled:
            policies["p-RCPFullAWSAccess"] = ("RESOURCE_CONTROL_POLICY", "RCPFullAWSAccess", RCP_FULL, everywhere)
        policies.update(self.org_policies)

        org: dict[str, Any] = {
            "describe-organization.json": {"Organization": {
                "Id": ORG_ID, "Arn": f"{base}organization/{ORG_ID}", "FeatureSet": "ALL",
                "MasterAccountArn": f"{base}account/{ORG_ID}/{MGMT}", "MasterAccountId": MGMT,
                "MasterAccountEmail": f"{MGMT}@example.com",
                "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}},
            "list-roots.json": {"Roots": [{"Id": ROOT_ID, "Arn": f"{base}root/{ORG_ID}/{ROOT_ID}", "Name": "Root",
                                           "PolicyTypes": types}]},
            "list-accounts.json": {"Accounts": [account_entry(a) for a in PARENT]},
            "list-organizational-units-for-parent": {},
            "list-accounts-for-parent": {},
            "list-policies": {},
            "describe-policy": {},
            "list-targets-for-policy": {},
        }
        for parent in [ROOT_ID, *OU_NAME]:
            org["list-organizational-units-for-parent"][f"{parent}.json"] = {"OrganizationalUnits": [
                {"Id": ou, "Arn": f"{base}ou/{ORG_ID}/{ou}", "Name": OU_NAME[ou]}
                for ou, p in OU_PARENT.items() if p == parent]}
            org["list-accounts-for-parent"][f"{parent}.json"] = {"Accounts": [
                account_entry(a) for a, p in PARENT.items() if p == parent]}
        for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
            if ptype == "RESOURCE_CONTROL_POLICY" and not self.rcps_enabled:
                continue
            kind = ptype.lower()
            summaries = []
            for pid, (t, name, content, targets) in policies.items():
                if t != ptype:
                    continue
                managed = pid in ("p-FullAWSAccess", "p-RCPFullAWSAccess")
                arn = (f"arn:aws:organizations::aws:policy/{kind}/{pid}" if managed
                       else f"{base}policy/{ORG_ID}/{kind}/{pid}")
                summary = {"Id": pid, "Arn": arn, "Name": name, "Description": name, "Type": ptype,
                           "AwsManaged": managed}
                summaries.append(summary)
                org["describe-policy"][f"{pid}.json"] = {"Policy": {"PolicySummary": summary,
                                                                     "Content": json.dumps(content, indent=4)}}
                org["list-targets-for-policy"][f"{pid}.json"] = {"Targets": [target(x) for x in targets]}
            org["list-policies"][f"{ptype}.json"] = {"Policies": summaries}
        return org

    def _account(self, account: str) -> dict[str, Any]:
        cid = canonical_id(account)
        iam = {
            "get-account-authorization-details.json": {"UserDetailList": [], "GroupDetailList": [],
                                                       "RoleDetailList": self.roles[account], "Policies": []},
            "get-account-password-policy.error.txt": _error("NoSuchEntity", "GetAccountPasswordPolicy",
                                                            f"The Password Policy with domain name {account} cannot be found."),
            "get-account-summary.json": {"SummaryMap": {"Users": 0, "Roles": len(self.roles[account]),
                                                        "AccountMFAEnabled": 1}},
            "credential-report.csv": CREDENTIAL_REPORT_HEADER + "\n" + ",".join(
                ["<root_account>", root_arn(account), "2021-03-04T10:00:00+00:00", "not_supported", "N/A",
                 "not_supported", "not_supported", "true"] + ["false", "N/A", "N/A", "N/A", "N/A"] * 2
                + ["false", "N/A", "false", "N/A"]) + "\n",
        }
        s3api: dict[str, Any] = {"list-buckets.json": {
            "Buckets": [{"Name": n, "CreationDate": "2024-01-01T00:00:00+00:00", "BucketRegion": b["region"]}
                        for n, b in sorted(self.buckets[account].items())],
            "Owner": {"ID": cid}}}
        for cmd in ("get-bucket-policy", "get-bucket-acl", "get-public-access-block", "get-bucket-ownership-controls",
                    "get-bucket-location"):
            s3api[cmd] = {}
        for n, b in sorted(self.buckets[account].items()):
            e = escape_id(n)
            if b["policy"] is not None:
                s3api["get-bucket-policy"][f"{e}.json"] = {"Policy": json.dumps(b["policy"])}
            else:
                s3api["get-bucket-policy"][f"{e}.error.txt"] = _error("NoSuchBucketPolicy", "GetBucketPolicy",
                                                                      "The bucket policy does not exist")
            grants = [{"Grantee": {"ID": cid, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
            grants += [{"Grantee": {"Type": "Group", "URI": uri}, "Permission": perm} for uri, perm in b["acl_groups"]]
            grants += [{"Grantee": {"ID": who, "Type": "CanonicalUser"}, "Permission": perm} for who, perm in b["acl_users"]]
            s3api["get-bucket-acl"][f"{e}.json"] = {"Owner": {"ID": cid}, "Grants": grants}
            if b["bpa"] is not None:
                cfg = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
                       "RestrictPublicBuckets": False}
                cfg.update(b["bpa"])
                s3api["get-public-access-block"][f"{e}.json"] = {"PublicAccessBlockConfiguration": cfg}
            else:
                s3api["get-public-access-block"][f"{e}.error.txt"] = _error(
                    "NoSuchPublicAccessBlockConfiguration", "GetPublicAccessBlock",
                    "The public access block configuration was not found")
            if b["ownership"]:
                s3api["get-bucket-ownership-controls"][f"{e}.json"] = {
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": b["ownership"]}]}}
            else:
                s3api["get-bucket-ownership-controls"][f"{e}.error.txt"] = _error(
                    "OwnershipControlsNotFoundError", "GetBucketOwnershipControls",
                    "The bucket ownership controls were not found")
            s3api["get-bucket-location"][f"{e}.json"] = {
                "LocationConstraint": None if b["region"] == "us-east-1" else b["region"]}
        s3control: dict[str, Any] = {}
        if account in self.account_bpa:
            s3control["get-public-access-block.json"] = {"PublicAccessBlockConfiguration": self.account_bpa[account]}
        else:
            s3control["get-public-access-block.error.txt"] = _error(
                "NoSuchPublicAccessBlockConfiguration", "GetPublicAccessBlock",
                "The public access block configuration was not found")
        return {"global": {"iam": iam, "s3api": s3api, "s3control": s3control},
                "regions": {r: self._region(account, r) for r in self.regions}}

    def _region(self, account: str, region: str) -> dict[str, Any]:
        items = self.regional.get((account, region), {})
        keys, queues, topics = items.get("kms", []), items.get("sqs", []), items.get("sns", [])
        fns, secrets, repos = items.get("lambda", []), items.get("secretsmanager", []), items.get("ecr", [])
        kms: dict[str, Any] = {
            "list-keys.json": {"Keys": [{"KeyId": k["id"], "KeyArn": f"arn:aws:kms:{region}:{account}:key/{k['id']}"}
                                        for k in keys], "Truncated": False},
            "list-aliases.json": {"Aliases": [], "Truncated": False},
            "describe-key": {}, "get-key-policy": {}, "list-grants": {},
        }
        for k in keys:
            arn = f"arn:aws:kms:{region}:{account}:key/{k['id']}"
            kms["describe-key"][f"{k['id']}.json"] = {"KeyMetadata": {
                "AWSAccountId": account, "KeyId": k["id"], "Arn": arn, "CreationDate": "2024-01-01T00:00:00+00:00",
                "Enabled": True, "Description": "", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled",
                "Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT",
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False}}
            kms["get-key-policy"][f"{k['id']}.json"] = {"Policy": json.dumps(k["policy"], indent=2),
                                                        "PolicyName": "default"}
            kms["list-grants"][f"{k['id']}.json"] = {"Grants": [
                {"KeyId": arn, "GrantId": hashlib.sha256(f"{arn}|{i}".encode()).hexdigest(),
                 "Name": g.get("name", f"grant-{i}"), "CreationDate": "2024-04-02T11:00:00+00:00",
                 "GranteePrincipal": g["grantee"], "IssuingAccount": root_arn(account),
                 "Operations": list(g["operations"])} for i, g in enumerate(k["grants"])], "Truncated": False}
        sqs: dict[str, Any] = {"list-queues.json": (
            {"QueueUrls": [f"https://sqs.{region}.amazonaws.com/{account}/{q['name']}" for q in queues]} if queues else {})}
        if queues:
            sqs["get-queue-attributes"] = {}
        for q in queues:
            attrs = {"QueueArn": f"arn:aws:sqs:{region}:{account}:{q['name']}"}
            if q["policy"] is not None:
                attrs["Policy"] = json.dumps(q["policy"])
            sqs["get-queue-attributes"][f"{escape_id(q['name'])}.json"] = {"Attributes": attrs}
        sns: dict[str, Any] = {"list-topics.json": {"Topics": [
            {"TopicArn": f"arn:aws:sns:{region}:{account}:{t['name']}"} for t in topics]}}
        if topics:
            sns["get-topic-attributes"] = {}
        for t in topics:
            tarn = f"arn:aws:sns:{region}:{account}:{t['name']}"
            sns["get-topic-attributes"][f"{escape_id(t['name'])}.json"] = {"Attributes": {
                "Policy": json.dumps(t["policy"]), "Owner": account, "TopicArn": tarn, "SubscriptionsConfirmed": "0",
                "SubscriptionsPending": "0", "SubscriptionsDeleted": "0", "DisplayName": ""}}
        lam: dict[str, Any] = {"list-functions.json": {"Functions": [
            {"FunctionName": f["name"], "FunctionArn": f"arn:aws:lambda:{region}:{account}:function:{f['name']}",
             "Runtime": "python3.12", "Role": role_arn(account, "fn-exec"), "Handler": "app.handler",
             "Version": "$LATEST", "PackageType": "Zip"} for f in fns]}}
        if fns:
            lam["get-policy"] = {}
        for f in fns:
            farn = f"arn:aws:lambda:{region}:{account}:function:{f['name']}"
            if f["statements"]:
                stmts = [dict(s, Resource=farn) for s in f["statements"]]
                lam["get-policy"][f"{escape_id(f['name'])}.json"] = {
                    "Policy": json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": stmts}),
                    "RevisionId": "4c1f0000-0000-4000-a000-000000000000"}
            else:
                lam["get-policy"][f"{escape_id(f['name'])}.error.txt"] = _error(
                    "ResourceNotFoundException", "GetPolicy", "The resource you requested does not exist.")
        sm: dict[str, Any] = {"list-secrets.json": {"SecretList": [
            {"ARN": s["arn"], "Name": s["name"], "Description": "", "CreatedDate": "2024-02-20T15:00:00+00:00"}
            for s in secrets]}}
        if secrets:
            sm["get-resource-policy"] = {}
        for s in secrets:
            out = {"ARN": s["arn"], "Name": s["name"]}
            if s["policy"] is not None:
                out["ResourcePolicy"] = json.dumps(s["policy"], indent=2)
            sm["get-resource-policy"][f"{escape_id(s['name'])}.json"] = out
        ecr: dict[str, Any] = {"describe-repositories.json": {"repositories": [
            {"repositoryArn": r["arn"], "registryId": account, "repositoryName": r["name"],
             "repositoryUri": f"{account}.dkr.ecr.{region}.amazonaws.com/{r['name']}",
             "createdAt": "2024-06-01T09:00:00+00:00"} for r in repos]}}
        if repos:
            ecr["get-repository-policy"] = {}
        for r in repos:
            if r["policy"] is not None:
                ecr["get-repository-policy"][f"{escape_id(r['name'])}.json"] = {
                    "registryId": account, "repositoryName": r["name"], "policyText": json.dumps(r["policy"], indent=2)}
            else:
                ecr["get-repository-policy"][f"{escape_id(r['name'])}.error.txt"] = _error(
                    "RepositoryPolicyNotFoundException", "GetRepositoryPolicy",
                    f"Repository policy does not exist for the repository with name '{r['name']}'")
        return {"kms": kms, "sqs": sqs, "sns": sns, "lambda": lam, "secretsmanager": sm, "ecr": ecr}


def write_tree(tree: dict[str, Any], root: Path) -> Path:
    """Write a tree (as `build()` returns it) to disk, in the snapshot layout."""
    root.mkdir(parents=True, exist_ok=True)
    for name, value in tree.items():
        path = root / name
        if name.endswith(".json"):
            path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
        elif name.endswith((".txt", ".csv")):
            path.write_text(value, encoding="utf-8")
        else:
            write_tree(value, path)
    return root
