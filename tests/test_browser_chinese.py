"""The 中文 pages as a reader sees them: no Markdown asterisks in the rendered text (the explanation of every
model family, the settings' notes). tests/test_text_render.py checks every string; this checks the page."""
import pytest
from playwright.sync_api import expect

from bench.browser import screenshot

pytestmark = pytest.mark.browser

PRESETS = ("ring8-vanilla", "digits-vae", "digits-ddpm", "digits-progan", "digits-stylegan", "shapes-stackgan",
           "digits-pix2pix", "digits-cyclegan", "shapes-caption")


def test_no_asterisks_on_the_chinese_train_page(page, app_url):
    seen = {}
    for preset in PRESETS:
        page.goto(f"{app_url}/train?lang=zh&preset={preset}")
        expect(page.get_by_test_id("stHeading").filter(has_text="训练生成模型")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("我在看什么", exact=False).first).to_be_visible(timeout=30_000)
        settings = page.get_by_test_id("stExpander").filter(has_text="设置").first
        settings.locator("summary").first.click()
        page.wait_for_timeout(1500)
        seen[preset] = [line for line in page.locator("body").inner_text().splitlines() if "**" in line]
    screenshot(page, "train-zh-caption")
    assert seen == {preset: [] for preset in PRESETS}
