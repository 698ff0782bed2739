"""Reference evaluator for accessgraph conformance vectors (test-only).

This module is deliberately small and slow.  It answers one authorization question in the
format of /work/shared/conformance/FORMAT.md ("FORMAT" below) with one of
"Allowed", "ImplicitlyDenied" or "ExplicitlyDenied".

Every rule is one small function with a one-line comment naming its source: a numbered
FORMAT convention ("FORMAT 6"), a FORMAT section ("FORMAT scps"), or an AWS IAM User Guide
page ("AWS: <page title>").  Where the vectors and documents leave something open, the comment
says "INFERRED" and explains what was inferred and why.

Standard library only.  No state is kept between calls.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

ALLOWED = "Allowed"
IMPLICIT_DENY = "ImplicitlyDenied"
EXPLICIT_DENY = "ExplicitlyDenied"

# Policy variables are only recognised in this policy language version.  AWS: IAM JSON policy
# elements: Version - with the older 2008-10-17 version (the default when Version is missing)
# variables such as ${aws:username} are not recognised and are treated as literal text.
VARIABLE_VERSION = "2012-10-17"

# Actions whose resource is an IAM role and whose resource policy is the role's trust policy.
# FORMAT resource_policy + FORMAT 5 ("sts:AssumeRole and friends").
TRUST_POLICY_ACTIONS = {
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
}


# =============================================================================================
# Small helpers
# =============================================================================================


def as_list(value):
    """A policy element that may be a single value or a list, as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def policy_text(value) -> str:
    """A JSON scalar from a policy as the string IAM compares (JSON true -> "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def statements_of(policy):
    """The statements of a policy document; `Statement` may be an object or a list (FORMAT)."""
    if not policy:
        return []
    return as_list(policy.get("Statement"))


def variables_enabled(policy) -> bool:
    """AWS: IAM policy elements: Version - variables only exist in version 2012-10-17 policies."""
    return policy is not None and policy.get("Version") == VARIABLE_VERSION


# =============================================================================================
# The request and the caller
# =============================================================================================


@dataclass
class Caller:
    """Who makes the call, parsed from the principal ARN (FORMAT request.principal)."""

    kind: str  # "user" | "role" | "session" | "anonymous"
    arn: str = ""
    account: str = ""
    role_name: str = ""  # for "role" and "session": the role's name (no path)
    role_arn: str = ""   # for "session": its role's ARN with path, when aws:PrincipalArn gives it


@dataclass
class Request:
    caller: Caller
    action: str
    resource: str
    resource_account: str
    context: dict = field(default_factory=dict)  # keys lower-cased (FORMAT context)


def parse_caller(principal: str) -> Caller:
    """FORMAT request.principal: user ARN, role ARN, assumed-role session ARN or "anonymous"."""
    if principal == "anonymous":
        return Caller(kind="anonymous")
    parts = principal.split(":", 5)
    account, resource = parts[4], parts[5]
    if parts[2] == "sts" and resource.startswith("assumed-role/"):
        role_name = resource.split("/")[1]
        return Caller(kind="session", arn=principal, account=account, role_name=role_name)
    if resource.startswith("role/"):
        return Caller(kind="role", arn=principal, account=account,
                      role_name=resource.split("/")[-1])
    return Caller(kind="user", arn=principal, account=account)


def parse_request(raw: dict) -> Request:
    """FORMAT request: condition key names compare case-insensitively, so they are lower-cased."""
    context = {key.lower(): value for key, value in (raw.get("context") or {}).items()}
    caller = parse_caller(raw["principal"])
    principal_arn = context.get("aws:principalarn")
    if caller.kind == "session" and isinstance(principal_arn, str):
        # FORMAT context: for a session, aws:PrincipalArn is the ARN of its role, with its path.
        if role_arn_names_role(principal_arn, caller.account, caller.role_name):
            caller.role_arn = principal_arn
    return Request(
        caller=caller,
        action=raw["action"],
        resource=raw["resource"],
        resource_account=raw["resource_account"],
        context=context,
    )


def is_same_account(req: Request) -> bool:
    """FORMAT resource_account: same-account iff principal account == resource account; anonymous never."""
    return req.caller.kind != "anonymous" and req.caller.account == req.resource_account


# =============================================================================================
# Policy variables and wildcard patterns
# =============================================================================================
#
# A policy string is turned into a list of tokens:
#   ("text", s)  literal text (also the value a variable resolved to, and ${*} ${?} ${$})
#   ("star",)    the * wildcard
#   ("qmark",)   the ? wildcard
#   ("colon",)   a ':' written in the policy itself (used to split ARNs into segments)
# A string holding an unresolvable variable becomes None ("matches nothing", FORMAT 12).  Such a
# statement is discarded as a whole before matching (see has_unresolvable_variable), so the None
# cases below only keep single values from matching if that rule is ever bypassed.

_VARIABLE_RE = re.compile(r"\$\{([^}]*)\}")

# AWS: IAM policy elements: Variables and tags - "Special characters": ${*} ${?} ${$}.
_SPECIAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}


class Unresolvable(Exception):
    """A policy variable names an absent (or multivalued) key and has no default (FORMAT 12)."""


def resolve_variable(body: str, context: dict) -> str:
    """FORMAT 12: ${key} -> single-valued context value; ${key, 'text'} falls back to text."""
    if body in _SPECIAL_VARIABLES:
        return _SPECIAL_VARIABLES[body]
    key, default = body, None
    if "," in body:
        key, default_part = body.split(",", 1)
        default_part = default_part.strip()
        if len(default_part) >= 2 and default_part[0] == "'" and default_part[-1] == "'":
            default = default_part[1:-1]
        else:
            default = default_part
    value = context.get(key.strip().lower())
    if isinstance(value, str):
        return value
    # Absent, or multivalued (a list): FORMAT 12 says only single-valued keys substitute.
    if default is not None:
        return default
    raise Unresolvable(body)


def _plain_tokens(text: str):
    """Tokens of text that contains no variables: * and ? are wildcards, ':' is a separator."""
    tokens = []
    for ch in text:
        if ch == "*":
            tokens.append(("star",))
        elif ch == "?":
            tokens.append(("qmark",))
        elif ch == ":":
            tokens.append(("colon",))
        else:
            tokens.append(("text", ch))
    return tokens


def tokenize(text: str, context: dict, with_variables: bool):
    """Policy string -> tokens, substituting variables when the policy version allows them.

    Returns None when a variable cannot be resolved (FORMAT 12: such a value matches nothing).
    Substituted text is literal: wildcards or colons inside a context value are not special.
    """
    if not with_variables:
        return _plain_tokens(text)
    tokens = []
    pos = 0
    for m in _VARIABLE_RE.finditer(text):
        tokens.extend(_plain_tokens(text[pos:m.start()]))
        try:
            tokens.append(("text", resolve_variable(m.group(1), context)))
        except Unresolvable:
            return None
        pos = m.end()
    tokens.extend(_plain_tokens(text[pos:]))
    return tokens


def tokens_as_literal(tokens) -> str:
    """Tokens as plain text (for operators where * and ? are not wildcards, FORMAT 12)."""
    out = []
    for tok in tokens:
        if tok[0] == "text":
            out.append(tok[1])
        elif tok[0] == "star":
            out.append("*")
        elif tok[0] == "qmark":
            out.append("?")
        else:
            out.append(":")
    return "".join(out)


def tokens_to_regex(tokens) -> str:
    """Tokens as a regular expression: * matches any run of characters, ? one character."""
    out = []
    for tok in tokens:
        if tok[0] == "star":
            out.append(".*")
        elif tok[0] == "qmark":
            out.append(".")
        elif tok[0] == "colon":
            out.append(":")
        else:
            out.append(re.escape(tok[1]))
    return "".join(out)


def wildcard_match(tokens, text: str, ignore_case: bool = False) -> bool:
    """Glob match of a whole string: * any sequence, ? any single character."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(tokens_to_regex(tokens), text, flags) is not None


