"""evaluate / evaluate_batch / Decision / Explanation from Python."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import accessgraph as ag

ACCOUNT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BUCKET_OBJ = "arn:aws:s3:::reports/q1.csv"
ALLOW_READ = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Sid": "No", "Effect": "Deny", "Action": "*", "Resource": "*"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def req(principal: str = ALICE, action: str = "s3:GetObject", resource: str = BUCKET_OBJ, **kw: object) -> ag.Request:
    kw.setdefault("resource_account", ACCOUNT)
    return ag.Request(principal, action, resource, **kw)  # type: ignore[arg-type]


def test_identity_policy_allows_in_same_account() -> None:
    d = ag.evaluate(req(), identity_policies=[ALLOW_READ])
    assert d.decision == "Allowed" and d.allowed and bool(d)
    e = d.explain()
    assert e.decision == "Allowed"
    assert e.rule == "identity-policy-allow"
    assert e.allows[0]["sid"] == "Read"
    assert e.allows[0]["policy_kind"] == "identity policy"


def test_no_policy_is_an_implicit_deny_that_says_what_is_missing() -> None:
    d = ag.evaluate(req())
    assert d.decision == "ImplicitlyDenied" and not d.allowed
    assert any("no identity policy allows s3:GetObject" in m for m in d.explain().missing)


def test_explicit_deny_wins_and_is_named() -> None:
    d = ag.evaluate(req(), identity_policies=[ALLOW_READ, DENY_ALL])
    assert d.decision == "ExplicitlyDenied"
    deny = d.explain().denies[0]
    assert deny["sid"] == "No" and deny["policy"] == "identity[1]" and deny["effect"] == "Deny"


def test_scp_level_without_allow_is_named_in_the_explanation() -> None:
    d = ag.evaluate(req(), identity_policies=[ALLOW_READ], scps=[[ALLOW_ALL], []],
                    scp_level_names=["root r-1", "OU ou-abcd-1111"])
    assert d.decision == "ImplicitlyDenied"
    assert "no SCP at level OU ou-abcd-1111 allows s3:GetObject" in d.explain().missing


def test_level_names_must_match_levels() -> None:
    with pytest.raises(ValueError, match="names for"):
        ag.policy_set(scps=[[ALLOW_ALL]], scp_level_names=["a", "b"])


def test_cross_account_needs_the_resource_policy() -> None:
    caller = f"arn:aws:iam::{OTHER}:user/bob"
    bucket = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
    assert ag.evaluate(req(caller), identity_policies=[ALLOW_ALL]).decision == "ImplicitlyDenied"
    assert ag.evaluate(req(caller), identity_policies=[ALLOW_ALL], resource_policy=bucket).decision == "Allowed"


def test_context_accepts_strings_bools_numbers_and_lists() -> None:
    cond = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}, "NumericLessThan": {"s3:max-keys": "10"},
                          "ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}}]}
    r = ag.Request(ALICE, "s3:GetObject", "arn:aws:s3:::x/y", resource_account=ACCOUNT,
                   context={"aws:SecureTransport": True, "s3:max-keys": 5, "aws:TagKeys": ["a"]})
    assert r.context == {"aws:SecureTransport": "true", "s3:max-keys": "5", "aws:TagKeys": ["a"]}
    assert ag.evaluate(r, identity_policies=[cond]).allowed


def test_context_rejects_other_value_types() -> None:
    with pytest.raises(TypeError, match="aws:SourceIp"):
        ag.Request(ALICE, "s3:GetObject", "*", context={"aws:SourceIp": {"a": 1}})  # type: ignore[dict-item]


def test_evaluate_takes_a_policy_set_or_keywords_not_both() -> None:
    ps = ag.policy_set(identity_policies=[ALLOW_READ])
    assert ag.evaluate(req(), ps).allowed
    with pytest.raises(TypeError):
        ag.evaluate(req(), ps, identity_policies=[ALLOW_READ])


def test_batch_gives_the_same_decisions_as_single_calls() -> None:
    sets = [ag.policy_set(identity_policies=[ALLOW_READ]), ag.policy_set(identity_policies=[ALLOW_READ, DENY_ALL]),
            ag.policy_set()]
    requests = [req(), req(action="s3:PutObject"), req(resource="arn:aws:s3:::other/x")]
    pairs = [(r, s) for r in requests for s in sets]
    batch = ag.evaluate_batch([r for r, _ in pairs], [s for _, s in pairs])
    assert [d.decision for d in batch] == [ag.evaluate(r, s).decision for r, s in pairs]
    assert [d.decision for d in batch].count("Allowed") == 1
    shared = ag.evaluate_batch(requests, sets[0])
    assert [d.decision for d in shared] == ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_batch_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="one PolicySet"):
        ag.evaluate_batch([req(), req(), req()], [ag.policy_set(), ag.policy_set()])


# None where a policy, a request or a policy set belongs is a TypeError naming the place, never a
# crash of the interpreter (it used to dereference a null pointer in C++).
@pytest.mark.parametrize("make", [
    lambda: ag.policy_set(identity_policies=[None]),
    lambda: ag.policy_set(scps=[[ALLOW_ALL, None]]),
    lambda: ag.PolicySet(identity_policies=[None]),
    lambda: ag.PolicySet(scps=[[ag.Policy.from_json(ALLOW_ALL), None]]),
    lambda: ag.PolicySet(rcps=[[None]]),
    lambda: ag.evaluate(None, ag.policy_set()),
    lambda: ag.evaluate_batch([req(), None], ag.policy_set()),
    lambda: ag.evaluate_batch([req()], [None]),
], ids=["policy_set identity", "policy_set scp", "PolicySet identity", "PolicySet scp", "PolicySet rcp",
        "evaluate request", "batch request", "batch policy set"])
def test_none_in_place_of_an_object_is_a_type_error(make: Any) -> None:
    with pytest.raises(TypeError) as e:
        make()
    assert "None" in str(e.value) or "incompatible" in str(e.value)


def test_none_policy_is_named_by_its_place() -> None:
    with pytest.raises(TypeError, match=r"scps\[1\]\[0\] is None"):
        ag.PolicySet(scps=[[ag.Policy.from_json(ALLOW_ALL)], [None]])
    with pytest.raises(TypeError, match=r"requests\[1\] is None"):
        ag.evaluate_batch([req(), None], ag.policy_set())  # type: ignore[list-item]


def test_batch_runs_in_parallel_threads_with_consistent_results() -> None:
    ps = ag.policy_set(identity_policies=[ALLOW_READ])
    requests = [req(resource=f"arn:aws:s3:::{'reports' if i % 2 else 'other'}/{i}") for i in range(2000)]
    expected = [d.decision for d in ag.evaluate_batch(requests, ps)]
    results: list[list[str]] = []

    def work() -> None:
        results.append([d.decision for d in ag.evaluate_batch(requests, ps)])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
    assert expected.count("Allowed") == 1000


def test_reprs_and_html_name_the_decision() -> None:
    d = ag.evaluate(req(), identity_policies=[DENY_ALL])
    assert repr(d).startswith("<Decision ExplicitlyDenied:")
    html = d._repr_html_()
    assert "ExplicitlyDenied" in html and "No" in html and "&lt;" not in repr(d)
    e = d.explain()
    assert e.to_dict()["denies"][0]["sid"] == "No"
    assert "DENY" in str(e)
    assert "ExplicitlyDenied" in e._repr_html_()


def test_get_caller_identity_is_allowed_even_under_explicit_deny() -> None:
    d = ag.evaluate(req(action="sts:GetCallerIdentity", resource="*"), identity_policies=[DENY_ALL])
    assert d.allowed and d.explain().rule == "get-caller-identity"


# IAM UG, Principal element: resource-based policies must name a Principal (or NotPrincipal) in
# every statement; identity-based policies, boundaries, session policies and SCPs cannot. AWS
# refuses such policies; a resource-policy Deny without Principal must not silently vanish.
@pytest.mark.parametrize(
    ("kwargs", "code", "pointer"),
    [
        ({"resource_policy": DENY_ALL}, "missing-principal", "/resource_policy/Statement/0"),
        ({"rcps": [[DENY_ALL]]}, "missing-principal", "/rcps/0/0/Statement/0"),
        ({"identity_policies": [ALLOW_ALL, {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                                                           "Resource": "*"}]}]},
         "unexpected-principal", "/identity_policies/1/Statement/0/Principal"),
        ({"scps": [[{"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": ACCOUNT}, "Action": "*",
                                    "Resource": "*"}]}]]},
         "unexpected-principal", "/scps/0/0/Statement/0/NotPrincipal"),
        # IAM UG, Resource element: identity-policy statements need Resource or NotResource.
        ({"session_policy": {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}},
         "missing-resource", "/session_policy/Statement/0"),
        ({"identity_policies": [{"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}]},
         "missing-resource", "/identity_policies/0/Statement/0"),
    ],
)
def test_principal_elements_must_fit_where_the_policy_is_used(kwargs: dict[str, Any], code: str, pointer: str) -> None:
    with pytest.raises(ag.PolicyParseError) as err:
        ag.evaluate(req(), **kwargs)
    assert err.value.code == code
    assert err.value.json_pointer == pointer


def test_role_arn_names_a_session_only_with_the_roles_path() -> None:
    # FORMAT.md 11 (ARNs compared as written); aws:PrincipalArn of a session is its role's ARN with path.
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/s1"

    def bucket_policy(role: str) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": role}, "Action": "s3:GetObject", "Resource": "*"}]}

    with_path = f"arn:aws:iam::{ACCOUNT}:role/app/Worker"
    known = req(session, context={"aws:PrincipalArn": with_path})
    unknown = req(session)
    assert ag.evaluate(known, resource_policy=bucket_policy(with_path)).decision == "Allowed"
    assert ag.evaluate(known, resource_policy=bucket_policy(f"arn:aws:iam::{ACCOUNT}:role/Worker")).decision == (
        "ImplicitlyDenied")
    assert ag.evaluate(unknown, resource_policy=bucket_policy(f"arn:aws:iam::{ACCOUNT}:role/Worker")).decision == (
        "Allowed")


def test_a_star_of_another_principal_type_is_not_everyone() -> None:
    # Only "*" and {"AWS": "*"} mean every principal (IAM UG, Principal element; FORMAT.md 9).
    for ptype in ("Service", "Federated", "CanonicalUser"):
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {ptype: "*"}, "Action": "s3:GetObject", "Resource": "*"}]}
        assert ag.evaluate(req("anonymous"), resource_policy=policy).decision == "ImplicitlyDenied", ptype
        assert ag.evaluate(req(), resource_policy=policy).decision == "ImplicitlyDenied", ptype
