"""Self-test of the pure-Python reference evaluator and of the random vector generator.

* the reference agrees with every public conformance vector;
* generate() is deterministic for a seed, keeps to FORMAT.md's constraints, and yields a healthy
  mix of the three decisions;
* the generated vectors do not depend on the points FORMAT.md leaves open (so any conforming
  engine must agree with the reference on them).
"""

from __future__ import annotations

import collections
import json
import os
import sys
from unittest import mock

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from reference import generate, refeval  # noqa: E402

PUBLIC_VECTORS = os.path.join(REPO, "tests", "data", "conformance", "public.jsonl")
DECISIONS = ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")
FIELDS = ["id", "category", "request", "identity_policies", "permission_boundary", "scps", "rcps",
          "resource_policy", "session_policy", "options", "expected"]


def load_jsonl(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def generated():
    return generate.generate(2024, 2000)


def test_reference_agrees_with_all_public_vectors():
    vectors = load_jsonl(PUBLIC_VECTORS)
    assert len(vectors) == 2000
    mismatches = [(v["id"], v["category"], v["expected"], refeval.decide(v))
                  for v in vectors if refeval.decide(v) != v["expected"]]
    assert mismatches == []


def test_generate_is_deterministic():
    first = json.dumps(generate.generate(7, 300), sort_keys=True)
    again = json.dumps(generate.generate(7, 300), sort_keys=True)
    other = json.dumps(generate.generate(8, 300), sort_keys=True)
    assert first == again
    assert first != other


def test_generated_decision_mix(generated):
    counts = collections.Counter(refeval.decide(v) for v in generated)
    for decision in DECISIONS:
        assert counts[decision] >= 0.15 * len(generated), counts


def test_generated_vectors_keep_format_constraints(generated):
    ids = set()
    for v in generated:
        assert list(v) == FIELDS and v["expected"] == ""
        assert v["id"] not in ids
        ids.add(v["id"])
        req = v["request"]
        principal = req["principal"]
        resource = req["resource"]
        if principal == "anonymous":
            assert req["principal_account"] is None
            assert v["identity_policies"] == [] and v["scps"] == []
            assert v["permission_boundary"] is None and v["session_policy"] is None
        else:
            assert principal.split(":")[4] == req["principal_account"]
        if ":assumed-role/" not in principal:
            assert v["session_policy"] is None
        if resource == "*":
            assert req["resource_account"] == req["principal_account"]
        elif resource.split(":")[4]:
            assert resource.split(":")[4] == req["resource_account"]
        if v["options"]:
            assert req["action"].lower().startswith("s3:")
        for key, value in req["context"].items():
            if key.lower() in ("aws:tagkeys", "aws:principalorgpaths", "aws:calledvia"):
                assert isinstance(value, list) and all(isinstance(x, str) for x in value)
            else:
                assert isinstance(value, str)


def decisions(vectors):
    return [refeval.decide(v) for v in vectors]


# Each open point: a patch giving the other plausible reading.  The generator must avoid every
# vector whose decision would change.
OPEN_POINTS = {
    # FORMAT 12: an unresolvable variable disqualifies only its own entry/value.
    "variable-per-entry": ("has_unresolvable_variable", lambda *args: False),
    # FORMAT 6 / 7: a same-account grant to "*" escapes the boundary / session policy.
    "wildcard-escapes-boundary": (
        "exempt_from_boundary", lambda ways: bool(ways & {"user", "session", "anyone"})),
    "wildcard-escapes-session-policy": (
        "exempt_from_session_policy", lambda ways: bool(ways & {"session", "anyone"})),
    # FORMAT 11: listing any part of the chain in NotPrincipal already exempts the caller.
    "notprincipal-any-listed": (
        "not_principal_excludes",
        lambda element, caller: caller.kind != "anonymous"
        and bool(refeval.ways_principal_names_caller(element, caller))),
    # BinaryEquals compared as plain strings instead of decoded bytes.
    "binary-as-text": ("compare_binary", lambda ctx_value, policy_value: ctx_value == policy_value),
}


@pytest.mark.parametrize("name", sorted(OPEN_POINTS))
def test_generated_vectors_avoid_open_points(generated, name):
    expected = decisions(generated)
    attribute, replacement = OPEN_POINTS[name]
    with mock.patch.object(refeval, attribute, replacement):
        alternative = decisions(generated)
    changed = [v["id"] for v, before, after in zip(generated, expected, alternative)
               if before != after]
    assert changed == []


# ---- a few rules the public vectors do not exercise -------------------------------------------


def simple_vector(statement, version="2012-10-17", context=None, action="s3:GetObject",
                  resource="arn:aws:s3:::red-bucket/home/alice/notes.txt"):
    """A same-account IAM user request decided by one identity-policy statement."""
    return {
        "id": "t", "category": "t",
        "request": {"principal": "arn:aws:iam::111111111111:user/alice",
                    "principal_account": "111111111111", "action": action,
                    "resource": resource, "resource_account": "111111111111",
                    "context": context or {}},
        "identity_policies": [{"Version": version, "Statement": [statement]}],
        "permission_boundary": None, "scps": [], "rcps": [], "resource_policy": None,
        "session_policy": None, "options": {}, "expected": "",
    }


def test_variables_only_in_2012_policies():
    stmt = {"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::red-bucket/home/${aws:username}/*"}
    context = {"aws:username": "alice"}
    assert refeval.decide(simple_vector(stmt, context=context)) == "Allowed"
    assert refeval.decide(simple_vector(stmt, "2008-10-17", context)) == "ImplicitlyDenied"


def test_special_variables_are_literal_characters():
    def like(value):
        stmt = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringLike": {"aws:RequestTag/note": value}}}
        return refeval.decide(simple_vector(stmt, context={"aws:RequestTag/note": "a?b"}))
    assert like("a${?}b") == "Allowed"
    assert like("a${*}") == "ImplicitlyDenied"  # ${*} is a literal '*', not a wildcard
    assert like("a*") == "Allowed"


def test_get_caller_identity_beats_explicit_deny():
    stmt = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    vector = simple_vector(stmt, action="sts:GetCallerIdentity", resource="*")
    assert refeval.decide(vector) == "Allowed"


def test_ipv6_and_star_resource():
    stmt = {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::*",
            "Condition": {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}}
    context = {"aws:SourceIp": "2001:db8::1"}
    star = simple_vector(stmt, context=context, action="s3:ListAllMyBuckets", resource="*")
    assert refeval.decide(star) == "ImplicitlyDenied"  # an ARN pattern never matches "*"
    stmt["Resource"] = "*"
    assert refeval.decide(star) == "Allowed"
