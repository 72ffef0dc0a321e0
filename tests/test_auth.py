from __future__ import annotations

import base64
import getpass
import hashlib
import io
import sys
from pathlib import Path

import pytest

from analytics import auth
from analytics.auth import AuthError, User, add_user, authenticate, can_triage, hash_password, load_users
from analytics.cli import main

# --- hashing ---------------------------------------------------------------------------------------------------------


def test_a_hash_verifies_its_own_password_only() -> None:
    encoded = hash_password("正确的密码 horse")
    assert auth.verify_password("正确的密码 horse", encoded)
    assert not auth.verify_password("正确的密码 horsE", encoded)
    assert not auth.verify_password("", encoded)
    # A fresh salt each time: the same password never gives the same hash.
    assert hash_password("正确的密码 horse") != encoded


def test_a_hash_says_how_it_was_made() -> None:
    # Built here by hand from hashlib's scrypt, as the format says: scrypt$n=…,r=…,p=…$SALT$KEY (base64).
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"s3cret", salt=salt, n=1024, r=8, p=1, dklen=32)
    encoded = f"scrypt$n=1024,r=8,p=1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    assert auth.verify_password("s3cret", encoded)
    assert not auth.verify_password("s3cret!", encoded)
    made = hash_password("s3cret").split("$")
    assert made[:2] == ["scrypt", "n=16384,r=8,p=1"]
    assert len(base64.b64decode(made[2])) == 16 and len(base64.b64decode(made[3])) == 32


@pytest.mark.parametrize(
    "encoded",
    [
        "s3cret",  # a password where its hash should be
        "pbkdf2$n=16384,r=8,p=1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$n=1000,r=8,p=1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==",  # n not a power of 2
        "scrypt$n=4194304,r=8,p=1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==",  # gigabytes of memory
        "scrypt$n=16384,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",  # a 3-byte salt
        "scrypt$n=16384,r=8,p=1$A$AAAAAAAAAAAAAAAAAAAAAA==",  # not base64
    ],
)
def test_malformed_hashes_are_refused(encoded: str) -> None:
    with pytest.raises(AuthError, match="malformed password hash"):
        auth.verify_password("s3cret", encoded)


def test_an_empty_password_is_not_hashed() -> None:
    with pytest.raises(AuthError, match="must not be empty"):
        hash_password("")


# --- the users file --------------------------------------------------------------------------------------------------

HASH = hash_password("s3cret")


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _user(name: str = "zhang", role: str = "auditor", **more: str) -> str:
    fields = {"name": name, "display_name": "张审计", "role": role, "password_hash": HASH, **more}
    return "[[users]]\n" + "".join(f'{k} = "{v}"\n' for k, v in fields.items()) + "\n"


def test_users_are_read_by_name(tmp_path: Path) -> None:
    path = _file(tmp_path, _user() + _user("li", "viewer", display_name="李") + '[[users]]\nname = "wang"\n'
                 'role = "viewer"\nemail = "Wang@Example.org"\n')  # fmt: skip
    users = load_users(path)
    assert list(users) == ["zhang", "li", "wang"]
    assert (users["zhang"].display_name, users["zhang"].role) == ("张审计", "auditor")
    assert (users["li"].display_name, users["li"].role) == ("李", "viewer")
    # The display name defaults to the name; an OIDC-only user has no password and a lower-case email.
    assert (users["wang"].display_name, users["wang"].password_hash, users["wang"].email) == (
        "wang",
        None,
        "wang@example.org",
    )
    assert "password_hash" not in repr(users["zhang"]) and HASH not in repr(users["zhang"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_user(role="admin"), r"users\.toml, user 1 \(zhang\): unknown role 'admin'; expected one of viewer, auditor"),
        (_user(password_hash="plain"), r"user 1 \(zhang\): malformed password_hash: expected scrypt\$n=N"),
        (_user() + _user(), r"users\.toml, user 2: duplicate name 'zhang'"),
        (_user(pasword="x"), r"user 1: unknown field\(s\) pasword; expected name, display_name"),
        ('[[users]]\nname = "zhang"\nrole = "viewer"\n', r"user 1 \(zhang\): no password_hash; expected"),
        ('[[users]]\nname = "a b"\nrole = "viewer"\n', r"user 1: expected a name \(text without spaces\)"),
        (_user(email="x@y.org") + _user("li", email="X@y.org"), r"user 2 \(li\): email x@y\.org already belongs"),
        ("# nobody yet\n", r"users\.toml: no users; expected at least one \[\[users\]\]"),
        ("[users]\nname = 'zhang'\n", r"no users; expected at least one"),
        ('[[user]]\nname = "zhang"\n', r"unknown key\(s\) user; expected only \[\[users\]\]"),
        ("[[users]\nname = zhang", r"users\.toml: not a TOML file"),
    ],
)
def test_a_bad_users_file_says_where_and_what_was_expected(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(AuthError, match=expected):
        load_users(_file(tmp_path, text))


def test_a_missing_users_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match=r"nowhere\.toml: no such users file"):
        load_users(tmp_path / "nowhere.toml")


