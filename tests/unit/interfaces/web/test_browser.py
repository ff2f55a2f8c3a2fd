"""The page in a real browser: Playwright driving Debian's chromium, headless.

Skipped when playwright or /usr/bin/chromium is missing (``scripts/check`` installs chromium on
Debian). Screenshots go to ``$TRUSTLAB_SCREENSHOTS`` or a temporary folder printed with ``-s``.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_server import CHROMIUM, CHROMIUM_ARGS, Server

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser

CHAPTERS = ["play", "tournament", "evolution", "exchange", "society", "collective", "sandbox"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("TRUSTLAB_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots in {path}")
    return path


class Page:
    """A page with its console errors collected."""

    def __init__(self, browser: Any, width: int = 1100, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_function("window.trustlab && window.trustlab.ready", timeout=20000)

    def wait(self, expr: str, timeout: float = 20000) -> None:
        self.page.wait_for_function(expr, timeout=timeout)

    def status(self, chapter: str) -> Any:
        return self.page.evaluate(f"window.trustlab.status[{chapter!r}]")

    def canvas(self, cid: str) -> str:
        return str(self.page.evaluate(f"document.getElementById({cid!r}).toDataURL()"))

    def close(self) -> None:
        self.page.close()


def ready(chapter: str, min_frames: int = 25) -> str:
    """A JS condition: the chapter's current run is done, or has streamed enough frames."""
    s = f"window.trustlab.status[{chapter!r}]"
    return f"{s} && ({s}.done || {s}.frames >= {min_frames})"


def test_every_chapter_loads_cleanly(browser: Any, server: Server, shots: Path) -> None:
    page = Page(browser)
    for chapter in CHAPTERS:
        t = time.monotonic()
        page.open(f"{server.url}/#/{chapter}")
        page.wait(ready(chapter), timeout=30000)
        st = page.status(chapter)
        assert not st.get("failed"), chapter
        assert page.page.is_visible(f"#{chapter}"), chapter
        assert page.page.locator(".chapter:not([hidden])").count() == 1
        page.page.screenshot(path=str(shots / f"{chapter}.png"), full_page=True)
        print(f"{chapter}: {time.monotonic() - t:.1f} s", end="; ")
    assert page.errors == []
    page.close()


def test_slider_change_reruns_and_changes_the_chart(browser: Any, server: Server) -> None:
    page = Page(browser)
    page.open(f"{server.url}/#/evolution")
    page.wait(ready("evolution", 10_000))
    before = page.canvas("evolution-chart")
    first = page.status("evolution")["id"]
    # keyboard only: focus the turns slider and step it down from 10 to 3, one step at a time,
    # timing each step's first new frame
    page.page.focus("#evolution-turns")
    for k in range(1, 8):
        page.page.keyboard.press("ArrowLeft")
        s = "window.trustlab.status.evolution"
        page.wait(f"{s}.id >= {first + k} && ({s}.frames > 0 || {s}.failed)")
    page.wait(ready("evolution", 10_000))
    assert page.page.input_value("#evolution-turns") == "3"
    assert "turns=3" in page.page.url
    assert page.canvas("evolution-chart") != before
    # at 3 turns a match is too short for copycats to pay back: the cheats take over
    assert "always-defect is everybody" in page.page.inner_text("#evolution-takeaway")
    lat = [x["ms"] for x in page.page.evaluate("window.trustlab.metrics.latencies")][1:]
    print(f"\nfirst frame after a slider change: median {statistics.median(lat):.0f} ms, "
          f"max {max(lat):.0f} ms over {len(lat)} changes")  # fmt: skip
    assert len(lat) == 7
    assert statistics.median(lat) < 300
    assert page.errors == []
    page.close()


def test_animation_frame_rate(browser: Any, server: Server) -> None:
    page = Page(browser)
    page.open(f"{server.url}/#/society?rounds=1000")
    page.wait(ready("society", 60))
    times = page.page.evaluate("window.trustlab.metrics.frames.society")[-50:]
    fps = (len(times) - 1) / ((times[-1] - times[0]) / 1000)
    print(f"\nsociety at default size: {fps:.1f} frames/s")
    assert fps >= 20
    page.open(f"{server.url}/#/evolution?turns=9")
    page.wait(ready("evolution", 10_000))
    times = page.page.evaluate("window.trustlab.metrics.frames.evolution")[-30:]
    fps = (len(times) - 1) / ((times[-1] - times[0]) / 1000)
    print(f"evolution: {fps:.1f} frames/s")
    assert fps >= 20
    page.close()


