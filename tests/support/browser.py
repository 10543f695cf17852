"""Pages looked at as a person sees them: Debian's Chromium driven by Playwright, screenshots at a
desktop and a phone width, and the checks a screenshot alone would leave to the eye.

A pytest plugin (tests/conftest.py loads it): the fixtures `chromium` (the browser) and
`browser_page` (a fresh page in it, 1440 px wide) serve every browser test."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (1440, 390)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def chromium():
    """Headless Debian Chromium, closed after the test."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)"
        )
    # Playwright runs an event loop in this thread; the live server's database work is elsewhere.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_page(chromium):
    """A fresh page (1440 px wide) in headless Chromium."""
    return chromium.new_page(viewport={"width": WIDTHS[0], "height": 900})


def sign_in(page, live_server, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def screenshots(page, name: str) -> list[Path]:
    """The page at each width (full length), saved under VAR_DIR/screenshots; back to the first."""
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        path = folder / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return paths


# The colours a person sees: the element's text colour against the first opaque background behind
# it (a transparent button shows the page through), and their WCAG contrast ratio. Colours come
# in any CSS notation (the theme uses oklch), so a canvas turns each into sRGB bytes.
_LOOK = """element => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const paint = canvas.getContext("2d", {willReadFrequently: true});
    const rgba = colour => {
        paint.clearRect(0, 0, 1, 1);
        paint.fillStyle = colour;
        paint.fillRect(0, 0, 1, 1);
        return Array.from(paint.getImageData(0, 0, 1, 1).data);
    };
    let node = element, background = [255, 255, 255, 255];
    while (node && node.nodeType === 1) {
        const colour = rgba(getComputedStyle(node).backgroundColor);
        if (colour[3] > 0) { background = colour; break; }
        node = node.parentElement;
    }
    const text = rgba(getComputedStyle(element).color);
    const luminance = ([r, g, b]) => [r, g, b]
        .map(c => c / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
    return {text: text.slice(0, 3), background: background.slice(0, 3),
            contrast: (light + 0.05) / (dark + 0.05)};
}"""


def assert_visible_button(page, selector: str) -> dict:
    """The button is on screen with a size, and its text stands out from what is behind it."""
    button = page.locator(selector)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, f"{selector} has no size: {box}"
    look = button.evaluate(_LOOK)
    assert look["text"] != look["background"], f"{selector} text is the colour behind it: {look}"
    assert look["contrast"] >= 3, f"{selector} text barely stands out: {look}"
    return look


def assert_inside_admin(page) -> None:
    """Drawn by the admin theme with its context: the sidebar navigation (behind the menu on a
    phone) and the theme's colours, without which buttons and input borders have no colour."""
    assert page.locator("#nav-sidebar").count() == 1, "no admin sidebar on this page"
    assert page.locator("style#unfold-theme-colors").count() == 1, "no admin theme colours"
