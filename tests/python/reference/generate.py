"""Seeded random generator of authorization questions in the conformance-vector format.

    generate(seed, n) -> list of vectors (dicts in the exact shape of
    /work/shared/conformance/FORMAT.md, every field present, "expected" set to "").

The same seed always yields the same vectors (everything is drawn from one
random.Random(seed); no set or hash ordering is ever iterated).

Vocabularies are deliberately small (three accounts, two users, two roles, a handful of
resources and about twenty actions) so that policy elements match the request often.

The generator keeps to FORMAT's constraints, and also steers clear of the few points that
FORMAT and the AWS documentation leave open, so that any two conforming engines must agree on
every generated vector:

* anonymous callers have no identity policies, boundary, session policy or SCPs, never call
  sts:* and never act on "*" resources; session policies only exist for assumed-role sessions;
* resource_account is the ARN's account whenever the ARN has one (S3 buckets have fixed owners);
* a role ARN is always written with the role's real path;
* NotPrincipal only appears with Deny, and lists either the caller's whole identity chain or
  none of it (FORMAT 11);
* policy variables only name single-valued keys, and resolve (key present, or a default is
  given) except where either reading of FORMAT 12 gives the same result: as the single value of
  a positive, non-IfExists, non-ForAllValues String/Arn condition, or as the single entry of a
  Resource element;
* variables sit in the resource part of Resource ARNs (FORMAT: "after the resource type");
* operators without ForAllValues/ForAnyValue are never applied to multivalued keys (except Null);
* in same-account requests of a caller with a permissions boundary or a session policy, a
  resource-policy Allow never uses a wildcard principal (whether such a grant is limited by the
  boundary / session policy is not settled by FORMAT 6/7);
* with s3_block_public_access set, a wildcard-principal Allow in the bucket policy either has no
  Condition or only StringEquals on aws:PrincipalOrgID / aws:PrincipalAccount (FORMAT options);
* BinaryEquals policy values are never the base64 encoding of a context value.

Usage (from the repository root):
    python -m tests.python.reference.generate --seed 1 --n 5000 --out FILE
writes the vectors with "expected" filled in by the reference evaluator.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass

if __package__ in (None, ""):
    import os

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from reference import refeval  # noqa: E402
else:
    from . import refeval

VERSION = "2012-10-17"

# =============================================================================================
# Vocabularies
# =============================================================================================

ORG_ID = "o-a1b2c3d4e5"
OTHER_ORG_ID = "o-z9y8x7w6v5"

ACCOUNTS = ["111111111111", "222222222222", "333333333333"]

# Accounts inside the organization, with their OU path (aws:PrincipalOrgPaths).
ORG_PATHS = {
    "111111111111": f"{ORG_ID}/r-ab12/ou-ab12-11111111/",
    "222222222222": f"{ORG_ID}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/",
}

USERS = [("alice", "/"), ("bob", "/division/")]  # (name, path)
ROLES = [("AppRole", "/"), ("DeployRole", "/service-role/")]  # (name, path)
SESSION_NAMES = ["alice", "ci-42"]

REGIONS = ["us-east-1", "eu-west-1"]

BUCKETS = {"red-bucket": "111111111111", "blue-bucket": "222222222222",
           "public-site": "333333333333"}
OBJECT_KEYS = ["home/alice/notes.txt", "home/bob/report.csv", "public/index.html"]
KMS_KEY_IDS = {"111111111111": "1234abcd-12ab-34cd-56ef-111111111111",
               "222222222222": "1234abcd-12ab-34cd-56ef-222222222222",
               "333333333333": "1234abcd-12ab-34cd-56ef-333333333333"}
QUEUES = ["orders", "alerts"]
INSTANCES = ["i-0abc1234def567890", "i-0fff0000aaaa11112"]

# (action, kind of resource it acts on)
ACTIONS = [
    ("s3:GetObject", "s3-object"),
    ("s3:PutObject", "s3-object"),
    ("s3:ListBucket", "s3-bucket"),
    ("s3:DeleteBucket", "s3-bucket"),
    ("s3:ListAllMyBuckets", "*"),
    ("kms:Decrypt", "kms-key"),
    ("kms:Encrypt", "kms-key"),
    ("kms:DescribeKey", "kms-key"),
    ("kms:ListKeys", "*"),
    ("sqs:SendMessage", "sqs-queue"),
    ("sqs:ReceiveMessage", "sqs-queue"),
    ("sts:AssumeRole", "iam-role"),
    ("sts:TagSession", "iam-role"),
    ("sts:GetCallerIdentity", "*"),
    ("iam:GetRole", "iam-role"),
    ("iam:ListRoles", "*"),
    ("iam:GetUser", "iam-user"),
    ("ec2:StartInstances", "ec2-instance"),
    ("ec2:DescribeInstances", "*"),
]
ALL_ACTION_NAMES = [a for a, _ in ACTIONS]

# Actions an anonymous caller may try: only resources that can have a resource policy.
ANONYMOUS_RESOURCE_KINDS = ["s3-object", "s3-bucket", "sqs-queue", "kms-key"]
RESOURCE_POLICY_KINDS = ANONYMOUS_RESOURCE_KINDS + ["iam-role"]  # iam-role: sts trust policies

TEAMS = ["red", "blue", "green"]
ENVS = ["prod", "dev"]
TAG_KEYS = ["team", "env", "owner", "CostCenter"]
CALLED_VIA = ["athena.amazonaws.com", "glue.amazonaws.com", "cloudformation.amazonaws.com"]
SOURCE_IPS = ["198.51.100.7", "203.0.113.10", "10.0.1.15", "192.0.2.33",
              "2001:db8::1", "2001:db8:abcd:12::ff", "2600:1f18:abcd::7"]
CIDRS = ["198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/8", "192.0.2.0/28", "192.0.2.33/32",
         "0.0.0.0/0", "2001:db8::/32", "2001:db8:abcd::/48", "2600:1f18::/32", "::/0",
         "198.51.100.7/32"]
# (aws:CurrentTime, aws:EpochTime) pairs that denote the same instant.
TIMES = [("2024-03-15T09:30:00Z", "1710495000"), ("2025-01-01T00:00:00Z", "1735689600"),
         ("2025-06-30T23:59:59Z", "1751327999"), ("2026-02-28T12:00:00Z", "1772280000")]
TOKEN_ISSUE_TIMES = ["2025-01-01T00:00:00Z", "2025-06-30T12:00:00Z", "2026-02-28T11:00:00Z"]
ISO_POLICY_DATES = ["2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "2025-06-30T23:59:59Z",
                    "2025-06-01", "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z",
                    "2024-03-15T09:30:00Z", "2026-02-28T12:00:00Z"]
EPOCH_POLICY_DATES = ["1700000000", "1710495000", "1735689600", "1751327999", "1760000000",
                      "1772280000", "1900000000"]
MFA_AGES = ["30", "600", "3599", "3600", "3601", "86400"]
NUMERIC_POLICY_VALUES = ["0", "30", "300", "3600", "3600.5", "7200", "100000"]
BASE64_VALUES = ["AAECAwQ=", "dGVzdA==", "QmluYXJ5VmFsdWU=", "c2VjcmV0"]
SPECIAL_NOTE = "what?*$"  # a tag value holding the characters that ${?} ${*} ${$} stand for
SERVICE_PRINCIPALS = ["cloudtrail.amazonaws.com", "lambda.amazonaws.com"]


# =============================================================================================
# Principals and resources
# =============================================================================================


@dataclass
class Who:
    """The caller of a generated request."""

    kind: str  # "user" | "role" | "session" | "anonymous"
    arn: str = ""  # the principal string of the request
    account: str = ""
    name: str = ""  # user name or role name
    path: str = "/"
    session_name: str = ""

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account}:role{self.path}{self.name}"

    @property
    def identity_arn(self) -> str:
        """aws:PrincipalArn: the user or role ARN (for a session, its role's ARN with path)."""
        if self.kind == "user":
            return self.arn
        return self.role_arn


def user_arn(account: str, name: str, path: str) -> str:
    return f"arn:aws:iam::{account}:user{path}{name}"


def role_arn(account: str, name: str, path: str) -> str:
    return f"arn:aws:iam::{account}:role{path}{name}"


def session_arn(account: str, role_name: str, session_name: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"


def random_who(rng: random.Random) -> Who:
    roll = rng.random()
    account = rng.choice(ACCOUNTS)
    if roll < 0.14:
        return Who(kind="anonymous", arn="anonymous")
    if roll < 0.50:
        name, path = rng.choice(USERS)
        return Who(kind="user", arn=user_arn(account, name, path), account=account, name=name,
                   path=path)
    name, path = rng.choice(ROLES)
    if roll < 0.60:
        return Who(kind="role", arn=role_arn(account, name, path), account=account, name=name,
                   path=path)
    session = rng.choice(SESSION_NAMES)
    return Who(kind="session", arn=session_arn(account, name, session), account=account,
               name=name, path=path, session_name=session)


def make_resource(rng: random.Random, kind: str, account: str):
    """(resource ARN, owning account) of the given kind; S3 buckets have fixed owners."""
    if kind == "*":
        return "*", account
    region = rng.choice(REGIONS)
    if kind in ("s3-object", "s3-bucket"):
        owned = [b for b in BUCKETS if BUCKETS[b] == account]
        bucket = owned[0] if owned and rng.random() < 0.8 else rng.choice(list(BUCKETS))
        if kind == "s3-bucket":
            return f"arn:aws:s3:::{bucket}", BUCKETS[bucket]
        return f"arn:aws:s3:::{bucket}/{rng.choice(OBJECT_KEYS)}", BUCKETS[bucket]
    if kind == "kms-key":
        return f"arn:aws:kms:{region}:{account}:key/{KMS_KEY_IDS[account]}", account
    if kind == "sqs-queue":
        return f"arn:aws:sqs:{region}:{account}:{rng.choice(QUEUES)}", account
    if kind == "iam-role":
        name, path = rng.choice(ROLES)
        return role_arn(account, name, path), account
    if kind == "iam-user":
        name, path = rng.choice(USERS)
        return user_arn(account, name, path), account
    if kind == "ec2-instance":
        return f"arn:aws:ec2:{region}:{account}:instance/{rng.choice(INSTANCES)}", account
    raise ValueError(kind)


def other_resource(rng: random.Random, kind: str) -> str:
    """Some resource ARN (of any kind), for Resource entries that usually do not match."""
    if kind == "*" or rng.random() < 0.3:
        kind = rng.choice(["s3-object", "s3-bucket", "kms-key", "sqs-queue", "iam-role",
                           "ec2-instance"])
    return make_resource(rng, kind, rng.choice(ACCOUNTS))[0]


# =============================================================================================
# Request context
# =============================================================================================

# Condition-key catalogue: key -> value type.  "multi" keys are lists in the context.
KEY_TYPES = {
    "aws:PrincipalArn": "arn",
    "aws:SourceArn": "arn",
    "aws:PrincipalAccount": "string",
    "aws:ResourceAccount": "string",
    "aws:PrincipalOrgID": "string",
    "aws:ResourceOrgID": "string",
    "aws:PrincipalType": "string",
    "aws:userid": "string",
    "aws:username": "string",
    "aws:PrincipalTag/team": "string",
    "aws:PrincipalTag/env": "string",
    "aws:RequestTag/team": "string",
    "aws:RequestTag/note": "string",
    "aws:RequestedRegion": "string",
    "s3:prefix": "string",
    "sts:ExternalId": "string",
    "aws:MultiFactorAuthAge": "numeric",
    "s3:max-keys": "numeric",
    "aws:CurrentTime": "date-iso",
    "aws:TokenIssueTime": "date-iso",
    "aws:EpochTime": "date-epoch",
    "aws:SecureTransport": "bool",
    "aws:MultiFactorAuthPresent": "bool",
    "aws:ViaAWSService": "bool",
    "aws:SourceIp": "ip",
    "aws:RequestTag/blob": "binary",
    "aws:TagKeys": "multi",
    "aws:PrincipalOrgPaths": "multi",
    "aws:CalledVia": "multi",
}

USERIDS = {"alice": "AIDAEXAMPLEALICE0001", "bob": "AIDAEXAMPLEBOB000002",
           "AppRole": "AROAEXAMPLEAPPROLE01", "DeployRole": "AROAEXAMPLEDEPLOY002"}


def make_context(rng: random.Random, who: Who, action: str, resource: str,
                 resource_account: str) -> dict:
    """A plausible request context (FORMAT context).  Each key is only sometimes present."""
    ctx = {}

    def maybe(key, value, probability=0.85):
        if rng.random() < probability:
            ctx[key] = value

    if who.kind != "anonymous":
        maybe("aws:PrincipalArn", who.identity_arn)
        maybe("aws:PrincipalAccount", who.account)
        maybe("aws:PrincipalType", "User" if who.kind == "user" else "AssumedRole")
        userid = USERIDS[who.name]
        maybe("aws:userid", f"{userid}:{who.session_name}" if who.kind == "session" else userid)
        if who.kind == "user":
            maybe("aws:username", who.name)
        if who.account in ORG_PATHS:
            maybe("aws:PrincipalOrgID", ORG_ID)
            maybe("aws:PrincipalOrgPaths", [ORG_PATHS[who.account]], 0.6)
        maybe("aws:PrincipalTag/team", rng.choice(TEAMS + ["Red"]), 0.6)
        maybe("aws:PrincipalTag/env", rng.choice(ENVS), 0.5)
        if who.kind != "role":
            mfa = rng.choice(["true", "false"])
            maybe("aws:MultiFactorAuthPresent", mfa, 0.6)
            if mfa == "true":
                maybe("aws:MultiFactorAuthAge", rng.choice(MFA_AGES), 0.7)
        if who.kind == "session":
            maybe("aws:TokenIssueTime", rng.choice(TOKEN_ISSUE_TIMES), 0.7)
    maybe("aws:SourceIp", rng.choice(SOURCE_IPS), 0.9)
    maybe("aws:SecureTransport", rng.choice(["true", "true", "false"]), 0.8)
    iso_time, epoch_time = rng.choice(TIMES)
    maybe("aws:CurrentTime", iso_time, 0.8)
    maybe("aws:EpochTime", epoch_time, 0.7)
    maybe("aws:RequestedRegion", rng.choice(REGIONS), 0.7)
    maybe("aws:ViaAWSService", rng.choice(["true", "false"]), 0.3)
    maybe("aws:ResourceAccount", resource_account, 0.6)
    if resource_account in ORG_PATHS:
        maybe("aws:ResourceOrgID", ORG_ID, 0.5)
    if rng.random() < 0.45:
        keys = rng.sample(TAG_KEYS, rng.randint(0, 3))
        ctx["aws:TagKeys"] = keys  # may be [] (present, empty)
        if "team" in keys:
            ctx["aws:RequestTag/team"] = rng.choice(TEAMS)
    if rng.random() < 0.3:
        ctx["aws:CalledVia"] = rng.sample(CALLED_VIA, rng.randint(0, 2))
    maybe("aws:RequestTag/blob", rng.choice(BASE64_VALUES), 0.15)
    maybe("aws:RequestTag/note", rng.choice([SPECIAL_NOTE, "what?"]), 0.1)
    maybe("aws:SourceArn", f"arn:aws:sqs:us-east-1:{rng.choice(ACCOUNTS)}:orders", 0.15)
    if action == "s3:ListBucket":
        maybe("s3:prefix", rng.choice(["home/alice/", "home/bob/", "public/", ""]), 0.6)
        maybe("s3:max-keys", rng.choice(["10", "1000", "5000"]), 0.4)
    if action in ("sts:AssumeRole", "sts:TagSession"):
        maybe("sts:ExternalId", rng.choice(["ext-123", "ext-999"]), 0.4)
    if rng.random() < 0.05 and ctx:
        # FORMAT context: key names compare case-insensitively; spell one differently.
        key = rng.choice(sorted(ctx))
        ctx[key.lower()] = ctx.pop(key)
    return ctx


def ctx_get(ctx: dict, key: str):
    """Case-insensitive context lookup (None when absent)."""
    for k, v in ctx.items():
        if k.lower() == key.lower():
            return v
    return None


# =============================================================================================
# Element generators
# =============================================================================================


def random_case(rng: random.Random, text: str) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


def one_or_list(rng: random.Random, values: list):
    """A single string or a list, as IAM allows (FORMAT Policy documents)."""
    if len(values) == 1 and rng.random() < 0.5:
        return values[0]
    return values


def action_pattern(rng: random.Random, action: str) -> str:
    """An Action entry that often matches `action` (FORMAT 13: case-insensitive, * and ?)."""
    service, name = action.split(":")
    roll = rng.random()
    if roll < 0.30:
        return action
    if roll < 0.38:
        return random_case(rng, action)
    if roll < 0.50:
        return f"{service}:*"
    if roll < 0.60:
        return f"{service}:{name[:rng.randint(1, len(name) - 1)]}*"
    if roll < 0.66:
        i = rng.randrange(len(name))
        return f"{service}:{name[:i]}?{name[i + 1:]}"
    if roll < 0.72:
        return "*"
    return rng.choice(ALL_ACTION_NAMES)


def action_element(rng: random.Random, action: str):
    return one_or_list(rng, [action_pattern(rng, action) for _ in range(rng.randint(1, 3))])


def resource_pattern(rng: random.Random, g: "Gen") -> str:
    """A Resource entry that often matches the request resource (FORMAT 13)."""
    resource = g.resource
    roll = rng.random()
    if resource == "*" or roll < 0.12:
        return "*" if rng.random() < 0.7 else other_resource(rng, g.resource_kind)
    parts = resource.split(":", 5)
    if roll < 0.35:
        return resource
    if roll < 0.45:  # wildcard region and/or account segment
        parts = list(parts)
        if parts[3]:
            parts[3] = "*"
        if parts[4] and rng.random() < 0.5:
            parts[4] = "*"
        return ":".join(parts)
    if roll < 0.58:  # prefix* in the resource part (crosses '/')
        tail = parts[5]
        return ":".join(parts[:5] + [tail[:rng.randint(0, len(tail) - 1)] + "*"])
    if roll < 0.64:  # ? in the resource part
        tail = parts[5]
        i = rng.randrange(len(tail))
        return ":".join(parts[:5] + [tail[:i] + "?" + tail[i + 1:]])
    if roll < 0.68:  # wrong case in the resource part: never matches
        return ":".join(parts[:5] + [parts[5].upper()])
    if roll < 0.80:
        variable_pattern = resource_variable_pattern(rng, g)
        if variable_pattern is not None:
            return variable_pattern
    return other_resource(rng, g.resource_kind)


def resource_variable_pattern(rng: random.Random, g: "Gen"):
    """A Resource entry with a policy variable in its resource part (or None if none fits)."""
    resource = g.resource
    if g.resource_kind == "s3-object":
        bucket = resource.split(":::", 1)[1].split("/", 1)[0]
        variable = g.variable(rng, "aws:username", ["alice", "bob"])
        if variable is None:
            return None
        return f"arn:aws:s3:::{bucket}/home/{variable}/*"
    if g.resource_kind == "s3-bucket":
        variable = g.variable(rng, "aws:PrincipalTag/team", TEAMS)
        if variable is None:
            return None
        return f"arn:aws:s3:::{variable}-bucket"
    if g.resource_kind == "iam-user":
        variable = g.variable(rng, "aws:username", ["alice", "bob"])
        if variable is None:
            return None
        return f"arn:aws:iam::{g.resource_account}:user/*{variable}"
    return None


def resource_element(rng: random.Random, g: "Gen"):
    g.resource_entry_count = rng.randint(1, 2)
    entries = []
    for _ in range(g.resource_entry_count):
        entries.append(resource_pattern(rng, g))
    return one_or_list(rng, entries)


def add_action_and_resource(rng: random.Random, g: "Gen", stmt: dict, with_resource=True,
                            not_probability=0.12):
    """Action or NotAction, Resource or NotResource (AWS: IAM JSON policy elements)."""
    if rng.random() < not_probability:
        stmt["NotAction"] = action_element(rng, g.action)
    else:
        stmt["Action"] = action_element(rng, g.action)
    if not with_resource:
        return
    g.in_not_resource = rng.random() < not_probability
    element = resource_element(rng, g)
    stmt["NotResource" if g.in_not_resource else "Resource"] = element
    g.in_not_resource = False


# =============================================================================================
# Conditions
# =============================================================================================

STRING_OPS = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
              "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"]
ARN_OPS = ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"]
NUMERIC_OPS = ["NumericEquals", "NumericNotEquals", "NumericLessThan",
               "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"]
DATE_OPS = ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
            "DateGreaterThan", "DateGreaterThanEquals"]
