import os
import sys

import pytest

os.environ.setdefault("LATENT_LAB_THREADS", "1")

QUICK = "not browser and not slow"
QUICK_RUN = pytest.StashKey[bool]()


def on_ci() -> bool:
    """CI set, as .ci/run and CI services set it (CI=true); 0, false, no or off count as unset."""
    from gan_core.settings import switched_on

    return switched_on(os.environ.get("CI"))


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true",
                     help="run every test, the browser and slow ones too, one at a time (what CI=true does)")


def quick_default(plain: bool, full: bool, ci: bool, cpus: int, workers_asked) -> tuple[str | None, int]:
    """-> (the marker expression, how many xdist workers) that a run starts with. A plain `pytest` (no tests
    named, no -m or -k) is the quick loop: the tests not marked browser or slow, on two workers when pytest-xdist
    is installed (`workers_asked` is None then; "absent" without it) and the machine has two cores. `--full`, or CI
    set, runs every test one at a time. A run that names its tests or picks them runs them as asked."""
    if full or ci or not plain:
        return None, 0
    return QUICK, 2 if workers_asked is None and cpus >= 2 else 0


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """About 7 minutes on the 2-core development machine for the quick loop, about 32 for --full (README)."""
    if hasattr(config, "workerinput"):  # an xdist worker: it collects, with the controller's choice
        config.option.markexpr = config.workerinput.get("latent_lab_markexpr") or config.option.markexpr
        return
    plain = config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.markexpr \
        and not config.option.keyword
    markexpr, workers = quick_default(plain, config.getoption("--full"), on_ci(),
                                      os.cpu_count() or 1, getattr(config.option, "numprocesses", "absent"))
    if markexpr:
        config.option.markexpr = markexpr
        config.stash[QUICK_RUN] = True
    if workers and not config.getoption("usepdb", False) and not config.getoption("collectonly"):
        config.option.numprocesses, config.option.dist, config.option.tx = workers, "load", ["popen"] * workers


def pytest_terminal_summary(terminalreporter, config):
    if config.stash.get(QUICK_RUN, False):
        terminalreporter.write_line("This was the quick loop: the browser and slow tests were left out. "
                                    "`pytest --full` runs them too (as CI does).")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(pytest-xdist, in the controller) Each worker builds its own config from the command line alone: it is
    told the marker expression the controller chose for a plain run."""
    node.workerinput["latent_lab_markexpr"] = node.config.option.markexpr


@pytest.fixture
def tiny_config():
    """A ring-8 GAN small enough to train a few dozen steps in well under a second."""
    from gan_core.config import TrainConfig

    return TrainConfig(dataset="ring8", model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=20,
                       sample_every=5, metrics_every=10, seed=3, n_points=1000)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """URL of the app served by a real `streamlit run` for the whole test session (browser tests)."""
    from bench.browser import browser_available, serve_app

    if not browser_available():
        if on_ci():
            pytest.fail("chromium or playwright is missing; .ci/run installs them")
        pytest.skip("chromium/playwright not installed")
    with serve_app(tmp_path_factory.mktemp("served-runs")) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    from bench.browser import browser_available, open_browser

    if not browser_available():
        pytest.skip("chromium/playwright not installed")
    with open_browser() as instance:
        yield instance


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def _charts_follow_every_rerun(request, monkeypatch):
    """AppTest reruns a page in quick succession; the live charts' 2-second cadence (app/train_panel.py) would hide
    what each rerun changed. Tests of the cadence itself are marked `chart_cadence` and keep it."""
    if request.node.get_closest_marker("chart_cadence") is None:
        import app.train_panel

        monkeypatch.setattr(app.train_panel, "CHART_SECONDS", 0.0)


@pytest.fixture(autouse=True)
def _jobs_in_threads(request, monkeypatch):
    """Page tests reach into a job's Trainer (its weights, its optimiser), which lives in this process only when
    jobs train in threads. The app's own default, worker processes, is tested in test_worker.py, by the tests
    marked `worker_process` and by the browser tests (their server runs the default). Setting
    LATENT_LAB_WORKERS runs everything in that mode."""
    if request.node.get_closest_marker("worker_process") is None and "LATENT_LAB_WORKERS" not in os.environ:
        import gan_core.runtime.launch

        monkeypatch.setattr(gan_core.runtime.launch, "DEFAULT_WORKERS", "thread")


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """AppTest runs share a process: clear st.cache_resource so jobs and models never leak between tests."""
    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        try:
            from app.state import job_manager

            job_manager().shutdown(timeout=5)
        except Exception:
            pass
        st.cache_resource.clear()
        st.cache_data.clear()
