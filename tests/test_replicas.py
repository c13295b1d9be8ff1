"""Two app replicas on one PostgreSQL store: two real ``streamlit run`` processes on two ports, driven in a real
browser. An article added through replica A, and then a correction of it, show in replica B on its next rerun
(its caches follow the store's write counter, not anything in its own process).

Skips, saying why, only when there is no PostgreSQL server (ATLAS_TEST_POSTGRES) or no browser.
"""
from __future__ import annotations

import pytest

from tests.conftest import fresh_database
from tests.servers import replicas
from tests.test_e2e_browser import log
from tests.test_e2e_signin import ARTICLE, ARTIFACTS, STEP_TIMEOUT_MS, UPLOADER, open_page

DOC = "replica-visit"          # the id the upload gives the article (its file name's stem)


@pytest.fixture(scope="module")
def sites(postgres_server, postgres_seed_store, tmp_path_factory):
    """A copy of the seed store in PostgreSQL and two app servers on it; yields their base URLs (A, B)."""
    tmp = tmp_path_factory.mktemp("replicas")
    with fresh_database(postgres_server, postgres_seed_store) as store, replicas(store, tmp) as bases:
        yield bases


@pytest.fixture(scope="module")
def pages(sites, browser):
    """One browser page on each replica (A, B), as two users would have."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield context.new_page(), context.new_page()
    finally:
        context.close()


def reader(page, base: str, text: str) -> None:
    """Open the new article's page in the reader of a replica (loaded now, so it reruns) and wait for ``text``."""
    open_page(page, f"{base}/Sources?doc={DOC}", text)


def add_article(page, base: str, tmp) -> None:
    """Upload one article on the Add articles page, as an editor at this machine would."""
    article = tmp / f"{DOC}.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    open_page(page, f"{base}/Add_articles", "Article files")
    page.locator(f"{UPLOADER} input[type=file]").set_input_files(str(article))
    page.get_by_role("button", name="Add 1 article").click()
    page.get_by_text("1 article: 1 added").wait_for(state="visible")


def drop_first_event(page, base: str) -> None:
    """In the reader of the new article: its first event (the one preselected), the Drop tab, Drop this event."""
    reader(page, base, "Correct this article")
    page.get_by_role("tab", name="Drop").click()
    page.get_by_role("button", name="Drop this event").click()
    page.get_by_text("Saved correction #").wait_for(state="visible")


def open_expander(page, label: str, shows: str) -> None:
    """Click the expander ``label`` until ``shows`` is visible in it: a click that lands while the page is still
    rerunning can be lost when Streamlit redraws the expander (seen in CI), so click again, at most three times."""
    for _ in range(2):
        page.get_by_text(label).click()
        try:
            page.get_by_text(shows).first.wait_for(state="visible", timeout=8_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: the click was lost, click once more
            continue
    page.get_by_text(label).click()
    page.get_by_text(shows).first.wait_for(state="visible")


def test_an_article_and_a_correction_made_in_one_replica_show_in_the_other(sites, pages, tmp_path):
    (a, b), (page_a, page_b) = sites, pages
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    reader(page_b, b, "not a valid article id")           # B has read (and cached) the store before the change
    log("B does not know the article yet")

    add_article(page_a, a, tmp_path)
    log("article added through A")
    reader(page_b, b, "Corrections (0 active)")
    assert "فائز السراج" in page_b.locator(".atlas-article").inner_text()
    page_b.screenshot(path=str(ARTIFACTS / "replica-b-added.png"))
    log("the article added through A is in B")

    drop_first_event(page_a, a)
    log("an event dropped through A")
    reader(page_b, b, "Corrections (1 active)")
    open_expander(page_b, "Corrections (1 active)", "dropped the event")
    page_b.screenshot(path=str(ARTIFACTS / "replica-b-corrected.png"))
    log("the correction made through A is in B")
