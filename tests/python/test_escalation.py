"""Privilege-escalation paths (Organization.escalation_paths, `accessgraph escalation`).

The main snapshot is a replica of the BishopFox iam-vulnerable playground: each privesc scenario's
policy on a user and on a role (both trusted by / belonging to the account), the tool-testing
false-negative (fn*) cases that must be found and false-positive (fp*) cases that must not, and the
non-free modules (a Lambda function, an EC2 instance profile). Smaller snapshots check single traps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import accessgraph
from accessgraph import _core
from accessgraph.organization import EscalationPath, Results, load_snapshot_from_dict

ACCT = "111122223333"
REGION = "us-east-1"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCT}:{kind}/{name}"


def allow(actions: str | list[str], resources: str | list[str] = "*", condition: dict[str, Any] | None = None) -> dict:
    st: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


def deny(actions: str | list[str], resources: str | list[str] = "*") -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": actions, "Resource": resources}]}


def trust(principal: dict[str, Any]) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}


class Snap:
    """A single-account snapshot tree (the layout of shared/snapshot/LAYOUT.md) built entity by entity."""

    def __init__(self) -> None:
        self.users: list[dict] = []
        self.groups: list[dict] = []
        self.roles: list[dict] = []
        self.policies: list[dict] = []
        self.functions: list[str] = []
        self.report: str | None = None

    def managed(self, name: str, doc: dict) -> str:
        self.policies.append({"PolicyName": name, "PolicyId": "ANPA" + name.upper(), "Arn": arn("policy", name),
                              "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1,
                              "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": True}]})
        return arn("policy", name)

    @staticmethod
    def _inline(docs: list[dict], owner: str) -> list[dict]:
        return [{"PolicyName": f"{owner}-inline-{i}", "PolicyDocument": d} for i, d in enumerate(docs)]

    @staticmethod
    def _attached(arns: list[str]) -> list[dict]:
        return [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in arns]

    def user(self, name: str, inline: list[dict] = (), attached: list[str] = (), groups: list[str] = (),
             boundary: str | None = None) -> str:
        u = {"Path": "/", "UserName": name, "UserId": "AIDA" + name.upper(), "Arn": arn("user", name),
             "UserPolicyList": self._inline(list(inline), name), "GroupList": list(groups),
             "AttachedManagedPolicies": self._attached(list(attached))}
        if boundary:
            u["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
        self.users.append(u)
        return u["Arn"]

    def group(self, name: str, inline: list[dict] = (), attached: list[str] = ()) -> str:
        self.groups.append({"Path": "/", "GroupName": name, "GroupId": "AGPA" + name.upper(), "Arn": arn("group", name),
                            "GroupPolicyList": self._inline(list(inline), name),
                            "AttachedManagedPolicies": self._attached(list(attached))})
        return arn("group", name)

    def role(self, name: str, trust_doc: dict, inline: list[dict] = (), attached: list[str] = (),
             instance_profile: bool = False) -> str:
        r = {"Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper(), "Arn": arn("role", name),
             "AssumeRolePolicyDocument": trust_doc, "RolePolicyList": self._inline(list(inline), name),
             "AttachedManagedPolicies": self._attached(list(attached)), "InstanceProfileList": []}
        if instance_profile:
            r["InstanceProfileList"].append({"InstanceProfileName": name + "-profile",
                                             "Arn": arn("instance-profile", name + "-profile")})
        self.roles.append(r)
        return r["Arn"]

    def credential_report(self, rows: list[tuple[str, bool, bool]]) -> None:
        lines = ["user,arn,password_enabled,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_2_active,access_key_2_last_rotated"]
        for name, password, mfa in rows:
            lines.append(f"{name},{arn('user', name)},{str(password).lower()},{str(mfa).lower()},false,N/A,false,N/A")
        self.report = "\n".join(lines) + "\n"

    def tree(self) -> dict:
        iam: dict[str, Any] = {
            "get-account-authorization-details.json": {"UserDetailList": self.users, "GroupDetailList": self.groups,
                                                       "RoleDetailList": self.roles, "Policies": self.policies},
            "get-account-password-policy.error.txt":
                "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: none\n",
        }
        if self.report is not None:
            iam["credential-report.csv"] = self.report
        fn_arn = f"arn:aws:lambda:{REGION}:{ACCT}:function:"
        lam: dict[str, Any] = {"list-functions.json": {"Functions": [{"FunctionName": f, "FunctionArn": fn_arn + f}
                                                                     for f in self.functions]}}
        if self.functions:
            lam["get-policy"] = {f + ".error.txt": "An error occurred (ResourceNotFoundException) when calling the "
                                                   "GetPolicy operation: none\n" for f in self.functions}
        return {
            "manifest.json": {"format_version": 1, "collected_at": "2025-06-01T00:00:00Z", "partition": "aws",
                              "collector_account_id": ACCT, "regions": [REGION]},
            "accounts": {ACCT: {
                "global": {"iam": iam,
                           "s3api": {"list-buckets.json": {"Buckets": [], "Owner": {"ID": "c0ffee"}}},
                           "s3control": {"get-public-access-block.error.txt":
                                         "An error occurred (NoSuchPublicAccessBlockConfiguration) when calling the "
                                         "GetPublicAccessBlock operation: none\n"}},
                "regions": {REGION: {
                    "kms": {"list-keys.json": {"Keys": []}, "list-aliases.json": {"Aliases": []}},
                    "sqs": {"list-queues.json": {}}, "sns": {"list-topics.json": {"Topics": []}},
                    "lambda": lam, "secretsmanager": {"list-secrets.json": {"SecretList": []}},
                    "ecr": {"describe-repositories.json": {"repositories": []}}}},
            }},
        }

    def org(self) -> accessgraph.Organization:
        return load_snapshot_from_dict(self.tree())


def write_tree(tree: dict, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, value in tree.items():
        if name.endswith((".json", ".txt", ".csv")):
            (root / name).write_text(value if isinstance(value, str) else json.dumps(value))
        else:
            write_tree(value, root / name)


# ------------------------------------------------------------------------------------------------
# The iam-vulnerable replica.

TF_ADMIN = arn("user", "tf-admin")  # the principal that ran Terraform: every scenario role trusts it
ROLE_TRUST = trust({"AWS": TF_ADMIN})

#: scenario -> (policy documents, technique expected from the user, technique expected from the role)
SCENARIOS: dict[str, tuple[list[dict], str | None, str | None]] = {
    "privesc1-CreateNewPolicyVersion": ([allow("iam:CreatePolicyVersion")], "iam-create-policy-version",
                                        "iam-create-policy-version"),
    "privesc2-SetExistingDefaultPolicyVersion": ([allow("iam:SetDefaultPolicyVersion")],
                                                 "iam-set-default-policy-version", "iam-set-default-policy-version"),
    "privesc3-CreateEC2WithExistingInstanceProfile": (
        [allow(["iam:PassRole", "ec2:DescribeInstances", "ec2:RunInstances", "ec2:CreateKeyPair",
                "ec2:AssociateIamInstanceProfile"])], "ec2-run-instances", "ec2-run-instances"),
    "privesc4-CreateAccessKey": ([allow("iam:CreateAccessKey")], "iam-create-access-key", "iam-create-access-key"),
    "privesc5-CreateLoginProfile": ([allow("iam:CreateLoginProfile")], "iam-create-login-profile",
                                    "iam-create-login-profile"),
    "privesc6-UpdateLoginProfile": ([allow("iam:UpdateLoginProfile")], "iam-update-login-profile",
                                    "iam-update-login-profile"),
    "privesc7-AttachUserPolicy": ([allow("iam:AttachUserPolicy")], "iam-attach-user-policy", None),
    "privesc8-AttachGroupPolicy": ([allow("iam:AttachGroupPolicy")], "iam-attach-group-policy", None),
    "privesc9-AttachRolePolicy": ([allow("iam:AttachRolePolicy")], None, "iam-attach-role-policy"),
    "privesc10-PutUserPolicy": ([allow("iam:PutUserPolicy")], "iam-put-user-policy", None),
    "privesc11-PutGroupPolicy": ([allow("iam:PutGroupPolicy")], "iam-put-group-policy", None),
    "privesc12-PutRolePolicy": ([allow("iam:PutRolePolicy")], None, "iam-put-role-policy"),
    "privesc13-AddUserToGroup": ([allow("iam:AddUserToGroup")], "iam-add-user-to-group", None),
    "privesc14-UpdatingAssumeRolePolicy": ([allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"])],
                                           "iam-update-assume-role-policy", "iam-update-assume-role-policy"),
    "privesc15-PassExistingRoleToNewLambdaThenInvoke": (
        [allow(["lambda:CreateFunction", "iam:PassRole", "lambda:InvokeFunction"])],
        "lambda-create-function-invoke", "lambda-create-function-invoke"),
    "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo": (
        [allow(["lambda:CreateFunction", "iam:PassRole", "lambda:CreateEventSourceMapping"])],
        "lambda-create-function-event-source", "lambda-create-function-event-source"),
    "privesc17-EditExistingLambdaFunctionWithRole": (
        [allow(["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"])],
        "lambda-update-function-code", "lambda-update-function-code"),
    "privesc18-PassExistingRoleToNewGlueDevEndpoint": (
        [allow(["iam:PassRole", "glue:CreateDevEndpoint", "glue:GetDevEndpoint"])],
        "glue-create-dev-endpoint", "glue-create-dev-endpoint"),
    "privesc19-UpdateExistingGlueDevEndpoint": ([allow(["glue:UpdateDevEndpoint", "glue:GetDevEndpoint"])],
                                                "glue-update-dev-endpoint", "glue-update-dev-endpoint"),
    "privesc20-PassExistingRoleToCloudFormation": (
        [allow(["iam:PassRole", "cloudformation:CreateStack", "cloudformation:DescribeStacks"])],
        "cloudformation-create-stack", "cloudformation-create-stack"),
    "privesc21-PassExistingRoleToNewDataPipeline": (
        [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
                                           "datapipeline:ActivatePipeline"], "Resource": "*"}]}],
        "datapipeline-create-pipeline", "datapipeline-create-pipeline"),
    "privesc-codeBuildCreateProjectPassRole": (
        [allow(["codebuild:CreateProject", "codebuild:StartBuild", "codebuild:StartBuildBatch", "iam:PassRole",
                "iam:ListRoles"])], "codebuild-create-project", "codebuild-create-project"),
    "privesc-sageMakerCreateNotebookPassRole": (
        [allow(["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl",
                "sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance", "iam:PassRole",
                "iam:ListRoles"])], "sagemaker-create-notebook", "sagemaker-create-notebook"),
    "privesc-sageMakerCreateTrainingJobPassRole": (
        [allow(["sagemaker:CreateTrainingJob", "iam:PassRole"])], "sagemaker-create-training-job",
        "sagemaker-create-training-job"),
    "privesc-sageMakerCreateProcessingJobPassRole": (
        [allow(["sagemaker:CreateProcessingJob", "iam:PassRole"])], "sagemaker-create-processing-job",
        "sagemaker-create-processing-job"),
    "privesc-sageMakerCreatePresignedNotebookURL": (
        [allow(["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:ListNotebookInstances"])],
        "sagemaker-presigned-notebook-url", "sagemaker-presigned-notebook-url"),
    "privesc-ssmSendCommand": ([allow(["ec2:DescribeInstances", "ssm:listCommands", "ssm:sendCommand"])],
                               "ssm-send-command", "ssm-send-command"),
    "privesc-ssmStartSession": ([allow(["ec2:DescribeInstances", "ssm:StartSession", "ssm:DescribeSessions"])],
                                "ssm-start-session", "ssm-start-session"),
    "privesc-ec2InstanceConnect": (
        [allow(["ec2:DescribeInstances", "ec2-instance-connect:SendSSHPublicKey",
                "ec2-instance-connect:SendSerialConsoleSSHPublicKey"])], "ec2-instance-connect", "ec2-instance-connect"),
    "privesc-CloudFormationUpdateStack": ([allow(["cloudformation:UpdateStack", "cloudformation:DescribeStacks"])],
                                          "cloudformation-update-stack", "cloudformation-update-stack"),
    # tool-testing: false negatives (a tool must report them)
    "fn2-exploitableResourceConstraint": ([allow("iam:CreatePolicyVersion", "arn:aws:iam::*:policy/fn2-*")],
                                          "iam-create-policy-version", "iam-create-policy-version"),
    "fn3-exploitableConditionConstraint": (
        [allow("iam:CreatePolicyVersion", "*", {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}})],
        "iam-create-policy-version", "iam-create-policy-version"),
    "fn4-exploitableNotAction": (
        [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": ["iam:Update*", "iam:Create*",
                                                                                     "iam:Attach*"], "Resource": "*"}]}],
        "iam-put-user-policy", "iam-put-role-policy"),
    # tool-testing: false positives (a tool must not report them)
    "fp1-allow-and-deny": ([{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}], None, None),
    "fp2-allow-and-deny-multiple-policies": ([allow("*"), deny("*")], None, None),
    "fp3-deny-iam": ([deny("iam:*")], None, None),
    "fp4-nonExploitableResourceConstraint": ([allow("iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/fp4-*")],
                                             None, None),
    "fp5-nonExploitableConditionConstraint": (
        [allow("iam:CreatePolicyVersion", "*", {"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}})],
        None, None),
}


def iam_vulnerable() -> Snap:
    s = Snap()
    s.user("tf-admin", attached=[s.managed("tf-admin-access", allow("*"))])
    # shared by privesc3 / 15-21 / ssm / sagemaker: an administrator role every service may assume
    high = s.managed("privesc-high-priv-service-policy", allow("*"))
    s.role("privesc-high-priv-service-role",
           trust({"Service": ["ec2.amazonaws.com", "datapipeline.amazonaws.com", "cloudformation.amazonaws.com",
                              "lambda.amazonaws.com", "glue.amazonaws.com", "ecs-tasks.amazonaws.com",
                              "codebuild.amazonaws.com", "eks.amazonaws.com", "sagemaker.amazonaws.com",
                              "elasticbeanstalk.amazonaws.com"]}),
           attached=[high], instance_profile=True)
    # privesc-sre: the group privesc13 joins; an SRE user and role with iam:*, ec2:*, s3:*
    sre = s.managed("privesc-sre-admin-policy", allow(["iam:*", "ec2:*", "s3:*"]))
    s.group("privesc-sre-group", attached=[sre])
    s.user("privesc-sre-user", groups=["privesc-sre-group"])
    s.role("privesc-sre-role", trust({"AWS": arn("user", "privesc-sre-user")}), attached=[sre])
    # privesc-AssumeRole: starting -> intermediate -> ending (administrator)
    s.role("privesc-AssumeRole-starting-role", ROLE_TRUST)
    s.role("privesc-AssumeRole-intermediate-role", trust({"AWS": arn("role", "privesc-AssumeRole-starting-role")}))
    s.role("privesc-AssumeRole-ending-role", trust({"AWS": arn("role", "privesc-AssumeRole-intermediate-role")}),
           attached=[s.managed("privesc-AssumeRole-high-priv-policy", allow("*"))])
    s.user("privesc-AssumeRole-start-user")
    # a role with no policies that trusts the whole account: assuming it gains nothing
    s.role("privesc-permissive-role-trust", trust({"AWS": f"arn:aws:iam::{ACCT}:root"}))
    # fn1: ec2:RunInstances and iam:PassRole in two policies
    fn1a = s.managed("fn1-privesc3-partial", allow(["ec2:DescribeInstances", "ec2:RunInstances"]))
    fn1b = s.managed("fn1-passrole-star", allow("iam:PassRole"))
    s.user("fn1-privesc3-partial-user", attached=[fn1a, fn1b])
    s.role("fn1-privesc3-partial-role", ROLE_TRUST, attached=[fn1a, fn1b])
    for name, (docs, _, _) in SCENARIOS.items():
        attached = [s.managed(name if len(docs) == 1 else f"{name}-{i}", d) for i, d in enumerate(docs)]
        groups = []
        if name in ("privesc8-AttachGroupPolicy", "privesc11-PutGroupPolicy"):
            groups = [name + "-group"]
            s.group(name + "-group")
        s.user(name + "-user", attached=attached, groups=groups)
        s.role(name + "-role", ROLE_TRUST, attached=attached)
    # non-free modules: the Lambda function privesc17 edits
    s.functions.append("iam-vulnerable-function")
    s.credential_report([("tf-admin", True, False), ("privesc-sre-user", False, False)])
    return s


@pytest.fixture(scope="module")
def vulnerable() -> Results[EscalationPath]:
    return iam_vulnerable().org().escalation_paths()


def from_(paths: Results[EscalationPath], principal: str, technique: str | None = None) -> list[EscalationPath]:
    return [p for p in paths if p.principal == principal and (technique is None or p.technique.id == technique)]


def show(paths: list[EscalationPath] | Results[EscalationPath]) -> str:
    return "\n".join(str(p) for p in paths)


@pytest.mark.parametrize("scenario", [n for n, (_, u, _) in SCENARIOS.items() if u])
def test_iam_vulnerable_user_path_is_found(vulnerable: Results[EscalationPath], scenario: str) -> None:
    technique = SCENARIOS[scenario][1]
    found = from_(vulnerable, arn("user", scenario + "-user"), technique)
    assert found, f"{technique} from {scenario}-user:\n{show(from_(vulnerable, arn('user', scenario + '-user')))}"
    expected_kind = "permissions" if technique == "iam-set-default-policy-version" else "administrator"
    assert any(p.gains.kind == expected_kind for p in found), show(found)


@pytest.mark.parametrize("scenario", [n for n, (_, _, r) in SCENARIOS.items() if r])
def test_iam_vulnerable_role_path_is_found(vulnerable: Results[EscalationPath], scenario: str) -> None:
    technique = SCENARIOS[scenario][2]
    found = from_(vulnerable, arn("role", scenario + "-role"), technique)
    assert found, f"{technique} from {scenario}-role:\n{show(from_(vulnerable, arn('role', scenario + '-role')))}"
    expected_kind = "permissions" if technique == "iam-set-default-policy-version" else "administrator"
    assert any(p.gains.kind == expected_kind for p in found), show(found)


@pytest.mark.parametrize("scenario", [n for n in SCENARIOS if n.startswith("fp")])
def test_iam_vulnerable_false_positives_are_not_reported(vulnerable: Results[EscalationPath], scenario: str) -> None:
    for principal in (arn("user", scenario + "-user"), arn("role", scenario + "-role")):
        assert not from_(vulnerable, principal), show(from_(vulnerable, principal))
    # nor does reaching one of them make anybody an administrator
    assert not [p for p in vulnerable if scenario in p.gains.target and p.gains.kind == "administrator"], \
        show(vulnerable)


def test_iam_vulnerable_assume_role_chain_and_fn1(vulnerable: Results[EscalationPath]) -> None:
    chain = from_(vulnerable, arn("role", "privesc-AssumeRole-starting-role"), "sts-assume-role")
    assert len(chain) == 1, show(chain)
    assert [s.resource for s in chain[0].steps] == [arn("role", "privesc-AssumeRole-intermediate-role"),
                                                    arn("role", "privesc-AssumeRole-ending-role")]
    assert chain[0].gains.kind == "administrator"
    # the start user has no permission at all; the permissive-trust role gives nothing
    assert not from_(vulnerable, arn("user", "privesc-AssumeRole-start-user"))
    # (fn4's role may still rewrite the permissive role's policies, then assume it: a real path)
    assert not [p for p in vulnerable if p.gains.target == arn("role", "privesc-permissive-role-trust")
                and p.technique.id == "sts-assume-role"]
    for principal in (arn("user", "fn1-privesc3-partial-user"), arn("role", "fn1-privesc3-partial-role")):
        assert from_(vulnerable, principal, "ec2-run-instances"), show(from_(vulnerable, principal))


def test_iam_vulnerable_administrators_are_not_starting_points(vulnerable: Results[EscalationPath]) -> None:
    for admin in (TF_ADMIN, arn("user", "privesc-sre-user"), arn("role", "privesc-high-priv-service-role"),
                  arn("role", "privesc-AssumeRole-ending-role")):
        assert not from_(vulnerable, admin)


def test_iam_vulnerable_steps_name_the_allowing_policy(vulnerable: Results[EscalationPath]) -> None:
    [p] = from_(vulnerable, arn("user", "privesc1-CreateNewPolicyVersion-user"), "iam-create-policy-version")
    assert p.steps[0].action == "iam:CreatePolicyVersion"
    assert p.steps[0].resource == arn("policy", "privesc1-CreateNewPolicyVersion")
    assert p.steps[0].allowed_by == ('identity policy "privesc1-CreateNewPolicyVersion" statement #0',)
    assert p.gains.target == arn("user", "privesc1-CreateNewPolicyVersion-user")
    [lam] = from_(vulnerable, arn("user", "privesc15-PassExistingRoleToNewLambdaThenInvoke-user"),
                  "lambda-create-function-invoke")
    assert [s.action for s in lam.steps] == ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]
    assert lam.steps[0].resource == arn("role", "privesc-high-priv-service-role")
    assert lam.gains.to_dict() == {"kind": "administrator", "target": arn("role", "privesc-high-priv-service-role"),
                                   "detail": lam.gains.detail}


def test_every_technique_of_the_table_is_exercised(vulnerable: Results[EscalationPath]) -> None:
    table = [t["id"] for t in _core.escalation_techniques()]
    assert len(table) == len(set(table))
    seen = {p.technique.id for p in vulnerable}
    # boundaries are exercised in the focused tests below
    boundary = {t for t in table if "permissions-boundary" in t}
    assert set(table) - boundary <= seen, sorted(set(table) - boundary - seen)


def test_order_is_deterministic(vulnerable: Results[EscalationPath]) -> None:
    again = iam_vulnerable().org().escalation_paths()
    assert again.to_dicts() == vulnerable.to_dicts()
    order = {t["id"]: i for i, t in enumerate(_core.escalation_techniques())}
    keys = [(p.principal, order[p.technique.id]) for p in vulnerable]
    assert keys == sorted(keys)


# ------------------------------------------------------------------------------------------------
# Focused traps.

def test_boundary_techniques_and_a_boundary_that_caps_the_gain() -> None:
    s = Snap()
    b = s.managed("boundary", allow(["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary",
                                     "iam:PutUserPolicy", "s3:GetObject"]))
    u = s.user("bounded", inline=[allow("*")], boundary=b)
    cap = s.managed("cap", allow(["iam:PutUserPolicy", "s3:GetObject"]))
    capped = s.user("capped", inline=[allow(["iam:PutUserPolicy", "s3:GetObject"])], boundary=cap)
    rb = s.managed("role-boundary", allow(["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"]))
    r = s.role("bounded-role", trust({"AWS": u}), inline=[allow("*")])
    s.roles[-1]["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": rb}
    paths = s.org().escalation_paths()
    assert {p.technique.id for p in from_(paths, u)} >= {"iam-delete-user-permissions-boundary",
                                                         "iam-put-user-permissions-boundary"}, show(paths)
    assert {p.technique.id for p in from_(paths, r)} == {"iam-delete-role-permissions-boundary",
                                                         "iam-put-role-permissions-boundary"}, show(paths)
    # PutUserPolicy under a boundary that lets nothing new through: no path
    assert not from_(paths, capped), show(paths)


def test_scp_in_a_member_account_blocks_the_path() -> None:
    s = Snap()
    u = s.user("attacker", inline=[allow("iam:PutUserPolicy")])
    tree = s.tree()
    mgmt = "999988887777"
    full = json.dumps(allow("*"))
    guard = json.dumps(deny("iam:PutUserPolicy"))
    tree["organizations"] = {
        "describe-organization.json": {"Organization": {"Id": "o-esc", "MasterAccountId": mgmt, "FeatureSet": "ALL"}},
        "list-roots.json": {"Roots": [{"Id": "r-1", "Name": "Root", "Arn": f"arn:aws:organizations::{mgmt}:root/o-esc/r-1",
                                       "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]},
        "list-organizational-units-for-parent": {"r-1.json": {"OrganizationalUnits": []}},
        "list-accounts-for-parent": {"r-1.json": {"Accounts": [{"Id": ACCT, "Name": "member", "Status": "ACTIVE"},
                                                               {"Id": mgmt, "Name": "mgmt", "Status": "ACTIVE"}]}},
        "list-policies": {"SERVICE_CONTROL_POLICY.json": {"Policies": [
            {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "AwsManaged": True},
            {"Id": "p-guard", "Name": "guard", "AwsManaged": False}]}},
        "describe-policy": {"p-FullAWSAccess.json": {"Policy": {"Content": full}},
                            "p-guard.json": {"Policy": {"Content": guard}}},
        "list-targets-for-policy": {"p-FullAWSAccess.json": {"Targets": [{"TargetId": "r-1", "Type": "ROOT"},
                                                                          {"TargetId": ACCT, "Type": "ACCOUNT"}]},
                                    "p-guard.json": {"Targets": [{"TargetId": "r-1", "Type": "ROOT"}]}},
    }
    assert not load_snapshot_from_dict(tree).escalation_paths(u)
    assert s.org().escalation_paths(u)  # without the SCP it is a path
    tree["organizations"]["describe-policy"]["p-guard.json"]["Policy"]["Content"] = json.dumps(deny("ec2:*"))
    assert [p.technique.id for p in load_snapshot_from_dict(tree).escalation_paths(u)] == ["iam-put-user-policy"]


def test_role_that_does_not_trust_the_principal_and_passrole_to_the_wrong_service() -> None:
    s = Snap()
    s.role("admin", trust({"AWS": arn("user", "someone-else")}), inline=[allow("*")])
    s.role("ec2-admin", trust({"Service": "ec2.amazonaws.com"}), inline=[allow("*")], instance_profile=True)
    u = s.user("attacker", inline=[allow(["sts:AssumeRole", "iam:AttachRolePolicy", "iam:PutRolePolicy",
                                          "lambda:CreateFunction", "lambda:InvokeFunction", "ec2:RunInstances"]),
                                   allow("iam:PassRole", "*", {"StringEquals": {"iam:PassedToService":
                                                                                "ec2.amazonaws.com"}})])
    paths = s.org().escalation_paths(u)
    assert [p.technique.id for p in paths] == ["ec2-run-instances"], show(paths)


def test_conditions_are_reported_and_unknown_principal_is_an_error() -> None:
    s = Snap()
    u = s.user("attacker", inline=[allow("iam:PutUserPolicy", arn("user", "attacker"),
                                         {"Bool": {"aws:MultiFactorAuthPresent": "true"}})])
    org = s.org()
    [p] = org.escalation_paths(u)
    assert p.conditional
    assert p.steps[0].conditions and "aws:MultiFactorAuthPresent" in p.steps[0].conditions[0]
    with pytest.raises(ValueError):
        org.escalation_paths(arn("user", "nobody"))


def test_path_objects() -> None:
    s = Snap()
    u = s.user("attacker", inline=[allow("iam:PutUserPolicy", arn("user", "attacker"))])
    paths = s.org().escalation_paths()
    assert isinstance(paths, Results) and len(paths) == 1
    p = paths[0]
    assert isinstance(p, EscalationPath)
    with pytest.raises(AttributeError):
        p.principal = "x"  # type: ignore[misc]
    d = p.to_dict()
    assert d["principal"] == u
    assert d["technique"] == {"id": "iam-put-user-policy", "name": "iam:PutUserPolicy on oneself"}
    assert d["steps"] == [{"action": "iam:PutUserPolicy", "resource": u,
                           "allowed_by": ['identity policy "attacker-inline-0" statement #0'],
                           "conditions": [], "unless": []}]
    assert d["gains"]["kind"] == "administrator" and d["gains"]["target"] == u
    assert json.loads(paths.to_json()) == [d]
    assert "iam-put-user-policy" in str(p)


# ------------------------------------------------------------------------------------------------
# The bundled example organization (README M16-M19)

def test_example_organization_paths_of_its_readme() -> None:
    from accessgraph.examples import example_snapshot_path

    paths = accessgraph.load_snapshot(example_snapshot_path()).escalation_paths()
    shr, stg, prd = "467788990011", "434455667788", "423344556677"

    def one(principal: str, technique: str, target: str) -> EscalationPath:
        found = [p for p in paths if p.principal == principal and p.technique.id == technique
                 and p.gains.target == target]
        assert len(found) == 1, show(paths)
        assert found[0].gains.kind == "administrator"
        return found[0]

    m16 = one(f"arn:aws:iam::{shr}:user/build-bot", "iam-create-policy-version", f"arn:aws:iam::{shr}:user/build-bot")
    assert m16.steps[0].resource.endswith(":policy/build-bot-permissions")
    m17 = one(f"arn:aws:iam::{shr}:role/ci-lambda-deployer", "lambda-create-function-invoke",
              f"arn:aws:iam::{shr}:role/ops-automation-admin")
    assert [s.action for s in m17.steps] == ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]
    one(f"arn:aws:iam::{stg}:user/qa-lead.marta", "iam-update-assume-role-policy",
        f"arn:aws:iam::{stg}:role/OrganizationAccountAccessRole")
    m19 = one(f"arn:aws:iam::{shr}:user/dana.ops", "sts-assume-role", f"arn:aws:iam::{prd}:role/prod-break-glass")
    assert [s.resource for s in m19.steps] == [f"arn:aws:iam::{stg}:role/staging-deployer",
                                               f"arn:aws:iam::{prd}:role/prod-break-glass"]
    # M15's sandbox-admin already is an administrator: nothing to escalate
    assert not [p for p in paths if p.principal.endswith(":user/sandbox-admin")]


# ------------------------------------------------------------------------------------------------
# CLI

def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "accessgraph", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_cli_json_prints_only_the_list(tmp_path: Path) -> None:
    s = Snap()
    s.role("privesc-high-priv-service-role", trust({"Service": "lambda.amazonaws.com"}), inline=[allow("*")])
    u = s.user("attacker", inline=[allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])])
    s.user("other", inline=[allow("iam:PutUserPolicy", arn("user", "other"))])
    write_tree(s.tree(), tmp_path / "snap")
    r = run("escalation", str(tmp_path / "snap"), "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # nothing else on stdout
    assert isinstance(out, list) and len(out) == 2
    for p in out:
        assert {"principal", "technique", "steps", "gains"} <= set(p)
        assert set(p["technique"]) == {"id", "name"}
        for st in p["steps"]:
            assert {"action", "resource", "allowed_by"} <= set(st)
    assert [p["technique"]["id"] for p in out] == ["lambda-create-function-invoke", "iam-put-user-policy"]
    assert out == s.org().escalation_paths().to_dicts()

    r = run("escalation", str(tmp_path / "snap"), "--principal", u, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [p["principal"] for p in json.loads(r.stdout)] == [u]

    r = run("escalation", str(tmp_path / "snap"), "--principal", arn("user", "nobody"), "--format", "json")
    assert r.returncode == 2 and r.stdout == ""
    assert "nobody" in r.stderr

    r = run("escalation", str(tmp_path / "snap"))
    assert r.returncode == 0 and "lambda-create-function-invoke" in r.stdout