POSITIVE_VARIABLE_OPS = ["StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals",
                         "ArnLike"]

STRING_DOMAINS = {
    "aws:PrincipalAccount": ACCOUNTS,
    "aws:ResourceAccount": ACCOUNTS,
    "aws:PrincipalOrgID": [ORG_ID, OTHER_ORG_ID],
    "aws:ResourceOrgID": [ORG_ID, OTHER_ORG_ID],
    "aws:PrincipalType": ["User", "AssumedRole"],
    "aws:userid": list(USERIDS.values()) + ["AROAEXAMPLEAPPROLE01:alice"],
    "aws:username": ["alice", "bob", "carol"],
    "aws:PrincipalTag/team": TEAMS,
    "aws:PrincipalTag/env": ENVS,
    "aws:RequestTag/team": TEAMS,
    "aws:RequestTag/note": [SPECIAL_NOTE, "what"],
    "aws:RequestedRegion": REGIONS + ["ap-south-1"],
    "s3:prefix": ["home/alice/", "home/bob/", "public/", ""],
    "sts:ExternalId": ["ext-123", "ext-999"],
}
MULTI_DOMAINS = {
    "aws:TagKeys": TAG_KEYS + ["ssn"],
    "aws:PrincipalOrgPaths": list(ORG_PATHS.values()) + [f"{OTHER_ORG_ID}/r-zz99/ou-zz99-4/"],
    "aws:CalledVia": CALLED_VIA,
}