def split_tokens_on_colons(tokens, max_splits: int):
    """Split a token list at its first max_splits policy-written colons."""
    parts = [[]]
    for tok in tokens:
        if tok[0] == "colon" and len(parts) <= max_splits:
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def arn_match(tokens, arn: str) -> bool:
    """FORMAT 13 / AWS: IAM JSON policy elements: Resource - ARNs match segment by segment.

    The first five colon-separated segments (arn, partition, service, region, account) are
    matched separately; the sixth (resource part) is matched as a whole, so a * there also
    crosses '/' and ':'.  A pattern or ARN with fewer than six segments is not an ARN and
    matches nothing.
    """
    pattern_parts = split_tokens_on_colons(tokens, 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(wildcard_match(p, a) for p, a in zip(pattern_parts, arn_parts))


# =============================================================================================
# Action, Resource and Principal elements
# =============================================================================================


def action_matches(pattern: str, action: str) -> bool:
    """FORMAT 13: actions match case-insensitively with * and ? wildcards."""
    return wildcard_match(_plain_tokens(pattern), action, ignore_case=True)


def statement_action_applies(stmt: dict, req: Request) -> bool:
    """AWS: IAM JSON policy elements: Action / NotAction - NotAction matches everything not listed."""
    if "NotAction" in stmt:
        return not any(action_matches(p, req.action) for p in as_list(stmt["NotAction"]))
    return any(action_matches(p, req.action) for p in as_list(stmt.get("Action")))


def resource_entry_matches(pattern: str, req: Request, with_variables: bool) -> bool:
    """FORMAT request.resource + FORMAT 13: one Resource entry against the request resource."""
    if pattern == "*":
        return True  # the literal "*" matches every resource, including the "*" resource
    if req.resource == "*":
        return False  # FORMAT: an ARN (pattern) never matches a "*" request resource
    tokens = tokenize(pattern, req.context, with_variables)
    if tokens is None:
        return False  # FORMAT 12: an unresolvable variable matches nothing
    return arn_match(tokens, req.resource)


def statement_resource_applies(stmt: dict, req: Request, with_variables: bool) -> bool:
    """AWS: IAM JSON policy elements: Resource / NotResource.

    A statement without either element (a role trust policy, FORMAT resource_policy) applies
    to any resource.
    """
    if "NotResource" in stmt:
        return not any(resource_entry_matches(p, req, with_variables)
                       for p in as_list(stmt["NotResource"]))
    if "Resource" not in stmt:
        return True
    return any(resource_entry_matches(p, req, with_variables) for p in as_list(stmt["Resource"]))


# How a Principal entry names the caller.  Used by the resource-policy rules (FORMAT 2-7).
NAMED_ANYONE = "anyone"      # "*" or {"AWS": "*"}
NAMED_ACCOUNT = "account"    # "111122223333" or arn:aws:iam::111122223333:root
NAMED_USER = "user"          # the calling IAM user's ARN
NAMED_ROLE = "role"          # the calling role's ARN, or the role of the calling session
NAMED_SESSION = "session"    # the calling assumed-role session's ARN


def principal_entries(element):
    """(type, value) pairs of a Principal/NotPrincipal element; "*" means {"AWS": "*"}."""
    if isinstance(element, str):
        return [("AWS", element)]
    pairs = []
    for ptype, values in (element or {}).items():
        for value in as_list(values):
            pairs.append((ptype, value))
    return pairs


def role_arn_names_role(role_arn: str, account: str, role_name: str) -> bool:
    """FORMAT 11: does a role ARN (with any path) name the role of a session whose path is unknown?

    INFERRED: a session ARN carries no role path (FORMAT request.principal); when the context
    gives aws:PrincipalArn, only that ARN names the role (parse_request, how_entry_names_caller).
    Without it the session's role is identified by account + name; IAM role
    names are unique within an account whatever their path (AWS: IAM identifiers).  In the
    public vectors every role ARN naming a session's role equals that session's
    aws:PrincipalArn, so this never has to choose between two paths.
    """
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or parts[4] != account:
        return False
    if not parts[5].startswith("role/"):
        return False
    return parts[5].split("/")[-1] == role_name


def how_entry_names_caller(ptype: str, value: str, caller: Caller):
    """FORMAT 2, 3, 11: which way (if any) one Principal entry names the caller."""
    if ptype != "AWS":
        return None  # service / federated principals never name the IAM callers of these vectors
    if value == "*":
        return NAMED_ANYONE
    if caller.kind == "anonymous":
        return None  # FORMAT 9: only wildcard principals name an anonymous caller
    if value == caller.account or value == f"arn:aws:iam::{caller.account}:root":
        return NAMED_ACCOUNT
    if caller.kind == "user" and value == caller.arn:
        return NAMED_USER
    if caller.kind == "session" and value == caller.arn:
        return NAMED_SESSION
    if caller.kind == "role" and value == caller.arn:
        return NAMED_ROLE
    if caller.kind == "session" and (value == caller.role_arn if caller.role_arn
                                     else role_arn_names_role(value, caller.account, caller.role_name)):
        # FORMAT 11, "ARNs are compared as written": when the session's role ARN (with its path)
        # is known, only that ARN names the role; otherwise its account and name do.
        return NAMED_ROLE  # FORMAT 11: a role ARN also covers every session of that role
    return None


def ways_principal_names_caller(element, caller: Caller) -> set:
    """The set of ways a Principal element names the caller (empty: it does not apply)."""
    ways = set()
    for ptype, value in principal_entries(element):
        way = how_entry_names_caller(ptype, value, caller)
        if way is not None:
            ways.add(way)
    return ways


def caller_identity_chain(caller: Caller) -> set:
    """AWS: NotPrincipal - account, then user or role, then session: the caller's identity chain."""
    if caller.kind == "user":
        return {NAMED_ACCOUNT, NAMED_USER}
    if caller.kind == "role":
        return {NAMED_ACCOUNT, NAMED_ROLE}
    if caller.kind == "session":
        return {NAMED_ACCOUNT, NAMED_ROLE, NAMED_SESSION}
    return set()


def not_principal_excludes(element, caller: Caller) -> bool:
    """AWS: NotPrincipal + FORMAT 11: a caller is exempt only if its whole identity chain is listed.

    An anonymous caller has no identity to list, so it is never exempt (FORMAT 9).
    """
    if caller.kind == "anonymous":
        return False
    listed = ways_principal_names_caller(element, caller)
    if NAMED_ANYONE in listed:
        return True
    return caller_identity_chain(caller) <= listed


def statement_principal_ways(stmt: dict, req: Request, has_boundary: bool) -> set:
    """The ways a resource-policy statement's Principal/NotPrincipal names the caller.

    A NotPrincipal statement that applies names the caller like a wildcard would
    (FORMAT 9: it matches every principal not listed).
    """
    if "NotPrincipal" in stmt:
        # FORMAT 6 / AWS: Permissions boundaries - a Deny with NotPrincipal always applies to
        # a principal that has a permissions boundary, whatever NotPrincipal lists.
        if stmt.get("Effect") == "Deny" and has_boundary and req.caller.kind != "anonymous":
            return {NAMED_ANYONE}
        if not_principal_excludes(stmt["NotPrincipal"], req.caller):
            return set()
        return {NAMED_ANYONE}
    if "Principal" not in stmt:
        return set()
    return ways_principal_names_caller(stmt["Principal"], req.caller)


# =============================================================================================
# Conditions
# =============================================================================================

# Operators whose result is the negation of a positive comparison (FORMAT 12: "the value must
# differ from every listed value").  Map: negated operator -> positive operator.
NEGATED_OPERATORS = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}

