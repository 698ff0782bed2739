"""Bundled example data.

``example_snapshot_path()`` is the Northwind Robotics organization, a realistic snapshot in the layout of
``shared/snapshot/LAYOUT.md`` with deliberate misconfigurations; its ``README.md`` (one folder up) lists
every account, policy and misconfiguration with the expected consequence.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

__all__ = ["example_readme_path", "example_snapshot_path"]


def _example_dir() -> Path:
    path = Path(str(importlib.resources.files(__package__) / "data" / "example-org"))
    if not path.is_dir():
        raise FileNotFoundError(f"the bundled example organization is missing: {path} "
                                "(reinstall accessgraph, or run scripts/make_example_org.py in a source tree)")
    return path


def example_snapshot_path() -> Path:
    """Directory of the bundled example snapshot (Northwind Robotics, ``o-nw7r0b0t1c``: 8 accounts)."""
    return _example_dir() / "snapshot"


def example_readme_path() -> Path:
    """The example organization's README: accounts, OUs, SCPs/RCPs, misconfigurations, CIS results."""
    return _example_dir() / "README.md"
