"""Assertion helpers for tests over snapshots (pytest or plain ``assert``-style code).

    from accessgraph.testing import assert_audit_passes

    def test_prod_hygiene():
        org = accessgraph.load_snapshot("snapshots/prod")
        assert_audit_passes(org, checks=["1.4", "1.5", "console-user-mfa"])
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .audit import AuditResult, AuditResults, Thresholds
    from . import PolicyLike
    from ._core import Decision, Policy
    from .organization import EscalationPath, Organization

__all__ = ["assert_audit_passes", "format_audit_failures"]


def format_audit_failures(results: Iterable[AuditResult], header: str = "") -> str:
    """A readable listing of audit results: one block per result with its evidence and remediation."""
    lines = [header] if header else []
    for r in results:
        cis = f" (CIS {r.cis})" if r.cis else ""
        lines.append(f"  {r.status.upper()} [{r.severity}] {r.check}{cis} — {r.title}")
        lines.append(f"      account {r.account}: {r.resource}")
        lines.append(f"      evidence: {r.evidence}")
        if r.status == "fail":
            lines.append(f"      fix: {r.remediation}")
    return "\n".join(lines)


def assert_audit_passes(org: Organization, checks: Sequence[str] | str | None = None, *,
                        thresholds: Thresholds | Mapping[str, int] | None = None,
                        accounts: Iterable[str] | None = None, allow_unknown: bool = False) -> AuditResults:
    """Run the hygiene audit (``org.audit``) and raise AssertionError listing every failing result — and
    every unknown one unless ``allow_unknown`` (missing data is never a pass). Returns the results."""
    __tracebackhide__ = True
    results = org.audit(checks=[checks] if isinstance(checks, str) else checks, thresholds=thresholds)
    if accounts is not None:
        wanted = set(accounts)
        missing = wanted - set(org.account_ids)
        if missing:
            raise AssertionError(f"account(s) not in the snapshot: {', '.join(sorted(missing))}")
        results = results.filter(account=wanted)
    bad_status = {"fail"} if allow_unknown else {"fail", "unknown"}
    bad = [r for r in results if r.status in bad_status]
    if bad:
        order = {"fail": 0, "unknown": 1}
        severity = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        bad.sort(key=lambda r: (order[r.status], severity.get(r.severity, 9), r.account, r.check, r.resource))
        n_fail = sum(r.status == "fail" for r in bad)
        n_unknown = len(bad) - n_fail
        what = ", ".join(x for x in (f"{n_fail} failed" if n_fail else "", f"{n_unknown} unknown" if n_unknown else "") if x)
        header = f"audit did not pass: {what} of {len(results)} result(s)"
        message = format_audit_failures(bad, header)
        if results.problems:
            message += f"\n  ({len(results.problems)} input problem(s), e.g. {results.problems[0]})"
        raise AssertionError(message)
    return results


# ----- access assertions (assert_allowed, assert_denied, findings, escalation, single policies) -----
# Each raises AssertionError whose message is the explanation (which statement of which policy, which
# SCP / RCP level, which chain of roles) and sets __tracebackhide__ so pytest shows that message rather
# than the helper's frames.

_OUTSIDE_ACCOUNT = "111122223333"  # the caller's account when a resource ARN names none (S3)
_ORG_ALLOW = re.compile(r'^\s*(?:ALLOW\s+)?(SCP|RCP) at level .*? "([^"]+)" statement #\d+')


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.rstrip("\n").splitlines())


def _condense(explanation: str) -> str:
    """An explanation's text with its ALLOW lines for SCPs and RCPs folded into one line (how many levels, which
    policies): DENY, UNLESS and MISSING lines, kept as they are, are what explain a decision."""
    out: list[str] = []
    names: list[str] = []
    at, levels = -1, 0
    for line in explanation.rstrip("\n").splitlines():
        m = _ORG_ALLOW.match(line)
        if m is None:
            out.append(line)
            continue
        if at < 0:
            at = len(out)
            out.append("")
        levels += 1
        if m.group(2) not in names:
            names.append(m.group(2))
    if at >= 0:
        out[at] = f"  ALLOW   SCP/RCP at {levels} level(s): {', '.join(names)}"
    return "\n".join(out)


def _request_lines(principal: str, action: str, resource: str, context: Mapping[str, object] | None) -> list[str]:
    lines = [f"  principal: {principal}", f"  action:    {action}", f"  resource:  {resource}"]
    if context:
        lines.append("  context:   " + ", ".join(f"{k}={v!r}" for k, v in context.items()))
    return lines


def assert_allowed(org: Organization, principal: str, action: str, resource: str,
                   context: Mapping[str, str | bool | int | float | Sequence[str]] | None = None) -> Decision:
    """Assert that AWS allows ``principal`` to perform ``action`` on ``resource`` (``org.can``), with the request
    context AWS sets plus ``context``. On failure the message is the decision's explanation: the Deny statement
    and the policy / SCP / RCP level it sits in, or what is missing. Returns the Decision."""
    __tracebackhide__ = True
    decision = org.can(principal, action, resource, context)
    if not decision.allowed:
        raise AssertionError("\n".join([f"expected Allowed, but AWS decides {decision.decision}:",
                                        *_request_lines(principal, action, resource, context), "why:",
                                        _indent(_condense(decision.explain().to_text()))]))
    return decision


def assert_denied(org: Organization, principal: str, action: str, resource: str,
                  context: Mapping[str, str | bool | int | float | Sequence[str]] | None = None, *,
                  max_hops: int = 4) -> Decision:
    """Assert that ``principal`` cannot perform ``action`` on ``resource``: AWS denies the request, and — unless
    ``max_hops`` is 0 — no chain of up to ``max_hops`` role assumptions (or iam:PassRole to a service) starting
    from ``principal`` ends in the access either. On failure the message names the allowing statements, or the
    chain with each hop's explanation. Returns the (denied) Decision of the direct request."""
    __tracebackhide__ = True
    decision = org.can(principal, action, resource, context)
    if decision.allowed:
        raise AssertionError("\n".join(["expected a Deny, but AWS allows it:",
                                        *_request_lines(principal, action, resource, context), "why:",
                                        _indent(_condense(decision.explain().to_text()))]))
    if max_hops > 0:
        chains = [p for p in org.access_paths(principal, action, resource, max_hops) if len(p.hops) > 1]
        if chains:
            lines = [f"the request itself is {decision.decision}, but {principal} reaches it through "
                     f"{len(chains)} chain(s) of role assumptions:",
                     *_request_lines(principal, action, resource, context)]
            for i, path in enumerate(chains, 1):
                lines.append(f"chain {i}: {path}")
                for n, hop in enumerate(path.hops, 1):
                    cond = f" — only if {'; '.join(hop.conditions)}" if hop.conditional else ""
                    lines.append(f"  hop {n}: {hop.source} --{hop.action}--> {hop.target}{cond}")
                    lines.append(_indent(_condense(hop.explanation), "      "))
            raise AssertionError("\n".join(lines))
    return decision