# Positive operators whose policy values may hold policy variables (FORMAT Policy documents:
# "string and ARN condition values"); their negations substitute variables too.
VARIABLE_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals",
                      "ArnLike"}


def substitutes_variables(base: str) -> bool:
    """FORMAT Policy documents: variables appear in String* and Arn* condition values."""
    return NEGATED_OPERATORS.get(base, base) in VARIABLE_OPERATORS


@dataclass
class ParsedOperator:
    """A condition operator split into set qualifier, base operator and IfExists."""

    qualifier: str  # "" | "ForAllValues" | "ForAnyValue"
    base: str  # e.g. "StringNotEquals"
    if_exists: bool


def parse_operator(name: str) -> ParsedOperator:
    """AWS: IAM JSON policy elements: Condition operators - [ForAllValues:|ForAnyValue:]Op[IfExists]."""
    qualifier = ""
    if ":" in name:
        qualifier, name = name.split(":", 1)
    if_exists = name.endswith("IfExists") and name != "IfExists"
    if if_exists:
        name = name[: -len("IfExists")]
    return ParsedOperator(qualifier=qualifier, base=name, if_exists=if_exists)


def parse_number(text: str):
    """AWS: Numeric condition operators - integers and decimals; None when not a number."""
    text = text.strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    return float(text)


