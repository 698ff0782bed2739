"""accessgraph: offline AWS access analysis.

Decide single AWS requests exactly as AWS documents its policy evaluation::

    import accessgraph as ag

    policy = ag.Policy.from_json({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]})
    request = ag.Request("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
                         "arn:aws:s3:::reports/q1.csv", resource_account="111122223333")
    decision = ag.evaluate(request, identity_policies=[policy])
    decision.decision     # 'Allowed'
    print(decision.explain())
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union

from . import _core
from ._core import Decision, Explanation, Policy, PolicyParseError, PolicySet, Request
from ._render import install_renderers
from .organization import (
    Access,
    AccessPath,
    ActionGrant,
    EscalationPath,
    PrincipalView,
    ResourceView,
    Organization,
    Problem,
    Results,
    SnapshotError,
    action_catalogue,
    load_snapshot,
    load_snapshot_from_dict,
)

__all__ = [
    "Access",
    "AccessPath",
    "ActionGrant",
    "EscalationPath",
    "PrincipalView",
    "ResourceView",
    "Organization",
    "Problem",
    "Results",
    "SnapshotError",
    "action_catalogue",
    "load_snapshot",
    "load_snapshot_from_dict",
    "Decision",
    "Explanation",
    "Policy",
    "PolicyLike",
    "PolicyParseError",
    "PolicySet",
    "Request",
    "evaluate",
    "evaluate_batch",
    "__version__",
]

__version__ = "0.1.0"

PolicyLike = Union[Policy, str, bytes, Mapping[str, Any]]


def _policy(p: PolicyLike | None, name: str) -> Policy | None:
    if p is None or isinstance(p, Policy):
        return p
    return Policy.from_json(dict(p) if isinstance(p, Mapping) else p, name)


def _policies(ps: Iterable[PolicyLike] | None, prefix: str) -> list[Policy]:
    out: list[Policy] = []
    for i, p in enumerate(ps or ()):
        compiled = _policy(p, f"{prefix}[{i}]")
        if compiled is None:
            raise TypeError(f"{prefix}[{i}] is None: expected a policy (a Policy, a dict or JSON text)")
        out.append(compiled)
    return out


def policy_set(
    *,
    identity_policies: Iterable[PolicyLike] | None = None,
    permissions_boundary: PolicyLike | None = None,
    session_policy: PolicyLike | None = None,
    scps: Sequence[Iterable[PolicyLike]] | None = None,
    rcps: Sequence[Iterable[PolicyLike]] | None = None,
    resource_policy: PolicyLike | None = None,
    s3_block_public_access: bool = False,
    scp_level_names: Sequence[str] | None = None,
    rcp_level_names: Sequence[str] | None = None,
) -> PolicySet:
    """Compile every policy that takes part in a decision (documents may be dicts or JSON text).

    ``scps`` / ``rcps`` are lists of organization levels, root first and the account last, each a
    list of the policies attached at that level; ``None`` or ``[]`` means not governed.
    """
    return PolicySet(
        identity_policies=_policies(identity_policies, "identity"),
        permissions_boundary=_policy(permissions_boundary, "boundary"),
        session_policy=_policy(session_policy, "session"),
        scps=[_policies(level, f"scp[{i}]") for i, level in enumerate(scps or ())],
        rcps=[_policies(level, f"rcp[{i}]") for i, level in enumerate(rcps or ())],
        resource_policy=_policy(resource_policy, "resource"),
        s3_block_public_access=s3_block_public_access,
        scp_level_names=list(scp_level_names) if scp_level_names is not None else None,
        rcp_level_names=list(rcp_level_names) if rcp_level_names is not None else None,
    )


def evaluate(request: Request, policies: PolicySet | None = None, **kwargs: Any) -> Decision:
    """Decide one request: ``Allowed``, ``ImplicitlyDenied`` or ``ExplicitlyDenied``.

    Pass a compiled :class:`PolicySet`, or the policies as keyword arguments of :func:`policy_set`.
    """
    if policies is None:
        policies = policy_set(**kwargs)
    elif kwargs:
        raise TypeError("evaluate() takes either a PolicySet or policy keyword arguments, not both")
    return _core._evaluate(request, policies)


def evaluate_batch(requests: Sequence[Request], policies: PolicySet | Sequence[PolicySet]) -> _core.DecisionList:
    """Decide many requests in C++ with the GIL released.

    ``policies`` is one PolicySet shared by every request, or one PolicySet per request. The result
    is a sequence of Decision objects (made on access); ``.decisions`` gives every decision as a
    string at once.
    """
    if isinstance(policies, PolicySet):
        return _core._evaluate_batch(requests, [policies])
    return _core._evaluate_batch(requests, policies)


install_renderers()
__all__.append("policy_set")