def _format_finding(f: Any) -> list[str]:
    d = f.to_dict()
    where = ", ".join(x for x in (d.get("resourceType"), f"account {d.get('resourceOwnerAccount')}",
                                  d.get("region")) if x)
    if f.is_public:
        who = "anyone (public)"
    elif f.principal_key == "public":
        who = "any principal that meets the condition"
    else:
        who = ", ".join(f"{k} {v}" for k, v in f.principal.items()) or f"unknown ({d.get('error')})"
    actions = f.actions
    lines = [f"  [{f.severity}] {f.resource} ({where})",
             f"      who:     {who}",
             f"      actions: {', '.join(actions[:10])}{f' … (+{len(actions) - 10})' if len(actions) > 10 else ''}"]
    if f.condition:
        lines.append(f"      only if: {json.dumps(f.condition, sort_keys=True)}")
    if d.get("why"):
        lines.append(f"      granted by: {'; '.join(str(w) for w in d['why'])}")
    if f.rcp_restricted:
        lines.append(f"      RCP: denied by {'; '.join(str(x) for x in d.get('rcp_explanation') or []) or 'an RCP'}")
    else:
        lines.append("      RCP: no RCP denies it")
    if d.get("remediation"):
        lines.append(f"      fix: {d['remediation']}")
    return lines


def _zone(zone: str) -> str:
    return f"account:{zone}" if zone.isdigit() else zone