def like_pattern(rng: random.Random, text: str) -> str:
    """A StringLike / ArnLike pattern that matches `text` (or sometimes a near miss)."""
    if not text:
        return "*"
    roll = rng.random()
    if roll < 0.4:
        return text[:rng.randint(0, len(text) - 1)] + "*"
    if roll < 0.7:
        i = rng.randrange(len(text))
        return text[:i] + "?" + text[i + 1:]
    if roll < 0.85:
        return "*" + text[rng.randint(1, len(text)):]
    return text + "?"


def string_policy_values(rng: random.Random, g: "Gen", op: str, key: str, ctx_value):
    """1-3 policy values for a String* operator, often related to the context value."""
    domain = STRING_DOMAINS.get(key) or MULTI_DOMAINS.get(key) or ["x"]
    values = []
    for _ in range(rng.randint(1, 3)):
        related = ctx_value if isinstance(ctx_value, str) else (
            rng.choice(ctx_value) if ctx_value else None)
        base = related if related is not None and rng.random() < 0.5 else rng.choice(domain)
        if "Like" in op and rng.random() < 0.6:
            base = like_pattern(rng, base)
        elif "IgnoreCase" in op and rng.random() < 0.5:
            base = random_case(rng, base)
        values.append(base)
    if key.lower() == "aws:requesttag/note" and "Like" in op and rng.random() < 0.5:
        # ${*} ${?} ${$} stand for literal characters, never wildcards.
        values.append(rng.choice(["what${?}${*}${$}", "what${?}*", "what${*}"]))
    return values


