"""Who sees what: the sign-in policy as a pure function, and the pages following it."""

from __future__ import annotations

from app.auth import decide, login_configured, parse_admins, user_workspace

ADMINS = parse_admins("Boss@Example.com; ops@example.com")


def test_without_sign_in_the_local_user_is_admin_and_uploads_are_per_session():
    v = decide(False, False, "", frozenset(), "sess1")
    assert v.is_admin and v.workspace == "sess1" and not v.persistent


def test_admin_list_without_sign_in_means_nobody_is_admin():
    assert not decide(False, False, "", ADMINS, "sess1").is_admin


def test_signed_in_users_get_their_own_persistent_workspace_and_admins_are_listed():
    boss = decide(True, True, "boss@example.com", ADMINS, "sess1")
    other = decide(True, True, "seller@example.com", ADMINS, "sess2")
    assert boss.is_admin and not other.is_admin
    assert boss.workspace == user_workspace("BOSS@example.com") != other.workspace
    assert decide(True, True, "seller@example.com", ADMINS, "sess9").workspace == other.workspace  # every session
    assert "@" not in boss.workspace and boss.persistent


def test_configured_but_not_signed_in_is_anonymous_and_not_admin():
    v = decide(True, False, "", frozenset(), "sess1")
    assert not v.is_admin and v.workspace == "sess1" and v.login_configured


def test_login_is_configured_only_with_an_auth_section():
    assert not login_configured({})
    assert not login_configured({"auth": {"client_id": "x"}})
    assert login_configured({"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s"}})

    class Broken:
        def get(self, key):
            raise FileNotFoundError("no secrets.toml")

    assert not login_configured(Broken())