def _matching_findings(org: Organization, zone: str, resource: str | None, archive_rules: Any,
                       include_rcp_restricted: bool) -> tuple[list[Any], int]:
    found = org.findings(zone=_zone(zone), archive_rules=archive_rules)
    active = [f for f in found if f.status == "ACTIVE"
              and (resource is None or f.resource == resource or fnmatch.fnmatchcase(f.resource, resource))]
    kept = [f for f in active if include_rcp_restricted or not f.rcp_restricted]
    return kept, len(active) - len(kept)


def _findings_message(header: str, findings: list[Any], ignored_rcp: int) -> str:
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    lines = [header]
    for f in sorted(findings, key=lambda f: (order.get(f.severity, 9), f.resource, f.principal_key)):
        lines.extend(_format_finding(f))
    if ignored_rcp:
        lines.append(f"  ({ignored_rcp} more finding(s) ignored: an RCP denies their access)")
    return "\n".join(lines)


def assert_no_public_access(org: Organization, resource: str | None = None, *, zone: str = "organization",
                            archive_rules: Any = None, include_rcp_restricted: bool = False) -> None:
    """Assert that no resource (or only ``resource``: an ARN or an ``fnmatch`` pattern such as
    ``arn:aws:s3:::prod-*``) can be reached by anyone: no active public finding (``org.findings``). Findings
    whose access an RCP denies are ignored unless ``include_rcp_restricted``; ``archive_rules`` (rules or a
    file, as for ``org.findings``) archive accepted exceptions."""
    __tracebackhide__ = True
    kept, ignored = _matching_findings(org, zone, resource, archive_rules, include_rcp_restricted)
    public = [f for f in kept if f.is_public]
    if public:
        what = f"{resource} is" if resource and len({f.resource for f in public}) == 1 else \
            f"{len({f.resource for f in public})} resource(s) are"
        raise AssertionError(_findings_message(f"{what} public ({len(public)} finding(s)):", public,
                                               ignored if not include_rcp_restricted else 0))


def assert_no_external_access(org: Organization, zone: str = "organization", resource: str | None = None, *,
                              allow: Iterable[str] = (), archive_rules: Any = None,
                              include_rcp_restricted: bool = False) -> None:
    """Assert that nothing outside the zone of trust (``"organization"``, ``"account:<id>"`` or a bare account
    id) can reach any resource (or ``resource``: an ARN or ``fnmatch`` pattern). ``allow``: principals that
    may (account ids or ARNs, as findings name them, e.g. a known partner). Findings whose access an RCP
    denies are ignored unless ``include_rcp_restricted``."""
    __tracebackhide__ = True
    allowed = set(allow)
    kept, ignored = _matching_findings(org, zone, resource, archive_rules, include_rcp_restricted)
    external = [f for f in kept if not (f.principal and set(f.principal.values()) <= allowed)]
    if external:
        raise AssertionError(_findings_message(
            f"{len({f.resource for f in external})} resource(s) reachable from outside zone {_zone(zone)} "
            f"({len(external)} finding(s)):", external, ignored))


def _format_escalation(path: EscalationPath) -> list[str]:
    g = path.gains
    lines = [f"  {path.technique.name} [{path.technique.id}] -> {g.kind} {g.target}"
             + (" (conditional)" if path.conditional else "")]
    if g.detail:
        lines.append(f"      {g.detail}")
    for n, step in enumerate(path.steps, 1):
        lines.append(f"      step {n}: {step.action} on {step.resource}")
        org_levels = [a for a in step.allowed_by if _ORG_ALLOW.match(a)]
        lines.extend(f"          allowed by {a}" for a in step.allowed_by if a not in org_levels)
        if org_levels:
            names = list(dict.fromkeys(m.group(2) for a in org_levels if (m := _ORG_ALLOW.match(a))))
            lines.append(f"          allowed by SCP/RCP at {len(org_levels)} level(s): {', '.join(names)}")
        lines.extend(f"          if {c}" for c in step.conditions)
        lines.extend(f"          unless {c}" for c in step.unless)
    lines.extend(f"      assumes: {a}" for a in path.assumptions)
    return lines