def _play_through(page: Page, chapter: str) -> None:
    """Press the first action button until every hidden character has been met."""
    sel = f"#{chapter}-actions button:not([disabled])"
    for _ in range(4):
        while page.page.locator(sel).count():
            n = page.status(chapter)["moves"]
            page.page.locator(sel).first.click()
            page.wait(f"window.trustlab.status[{chapter!r}].moves > {n}")
        if page.page.is_visible(f"#{chapter}-next"):
            page.page.click(f"#{chapter}-next")
            page.wait(f"!document.getElementById('{chapter}-next').offsetParent")
    page.page.click(f"#{chapter}-reveal")
    page.wait(f"document.querySelectorAll('#{chapter}-revealed tr').length === 5")


@pytest.mark.parametrize(("chapter", "tag"), [("play", "explorable"), ("exchange", "essay")])
def test_played_game_records_moves_reveals_and_shares(
    browser: Any, server: Server, shots: Path, chapter: str, tag: str
) -> None:
    import trustlab

    page = Page(browser)
    page.open(f"{server.url}/#/{chapter}?seed=11")
    page.wait(f"window.trustlab.status[{chapter!r}] && window.trustlab.status[{chapter!r}].done")
    _play_through(page, chapter)
    url = page.page.url
    groups = url.split("m=")[1].split("&")[0].split("-")
    assert len(groups) == 4 and all(set(g) == {"0"} for g in groups)
    assert "reveal=1" in url
    rows = page.page.locator(f"#{chapter}-revealed tr").all_inner_texts()[1:]
    names = [r.split("\t")[1].strip() for r in rows]
    assert all(tag in trustlab.catalogue()[n].tags for n in names), names
    if chapter == "exchange":
        needs = page.page.inner_text("#exchange-needs")
        for word in ("Reassured", "Disappointed", "Exploited", "Exposure paid", "You withheld"):
            assert word in needs, word
        # six actions: open or stay guarded, each with support, withhold or exploit
        labels = page.page.locator("#exchange-actions button").all_inner_texts()
        assert len(labels) == 6
        assert sum("withhold" in x for x in labels) == 2 and sum("open" in x for x in labels) >= 3
    page.page.screenshot(path=str(shots / f"{chapter}-revealed.png"), full_page=True)
    board = page.page.inner_html(f"#{chapter}-revealed")
    takeaway = page.page.inner_text(f"#{chapter}-takeaway")
    assert takeaway
    # the shared address restores the same view in a fresh page
    other = Page(browser)
    other.open(url)
    other.wait(f"document.querySelectorAll('#{chapter}-revealed tr').length === 5")
    assert other.page.inner_html(f"#{chapter}-revealed") == board
    assert other.page.inner_text(f"#{chapter}-takeaway") == takeaway
    assert page.errors == [] and other.errors == []
    page.close()
    other.close()


def test_shared_url_restores_the_same_run(browser: Any, server: Server) -> None:
    query = (
        "#/evolution?turns=6&noise=0.05&eliminate=3&R=2&S=-1&T=3&P=0&seed=7"
        "&mix=always-cooperate:10,always-defect:5,tit-for-tat:5,win-stay-lose-shift:5"
    )
    views = []
    for _ in range(2):
        page = Page(browser)
        page.open(server.url + "/" + query)
        page.wait(ready("evolution", 10_000))
        assert page.page.input_value("#evolution-noise") == "0.05"
        views.append(
            (page.canvas("evolution-chart"), page.canvas("evolution-population"),
             page.page.inner_text("#evolution-takeaway"))
        )  # fmt: skip
        assert page.errors == []
        page.close()
    assert views[0] == views[1]


def test_bad_values_show_a_message(browser: Any, server: Server) -> None:
    page = Page(browser)
    page.open(f"{server.url}/#/evolution?eliminate=10&mix=tit-for-tat:3,always-defect:3")
    page.wait("window.trustlab.status.evolution && window.trustlab.status.evolution.failed")
    assert "eliminate" in page.page.inner_text("#evolution-error")
    page.close()