def arn_policy_values(rng: random.Random, g: "Gen", key: str, ctx_value):
    values = []
    for _ in range(rng.randint(1, 2)):
        roll = rng.random()
        if isinstance(ctx_value, str) and roll < 0.35:
            values.append(ctx_value)
        elif isinstance(ctx_value, str) and roll < 0.6:
            parts = ctx_value.split(":", 5)
            parts[5] = like_pattern(rng, parts[5])
            if rng.random() < 0.3:
                parts[4] = "*"
            values.append(":".join(parts))
        elif roll < 0.75:
            values.append(f"arn:aws:iam::{rng.choice(ACCOUNTS)}:role/*")
        elif roll < 0.9:
            variable = g.variable(rng, "aws:username", ["alice", "bob"])
            if variable is not None:
                values.append(f"arn:aws:iam::{rng.choice(ACCOUNTS)}:user/{variable}")
        else:
            values.append(f"arn:aws:sqs:*:{rng.choice(ACCOUNTS)}:orders")
    return values or ["arn:aws:iam::*:root"]


def scalar_policy_values(rng: random.Random, key_type: str, ctx_value):
    """Policy values for numeric, date, bool, IP and binary operators."""
    count = rng.randint(1, 2)
    if key_type == "numeric":
        pool = NUMERIC_POLICY_VALUES + ([ctx_value] if isinstance(ctx_value, str) else [])
    elif key_type == "date-iso":
        pool = ISO_POLICY_DATES + ([ctx_value] if isinstance(ctx_value, str) else [])
    elif key_type == "date-epoch":
        pool = EPOCH_POLICY_DATES + ([ctx_value] if isinstance(ctx_value, str) else [])
    elif key_type == "bool":
        return [rng.choice(["true", "false"])]
    elif key_type == "ip":
        pool = CIDRS
    else:  # binary
        pool = BASE64_VALUES
    return [rng.choice(pool) for _ in range(count)]