def assert_cannot_escalate(org: Organization, principal: str, *, include_conditional: bool = True) -> None:
    """Assert that ``principal`` has no privilege-escalation path (``org.escalation_paths``): no documented IAM
    technique makes it administrator, lets it act as another role, or gives it permissions it does not have.
    On failure the message lists each path: the technique, every step with the statements that allow it,
    and what it gains. ``include_conditional=False`` ignores paths that hold only under conditions."""
    __tracebackhide__ = True
    paths = [p for p in org.escalation_paths(principal) if include_conditional or not p.conditional]
    if paths:
        lines = [f"{principal} can escalate its privileges ({len(paths)} path(s)):"]
        for p in paths:
            lines.extend(_format_escalation(p))
        raise AssertionError("\n".join(lines))


_STATEMENT_KEYS = ("Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition")


def _statement_json(st: Mapping[str, Any], with_condition: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": st["effect"]}
    if st.get("sid") is not None:
        out["Sid"] = st["sid"]
    out.update({k: st[k] for k in _STATEMENT_KEYS if k in st and (with_condition or k != "Condition")})
    return out


def _open_world(policy: Policy) -> tuple[Policy, list[int]]:
    """The policy as it would be if every condition held in the grant's favour: Allow statements without their
    conditions, conditional Deny statements left out. Returns it and the original index of each statement."""
    from ._core import Policy as _Policy

    kept = [st for st in policy.statements if st["effect"] == "Allow" or "Condition" not in st]
    doc: dict[str, Any] = {"Statement": [_statement_json(st, with_condition=st["effect"] != "Allow") for st in kept]}
    if policy.version:
        doc["Version"] = policy.version
    return _Policy.from_json(doc, policy.name), [int(st["index"]) for st in kept]


def assert_policy_does_not_grant(policy: PolicyLike, action: str, resource: str,
                                 context: Mapping[str, str | bool | int | float | Sequence[str]] | None = None) -> None:
    """Assert that an identity policy (a Policy, dict, JSON text or bytes) does not allow ``action`` on
    ``resource`` for a principal of the resource's account. Without ``context`` the check is open-world: the
    policy fails if *some* request could be allowed (its Allow conditions assumed to hold, conditional Denys
    assumed not to apply). With ``context`` exactly that request is decided. The message names the granting
    statements (and the conditions the grant depends on)."""
    __tracebackhide__ = True
    from . import Policy as _Policy
    from . import Request, evaluate

    compiled = policy if isinstance(policy, _Policy) else _Policy.from_json(
        dict(policy) if isinstance(policy, Mapping) else policy)
    fields = resource.split(":")
    account = fields[4] if len(fields) > 5 and fields[4].isdigit() else _OUTSIDE_ACCOUNT
    principal = f"arn:aws:iam::{account}:user/accessgraph-test"
    request = Request(principal, action, resource, resource_account=account, context=context)
    name = f'policy "{compiled.name}"' if compiled.name else "the policy"
    decision = evaluate(request, identity_policies=[compiled])
    if decision.allowed:
        raise AssertionError("\n".join([f"{name} grants {action} on {resource}:",
                                        _indent(_condense(decision.explain().to_text()))]))
    if context is None:
        open_policy, original = _open_world(compiled)
        decision = evaluate(request, identity_policies=[open_policy])
        if decision.allowed:
            by_index = {int(st["index"]): st for st in compiled.statements}
            lines = [f"{name} grants {action} on {resource} when its conditions hold:"]
            for a in decision.explain().allows:
                if a.get("policy_kind") != "identity policy":
                    continue
                st = by_index[original[int(a["statement_index"])]]
                sid = f' (Sid "{st["sid"]}")' if st.get("sid") else ""
                cond = json.dumps(st["Condition"], sort_keys=True) if "Condition" in st else "no condition"
                lines.append(f"  statement #{st['index']}{sid}: allows it if {cond}")
            denies = [st for st in compiled.statements if st["effect"] == "Deny" and "Condition" in st]
            for st in denies:
                lines.append(f"  (statement #{st['index']} denies only if "
                             f"{json.dumps(st['Condition'], sort_keys=True)}: assumed not to apply)")
            lines.append("  pass context=... to decide one concrete request instead")
            raise AssertionError("\n".join(lines))


__all__ += ["assert_allowed", "assert_cannot_escalate", "assert_denied", "assert_no_external_access",
            "assert_no_public_access", "assert_policy_does_not_grant"]
