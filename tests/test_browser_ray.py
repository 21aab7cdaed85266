"""The app with LATENT_LAB_WORKERS=ray in a real browser: a Ray head that this test starts (`ray start --head` on
loopback), an app server that joins it (RAY_ADDRESS), and a one-click preset that trains live on the cluster.

A screenshot lands in test-artifacts/train-ray.png for a person to look at.
"""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from bench.browser import screenshot, serve_app, shown_step
from gan_core import settings
from gan_core.runtime import ray_worker
from tests.browser_support import button, stop_run
from tests.test_browser_train import STEP_MOVED, TALL, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not ray_worker.installed():
    if settings.switched_on(os.environ.get("CI")):  # as tests/conftest.py reads it
        pytest.fail("Ray is missing; .ci/run installs requirements-cluster.txt", pytrace=False)
    pytest.skip("Ray is not installed (pip install -r requirements-cluster.txt)", allow_module_level=True)


def test_a_one_click_preset_trains_live_on_a_ray_head(browser, tmp_path):
    from bench.ray_cluster import ray_head

    with ray_head(num_cpus=1) as head, serve_app(tmp_path, head.client_env()) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            open_app(page, server.url)
            expect(page.get_by_text(re.compile(r"Ray cluster: \d+ running from this server"))).to_be_visible(
                timeout=30_000)  # the sidebar says where runs go, and the cluster's limit
            button(page, "home_preset_ring8-fixed").click()
            expect(page.get_by_role("heading", name="Train a generative model")).to_be_visible(timeout=30_000)
            expect(page.get_by_text(STEP_MOVED)).to_be_visible(timeout=60_000)
            expect(page.get_by_text(re.compile(r"Training on the Ray cluster's node .*127\.0\.0\.1.*, device cpu"))
                   ).to_be_visible(timeout=15_000)
            first = shown_step(page.get_by_text(STEP_MOVED))
            page.wait_for_timeout(2500)  # live refreshes
            later = shown_step(page.get_by_text(STEP_MOVED))
            assert later > first, "the step counter does not move while the actor trains"
            expect(page.get_by_test_id("stSidebar").get_by_text(re.compile(r"on .*127\.0\.0\.1.*, cpu"))).to_be_visible()
            page.set_viewport_size(TALL)
            page.wait_for_timeout(1000)
            screenshot(page, "train-ray")
            stop_run(page)
        except AssertionError as error:  # say what the head was doing (CI once saw it refuse connections)
            raise AssertionError(f"{error}\n{head.report()}") from error
        finally:
            context.close()
