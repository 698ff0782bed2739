"""pytest plugin: test an AWS organization's access like code.

Installed with accessgraph (entry point ``pytest11``), so any test suite can use it::

    # pytest.ini (or [tool.pytest.ini_options] in pyproject.toml)
    [pytest]
    accessgraph_snapshot = snapshots/prod       # relative to the ini file; or: pytest --accessgraph-snapshot=DIR

    # test_access.py
    from accessgraph.testing import assert_denied, assert_no_public_access

    def test_no_public_buckets(accessgraph_org):
        assert_no_public_access(accessgraph_org, "arn:aws:s3:::*")

    def test_ci_cannot_read_prod_secrets(accessgraph_org):
        assert_denied(accessgraph_org, "arn:aws:iam::111122223333:role/ci", "secretsmanager:GetSecretValue",
                      "arn:aws:secretsmanager:us-east-1:444455556666:secret:prod/db-AbCdEf")

Fixtures:

* ``accessgraph_org`` (session scope): the snapshot, loaded once per test session.
* ``accessgraph_policy``: ``accessgraph_policy(document, name="")`` compiles a policy from a dict, JSON text
  or a path to a JSON file; a document that does not parse fails the test with the parse error's code and
  JSON pointer.

The helpers of :mod:`accessgraph.testing` fail with the explanation (which statement of which policy, which
SCP / RCP level, which chain of roles) as the assertion message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from ._core import Policy
    from .organization import Organization

__all__ = ["PolicyCompiler", "accessgraph_org", "accessgraph_policy"]

_OPTION = "--accessgraph-snapshot"
_INI = "accessgraph_snapshot"
_NO_SNAPSHOT = (f"the accessgraph_org fixture needs a snapshot: run pytest with {_OPTION}=DIR, or set "
                f"`{_INI} = DIR` in the [pytest] section of pytest.ini (or [tool.pytest.ini_options] in "
                "pyproject.toml). A snapshot is a directory written by `accessgraph collect` (or laid out "
                "as in the accessgraph README).")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accessgraph", "accessgraph (AWS access analysis)")
    group.addoption(_OPTION, action="store", dest="accessgraph_snapshot", default=None, metavar="DIR",
                    help="snapshot directory the accessgraph_org fixture loads (overrides the ini setting); "
                         "write it with '=' so that pytest does not take DIR for a test path")
    parser.addini(_INI, "snapshot directory the accessgraph_org fixture loads, relative to the ini file",
                  type="string", default="")


def snapshot_path(config: pytest.Config) -> Path | None:
    """The configured snapshot: the command-line option (relative to the invocation directory), else the
    ini setting (relative to the ini file's directory); None when neither is set."""
    option = config.getoption("accessgraph_snapshot")
    if option:
        return Path(config.invocation_params.dir, os.path.expanduser(option))
    ini = str(config.getini(_INI) or "").strip()
    if ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        return Path(base, os.path.expanduser(ini))
    return None


def pytest_configure(config: pytest.Config) -> None:
    # pytest settles its rootdir before plugins add their options, so the DIR of "--accessgraph-snapshot DIR"
    # (two words) counts as a test path when it chooses the rootdir (and so where .pytest_cache goes).
    if _OPTION in config.invocation_params.args and config.inipath is None:
        config.issue_config_time_warning(pytest.PytestConfigWarning(
            f"pytest chose the rootdir {config.rootpath} taking the snapshot directory for a test path: write "
            f"{_OPTION}=DIR (with '='), or set {_INI} in an ini file"), stacklevel=2)


def pytest_report_header(config: pytest.Config) -> str | None:
    path = snapshot_path(config)
    return f"accessgraph snapshot: {path}" if path is not None else None


def _configured_snapshot(config: pytest.Config) -> Path:
    path = snapshot_path(config)
    if path is None:
        raise pytest.UsageError(_NO_SNAPSHOT)
    if not path.is_dir():
        raise pytest.UsageError(f"the accessgraph snapshot {path} is not a directory (set by {_OPTION} or {_INI})")
    return path


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: only the tests that will run matter
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A run that needs the snapshot but has none configured stops before any test, as a usage error."""
    if any("accessgraph_org" in getattr(item, "fixturenames", ()) for item in items):
        _configured_snapshot(config)


@pytest.fixture(scope="session")
def accessgraph_org(pytestconfig: pytest.Config) -> Organization:
    """The configured snapshot as an :class:`accessgraph.Organization`, loaded once per session."""
    from .organization import SnapshotError, load_snapshot

    try:
        path = _configured_snapshot(pytestconfig)
    except pytest.UsageError as e:  # requested dynamically (request.getfixturevalue): fail this test only
        message = str(e)
    else:
        try:
            return load_snapshot(path)
        except SnapshotError as e:
            message = f"the accessgraph snapshot {path} cannot be loaded: {e}"
    pytest.fail(message, pytrace=False)


class PolicyCompiler(Protocol):
    def __call__(self, document: Mapping[str, Any] | str | bytes | os.PathLike[str], name: str = "") -> Policy: ...


def _compile(document: Mapping[str, Any] | str | bytes | os.PathLike[str], name: str = "") -> Policy:
    __tracebackhide__ = True
    from ._core import Policy, PolicyParseError

    source: Mapping[str, Any] | str | bytes
    if isinstance(document, os.PathLike):
        path = Path(document)
        name = name or path.name
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as e:
            error = e.strerror
        else:
            error = None
        if error is not None:
            pytest.fail(f"cannot read policy file {path}: {error}", pytrace=False)
    else:
        source = document
    try:
        return Policy.from_json(dict(source) if isinstance(source, Mapping) else source, name)
    except PolicyParseError as e:
        problem = f"{e.code} at {e.json_pointer or '/'}: {e.message}"
    # outside the except block: the report shows this message, not the chained parse exception
    pytest.fail(f"policy {name or '(unnamed)'} does not parse: {problem}", pytrace=False)


@pytest.fixture
def accessgraph_policy() -> PolicyCompiler:
    """``accessgraph_policy(document, name="")``: compile a policy (dict, JSON text or a JSON file path)."""
    return _compile
