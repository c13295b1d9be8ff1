"""Sign-in in a real browser: the app under ``streamlit run`` with an ``[auth]`` section pointing at
``oidc-provider-mock`` on 127.0.0.1, and editor@atlas.test on the editors' list.

An anonymous visitor sees the pages with no editing control and a sentence saying who can edit; the editor signs
in and adds an article; someone else signs in and still cannot; the store changes only for the editor.
"""
from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest

from tests.servers import ROOT, app_server, build_store, free_port, oidc_provider

ARTIFACTS = ROOT / "artifacts" / "e2e"
EDITOR, VISITOR = "editor@atlas.test", "visitor@atlas.test"
STEP_TIMEOUT_MS = 30_000
UPLOADER = "[data-testid='stFileUploader']"
ARTICLE = "زار فائز السراج القاهرة يوم الاثنين والتقى الرئيس عبد الفتاح السيسي لبحث الأزمة الليبية.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("signin")
    store = build_store(tmp / "atlas.sqlite")
    port = free_port()
    with oidc_provider(tmp / "oidc.log", {"sub": EDITOR, "email": EDITOR},
                       {"sub": VISITOR, "email": VISITOR}) as idp:
        secrets = tmp / "secrets.toml"
        secrets.write_text(f'''[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-secret-that-is-long-enough-0123456789"
client_id = "atlas"
client_secret = "atlas-secret"
server_metadata_url = "{idp}/.well-known/openid-configuration"

[atlas]
editors = ["{EDITOR}"]
''', encoding="utf-8")
        with app_server(store, tmp / "streamlit.log", "--secrets.files", str(secrets), port=port) as base:
            yield {"base": base, "store": store, "tmp": tmp}


def documents(store: Path) -> set[str]:
    from geo.store import connect
    with closing(connect(store, readonly=True)) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM documents")}


def open_page(page, url: str, text: str) -> None:
    """Open ``url`` and wait for ``text``; a cold server's first page can stall with only the sidebar drawn
    (NOTES.md), so reload once before failing."""
    page.goto(url, wait_until="domcontentloaded")
    try:
        page.get_by_text(text).first.wait_for(state="visible")
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: one reload, then fail for real
        page.screenshot(path=str(ARTIFACTS / "signin-stalled.png"))
        page.reload(wait_until="domcontentloaded")
        page.get_by_text(text).first.wait_for(state="visible")


def new_page(browser):
    """A fresh browser context (no cookies: nobody signed in) and a page in it."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return ctx, page


def sign_in(page, base: str, who: str) -> None:
    """Sign in from the sidebar's button, picking ``who`` on the provider's page; back on the app."""
    open_page(page, f"{base}/Add_articles", "Only the atlas's editors")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.get_by_role("button", name=who).click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/"))
    page.get_by_text(f"Signed in as {who}").first.wait_for(state="visible")


def test_only_a_signed_in_editor_can_add_an_article(site, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base, store = site["base"], site["store"]
    before = documents(store)

    # Anonymous: the form is not there, the page says who can edit; the reader has no correction controls.
    anon, page = new_page(browser)
    open_page(page, f"{base}/Add_articles", "Only the atlas's editors")
    assert page.locator(UPLOADER).count() == 0
    page.screenshot(path=str(ARTIFACTS / "signin-anonymous-add.png"))
    open_page(page, f"{base}/Sources?doc=000", "Correcting events needs an editor")
    assert page.get_by_role("button", name="Drop this event").count() == 0
    assert page.get_by_role("button", name="Undo").count() == 0
    anon.close()

    # The editor signs in and adds one article.
    ctx, page = new_page(browser)
    sign_in(page, base, EDITOR)
    open_page(page, f"{base}/Add_articles", "Article files")
    article = site["tmp"] / "cairo-visit.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    page.locator(f"{UPLOADER} input[type=file]").set_input_files(str(article))
    page.get_by_role("button", name="Add 1 article").click()
    page.get_by_text("1 article: 1 added").wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "signin-editor-added.png"))
    assert documents(store) == before | {"cairo-visit"}
    page.get_by_role("button", name="Sign out").click()          # ends the session at the provider too
    page.wait_for_url(re.compile(r"/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/"))
    open_page(page, f"{base}/Add_articles", "Only the atlas's editors")
    assert page.locator(UPLOADER).count() == 0
    ctx.close()

    # Someone else signs in: still no form, and the page says why.
    ctx, page = new_page(browser)
    sign_in(page, base, VISITOR)
    open_page(page, f"{base}/Add_articles", "not on the editors' list")
    assert page.locator(UPLOADER).count() == 0
    page.screenshot(path=str(ARTIFACTS / "signin-visitor-add.png"))
    ctx.close()
    assert documents(store) == before | {"cairo-visit"}