def test_phone_width(browser: Any, server: Server, shots: Path) -> None:
    page = Page(browser, width=375, height=800)
    views = [
        ("evolution", "evolution"),
        ("exchange", "exchange"),
        ("society", "society"),
        ("collective", "collective"),
        ("sandbox?mode=society", "sandsoc"),
    ]
    for view, key in views:
        page.open(f"{server.url}/#/{view}")
        page.wait(ready(key), timeout=30000)
        wide = page.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 376, (view, wide)
        name = view.replace("?mode=", "-")
        page.page.screenshot(path=str(shots / f"phone-{name}.png"), full_page=True)
    assert page.errors == []
    page.close()


def test_society_with_trust_learners_and_disappointment(
    browser: Any, server: Server, shots: Path
) -> None:
    page = Page(browser)
    page.open(
        f"{server.url}/#/society?rounds=60&partner_choice=trusted&disappointment_weight=2"
        "&mix=trust-learner:0.5,guarded:0.3,exploiter:0.2"
    )
    page.wait(ready("society", 10_000), timeout=30000)
    assert not page.status("society").get("failed")
    assert page.page.input_value("#society-partner_choice") == "trusted"
    assert "trust-learner" in page.page.inner_text("#society-legend")
    takeaway = page.page.inner_text("#society-takeaway")
    assert "left unanswered" in takeaway and "exploited" in takeaway, takeaway
    page.page.screenshot(path=str(shots / "society-learners.png"), full_page=True)
    # by reputation without a norm: the page picks one instead of failing
    page.page.select_option("#society-partner_choice", "reputation")
    page.wait("window.trustlab.status.society && window.trustlab.status.society.frames > 2")
    assert page.page.input_value("#society-reputation") == "image-scoring"
    assert page.page.inner_text("#society-error") == ""
    assert page.errors == []
    page.close()


def test_collective_draws_the_curve_share_by_share(
    browser: Any, server: Server, shots: Path
) -> None:
    page = Page(browser)
    page.open(f"{server.url}/#/collective")
    page.wait(ready("collective", 10_000), timeout=60000)
    first = page.status("collective")["id"]
    page.page.focus("#collective-share")
    page.page.keyboard.press("ArrowRight")  # 10 % -> 11 %: a new run of the whole grid
    s = "window.trustlab.status.collective"
    page.wait(f"{s}.id > {first} && {s}.done", timeout=60000)
    st = page.status("collective")
    assert not st.get("failed") and st["frames"] >= 6  # one frame per share but the last
    assert "share=0.11" in page.page.url
    takeaway = page.page.inner_text("#collective-takeaway")
    # 11 % of 60 people is 6.6: the experiment runs whole people, 7 (12 %), and says so
    assert "With 7 of 60 people (12%) opening first" in takeaway, takeaway
    assert "decided runs" in takeaway
    assert "first 10 rounds" in takeaway
    page.page.screenshot(path=str(shots / "collective-11.png"), full_page=True)
    lat = [x["ms"] for x in page.page.evaluate("window.trustlab.metrics.latencies")]
    print(f"\ncollective, first point after a change: {', '.join(f'{x:.0f}' for x in lat)} ms")
    assert len(lat) == 2 and max(lat) < 2000
    assert page.errors == []
    page.close()


def test_sandbox_runs_a_society_with_every_knob(browser: Any, server: Server, shots: Path) -> None:
    page = Page(browser)
    page.open(
        f"{server.url}/#/sandbox?mode=society&rounds=40&betrayal_weight=5&forgetting=0.9"
        "&trust_learning=0&mix=trust-learner:0.5,one-sided:0.5"
    )
    page.wait(ready("sandsoc", 10_000), timeout=30000)
    assert not page.status("sandsoc").get("failed")
    assert page.page.is_visible("#sandsoc-network") and not page.page.is_visible("#sandbox-chart")
    assert not page.page.is_checked("#sandsoc-trust_learning")
    assert "mode=society" in page.page.url and "betrayal_weight=5" in page.page.url
    page.page.screenshot(path=str(shots / "sandbox-society.png"), full_page=True)
    # back to the evolving population, in the same chapter
    page.page.select_option("#sandbox-mode", "evolution")
    page.wait(ready("sandbox", 10_000), timeout=30000)
    assert page.page.is_visible("#sandbox-chart") and "mode=society" not in page.page.url
    assert page.errors == []
    page.close()
