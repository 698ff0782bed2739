"""Text and HTML renderings of core objects (for terminals and Jupyter)."""

from __future__ import annotations

import html
from typing import Any

from . import _core

_COLOURS = {"Allowed": "#1a7f37", "ImplicitlyDenied": "#9a6700", "ExplicitlyDenied": "#cf222e"}


def _decision_repr(self: _core.Decision) -> str:
    r = self.request
    return f"<Decision {self.decision}: {r.principal} {r.action} {r.resource}>"


def _statement_html(m: dict[str, Any]) -> str:
    where = html.escape(str(m["policy_kind"]))
    if m["level"]:
        where += f" at level {html.escape(str(m['level']))}"
    sid = f" (Sid {html.escape(str(m['sid']))})" if m["sid"] else ""
    principal = f" — principal matched as {html.escape(str(m['principal_match']))}" if m["principal_match"] else ""
    return (
        f"<li><b>{html.escape(str(m['effect']))}</b> {where} <code>{html.escape(str(m['policy']))}</code> "
        f"statement #{m['statement_index']}{sid}{principal}</li>"
    )


def _explanation_html(self: _core.Explanation) -> str:
    colour = _COLOURS.get(self.decision, "#333")
    parts = [f"<div><span style='color:{colour};font-weight:bold'>{html.escape(self.decision)}</span> "
             f"<small>rule: <code>{html.escape(self.rule)}</code></small><ul>"]
    parts += [_statement_html(m) for m in self.denies]
    parts += [_statement_html(m) for m in self.allows]
    parts += [f"<li><i>missing:</i> {html.escape(m)}</li>" for m in self.missing]
    parts += [f"<li><i>note:</i> {html.escape(n)}</li>" for n in self.notes]
    parts.append("</ul></div>")
    return "".join(parts)


def _decision_html(self: _core.Decision) -> str:
    r = self.request
    head = (f"<div><code>{html.escape(r.principal)}</code> → <code>{html.escape(r.action)}</code> on "
            f"<code>{html.escape(r.resource)}</code></div>")
    return head + _explanation_html(self.explain())


def _explanation_to_dict(self: _core.Explanation) -> dict[str, Any]:
    return {
        "decision": self.decision,
        "rule": self.rule,
        "denies": self.denies,
        "allows": self.allows,
        "missing": self.missing,
        "notes": self.notes,
    }


def _policy_repr(self: _core.Policy) -> str:
    name = f" {self.name!r}" if self.name else ""
    return f"<Policy{name}: {len(self)} statement(s), Version {self.version}>"


def _request_repr(self: _core.Request) -> str:
    return f"<Request {self.principal} {self.action} {self.resource}>"


def install_renderers() -> None:
    # pybind11 classes accept new attributes; rendering lives in Python where it is easy to read.
    setattr(_core.Decision, "__repr__", _decision_repr)
    setattr(_core.Decision, "_repr_html_", _decision_html)
    setattr(_core.Explanation, "__repr__", lambda self: f"<Explanation {self.decision} rule={self.rule}>")
    setattr(_core.Explanation, "_repr_html_", _explanation_html)
    setattr(_core.Explanation, "to_dict", _explanation_to_dict)
    setattr(_core.Policy, "__repr__", _policy_repr)
    setattr(_core.Request, "__repr__", _request_repr)
