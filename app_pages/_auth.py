"""Who is using the app: nobody signs in on one's own machine; a team signs in before any page.

- No users file (``$ANALYTICS_USERS`` unset) and no identity provider: the app is one person's, on their machine.
  Their triage decisions carry the operating system's account name (``getpass.getuser()``): the person at the
  keyboard is the one logged in to the machine, and there is no field in which to type someone else's name.
- A users file: a sign-in form (user name, password) before any page. Roles come from the file: viewers read,
  auditors also triage, and a decision carries the signed-in user's display name, from the session only.
- An identity provider (``[auth]`` in ``.streamlit/secrets.toml``, see ``st.login``): the sign-in form offers it
  too. The provider's account is matched to a user of the users file by its ``email``; one not listed there is
  refused. Without a users file, every account the provider signs in is a viewer.
"""

from __future__ import annotations

import getpass
import time
from dataclasses import dataclass

import streamlit as st

from analytics import auth
from app_pages import _data
from app_pages._i18n import pick, t

#: Failed sign-ins a session may make at full speed; after these each attempt waits 1, 2, 4 … seconds (at most 8).
FREE_ATTEMPTS = 3
_MAX_DELAY = 8.0
# Session keys (never a widget's key, so no field of any form can set them).
_USER = "auth_user"
_IDENTITY = "auth_identity"
_FAILURES = "auth_failures"


@dataclass(frozen=True)
class Identity:
    """The person using this session: ``display_name`` is what their triage decisions carry."""

    name: str
    display_name: str
    role: str
    how: str  # "local", "password" or "oidc"

    @property
    def can_triage(self) -> bool:
        return auth.can_triage(self.role)


def identity() -> Identity | None:
    """Who this session belongs to (set by ``require_sign_in`` on every run); ``None`` only outside the app."""
    return st.session_state.get(_IDENTITY)


def _local_name() -> str:
    """The operating system's name of the user running the app."""
    try:
        return getpass.getuser()
    except OSError:  # no login name anywhere (a bare container): decisions still say they were made here
        return t("local_user_unknown")


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or one that cannot be parsed: no identity provider
        return False


def _provider_signed_in() -> bool:
    """Whether the identity provider signed this session in (``st.user`` has no ``is_logged_in`` until it is set)."""
    try:
        return bool(st.user.get("is_logged_in", False))
    except Exception:  # no authentication context (e.g. AppTest)
        return False


def _oidc_identity(users: dict[str, auth.User] | None) -> Identity | None:
    """The identity provider's account of this session, as a user of the app (``None``: not signed in, or not
    listed in the users file)."""
    if not _provider_signed_in():
        return None
    email = str(st.user.get("email") or "").strip().lower()
    name = str(st.user.get("name") or email)
    if users is None:
        return Identity(email or name, name, "viewer", "oidc")
    listed = next((u for u in users.values() if u.email is not None and u.email == email), None)
    return None if listed is None else Identity(listed.name, listed.display_name, listed.role, "oidc")


def _sidebar(who: Identity) -> None:
    if who.how == "local":
        st.sidebar.caption(t("local_user").format(name=who.display_name))
        return
    role = pick(auth.ROLES.get(who.role, (who.role, who.role)))
    st.sidebar.markdown(t("signed_in_as").format(name=who.display_name, role=role))
    if st.sidebar.button(t("sign_out"), key="sign_out", icon=":material/logout:"):
        for key in (_USER, _IDENTITY, _FAILURES):
            st.session_state.pop(key, None)
        if who.how == "oidc":
            st.logout()
        st.rerun()


def _sign_in_form(users: dict[str, auth.User] | None, oidc: bool) -> None:
    """The sign-in page; stops the run (no page is shown until someone signs in)."""
    # A form of a readable width, not the whole of the wide layout.
    with st.columns([2, 3])[0]:
        _sign_in_parts(users, oidc)
    st.stop()


def _sign_in_parts(users: dict[str, auth.User] | None, oidc: bool) -> None:
    st.title(t("sign_in_title"))
    st.caption(t("sign_in_caption"))
    if oidc:
        if st.button(t("sign_in_oidc"), key="sign_in_oidc", type="primary", icon=":material/badge:"):
            try:
                st.login()
            except Exception as exc:  # e.g. Authlib missing: say so instead of a traceback
                st.error(f"{t('sign_in_oidc_error')}{exc}")
        if _provider_signed_in():  # signed in by the provider, but not in the users file
            st.warning(t("sign_in_not_listed"))
            if st.button(t("sign_out"), key="oidc_sign_out"):
                st.logout()
        if users is not None:
            st.caption(t("sign_in_or"))
    if users is not None:
        with st.form("sign_in", border=True):
            name = st.text_input(t("sign_in_name"), key="sign_in_name")
            password = st.text_input(t("sign_in_password"), type="password", key="sign_in_password")
            submitted = st.form_submit_button(t("sign_in_submit"), type="primary")
        if submitted:
            failures = st.session_state.get(_FAILURES, 0)
            if failures >= FREE_ATTEMPTS:
                # A session that keeps guessing waits longer each time (a new session starts over: this slows a
                # person guessing by hand, not a determined attacker; a strong password does the rest).
                time.sleep(min(2.0 ** (failures - FREE_ATTEMPTS), _MAX_DELAY))
            user = auth.authenticate(users, name, password)
            if user is None:
                st.session_state[_FAILURES] = failures + 1
                st.error(t("sign_in_failed"))
                if failures + 1 >= FREE_ATTEMPTS:
                    st.caption(t("sign_in_slow"))
            else:
                st.session_state[_USER] = user.name
                st.session_state.pop(_FAILURES, None)
                st.rerun()


def sign_in_pending() -> bool:
    """Whether this session has still to sign in: a team app (users file or identity provider) and nobody signed in.

    ``app.py`` asks before it routes, so the page a shared link names is resolved (and kept) while the sign-in form
    shows, with the navigation hidden until someone signs in.
    """
    oidc = _oidc_configured()
    try:
        users = _data.users()
    except auth.AuthError:
        return True  # require_sign_in says why and lets nobody in
    if users is None and not oidc:
        return False
    if users is not None and users.get(st.session_state.get(_USER, "")) is not None:
        return False
    return not (oidc and _oidc_identity(users) is not None)


def require_sign_in() -> Identity:
    """Who uses this session; with a users file or an identity provider, the sign-in page until someone signs in.

    Called by ``app.py`` right after the page config, on every run: a user removed from the users file, or whose
    role changed, is signed out or changed on their next click.
    """
    oidc = _oidc_configured()
    try:
        users = _data.users()
    except auth.AuthError as exc:
        # Fail closed: a users file that cannot be read lets nobody in (rather than everybody).
        st.error(f"{t('users_file_error')}{exc}")
        st.stop()
    if users is None and not oidc:
        local = _local_name()
        who = Identity(local, local, "auditor", "local")
    else:
        listed = users.get(st.session_state.get(_USER, "")) if users is not None else None
        who = (
            Identity(listed.name, listed.display_name, listed.role, "password")
            if listed is not None
            else (_oidc_identity(users) if oidc else None)
        )
        if who is None:
            st.session_state.pop(_IDENTITY, None)
            _sign_in_form(users, oidc)
    st.session_state[_IDENTITY] = who
    _sidebar(who)
    return who
