"""Users and roles of a team's app: a users file with hashed passwords, sign-in, and what each role may do.

Served on localhost for one user the app needs none of this. Served to a team, the users file (TOML, at
``$ANALYTICS_USERS``) names each user, with a display name, a role and a password hash::

    [[users]]
    name = "zhang"                 # what the user types to sign in
    display_name = "张审计"         # what the triage history shows as the author
    role = "auditor"               # viewer: reads; auditor: also records triage decisions
    password_hash = "scrypt$n=16384,r=8,p=1$…$…"

``analytics user NAME --users FILE`` adds a user (or, with ``--replace``, changes one) without echoing the password.
A user signing in through an identity provider (OIDC) is matched by an optional ``email``; such a user needs no
password hash.

Passwords are hashed with the standard library's scrypt, a random salt per password, and the parameters kept in the
hash itself (``scrypt$n=…,r=…,p=…$SALT$KEY``, base64), so that stronger parameters can come later without breaking
old hashes. Hashes are compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analytics.errors import AnalyticsError
from analytics.store import write_atomically

__all__ = [
    "ROLES",
    "AuthError",
    "User",
    "add_user",
    "authenticate",
    "can_triage",
    "default_users_path",
    "hash_password",
    "load_users",
    "verify_password",
]

#: The roles, each with its Chinese and English name: a viewer reads findings and triage history; an auditor also
#: records triage decisions, in their own name.
ROLES: dict[str, tuple[str, str]] = {
    "viewer": ("只读", "viewer"),
    "auditor": ("核实人员", "auditor"),
}
_TRIAGE_ROLES = frozenset({"auditor"})

#: scrypt's cost (n), block size (r) and parallelism (p) for new hashes: about 16 MiB and a few tens of ms.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_HASH = re.compile(
    r"scrypt\$n=(?P<n>\d+),r=(?P<r>\d+),p=(?P<p>\d+)\$(?P<salt>[A-Za-z0-9+/=]+)\$(?P<key>[A-Za-z0-9+/=]+)"
)
_HASH_SHAPE = "scrypt$n=N,r=R,p=P$SALT$KEY (made by `analytics user`)"
#: Bounds a hash's parameters must keep: a hash that asks for gigabytes of memory is a broken file, not a password.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16
_FIELDS = ("name", "display_name", "role", "password_hash", "email")


class AuthError(AnalyticsError):
    """The users file cannot be read or is not valid, or a password hash is malformed."""


@dataclass(frozen=True)
class User:
    """A user of the users file.

    Examples
    --------
    >>> user = User("zhang", "张审计", "auditor", hash_password("s3cret"))
    >>> can_triage(user.role), verify_password("s3cret", user.password_hash)
    (True, True)
    """

    name: str
    display_name: str
    role: str
    password_hash: str | None = field(default=None, repr=False)
    email: str | None = None


def default_users_path() -> Path | None:
    """The users file named by ``$ANALYTICS_USERS``, or ``None`` when it is not set (one local user, no sign-in)."""
    configured = os.environ.get("ANALYTICS_USERS", "").strip()
    return Path(configured) if configured else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    """A self-describing scrypt hash of ``password`` with a fresh random salt.

    Examples
    --------
    >>> encoded = hash_password("s3cret")
    >>> encoded.startswith("scrypt$n=16384,r=8,p=1$"), encoded == hash_password("s3cret")
    (True, False)
    """
    if not password:
        raise AuthError("a password must not be empty")
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, (n, r, p), _KEY_BYTES)
    return f"scrypt$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


def _scrypt(password: str, salt: bytes, cost: tuple[int, int, int], length: int) -> bytes:
    # scrypt needs about 128·r·(n + p) bytes; OpenSSL refuses more than maxmem, whose default (32 MiB) is too small
    # for the largest parameters a hash may carry.
    n, r, p = cost
    maxmem = 128 * r * (n + p + 2) + 2**20
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=length)


def _parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    """The parameters, salt and key of a hash; ``ValueError`` saying what is wrong with it."""
    match = _HASH.fullmatch(encoded.strip())
    if match is None:
        raise ValueError(f"expected {_HASH_SHAPE}")
    n, r, p = int(match["n"]), int(match["r"]), int(match["p"])
    if n < 2 or n > _MAX_N or n & (n - 1) or not 1 <= r <= _MAX_R or not 1 <= p <= _MAX_P:
        raise ValueError(f"scrypt parameters n={n}, r={r}, p={p} out of range (n a power of 2 up to {_MAX_N})")
    try:
        salt = base64.b64decode(match["salt"], validate=True)
        key = base64.b64decode(match["key"], validate=True)
    except binascii.Error:
        raise ValueError(f"salt or key is not base64; expected {_HASH_SHAPE}") from None
    if len(salt) < 8 or len(key) < 16:
        raise ValueError("salt or key too short (at least 8 and 16 bytes)")
    return n, r, p, salt, key


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` is the one ``encoded`` was made from (compared in constant time).

    Raises
    ------
    AuthError
        When ``encoded`` is not a hash made by ``hash_password``.
    """
    try:
        n, r, p, salt, key = _parse_hash(encoded)
    except ValueError as exc:
        raise AuthError(f"malformed password hash: {exc}") from None
    return hmac.compare_digest(_scrypt(password, salt, (n, r, p), len(key)), key)


