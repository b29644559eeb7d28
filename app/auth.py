"""Who is using the app, and what they may see.

Sign-in is Streamlit's built-in OIDC login (`st.login`), on when ``.streamlit/secrets.toml`` has an
``[auth]`` section (``redirect_uri``, ``cookie_secret``, ``client_id``, ``client_secret``,
``server_metadata_url``). Then uploads belong to the signed-in user (the same workspace in every
session of that user) and feedback and the evaluation question log are for the identities listed in
``CBEC_ADMINS``. Without sign-in, uploads belong to the browser session, and the single local user
(the one who started the server on their machine) counts as the admin, unless ``CBEC_ADMINS`` is set,
which then means "sign-in is expected": nobody is admin until signed in.

`decide` is the whole policy as a pure function, so it is tested without a browser.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    identity: str  # the signed-in identity (email, else OIDC subject); "" when anonymous
    workspace: str  # where this viewer's uploads live (metadata filter in both retrieval arms)
    is_admin: bool  # may see feedback and the evaluation question log
    login_configured: bool
    persistent: bool  # the workspace outlives the session (a signed-in user's)


def user_workspace(identity: str) -> str:
    """A signed-in user's workspace: stable across sessions, not the raw address (it is stored in metadata)."""
    return "u" + hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:15]


def parse_admins(value: str) -> frozenset[str]:
    return frozenset(x.strip().lower() for x in value.replace(";", ",").split(",") if x.strip())


def decide(login_configured: bool, logged_in: bool, identity: str, admins: frozenset[str], session_workspace: str) -> Viewer:
    """The viewer for one session (see the module docstring for the rules)."""
    who = identity.strip().lower()
    if login_configured and logged_in and who:
        return Viewer(who, user_workspace(who), who in admins, True, True)
    if login_configured:
        return Viewer("", session_workspace, False, True, False)
    return Viewer("", session_workspace, not admins, False, False)


def login_configured(secrets) -> bool:
    """Whether `[auth]` is configured in Streamlit's secrets (reading secrets never raises here)."""
    try:
        auth = secrets.get("auth") if hasattr(secrets, "get") else None
    except Exception:  # no secrets.toml at all: Streamlit raises on access
        return False
    return bool(auth) and bool(auth.get("redirect_uri")) and bool(auth.get("cookie_secret"))


def current_viewer(st, admins: str, session_workspace: str) -> Viewer:
    """The viewer of the running Streamlit session."""
    configured = login_configured(st.secrets)
    logged_in, identity = False, ""
    if configured:
        user = st.user
        logged_in = bool(getattr(user, "is_logged_in", False))
        if logged_in:
            identity = str(user.get("email") or user.get("sub") or "")
    return decide(configured, logged_in, identity, parse_admins(admins), session_workspace)
