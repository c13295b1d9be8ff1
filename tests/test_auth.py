"""Who may change the atlas: the rule on plain facts, then the pages under AppTest as an editor, as someone signed in
who is not an editor, as an anonymous viewer, and on a server other machines can reach with no sign-in."""
from __future__ import annotations

import tomllib
from contextlib import closing

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from atlas_app.auth import LOCAL, decide, request_is_local
from geo.sources import MAX_BYTES
from geo.store import connect, id_taken
from tests.apptest import ADD, APP, ROOT, SOURCES, ok

EDITORS = frozenset({"editor@atlas.test"})
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s" * 32, "client_id": "atlas",
        "client_secret": "x", "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration"}


def rule(**facts):
    base = dict(sign_in=False, signed_in=False, email=None, editors=EDITORS, listens_locally=True, request_local=True)
    return decide(**(base | facts))


# ---- the rule --------------------------------------------------------------------------------------------------

def test_on_ones_own_machine_without_sign_in_the_person_there_edits():
    assert rule().editor == LOCAL


def test_a_server_others_can_reach_without_sign_in_is_read_only_and_says_so():
    access = rule(listens_locally=False)
    assert access.editor is None and access.why.startswith("Read-only") and "no sign-in" in access.why


def test_a_proxy_in_front_of_a_local_server_does_not_make_visitors_local():
    assert rule(request_local=request_is_local({"Host": "atlas.example.org"}, None)).editor is None
    assert rule(request_local=request_is_local({"Host": "127.0.0.1:8501", "X-Forwarded-For": "203.0.113.9"},
                                               None)).editor is None
    assert request_is_local({"Host": "localhost:8501"}, None) and request_is_local({"Host": "[::1]:8501"}, None)


def test_with_sign_in_only_a_listed_editor_edits_and_e_mails_compare_without_case():
    assert rule(sign_in=True, signed_in=True, email="Editor@Atlas.test").editor == "editor@atlas.test"
    other = rule(sign_in=True, signed_in=True, email="someone@atlas.test")
    assert other.editor is None and "not on the editors' list" in other.why
    anonymous = rule(sign_in=True)
    assert anonymous.editor is None and "sign in" in anonymous.why


def test_with_sign_in_configured_even_the_local_machine_must_sign_in():
    assert rule(sign_in=True, listens_locally=True, request_local=True).editor is None


def test_read_only_wins_over_everything():
    assert rule(read_only=True).editor is None
    assert rule(read_only=True, sign_in=True, signed_in=True, email="editor@atlas.test").editor is None


def test_the_shipped_config_listens_on_loopback_and_enforces_the_limit_the_page_shows():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["address"] == "127.0.0.1"
    assert server["maxUploadSize"] * 1024 * 1024 == MAX_BYTES


# ---- the pages -------------------------------------------------------------------------------------------------

def page_as(page: str, user: dict | None, sign_in: bool = True, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if sign_in:
        at.secrets["auth"] = AUTH
        at.secrets["atlas"] = {"editors": sorted(EDITORS)}
    at.user = user if user is not None else ({"is_logged_in": False} if sign_in else {})
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def editing_controls(at: AppTest) -> dict[str, int]:
    return {"uploaders": len(at.get("file_uploader")), "text areas": len(at.text_area),
            "correction buttons": sum(1 for b in at.button if b.key and (b.key.startswith("fix_")
                                                                        or b.key.startswith("undo_")))}


NONE = {"uploaders": 0, "text areas": 0, "correction buttons": 0}


def test_a_signed_in_editor_gets_the_add_articles_form(store_copy):
    at = ok(page_as(ADD, {"is_logged_in": True, "email": "editor@atlas.test"}))
    assert editing_controls(at)["uploaders"] == 1
    assert any(b.key == "auth_sign_out" for b in at.button)


@pytest.mark.parametrize("user", [{"is_logged_in": True, "email": "someone@atlas.test"}, None],
                         ids=["signed in, not an editor", "anonymous"])
def test_anyone_else_sees_no_editing_controls_and_a_sentence_saying_who_can_edit(store_copy, user):
    for page, params in [(ADD, {}), (SOURCES, {"doc": "000"})]:
        at = ok(page_as(page, user, **params))
        assert editing_controls(at) == NONE, page
        assert any("Only the atlas's editors" in i.value for i in at.info), page
    assert any(b.key == ("auth_sign_in" if user is None else "auth_sign_out") for b in at.button)


def test_a_reachable_server_without_sign_in_is_read_only(store_copy, monkeypatch):
    monkeypatch.setattr(config, "get_option", lambda key, _get=config.get_option:
                        "0.0.0.0" if key == "server.address" else _get(key))
    at = ok(page_as(ADD, None, sign_in=False))
    assert editing_controls(at) == NONE
    assert any(i.value.find("Read-only") >= 0 for i in at.info)


def _write_as_viewer() -> None:
    """A second session that skips the page and calls the upload path directly."""
    import streamlit as st

    from atlas_app import upload
    from atlas_app.auth import NotAnEditor
    try:
        upload.save_batch([upload.Item("sneak.txt", "زار السراج القاهرة.".encode())],
                                   {"published": None, "precision": "day", "outlet": "", "url": ""}, False)
    except NotAnEditor as e:
        st.error(f"refused: {e}")


def test_a_direct_call_of_the_upload_path_by_a_viewer_is_refused(store_copy):
    at = AppTest.from_function(_write_as_viewer, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["atlas"] = {"editors": sorted(EDITORS)}
    at.user = {"is_logged_in": True, "email": "someone@atlas.test"}
    at.run()
    assert not at.exception and at.error and at.error[0].value.startswith("refused")
    with closing(connect(store_copy)) as conn:
        assert not id_taken(conn, "sneak")


def test_an_e_mail_from_the_provider_is_shown_as_text_not_markdown(store_copy):
    at = ok(page_as(ADD, {"is_logged_in": True, "email": "[click](javascript:alert(1))@x.test"}))
    shown = " ".join(i.value for i in at.info)
    assert "](javascript" not in shown and r"\[click\]" in shown
