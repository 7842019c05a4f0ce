"""Browser: visitors at the same time on one server keep their own state. Each visitor's page
reads exactly as it does for that visitor alone, for two different URLs of the gradient
descent lesson and for two seeds of a training lesson (every random draw takes the
visitor's seed, never a shared generator), while the other visitor's script runs in the
same process at the same time.

The real server, not AppTest: AppTest swaps a process-wide mock runtime in and out around
each run, so two AppTest sessions in threads break each other's harness."""

import pytest
from helpers import CHART, EXCEPTION, main_text, wait_for_app
from serve import streamlit_server

PAIRS = {
    "descent": (
        "gradient_descent?lang=en&surface=bowl&lr=0.1&steps=40",
        "gradient_descent?lang=en&surface=himmelblau&lr=0.01&steps=200",
    ),
    "seeds": (
        "fit_batches_epochs?lang=en&seed=1",
        "fit_batches_epochs?lang=en&seed=7",
    ),
}


def still(browser_context_args) -> dict:
    """Contexts that prefer reduced motion: the player then starts paused, so the frame
    readouts in the text do not depend on how far the autoplay got on a busy machine."""
    return {**browser_context_args, "reduced_motion": "reduce"}


def settle(page) -> None:
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector(CHART, timeout=60_000)
    assert page.locator(EXCEPTION).count() == 0


@pytest.mark.parametrize("pair", list(PAIRS))
def test_simultaneous_visitors_see_only_their_own_state(
    browser, browser_context_args, app_url, pair
):
    links = PAIRS[pair]
    alone = []
    # each visitor on its own, on a server of its own: the shared server below has nothing
    # cached for these links, so both visitors' runs compute at the same time
    with streamlit_server() as solo_url:
        for link in links:
            context = browser.new_context(**still(browser_context_args))
            page = context.new_page()
            page.goto(f"{solo_url}/{link}")
            settle(page)
            alone.append(main_text(page))
            context.close()
    assert alone[0] != alone[1], "the two links must show different pages"

    contexts = [browser.new_context(**still(browser_context_args)) for _ in links]
    pages = [context.new_page() for context in contexts]
    for page, link in zip(pages, links, strict=True):
        page.goto(f"{app_url}/{link}", wait_until="commit")  # both scripts start together
    for page in pages:
        settle(page)
    together = [main_text(page) for page in pages]
    for context in contexts:
        context.close()
    assert together == alone