@functools.cache
def _decoy_hash() -> str:
    """A hash no password matches in practice: checked for unknown names, so that a name's existence does not show
    in how long a failed sign-in takes."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """The user ``name`` when ``password`` is theirs, else ``None`` (whichever of the two was wrong).

    Examples
    --------
    >>> users = {"zhang": User("zhang", "张审计", "auditor", hash_password("s3cret"))}
    >>> authenticate(users, "zhang", "s3cret").display_name
    '张审计'
    >>> authenticate(users, "zhang", "wrong") is None, authenticate(users, "li", "s3cret") is None
    (True, True)
    """
    user = users.get(name.strip())
    if user is None or user.password_hash is None:
        verify_password(password, _decoy_hash())
        return None
    return user if verify_password(password, user.password_hash) else None


def can_triage(role: str | None) -> bool:
    """Whether a user of ``role`` may record triage decisions (auditors may; viewers only read)."""
    return role in _TRIAGE_ROLES


def _user(entry: object, where: str) -> User:
    if not isinstance(entry, dict):
        raise AuthError(f"{where}: expected a [[users]] table")
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise AuthError(f"{where}: unknown field(s) {', '.join(unknown)}; expected {', '.join(_FIELDS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or name != name.strip() or any(c.isspace() for c in name):
        raise AuthError(f"{where}: expected a name (text without spaces), got {name!r}")
    where = f"{where} ({name})"
    display_name = entry.get("display_name", name)
    if not isinstance(display_name, str) or not display_name.strip():
        raise AuthError(f"{where}: display_name must be non-empty text, got {display_name!r}")
    role = entry.get("role")
    if role not in ROLES:
        raise AuthError(f"{where}: unknown role {role!r}; expected one of {', '.join(ROLES)}")
    email = entry.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise AuthError(f"{where}: email must be an address like name@example.org, got {email!r}")
    password_hash = entry.get("password_hash")
    if password_hash is None and email is None:
        raise AuthError(f"{where}: no password_hash; expected {_HASH_SHAPE} (or an email for sign-in by OIDC)")
    if password_hash is not None:
        if not isinstance(password_hash, str):
            raise AuthError(f"{where}: malformed password_hash; expected {_HASH_SHAPE}")
        try:
            _parse_hash(password_hash)
        except ValueError as exc:
            raise AuthError(f"{where}: malformed password_hash: {exc}") from None
    return User(name, display_name.strip(), role, password_hash, email.strip().lower() if email else None)


def load_users(path: str | os.PathLike[str]) -> dict[str, User]:
    """The users of the users file at ``path``, by name.

    Raises
    ------
    AuthError
        Naming the file, the user and what was expected: a file that is missing or not TOML, no users, an unknown
        role or field, a malformed hash, a name or an email given twice.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuthError(f"{path}: no such users file (named by $ANALYTICS_USERS)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthError(f"{path}: cannot read the users file ({exc})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AuthError(f"{path}: not a TOML file ({exc})") from None
    entries = document.get("users")
    unknown = sorted(set(document) - {"users"})
    if unknown:
        raise AuthError(f"{path}: unknown key(s) {', '.join(unknown)}; expected only [[users]] tables")
    if not isinstance(entries, list) or not entries:
        raise AuthError(f"{path}: no users; expected at least one [[users]] table with name, role and password_hash")
    users: dict[str, User] = {}
    emails: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        user = _user(entry, f"{path}, user {number}")
        if user.name in users:
            raise AuthError(f"{path}, user {number}: duplicate name {user.name!r}; each name once")
        if user.email is not None and user.email in emails:
            raise AuthError(
                f"{path}, user {number} ({user.name}): email {user.email} already belongs to {emails[user.email]}"
            )
        users[user.name] = user
        if user.email is not None:
            emails[user.email] = user.name
    return users


def _toml_block(user: User) -> str:
    # A JSON string (non-ASCII kept as is) is a valid TOML basic string.
    lines = ["[[users]]"]
    values = {"name": user.name, "display_name": user.display_name, "role": user.role}
    values |= {"email": user.email} if user.email else {}
    values |= {"password_hash": user.password_hash} if user.password_hash else {}
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


_HEADER = "# Users of the budget-disclosure analytics app (see README, Team use). Roles: viewer, auditor.\n"


def add_user(
    path: str | os.PathLike[str],
    name: str,
    password: str,
    *,
    display_name: str | None = None,
    role: str | None = None,
    replace: bool = False,
) -> User:
    """Add ``name`` to the users file at ``path`` (created if missing) with a hash of ``password``; return the user.

    A new user is appended (the file's comments are kept); ``replace=True`` changes a user already in the file
    (the file is then rewritten from its users, comments dropped); what is not given (display name, role) stays as it
    was. A new user's role is ``viewer`` unless given.

    Raises
    ------
    AuthError
        When the file is not valid, the user is already there and ``replace`` is false, or the entry is not valid.
    """
    path = Path(path)
    existing = load_users(path) if path.exists() else {}
    if name in existing and not replace:
        raise AuthError(f"{path}: user {name!r} is already there; use --replace to change them")
    before = existing.get(name)
    entry: dict[str, object] = {
        "name": name,
        "display_name": display_name or (before.display_name if before else name),
        "role": role or (before.role if before else "viewer"),
        "password_hash": hash_password(password),
    }
    if before is not None and before.email:
        entry["email"] = before.email
    user = _user(entry, f"{path}, new user")
    if name in existing:
        users = [user if u.name == name else u for u in existing.values()]
        text = _HEADER + "".join(f"\n{_toml_block(u)}" for u in users)
    else:
        old = path.read_text(encoding="utf-8") if path.exists() else _HEADER
        text = old + ("\n" if old.endswith("\n") else "\n\n") + _toml_block(user)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Password hashes are nobody else's business: a new file is the owner's only; a file's own mode is kept.
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    write_atomically(path, text.encode("utf-8"), mode=mode)
    load_users(path)  # what was written reads back
    return user