def condition_entry(rng: random.Random, g: "Gen"):
    """One (operator, key, values) triple, drawn so that it holds roughly half the time."""
    ctx = g.context
    present_keys = [k for k in KEY_TYPES if ctx_get(ctx, k) is not None]
    if present_keys and rng.random() < 0.8:
        key = rng.choice(present_keys)
    else:
        key = rng.choice(list(KEY_TYPES))
    key_type = KEY_TYPES[key]
    ctx_value = ctx_get(ctx, key)
    spelled_key = random_case(rng, key) if rng.random() < 0.08 else key

    if ctx_get(ctx, "aws:RequestTag/note") is not None and rng.random() < 0.15:
        return special_variable_entry(rng)
    if rng.random() < 0.1:  # Null checks existence (AWS: Null condition operator)
        return "Null", spelled_key, one_or_list(rng, [rng.choice(["true", "false"])])

    qualifier = ""
    if key_type == "multi":
        qualifier = rng.choice(["ForAllValues:", "ForAnyValue:"])
    elif key_type == "string" and rng.random() < 0.1:
        qualifier = rng.choice(["ForAllValues:", "ForAnyValue:"])
    if_exists = rng.random() < 0.2

    if key_type in ("string", "multi"):
        op = rng.choice(STRING_OPS)
        values = string_policy_values(rng, g, op, key, ctx_value)
        values = maybe_add_variable(rng, g, op, qualifier, if_exists, key, values)
    elif key_type == "arn":
        op = rng.choice(ARN_OPS)
        g.condition_variable_context = (op, qualifier, if_exists)
        values = arn_policy_values(rng, g, key, ctx_value)
        g.condition_variable_context = None
    elif key_type == "numeric":
        op = rng.choice(NUMERIC_OPS)
        values = scalar_policy_values(rng, key_type, ctx_value)
    elif key_type in ("date-iso", "date-epoch"):
        op = rng.choice(DATE_OPS)
        values = scalar_policy_values(rng, key_type, ctx_value)
    elif key_type == "bool":
        op = "Bool"
        values = scalar_policy_values(rng, key_type, ctx_value)
    elif key_type == "ip":
        op = rng.choice(["IpAddress", "NotIpAddress"])
        values = scalar_policy_values(rng, key_type, ctx_value)
    else:
        op = "BinaryEquals"
        values = scalar_policy_values(rng, key_type, ctx_value)
    name = qualifier + op + ("IfExists" if if_exists else "")
    return name, spelled_key, one_or_list(rng, values)


def special_variable_entry(rng: random.Random):
    """${*} ${?} ${$} stand for the literal characters * ? $ (AWS: IAM policy elements:
    Variables and tags, "Special characters"), never for wildcards."""
    op = rng.choice(["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"])
    value = rng.choice(["what${?}${*}${$}", "what${?}*", "what${*}", "what?${*}", "wh${?}t"])
    return op, "aws:RequestTag/note", value


# Pairs (condition key, variable key) whose values are often equal in generated contexts.
VARIABLE_PARTNERS = {
    "aws:PrincipalAccount": ["aws:ResourceAccount"],
    "aws:ResourceAccount": ["aws:PrincipalAccount"],
    "aws:PrincipalOrgID": ["aws:ResourceOrgID"],
    "aws:ResourceOrgID": ["aws:PrincipalOrgID"],
    "aws:RequestTag/team": ["aws:PrincipalTag/team"],
    "aws:PrincipalTag/team": ["aws:RequestTag/team"],
    "aws:username": ["aws:PrincipalTag/team"],
}


