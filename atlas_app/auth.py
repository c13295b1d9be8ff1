"""Who may change the atlas. Viewing needs nothing; adding articles and every correction need an editor:
someone signed in through Streamlit's OpenID Connect sign-in whose e-mail is on the editors' list, or, when no
sign-in is configured, the person at a server that only its own machine can reach (the shipped config listens
on 127.0.0.1). Anything else is read-only, and says so.

Configuration lives in ``.streamlit/secrets.toml``: ``[auth]`` as Streamlit's ``st.login`` documents it, and
``[atlas] editors = ["name@example.org", ...]``. ``ATLAS_READ_ONLY=1`` makes every session read-only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config

from .links import md_escape

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
FORWARDING_HEADERS = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")
LOCAL = "local"
WHO_CAN_EDIT = "Only the atlas's editors can add articles or correct events."


class NotAnEditor(PermissionError):
    """A change was asked for by a session that may not make it (the page hides the controls; this is the
    server's own check, for a request that bypasses the page)."""


@dataclass(frozen=True)
class Access:
    """What one session may do: ``editor`` is who changes are recorded under (an e-mail or ``local``), None for a
    viewer; ``why`` is the sentence the page shows about it."""
    editor: str | None
    why: str
    sign_in: bool = False          # a sign-in is configured (so the page offers Sign in / Sign out)
    signed_in: bool = False


def decide(*, sign_in: bool, signed_in: bool, email: str | None, editors: frozenset[str], listens_locally: bool,
           request_local: bool, read_only: bool = False) -> Access:
    """The access rule itself, on plain facts about the session and the server."""
    email = (email or "").strip().casefold() or None
    if read_only:
        return Access(None, "This atlas is read-only (ATLAS_READ_ONLY is set).", sign_in, signed_in)
    if sign_in:
        if signed_in and email in editors:
            return Access(email, f"Signed in as {email}, an editor.", True, True)
        if signed_in:
            return Access(None, f"Signed in as {email or 'a user without an e-mail'}, who is not on the editors' "
                                f"list. {WHO_CAN_EDIT}", True, True)
        return Access(None, f"{WHO_CAN_EDIT} Editors: sign in to make changes.", True, False)
    if listens_locally and request_local:
        return Access(LOCAL, "Editing is open to this machine only: no sign-in is configured and the server "
                             "listens on 127.0.0.1.")
    return Access(None, "Read-only: this server can be reached from other machines and no sign-in is configured, "
                        "so nobody can change it here. " + WHO_CAN_EDIT)


def is_loopback(host: str | None) -> bool:
    return (host or "").strip("[]").casefold() in LOOPBACK


def request_is_local(headers: dict[str, str], url: str | None) -> bool:
    """The page was asked for at a loopback address, with no proxy in between (a proxy on the same machine would
    otherwise make every visitor look local). No headers at all means no HTTP request (a test run)."""
    h = {k.casefold(): v for k, v in headers.items()}
    if any(name in h for name in FORWARDING_HEADERS):
        return False
    host = h.get("host") or (url and urlsplit(url).netloc) or ""
    return not host or is_loopback(urlsplit(f"//{host}").hostname)


def _secrets_section(name: str) -> dict:
    try:
        return dict(st.secrets.get(name) or {})
    except (FileNotFoundError, OSError, ValueError):   # no secrets file, or one that does not parse
        return {}


def editors() -> frozenset[str]:
    """The e-mails on the editors' list (``[atlas] editors`` in secrets.toml), lower case."""
    listed = _secrets_section("atlas").get("editors") or []
    if isinstance(listed, str):
        listed = [listed]
    return frozenset(str(e).strip().casefold() for e in listed if str(e).strip())


def provider() -> str | None:
    """The ``[auth]`` provider to sign in with: None for one set up directly under ``[auth]``, else the first
    named one (``[auth.NAME]``)."""
    section = _secrets_section("auth")
    if "client_id" in section:
        return None
    return next((k for k, v in section.items() if isinstance(v, dict)), None)


def access() -> Access:
    """This session's access, from the secrets, the server's address and this request."""
    sign_in = bool(_secrets_section("auth"))
    user = st.user if sign_in else None
    return decide(sign_in=sign_in, signed_in=bool(user and user.get("is_logged_in")),
                  email=user.get("email") if user else None, editors=editors(),
                  listens_locally=is_loopback(config.get_option("server.address")),
                  request_local=request_is_local(dict(st.context.headers or {}), st.context.url),
                  read_only=os.environ.get("ATLAS_READ_ONLY", "").strip() not in ("", "0"))


def editor() -> str | None:
    """Who changes are recorded under in this session, or None for a viewer."""
    return access().editor


def require() -> str:
    """The editor of this session; raises NotAnEditor for anyone else."""
    a = access()
    if a.editor is None:
        raise NotAnEditor(a.why)
    return a.editor


def sidebar() -> None:
    """Who is editing, and Sign in / Sign out when a sign-in is configured."""
    a = access()
    sb = st.sidebar
    sb.caption(md_escape(a.why))            # an e-mail comes from the provider: text, never Markdown
    if a.sign_in and not a.signed_in:
        if sb.button("Sign in", key="auth_sign_in", icon=":material/login:"):
            st.login(*filter(None, [provider()]))
    elif a.signed_in and sb.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
        st.logout()


def viewer_notice(what: str) -> None:
    """In place of editing controls: why they are not here."""
    st.info(md_escape(f"{what} {access().why}"), icon=":material/lock:")