def test_the_users_file_is_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANALYTICS_USERS", raising=False)
    assert auth.default_users_path() is None
    monkeypatch.setenv("ANALYTICS_USERS", str(tmp_path / "u.toml"))
    assert auth.default_users_path() == tmp_path / "u.toml"


# --- signing in and roles --------------------------------------------------------------------------------------------


def test_authenticate_needs_the_right_name_and_password() -> None:
    users = {
        "zhang": User("zhang", "张审计", "auditor", HASH),
        "wang": User("wang", "王", "viewer", None, "wang@example.org"),
    }
    assert authenticate(users, "zhang", "s3cret") == users["zhang"]
    assert authenticate(users, " zhang ", "s3cret") == users["zhang"]
    assert authenticate(users, "zhang", "S3cret") is None
    assert authenticate(users, "li", "s3cret") is None
    # A user of the identity provider only has no password to sign in with.
    assert authenticate(users, "wang", "") is None


@pytest.mark.parametrize(("role", "allowed"), [("auditor", True), ("viewer", False), (None, False), ("admin", False)])
def test_only_auditors_triage(role: str | None, allowed: bool) -> None:
    assert can_triage(role) is allowed


# --- writing the file ------------------------------------------------------------------------------------------------


def test_add_user_appends_and_keeps_the_comments(tmp_path: Path) -> None:
    path = _file(tmp_path, "# 审计组 2026\n" + _user())
    added = add_user(path, "li", "pa55", display_name="李核实", role="viewer")
    assert added.role == "viewer"
    assert path.read_text(encoding="utf-8").startswith("# 审计组 2026\n")
    users = load_users(path)
    assert list(users) == ["zhang", "li"]
    assert authenticate(users, "li", "pa55").display_name == "李核实"
    assert authenticate(users, "zhang", "s3cret") is not None


def test_add_user_refuses_a_name_twice_unless_replacing(tmp_path: Path) -> None:
    path = tmp_path / "team" / "users.toml"
    add_user(path, "zhang", "one", display_name="张审计", role="auditor")
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(AuthError, match="'zhang' is already there; use --replace"):
        add_user(path, "zhang", "two")
    add_user(path, "zhang", "two", replace=True)
    users = load_users(path)
    # A new password; the display name and role stay.
    assert authenticate(users, "zhang", "one") is None
    assert authenticate(users, "zhang", "two") == User("zhang", "张审计", "auditor", users["zhang"].password_hash)
    with pytest.raises(AuthError, match="unknown role 'root'"):
        add_user(path, "li", "x", role="root")
    assert list(load_users(path)) == ["zhang"]


# --- the CLI ---------------------------------------------------------------------------------------------------------


def test_cli_adds_a_user_from_standard_input_without_echoing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.toml"
    monkeypatch.setenv("ANALYTICS_USERS", str(path))
    monkeypatch.setattr(sys, "stdin", io.StringIO("很长的密码 42\n"))
    assert main(["user", "zhang", "--role", "auditor", "--display-name", "张审计", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "zhang" in out and "很长的密码" not in out
    assert authenticate(load_users(path), "zhang", "很长的密码 42").display_name == "张审计"


def test_cli_asks_twice_on_a_terminal_and_refuses_a_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.toml"
    answers = iter(["first", "second"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert main(["user", "li", "--users", str(path)]) == 1
    assert "differ; nothing written" in capsys.readouterr().out
    assert not path.exists()
    answers = iter(["same", "same"])
    assert main(["user", "li", "--users", str(path)]) == 0
    assert authenticate(load_users(path), "li", "same").role == "viewer"


def test_cli_without_a_terminal_or_a_file_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ANALYTICS_USERS", raising=False)
    assert main(["user", "li"]) == 1
    assert "give --users FILE or set $ANALYTICS_USERS" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["user", "li", "--users", str(tmp_path / "u.toml")]) == 1
    assert "no terminal to ask the password on; pipe it in with --password-stdin" in capsys.readouterr().out


def test_cli_prints_a_hash_to_paste(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["user", "--hash-only", "--password-stdin"]) == 0
    encoded = capsys.readouterr().out.strip()
    assert auth.verify_password("s3cret", encoded) and "s3cret" not in encoded