def maybe_add_variable(rng: random.Random, g: "Gen", op: str, qualifier: str, if_exists: bool,
                       key: str, values: list) -> list:
    """Sometimes replace the policy values by (or add) a policy variable (FORMAT 12)."""
    partners = VARIABLE_PARTNERS.get(key)
    if not partners or rng.random() > 0.25:
        return values
    var_key = rng.choice(partners)
    defaults = STRING_DOMAINS.get(var_key, ["red"])
    g.condition_variable_context = (op, qualifier, if_exists)
    variable = g.variable(rng, var_key, defaults, sole_value=rng.random() < 0.5)
    g.condition_variable_context = None
    if variable is None:
        return values
    if g.last_variable_was_sole:
        return [variable]
    return values + [variable]


# =============================================================================================
# Generation state for one vector
# =============================================================================================


class Gen:
    """What the element generators need to know about the request being built."""

    def __init__(self, who: Who, action: str, resource_kind: str, resource: str,
                 resource_account: str, context: dict):
        self.who = who
        self.action = action
        self.resource_kind = resource_kind
        self.resource = resource
        self.resource_account = resource_account
        self.context = context
        self.in_not_resource = False
        self.resource_entry_count = 1
        self.condition_variable_context = None  # (op, qualifier, if_exists) while in a condition
        self.last_variable_was_sole = False

    def variable(self, rng: random.Random, key: str, defaults: list, sole_value: bool = False):
        """A ${key} / ${key, 'default'} expression that is safe to place here (FORMAT 12).

        The variable resolves when `key` holds a single string in the context, or when a
        default is given.  An unresolvable variable (no default, key absent) is only produced
        where every reading of FORMAT 12 agrees: as the sole value of a positive, non-IfExists,
        non-ForAllValues condition, or as the sole entry of a Resource element.
        Returns None when no safe form is available.
        """
        self.last_variable_was_sole = False
        value = ctx_get(self.context, key)
        spelled = key if rng.random() < 0.9 else key.lower()
        if isinstance(value, list):
            return None  # only single-valued keys substitute (FORMAT 12)
        if value is not None and rng.random() < 0.7:
            return "${" + spelled + "}"
        if rng.random() < 0.6:
            return "${" + spelled + ", '" + rng.choice(defaults) + "'}"
        if value is not None:
            return "${" + spelled + "}"
        # Key absent and no default: only where the outcome is unambiguous.
        if self.condition_variable_context is not None:
            op, qualifier, if_exists = self.condition_variable_context
            if (sole_value and op in POSITIVE_VARIABLE_OPS and not if_exists
                    and qualifier != "ForAllValues:"):
                self.last_variable_was_sole = True
                return "${" + spelled + "}"
            return "${" + spelled + ", '" + rng.choice(defaults) + "'}"
        if not self.in_not_resource and self.resource_entry_count == 1:
            return "${" + spelled + "}"
        return "${" + spelled + ", '" + rng.choice(defaults) + "'}"


def maybe_condition(rng: random.Random, g: Gen, stmt: dict, probability: float):
    """Attach a Condition block with 1-2 entries (all must hold, FORMAT 12)."""
    if rng.random() >= probability:
        return
    block = {}
    for _ in range(rng.randint(1, 2)):
        op, key, values = condition_entry(rng, g)
        entries = block.setdefault(op, {})
        if any(existing.lower() == key.lower() for existing in entries):
            continue  # never the same key twice (in two spellings) under one operator
        entries[key] = values
    stmt["Condition"] = block


def maybe_sid(rng: random.Random, stmt: dict):
    if rng.random() < 0.3:
        stmt["Sid"] = f"S{rng.randint(1, 999)}"


def policy(statements: list, rng: random.Random) -> dict:
    body = statements[0] if len(statements) == 1 and rng.random() < 0.3 else statements
    return {"Version": VERSION, "Statement": body}


# =============================================================================================
# Policies without a Principal: identity, boundary, session, SCP
# =============================================================================================


def plain_statement(rng: random.Random, g: Gen, allow_probability: float,
                    condition_probability: float = 0.4) -> dict:
    stmt = {}
    maybe_sid(rng, stmt)
    effect = "Allow" if rng.random() < allow_probability else "Deny"
    stmt["Effect"] = effect
    add_action_and_resource(rng, g, stmt)
    maybe_condition(rng, g, stmt, condition_probability)
    return stmt


def plain_policy(rng: random.Random, g: Gen, allow_probability: float, max_statements=3,
                 condition_probability=0.4) -> dict:
    statements = [plain_statement(rng, g, allow_probability, condition_probability)
                  for _ in range(rng.randint(1, max_statements))]
    return policy(statements, rng)


def identity_policies(rng: random.Random, g: Gen) -> list:
    if g.who.kind == "anonymous":
        return []  # FORMAT identity_policies: always empty for anonymous
    return [plain_policy(rng, g, 0.85) for _ in range(rng.choice([0, 1, 1, 2, 2, 3]))]


def narrow_policy(rng: random.Random, g: Gen) -> dict:
    """A boundary / session policy that only allows some other service (never this request)."""
    service = g.action.split(":")[0].lower()
    others = sorted({a.split(":")[0] for a in ALL_ACTION_NAMES} - {service})
    stmt = {"Effect": "Allow", "Action": f"{rng.choice(others)}:*", "Resource": "*"}
    return policy([stmt], rng)


def boundary(rng: random.Random, g: Gen):
    if g.who.kind == "anonymous" or rng.random() >= 0.25:
        return None
    if rng.random() < 0.3:
        return narrow_policy(rng, g)
    return plain_policy(rng, g, 0.9, max_statements=2, condition_probability=0.25)


def session_policy(rng: random.Random, g: Gen):
    if g.who.kind != "session" or rng.random() >= 0.3:
        return None  # FORMAT session_policy: only for assumed-role sessions
    if rng.random() < 0.3:
        return narrow_policy(rng, g)
    return plain_policy(rng, g, 0.9, max_statements=2, condition_probability=0.25)


