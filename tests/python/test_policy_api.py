"""Policy.from_json and PolicyParseError: the Python face of the policy parser."""

from __future__ import annotations

import json

import pytest

import accessgraph as ag

READ = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]}


def test_policy_from_dict_and_from_text_are_the_same_policy() -> None:
    a = ag.Policy.from_json(READ, "read")
    b = ag.Policy.from_json(json.dumps(READ))
    assert a.statements == b.statements
    assert a.name == "read" and b.name == ""
    assert a.version == "2012-10-17"
    assert len(a) == 1
    assert a.statements[0]["sid"] == "Read"
    assert a.statements[0]["Action"] == ["s3:GetObject"]


def test_policy_from_bytes() -> None:
    assert len(ag.Policy.from_json(json.dumps(READ).encode())) == 1


def test_statement_may_be_a_single_object() -> None:
    doc = {"Version": "2012-10-17", "Statement": READ["Statement"][0]}
    assert len(ag.Policy.from_json(doc)) == 1


@pytest.mark.parametrize(
    ("document", "code", "pointer"),
    [
        ("{not json", "invalid-json", ""),
        ("[]", "wrong-type", ""),
        ({"Version": "2012-10-17"}, "missing-statement", ""),
        ({"Statement": [{"Action": "s3:*", "Resource": "*"}]}, "missing-effect", "/Statement/0"),
        ({"Statement": [{"Effect": "Allow", "Resource": "*"}]}, "missing-action", "/Statement/0"),
        ({"Statement": [{"Effect": "Permit", "Action": "*"}]}, "invalid-effect", "/Statement/0/Effect"),
        ({"Statement": [{"Effect": "Allow", "Action": 7}]}, "wrong-type", "/Statement/0/Action"),
        ({"Version": "2020-01-01", "Statement": []}, "unsupported-version", "/Version"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "Actions": "*"}]}, "unknown-element", "/Statement/0/Actions"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEqualz": {"k": "v"}}}]},
         "unknown-condition-operator", "/Statement/0/Condition/StringEqualz"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NumericEquals": {"k": "ten"}}}]},
         "invalid-condition-value", "/Statement/0/Condition/NumericEquals/k"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"Robot": "x"}}]},
         "unknown-principal-type", "/Statement/0/Principal/Robot"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]},
         "conflicting-elements", "/Statement/0/NotAction"),
        # RFC 8259 section 4: readers differ on which value of a repeated key they keep.
        ('{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Effect": "Allow"}]}',
         "duplicate-key", "/Statement/0/Effect"),
        ("[" * 100_000, "too-deep", ""),
        (" " * (2 << 20), "too-large", ""),
    ],
)
def test_bad_policy_raises_typed_error_with_code_and_pointer(document: object, code: str, pointer: str) -> None:
    with pytest.raises(ag.PolicyParseError) as info:
        ag.Policy.from_json(document)  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, ValueError)
    assert err.code == code
    assert err.json_pointer == pointer
    assert err.message and code in str(err)


def test_policy_of_wrong_python_type_is_a_parse_error() -> None:
    with pytest.raises(ag.PolicyParseError) as info:
        ag.Policy.from_json(42)  # type: ignore[arg-type]
    assert info.value.code == "wrong-type"


@pytest.mark.parametrize(
    "document",
    [
        '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "\ud800"}]}',  # a lone surrogate in a str
        b'{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "\xff"}]}',  # bytes that are not UTF-8
    ],
)
def test_text_that_is_not_unicode_is_a_parse_error(document: str | bytes) -> None:
    # Not a RuntimeError from the str conversion, not a UnicodeDecodeError from quoting the input.
    with pytest.raises(ag.PolicyParseError) as err:
        ag.Policy.from_json(document)
    assert err.value.code == "invalid-json"
    assert isinstance(str(err.value), str) and err.value.message


def test_every_aws_managed_policy_parses(data_dir: object) -> None:
    from importlib import resources

    text = resources.files("accessgraph").joinpath("data/aws-managed-policies.json").read_text()
    managed = json.loads(text)
    assert len(managed) == 1388
    for name, entry in managed.items():
        assert len(ag.Policy.from_json(entry["Document"], name)) >= 1, name
