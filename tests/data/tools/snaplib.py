"""The one helper that validate_layout.py (a copy of shared/findings/tools/validate_layout.py) imports."""

_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def escape_id(name):
    """LAYOUT.md file-name escaping: each UTF-8 byte outside A-Za-z0-9._- (and a leading '.') becomes %XX."""
    return "".join(chr(b) if b in _SAFE and not (i == 0 and b == 0x2E) else "%%%02X" % b
                   for i, b in enumerate(name.encode("utf-8")))