FULL_ACCESS = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def scp_levels(rng: random.Random, g: Gen) -> list:
    """FORMAT scps: root first, account last; every level needs an Allow; [] = no SCPs."""
    if g.who.kind == "anonymous" or rng.random() >= 0.35:
        return []
    levels = []
    for _ in range(rng.randint(1, 3)):
        level = []
        roll = rng.random()
        if roll < 0.05:
            levels.append(level)  # an empty level: nothing can pass it
            continue
        if roll < 0.8:
            level.append({"Version": VERSION, "Statement": [dict(FULL_ACCESS)]})
        else:
            level.append(plain_policy(rng, g, 1.0, max_statements=2, condition_probability=0.2))
        if rng.random() < 0.3:
            level.append(plain_policy(rng, g, 0.0, max_statements=1,
                                      condition_probability=0.6))
        levels.append(level)
    return levels


# =============================================================================================
# Policies with a Principal: resource policies and RCPs
# =============================================================================================


def caller_chain_entries(rng: random.Random, who: Who) -> list:
    """Every identity of the caller's chain (FORMAT 11): account, user/role ARN, session ARN."""
    account = who.account if rng.random() < 0.5 else f"arn:aws:iam::{who.account}:root"
    if who.kind == "user":
        return [account, who.arn]
    if who.kind == "role":
        return [account, who.arn]
    return [account, who.role_arn, who.arn]


def stranger(rng: random.Random, who: Who) -> Who:
    """A principal that shares nothing with the caller's chain (another account)."""
    account = rng.choice([a for a in ACCOUNTS if a != who.account])
    name, path = rng.choice(ROLES)
    if rng.random() < 0.5:
        uname, upath = rng.choice(USERS)
        return Who(kind="user", arn=user_arn(account, uname, upath), account=account,
                   name=uname, path=upath)
    return Who(kind="session", arn=session_arn(account, name, "other"), account=account,
               name=name, path=path, session_name="other")


def principal_entry(rng: random.Random, g: Gen, wildcard_ok: bool) -> str:
    """One AWS principal value, often naming the caller somehow (FORMAT 2, 3, 11)."""
    who = g.who
    choices = []
    if wildcard_ok:
        choices += ["*"] * (4 if who.kind == "anonymous" else 2)
    if who.kind != "anonymous":
        choices += [who.account, f"arn:aws:iam::{who.account}:root", who.arn, who.arn]
        if who.kind == "session":
            choices += [who.role_arn, who.role_arn]
    other_account = rng.choice(ACCOUNTS)
    uname, upath = rng.choice(USERS)
    rname, rpath = rng.choice(ROLES)
    choices += [other_account, f"arn:aws:iam::{g.resource_account}:root",
                user_arn(other_account, uname, upath), role_arn(other_account, rname, rpath)]
    return rng.choice(choices)


def principal_element(rng: random.Random, g: Gen, wildcard_ok: bool):
    if wildcard_ok and rng.random() < 0.15:
        return "*"
    entries = []
    for _ in range(rng.randint(1, 2)):
        entry = principal_entry(rng, g, wildcard_ok)
        if entry not in entries:
            entries.append(entry)
    element = {"AWS": one_or_list(rng, entries)}
    if rng.random() < 0.1:
        # {"Service": "*"} names every service principal, never an IAM caller or anonymous (FORMAT 9).
        element["Service"] = rng.choice(SERVICE_PRINCIPALS + ["*"])
    return element


def not_principal_element(rng: random.Random, g: Gen):
    """FORMAT 11: either the caller's whole identity chain or none of it."""
    if g.who.kind != "anonymous" and rng.random() < 0.5:
        entries = caller_chain_entries(rng, g.who)
    else:
        entries = caller_chain_entries(rng, stranger(rng, g.who))
    element = {"AWS": entries}
    if rng.random() < 0.2:
        element["Service"] = rng.choice(SERVICE_PRINCIPALS)
    return element


def is_wildcard_principal(element) -> bool:
    if element == "*":
        return True
    aws = element.get("AWS") if isinstance(element, dict) else None
    return aws == "*" or (isinstance(aws, list) and "*" in aws)


def resource_statement(rng: random.Random, g: Gen, v: dict, trust: bool) -> dict:
    """One statement of a resource policy (bucket/queue/key policy or trust policy)."""
    stmt = {}
    maybe_sid(rng, stmt)
    effect = "Allow" if rng.random() < 0.78 else "Deny"
    stmt["Effect"] = effect
    same_account = g.who.kind != "anonymous" and g.who.account == g.resource_account
    restricted = v["permission_boundary"] is not None or v["session_policy"] is not None
    # Open point (FORMAT 6/7): a same-account "*" grant to a bounded caller. Avoid it.
    wildcard_ok = effect == "Deny" or not (same_account and restricted)
    if effect == "Deny" and rng.random() < 0.15:
        stmt["NotPrincipal"] = not_principal_element(rng, g)
    else:
        stmt["Principal"] = principal_element(rng, g, wildcard_ok)
    if trust:
        stmt["Action"] = one_or_list(rng, rng.choice(
            [["sts:AssumeRole"], ["sts:AssumeRole", "sts:TagSession"], ["sts:*"],
             ["sts:TagSession"], [action_pattern(rng, g.action)]]))
    else:
        add_action_and_resource(rng, g, stmt, not_probability=0.06)
    bpa_on = v["options"].get("s3_block_public_access") is True
    if effect == "Allow" and "Principal" in stmt and is_wildcard_principal(stmt["Principal"]):
        if bpa_on:
            # FORMAT options: public = no Condition; not public = StringEquals on the org/account.
            if rng.random() < 0.4:
                key = rng.choice(["aws:PrincipalOrgID", "aws:PrincipalAccount"])
                stmt["Condition"] = {"StringEquals": {key: rng.choice(STRING_DOMAINS[key])}}
            return stmt
        maybe_condition(rng, g, stmt, 0.5)
        return stmt
    maybe_condition(rng, g, stmt, 0.35)
    return stmt