def parse_date(text: str):
    """AWS: Date condition operators - ISO-8601 dates or epoch seconds, as epoch seconds.

    FORMAT 12 says keys and policy values use the same format (ISO with ISO, epoch with
    epoch); converting both to epoch seconds compares them identically in either case.
    """
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    iso = text
    if iso.endswith("Z") or iso.endswith("z"):
        iso = iso[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def compare_string_equals(ctx_value: str, policy_tokens) -> bool:
    """AWS: String condition operators - StringEquals is exact and case-sensitive; * is literal."""
    return ctx_value == tokens_as_literal(policy_tokens)


def compare_string_equals_ignore_case(ctx_value: str, policy_tokens) -> bool:
    """AWS: String condition operators - StringEqualsIgnoreCase ignores case."""
    return ctx_value.lower() == tokens_as_literal(policy_tokens).lower()


def compare_string_like(ctx_value: str, policy_tokens) -> bool:
    """AWS: String condition operators - StringLike: case-sensitive, * and ? wildcards."""
    return wildcard_match(policy_tokens, ctx_value)


def compare_numeric(base: str, ctx_value: str, policy_value: str) -> bool:
    """AWS: Numeric condition operators - compare as numbers; a non-number matches nothing."""
    left, right = parse_number(ctx_value), parse_number(policy_value)
    if left is None or right is None:
        return False
    return _ordered_compare(base[len("Numeric"):], left, right)


def compare_date(base: str, ctx_value: str, policy_value: str) -> bool:
    """AWS: Date condition operators - compare as points in time; a non-date matches nothing."""
    left, right = parse_date(ctx_value), parse_date(policy_value)
    if left is None or right is None:
        return False
    return _ordered_compare(base[len("Date"):], left, right)


def _ordered_compare(relation: str, left, right) -> bool:
    """Equals / LessThan / LessThanEquals / GreaterThan / GreaterThanEquals."""
    if relation == "Equals":
        return left == right
    if relation == "LessThan":
        return left < right
    if relation == "LessThanEquals":
        return left <= right
    if relation == "GreaterThan":
        return left > right
    if relation == "GreaterThanEquals":
        return left >= right
    return False


def compare_bool(ctx_value: str, policy_value: str) -> bool:
    """AWS: Boolean condition operators - "true"/"false", compared case-insensitively."""
    return ctx_value.lower() == policy_value.lower()


def compare_binary(ctx_value: str, policy_value: str) -> bool:
    """AWS: Binary condition operators - BinaryEquals compares the base-64 decoded bytes.

    The context holds strings (FORMAT context); a value that is not base-64 is compared as text.
    """
    try:
        return base64.b64decode(ctx_value, validate=True) == base64.b64decode(policy_value,
                                                                              validate=True)
    except (binascii.Error, ValueError):
        return ctx_value == policy_value


def compare_ip(ctx_value: str, policy_value: str) -> bool:
    """AWS: IP address condition operators - address inside the IPv4/IPv6 CIDR (or equal to it)."""
    try:
        address = ipaddress.ip_address(ctx_value.strip())
        network = ipaddress.ip_network(policy_value.strip(), strict=False)
    except ValueError:
        return False
    if address.version != network.version:
        return False
    return address in network


def compare_arn(ctx_value: str, policy_tokens) -> bool:
    """AWS: ARN condition operators - ArnEquals/ArnLike: per-segment, * and ? wildcards."""
    return arn_match(policy_tokens, ctx_value)


def positive_compare(base: str, ctx_value: str, policy_value, context: dict,
                     with_variables: bool) -> bool:
    """One context value against one policy value with a positive (non-negated) operator."""
    text = policy_text(policy_value)
    if substitutes_variables(base):
        tokens = tokenize(text, context, with_variables)
        if tokens is None:
            return False  # FORMAT 12: an unresolvable variable matches nothing
        if base == "StringEquals":
            return compare_string_equals(ctx_value, tokens)
        if base == "StringEqualsIgnoreCase":
            return compare_string_equals_ignore_case(ctx_value, tokens)
        if base == "StringLike":
            return compare_string_like(ctx_value, tokens)
        return compare_arn(ctx_value, tokens)  # ArnEquals and ArnLike behave identically
    if base.startswith("Numeric"):
        return compare_numeric(base, ctx_value, text)
    if base.startswith("Date"):
        return compare_date(base, ctx_value, text)
    if base == "Bool":
        return compare_bool(ctx_value, text)
    if base == "BinaryEquals":
        return compare_binary(ctx_value, text)
    if base == "IpAddress":
        return compare_ip(ctx_value, text)
    return False  # unknown operator: never matches


def value_satisfies(base: str, ctx_value: str, policy_values, context: dict,
                    with_variables: bool) -> bool:
    """FORMAT 12: policy values are alternatives (OR); negated operators must differ from all."""
    positive = NEGATED_OPERATORS.get(base, base)
    matched = any(positive_compare(positive, ctx_value, pv, context, with_variables)
                  for pv in policy_values)
    return (not matched) if base in NEGATED_OPERATORS else matched


def null_condition_holds(ctx_present: bool, policy_values) -> bool:
    """AWS: Condition operator to check existence of condition keys - Null "true" iff key absent.

    FORMAT context: an empty list means the key is present (with no values).
    """
    for pv in policy_values:
        wanted_absent = policy_text(pv).lower() == "true"
        if wanted_absent != ctx_present:
            return True
    return False


def absent_key_result(op: ParsedOperator) -> bool:
    """FORMAT 12: key absent -> IfExists true, ForAllValues true, ForAnyValue false,
    negated operator true, positive operator false."""
    if op.if_exists:
        return True
    if op.qualifier == "ForAllValues":
        return True
    if op.qualifier == "ForAnyValue":
        return False
    return op.base in NEGATED_OPERATORS


def condition_entry_holds(op_name: str, key: str, policy_values, req: Request,
                          with_variables: bool) -> bool:
    """FORMAT 12: one (operator, key, values) entry of a Condition block."""
    op = parse_operator(op_name)
    policy_values = as_list(policy_values)
    present = key.lower() in req.context
    if op.base == "Null":
        return null_condition_holds(present, policy_values)
    if not present:
        return absent_key_result(op)
    raw = req.context[key.lower()]
    ctx_values = raw if isinstance(raw, list) else [raw]  # FORMAT 12: single value = 1-element set
    satisfied = [value_satisfies(op.base, cv, policy_values, req.context, with_variables)
                 for cv in ctx_values]
    if op.qualifier == "ForAllValues":
        return all(satisfied)  # FORMAT 12: true on an empty list
    if op.qualifier == "ForAnyValue":
        return any(satisfied)  # FORMAT 12: false on an empty list
    # No set qualifier: a single-valued key has exactly one value.  INFERRED (unexercised): on a
    # multivalued key this behaves like ForAnyValue.  The public vectors only use Null on
    # multivalued keys without a qualifier, and the generator never does otherwise.
    return any(satisfied)


def statement_condition_holds(stmt: dict, req: Request, with_variables: bool) -> bool:
    """FORMAT 12: all operators and all keys of a Condition block must hold (AND)."""
    for op_name, entries in (stmt.get("Condition") or {}).items():
        for key, values in entries.items():
            if not condition_entry_holds(op_name, key, values, req, with_variables):
                return False
    return True


# =============================================================================================
# Statement applicability
# =============================================================================================


def variable_strings_of(stmt: dict):
    """The policy strings of a statement in which variables are substituted (FORMAT Policy
    documents): Resource / NotResource entries and String*/Arn* condition values."""
    for element in ("Resource", "NotResource"):
        for entry in as_list(stmt.get(element)):
            yield policy_text(entry)
    for op_name, entries in (stmt.get("Condition") or {}).items():
        if not substitutes_variables(parse_operator(op_name).base):
            continue
        for values in entries.values():
            for value in as_list(values):
                yield policy_text(value)


def has_unresolvable_variable(stmt: dict, req: Request, with_variables: bool) -> bool:
    """AWS: IAM policy elements: Variables and tags - "If AWS cannot resolve a variable this
    might cause the entire statement to be invalid."

    INFERRED from the public vectors: a statement holding a variable that cannot be resolved
    (key absent or multivalued, no default) does not apply at all -- not even through a negated
    operator such as StringNotEquals / ArnNotEquals, where dropping only the unresolvable value
    would leave the condition true.  FORMAT 12 says the vectors give the same decision either
    way, but five do not (pub-000477, pub-000769, pub-000877, pub-001365, pub-001542: Allow or
    Deny statements whose negated condition lists an unresolvable ${aws:username},
    ${aws:PrincipalTag/...} or ${aws:ResourceAccount}); all five expect the statement not to
    apply, as the AWS note above says.  (Making only the affected condition false fits the
    vectors equally well.)
    """
    if not with_variables:
        return False
    return any(tokenize(text, req.context, True) is None for text in variable_strings_of(stmt))


def statement_applies(stmt: dict, req: Request, with_variables: bool) -> bool:
    """AWS: Policy evaluation logic - a statement applies when Action, Resource and Condition match."""
    if has_unresolvable_variable(stmt, req, with_variables):
        return False
    return (statement_action_applies(stmt, req)
            and statement_resource_applies(stmt, req, with_variables)
            and statement_condition_holds(stmt, req, with_variables))


def policy_has(policy, effect: str, req: Request) -> bool:
    """Does a principal-less policy (identity, boundary, session, SCP) have an applicable statement?"""
    with_variables = variables_enabled(policy)
    return any(stmt.get("Effect") == effect and statement_applies(stmt, req, with_variables)
               for stmt in statements_of(policy))


def any_policy_has(policies, effect: str, req: Request) -> bool:
    return any(policy_has(p, effect, req) for p in policies)


def resource_statement_matches(policy, effect: str, req: Request, has_boundary: bool):
    """Applicable statements of a resource policy / RCP: yields the ways each names the caller."""
    with_variables = variables_enabled(policy)
    for stmt in statements_of(policy):
        if stmt.get("Effect") != effect:
            continue
        ways = statement_principal_ways(stmt, req, has_boundary)
        if ways and statement_applies(stmt, req, with_variables):
            yield ways


# =============================================================================================
# Evaluation context for one vector
# =============================================================================================


@dataclass
class Vector:
    req: Request
    identity_policies: list
    boundary: object
    session_policy: object
    scps: list
    rcps: list
    resource_policy: object
    options: dict


def parse_vector(vector: dict) -> Vector:
    """FORMAT: all fields are always present."""
    return Vector(
        req=parse_request(vector["request"]),
        identity_policies=vector.get("identity_policies") or [],
        boundary=vector.get("permission_boundary"),
        session_policy=vector.get("session_policy"),
        scps=vector.get("scps") or [],
        rcps=vector.get("rcps") or [],
        resource_policy=vector.get("resource_policy"),
        options=vector.get("options") or {},
    )


def service_of(action: str) -> str:
    return action.split(":", 1)[0].lower()


def is_trust_policy_request(req: Request) -> bool:
    """FORMAT resource_policy: for sts:AssumeRole & co. the resource policy is the role's trust policy."""
    return req.action.lower() in TRUST_POLICY_ACTIONS


def is_kms_key_request(req: Request) -> bool:
    """FORMAT 4: the KMS key-policy rule applies to KMS key resources (arn:aws:kms:...:key/...)."""
    parts = req.resource.split(":", 5)
    return len(parts) == 6 and parts[2] == "kms" and parts[5].startswith("key/")


# =============================================================================================
# Explicit deny
# =============================================================================================


def identity_side_denies(v: Vector) -> bool:
    """FORMAT 1: a Deny in identity policies, the boundary or the session policy."""
    policies = list(v.identity_policies)
    if v.boundary is not None:
        policies.append(v.boundary)
    if v.session_policy is not None:
        policies.append(v.session_policy)
    return any_policy_has(policies, "Deny", v.req)


def scps_deny(v: Vector) -> bool:
    """FORMAT scps / 8: an applicable Deny at any SCP level; SCPs never apply to anonymous callers."""
    if v.req.caller.kind == "anonymous":
        return False
    return any(any_policy_has(level, "Deny", v.req) for level in v.scps)


def rcps_deny(v: Vector) -> bool:
    """FORMAT rcps: an applicable Deny in any RCP level (RCPs apply to every caller)."""
    has_boundary = v.boundary is not None
    for level in v.rcps:
        for policy in level:
            if any(True for _ in resource_statement_matches(policy, "Deny", v.req, has_boundary)):
                return True
    return False


def resource_policy_denies(v: Vector) -> bool:
    """FORMAT 1, 6, 9, 11: an applicable resource-policy Deny naming (or not excluding) the caller."""
    if v.resource_policy is None:
        return False
    has_boundary = v.boundary is not None
    return any(True for _ in resource_statement_matches(v.resource_policy, "Deny", v.req,
                                                        has_boundary))


def explicitly_denied(v: Vector) -> bool:
    """FORMAT 1: any applicable Deny in any policy wins."""
    return (identity_side_denies(v) or scps_deny(v) or rcps_deny(v)
            or resource_policy_denies(v))


# =============================================================================================
# Allow
# =============================================================================================


def scps_allow(v: Vector) -> bool:
    """FORMAT scps: every SCP level needs an applicable Allow; [] means no SCPs; not for anonymous."""
    if v.req.caller.kind == "anonymous":
        return True
    return all(any_policy_has(level, "Allow", v.req) for level in v.scps)


def identity_allows(v: Vector) -> bool:
    """AWS: Policy evaluation logic - an applicable Allow in an identity-based policy."""
    return any_policy_has(v.identity_policies, "Allow", v.req)


def boundary_allows(v: Vector) -> bool:
    """FORMAT 6: when present the permissions boundary must also allow."""
    return v.boundary is None or policy_has(v.boundary, "Allow", v.req)


def session_policy_allows(v: Vector) -> bool:
    """FORMAT 7: when present the session policy must also allow."""
    return v.session_policy is None or policy_has(v.session_policy, "Allow", v.req)


def identity_path_allows(v: Vector) -> bool:
    """Identity policies allow, within the boundary and session policy (FORMAT 6, 7)."""
    return identity_allows(v) and boundary_allows(v) and session_policy_allows(v)


def resource_allow_ways(v: Vector) -> list:
    """For each applicable resource-policy Allow statement: the set of ways it names the caller."""
    if v.resource_policy is None:
        return []
    return list(resource_statement_matches(v.resource_policy, "Allow", v.req,
                                           v.boundary is not None))


def names_caller_directly(ways: set) -> bool:
    """FORMAT 2, 4, 5: the caller's user ARN, role ARN (incl. session's role), session ARN, or "*"."""
    return bool(ways & {NAMED_USER, NAMED_ROLE, NAMED_SESSION, NAMED_ANYONE})


def exempt_from_boundary(ways: set) -> bool:
    """FORMAT 6 / AWS: Permissions boundaries - a same-account grant naming the user ARN or the
    session ARN is not limited by the boundary; one naming the role ARN or the account is.

    INFERRED: a grant to "*" is limited by the boundary like a grant to the role ARN: FORMAT 6
    only exempts grants naming the user or session ARN.  No public vector exercises this, and
    the generator never produces it.
    """
    return bool(ways & {NAMED_USER, NAMED_SESSION})


def exempt_from_session_policy(ways: set) -> bool:
    """FORMAT 7 / AWS: Session policies (and STS AssumeRole API reference, "Policy"): a
    resource-based policy naming the session ARN grants in addition to the session policy; grants
    through the role ARN or the account are limited by it.

    INFERRED: FORMAT 7 names no exception; the session-ARN one is AWS's (no public vector
    exercises it).  A grant to "*" is limited like a role-ARN grant; no public vector exercises
    it and the generator never produces it.
    """
    return NAMED_SESSION in ways


def same_account_resource_grant(v: Vector) -> bool:
    """FORMAT 2, 6, 7: a same-account resource-policy statement that names the caller grants by
    itself, within the boundary / session policy unless exempt."""
    for ways in resource_allow_ways(v):
        if not names_caller_directly(ways):
            continue  # FORMAT 2: naming only the account delegates to identity policies
        if not (exempt_from_boundary(ways) or boundary_allows(v)):
            continue
        if not (exempt_from_session_policy(ways) or session_policy_allows(v)):
            continue
        return True
    return False


def resource_policy_admits(v: Vector) -> bool:
    """FORMAT 3: cross-account, a resource-policy Allow must name the caller, its role, its
    account or "*"."""
    return len(resource_allow_ways(v)) > 0


def resource_policy_names_account(v: Vector) -> bool:
    """FORMAT 4, 5: an applicable Allow statement that names the caller's account."""
    return any(NAMED_ACCOUNT in ways for ways in resource_allow_ways(v))


def same_account_ordinary_allows(v: Vector) -> bool:
    """FORMAT 2: identity policies allow, or a resource policy names the caller directly."""
    return identity_path_allows(v) or same_account_resource_grant(v)


def same_account_gated_allows(v: Vector) -> bool:
    """FORMAT 4 (KMS key policy) and FORMAT 5 (role trust policy): the resource policy must allow
    even in the same account.  Naming the caller grants by itself; naming only the account lets
    the identity policies decide."""
    if same_account_resource_grant(v):
        return True
    return resource_policy_names_account(v) and identity_path_allows(v)


def cross_account_allows(v: Vector) -> bool:
    """FORMAT 3 (also KMS, FORMAT 4, and trust policies, FORMAT 5): both sides must allow."""
    return identity_path_allows(v) and resource_policy_admits(v)


def anonymous_allows(v: Vector) -> bool:
    """FORMAT 9: only resource-policy statements with a wildcard principal (or a NotPrincipal
    that does not list the caller) can grant an anonymous request."""
    return any(NAMED_ANYONE in ways for ways in resource_allow_ways(v))


def grants(v: Vector) -> bool:
    """Select the allow rule for the request's shape (FORMAT 2, 3, 4, 5, 9)."""
    req = v.req
    if req.caller.kind == "anonymous":
        return anonymous_allows(v)
    if not is_same_account(req):
        return cross_account_allows(v)
    if is_trust_policy_request(req) or is_kms_key_request(req):
        return same_account_gated_allows(v)
    return same_account_ordinary_allows(v)


# =============================================================================================
# S3 Block Public Access and sts:GetCallerIdentity
# =============================================================================================


def statement_is_public(stmt: dict) -> bool:
    """FORMAT options: an Allow whose principal is "*"/{"AWS": "*"} and that has no Condition."""
    if stmt.get("Effect") != "Allow" or "Principal" not in stmt or stmt.get("Condition"):
        return False
    return any(ptype == "AWS" and value == "*"
               for ptype, value in principal_entries(stmt["Principal"]))


def bucket_policy_is_public(policy) -> bool:
    """FORMAT options: a bucket policy is public when it has a public statement."""
    return any(statement_is_public(stmt) for stmt in statements_of(policy))


def block_public_access_denies(v: Vector) -> bool:
    """FORMAT options.s3_block_public_access: RestrictPublicBuckets denies outside callers of a
    public bucket (applied only to requests that would otherwise be allowed)."""
    if not v.options.get("s3_block_public_access"):
        return False
    if service_of(v.req.action) != "s3" or v.resource_policy is None:
        return False
    if is_same_account(v.req):
        return False
    return bucket_policy_is_public(v.resource_policy)


def is_get_caller_identity(req: Request) -> bool:
    """FORMAT 10: sts:GetCallerIdentity is allowed for every authenticated caller."""
    return req.action.lower() == "sts:getcalleridentity" and req.caller.kind != "anonymous"


# =============================================================================================
# Entry point
# =============================================================================================


def decide(vector: dict) -> str:
    """The decision for one FORMAT vector: "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"."""
    v = parse_vector(vector)
    if is_get_caller_identity(v.req):
        return ALLOWED  # FORMAT 10: even against an explicit deny
    if explicitly_denied(v):
        return EXPLICIT_DENY  # FORMAT 1
    if not scps_allow(v):
        return IMPLICIT_DENY  # FORMAT scps
    if not grants(v):
        return IMPLICIT_DENY
    if block_public_access_denies(v):
        return EXPLICIT_DENY  # FORMAT options: reported as ExplicitlyDenied
    return ALLOWED