def key_policy_admin_statement(rng: random.Random, g: Gen) -> dict:
    """The usual first key-policy statement: lets the key's account use IAM policies (FORMAT 4)."""
    stmt = {"Sid": "EnableIAMPolicies", "Effect": "Allow",
            "Principal": {"AWS": rng.choice([f"arn:aws:iam::{g.resource_account}:root",
                                             g.resource_account])},
            "Action": rng.choice(["kms:*", "kms:Describe*", "kms:Decrypt"]), "Resource": "*"}
    return stmt


def resource_policy(rng: random.Random, g: Gen, v: dict):
    """FORMAT resource_policy: bucket/queue/key policy or a role's trust policy; IAM/EC2 none."""
    if g.action.lower() in refeval.TRUST_POLICY_ACTIONS:
        statements = [resource_statement(rng, g, v, trust=True)
                      for _ in range(rng.randint(1, 2))]
        return policy(statements, rng)
    if g.resource_kind == "kms-key":
        statements = []
        if rng.random() < 0.6:
            statements.append(key_policy_admin_statement(rng, g))
        statements += [resource_statement(rng, g, v, trust=False)
                       for _ in range(rng.randint(0 if statements else 1, 2))]
        return policy(statements, rng)
    if g.resource_kind in ("s3-object", "s3-bucket", "sqs-queue"):
        if rng.random() < 0.2:
            return None
        statements = [resource_statement(rng, g, v, trust=False)
                      for _ in range(rng.randint(1, 3))]
        return policy(statements, rng)
    return None  # IAM and EC2 resources never have one


def rcp_levels(rng: random.Random, g: Gen) -> list:
    """FORMAT rcps: only Deny statements matter (the full-access RCP is implicit)."""
    if rng.random() >= 0.25:
        return []
    levels = []
    for _ in range(rng.randint(1, 2)):
        level = []
        for _ in range(rng.choice([0, 1, 1, 2])):
            stmt = {"Effect": "Deny", "Principal": "*"}
            add_action_and_resource(rng, g, stmt, not_probability=0.05)
            maybe_condition(rng, g, stmt, 0.8)
            level.append(policy([stmt], rng))
        levels.append(level)
    return levels


# =============================================================================================
# Vectors
# =============================================================================================


def category_of(v: dict, g: Gen) -> str:
    """An informative tag (FORMAT category); it never influences the decision."""
    if g.who.kind == "anonymous":
        return "anonymous"
    req = refeval.parse_request(v["request"])
    if refeval.is_trust_policy_request(req):
        return "sts-trust-policy"
    if refeval.is_kms_key_request(req):
        return "kms-key-policy"
    if req.caller.account != req.resource_account:
        return "cross-account"
    if v["options"].get("s3_block_public_access"):
        return "s3-block-public-access"
    if v["scps"]:
        return "scp"
    if v["rcps"]:
        return "rcp"
    if v["session_policy"] is not None:
        return "session-policy"
    if v["permission_boundary"] is not None:
        return "permission-boundary"
    if v["resource_policy"] is not None:
        return "resource-policy-same-account"
    return "identity"


def generate_one(rng: random.Random, vector_id: str) -> dict:
    who = random_who(rng)
    if who.kind == "anonymous":
        kind = rng.choice(ANONYMOUS_RESOURCE_KINDS)
        action = rng.choice([a for a, k in ACTIONS if k == kind])
        resource_owner = rng.choice(ACCOUNTS)
    else:
        action, kind = rng.choice(ACTIONS)
        same = rng.random() < 0.6
        resource_owner = who.account if same else rng.choice(ACCOUNTS)
        if resource_owner != who.account and kind in ("iam-user", "ec2-instance", "*"):
            # Cross-account requests mostly target resources that can have a resource policy.
            if rng.random() < 0.6:
                action, kind = rng.choice([(a, k) for a, k in ACTIONS
                                           if k in RESOURCE_POLICY_KINDS])
    resource, resource_account = make_resource(rng, kind, resource_owner)
    if kind == "*":
        resource_account = who.account  # FORMAT: "*" resources belong to the caller's account
    context = make_context(rng, who, action, resource, resource_account)
    spelled_action = random_case(rng, action) if rng.random() < 0.08 else action
    g = Gen(who, spelled_action, kind, resource, resource_account, context)

    v = {
        "id": vector_id,
        "category": "",
        "request": {
            "principal": who.arn,
            "principal_account": None if who.kind == "anonymous" else who.account,
            "action": spelled_action,
            "resource": resource,
            "resource_account": resource_account,
            "context": context,
        },
        "identity_policies": [],
        "permission_boundary": None,
        "scps": [],
        "rcps": [],
        "resource_policy": None,
        "session_policy": None,
        "options": {},
        "expected": "",
    }
    if kind.startswith("s3-") and rng.random() < 0.35:
        v["options"] = {"s3_block_public_access": rng.random() < 0.75}
    v["identity_policies"] = identity_policies(rng, g)
    v["permission_boundary"] = boundary(rng, g)
    v["session_policy"] = session_policy(rng, g)
    v["scps"] = scp_levels(rng, g)
    v["rcps"] = rcp_levels(rng, g)
    v["resource_policy"] = resource_policy(rng, g, v)
    v["category"] = category_of(v, g)
    return v


def generate(seed: int, n: int) -> list:
    """n random vectors in FORMAT shape, deterministic for `seed`; "expected" is ""."""
    rng = random.Random(seed)
    return [generate_one(rng, f"gen-{seed}-{i:06d}") for i in range(n)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write random conformance vectors (JSONL), "
                                                 "expected filled in by the reference.")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--out", required=True, help="output JSONL file ('-' for stdout)")
    args = parser.parse_args(argv)
    vectors = generate(args.seed, args.n)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        for vector in vectors:
            vector["expected"] = refeval.decide(vector)
            out.write(json.dumps(vector, separators=(",", ":")) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
