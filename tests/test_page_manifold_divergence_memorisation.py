"""The Train page, driven by AppTest: G's warped grid and the KL/JS curve in a ring8 run's figures,
a layer switched off disappears (and stays off), and the memorisation check on a tiny digits run.

`run_every` never fires inside AppTest, so the tests call `at.run()` again to see progress. Networks are tiny
(hidden=16) so each test takes seconds.
"""
from __future__ import annotations

import base64
import json
import math

import numpy as np
from streamlit.testing.v1 import AppTest

from app.train_text import DIVERGENCE_TEXT, LAYERS_TEXT, MEMORISATION_TEXT
from app.train_text import TEXT
from app.i18n import language_key
from tests.page_support import (en, fixed_parts, open_train, runs_dir, same_options_in_both_languages,  # noqa: F401
                                shows, wait_until, widget_options, zh)  # (runs_dir: autouse)

MEMORY_TEXT = {**LAYERS_TEXT, **DIVERGENCE_TEXT, **MEMORISATION_TEXT}  # the 2-D view's layers, KL/JS, memorisation


def charts(at: AppTest) -> dict[str, dict]:
    """{chart key: plotly figure as a dict} for every plotly chart on the page."""
    found = {}
    for chart in at.get("plotly_chart"):
        key = chart.proto.id.rsplit("-", 1)[-1]  # ids look like "$$ID-<hash>-<key>"
        found[key] = json.loads(chart.proto.spec)
    return found


def numbers(values) -> np.ndarray:
    """A trace's x or y as floats, whether plotly sent a list or a typed array ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).astype(float)
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def manifold_traces(figure: dict) -> list[dict]:
    return [trace for trace in figure["data"] if trace.get("meta") == "manifold"]


def test_ring8_run_shows_the_warped_grid_and_the_kl_js_curve_and_layers_switch_off():
    at = open_train()
    at.selectbox(key="train_preset").set_value("ring8-vanilla").run()  # metrics every 100 steps
    at.number_input(key="train_hidden").set_value(16)
    at.number_input(key="train_depth").set_value(2)
    at.number_input(key="train_steps").set_value(20_000).run()
    at.button(key="train_start").click().run()
    wait_until(at, lambda a: "train_chart_divergence" in charts(a), timeout=60.0)

    figures = charts(at)
    view = figures["train_view_points"]
    lines = manifold_traces(view)
    assert len(lines) == 2  # lines of constant z1 and of constant z2
    xs = numbers(lines[0]["x"])
    assert np.isfinite(xs).sum() == 11 * 41 and np.isnan(xs).sum() == 11  # 11 polylines of 41 points, with breaks
    assert {trace["type"] for trace in view["data"]} >= {"heatmap", "scatter"}

    divergence = figures["train_chart_divergence"]
    names = [trace["name"] for trace in divergence["data"]]
    assert en(MEMORY_TEXT, "div_kl") in names and en(MEMORY_TEXT, "div_js") in names
    js = next(trace for trace in divergence["data"] if trace["name"] == en(MEMORY_TEXT, "div_js"))["y"]
    js = numbers(js)
    assert len(js) >= 1 and np.all((js >= 0.0) & (js <= math.log(2) + 1e-9))
    assert any(en(MEMORY_TEXT, "div_ceiling") in str(note) for note in divergence["layout"].get("annotations", []))

    layers = at.pills(key="train_layers")
    assert set(layers.value) == {"heatmap", "manifold", "real", "fake"}  # arrows start hidden
    layers.set_value(["heatmap", "real", "fake"]).run()
    assert not at.exception
    view = charts(at)["train_view_points"]
    assert not manifold_traces(view)
    assert [trace["type"] for trace in view["data"]] == ["heatmap", "scatter", "scatter"]

    at.pills(key="train_layers").set_value(["manifold", "arrows"]).run()
    view = charts(at)["train_view_points"]
    assert len(manifold_traces(view)) == 2 and "heatmap" not in {trace["type"] for trace in view["data"]}
    assert any(trace.get("name") == en(TEXT, "legend_arrows") for trace in view["data"])  # the arrows

    at.switch_page("pages/home.py").run()  # the choice survives a visit to another page
    at.switch_page("pages/train.py").run()
    assert set(at.pills(key="train_layers").value) == {"manifold", "arrows"}

    english = widget_options(at)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert set(at.pills(key=language_key("train_layers", "zh")).value) == {"manifold", "arrows"}  # and a language
    assert same_options_in_both_languages(english, widget_options(at)) == []
    assert zh(MEMORY_TEXT, "div_js") in [t["name"] for t in charts(at)["train_chart_divergence"]["data"]]
    assert any(zh(MEMORY_TEXT, "div_explain_title") in e.proto.label for e in at.expander)
    at.button(key="train_stop").click().run()


def test_layer_pills_carry_the_remembered_choice_as_their_default():
    """The browser starts the pills from the element's `default` whenever it has no value of its own for them (they
    mounted after the one message that set their value was replaced, or it dropped them); an empty default came back
    as [] and blanked the 2-D view. The default is the remembered choice, and only a person's change moves it."""
    at = open_train()
    at.selectbox(key="train_preset").set_value("ring8-vanilla").run()
    at.number_input(key="train_hidden").set_value(16)
    at.number_input(key="train_steps").set_value(20_000).run()
    at.button(key="train_start").click().run()
    wait_until(at, lambda a: "train_view_points" in charts(a), timeout=60.0)

    def default_layers():
        pills = at.pills(key="train_layers")
        return [pills.options[index] for index in pills.proto.default]

    assert default_layers() == ["D's opinion", "G's grid", "real", "generated"]
    assert "train_layers_chosen" not in at.session_state  # redraws alone remember nothing
    at.run()
    assert "train_layers_chosen" not in at.session_state
    at.pills(key="train_layers").set_value(["manifold", "arrows"]).run()
    assert at.session_state["train_layers_chosen"] == ["manifold", "arrows"]
    assert default_layers() == ["G's grid", "arrows"]
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/train.py").run()
    assert default_layers() == ["G's grid", "arrows"] and at.pills(key="train_layers").value == ["manifold", "arrows"]
    at.button(key="train_stop").click().run()


def memory_rows(at: AppTest) -> list[list[str]]:
    """The captions of each row of the memorisation check: [sample, neighbour 1, neighbour 2, ...]."""
    sample = fixed_parts(en(MEMORY_TEXT, "mem_sample"))[0]
    neighbour = fixed_parts(en(MEMORY_TEXT, "mem_neighbour"))[0]
    rows: list[list[str]] = []
    for caption in [image.caption for element in at.get("image") for image in element.proto.imgs]:
        if caption.startswith(sample):
            rows.append([caption])
        elif rows and caption.startswith(neighbour):
            rows[-1].append(caption)
    return rows


def test_memorisation_panel_on_a_tiny_digits_run():
    at = open_train()
    at.selectbox(key="train_dataset").set_value("digits")
    at.selectbox(key="train_model").set_value("gan")
    for key, value in (("train_hidden", 16), ("train_batch_size", 32), ("train_steps", 20)):
        at.number_input(key=key).set_value(value)
    at.run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="train_start").click().run()
    finished = en(TEXT, "status_finished")
    wait_until(at, lambda a: any(finished in p.proto.text for p in a.get("progress")), timeout=60.0)

    assert not memory_rows(at)  # nothing computed until asked
    assert at.segmented_control(key="train_memory_feature").value == "classifier"
    at.number_input(key="train_memory_count").set_value(3)
    at.number_input(key="train_memory_k").set_value(2).run()
    at.button(key="train_memory_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rows = memory_rows(at)
    assert len(rows) == 3  # one row per sample: the sample and its 2 nearest training images
    captions = rows[0]
    sample, neighbour = fixed_parts(en(MEMORY_TEXT, "mem_sample"))[0], fixed_parts(en(MEMORY_TEXT, "mem_neighbour"))[0]
    assert captions[0].startswith(sample + "1") and all(c.startswith(neighbour) for c in captions[1:])
    assert len(captions) == 3
    ratio = at.metric[0]
    assert ratio.label == en(MEMORY_TEXT, "mem_ratio") and float(ratio.value) > 0
    space = en(MEMORY_TEXT, "mem_space")  # the feature space's name comes from gan_core
    assert any(shows(c.value, space) and "digits-classifier features" in c.value for c in at.caption)

    at.segmented_control(key="train_memory_feature").set_value("pixels").run()
    at.button(key="train_memory_run").click().run()
    assert not at.exception
    assert any("raw pixels" in c.value for c in at.caption)
    assert len(memory_rows(at)) == 3

    english = widget_options(at)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.segmented_control(key=language_key("train_memory_feature", "zh")).value == "pixels"
    assert same_options_in_both_languages(english, widget_options(at)) == []


def test_figures_and_gif_follow_the_layer_choice():
    """Plain numbers in, figures and GIF frames out: each layer can be left out, and the old call still works."""
    from app.train_jobs import run_gif
    import plotly.graph_objects as go

    from app.train_plots import divergence_figure, points_figure, points_picture

    rng = np.random.default_rng(0)
    lines = np.stack([np.stack([np.linspace(-1, 1, 41), np.full(41, v)], axis=1) for v in np.linspace(-1, 1, 22)])
    frame = {"step": 5, "points": rng.normal(size=(64, 2)).astype(np.float32), "bounds": (-2, 2, -2, 2),
             "heatmap": rng.random((48, 48)).astype(np.float32), "arrows": rng.normal(size=(16, 4)).astype(np.float32),
             "manifold": lines.astype(np.float32)}  # (22, 41, 2)
    real = rng.normal(size=(50, 2))
    every = go.Figure(points_figure(frame, real, {}, "u", layers=["heatmap", "manifold", "real", "fake", "arrows"])
                      .to_dict())
    assert len(every.data) == 6 and len([t for t in every.data if t.meta == "manifold"]) == 2
    default = points_figure(frame, real, {}, "u", show_arrows=True)  # the call the page made before layers
    assert [t.type for t in default.data] == ["heatmap", "scatter", "scatter", "scatter", "scatter", "scatter"]
    assert len(points_figure(frame, real, {}, "u", layers=[]).data) == 0

    with_grid = points_picture(frame, real, layers=["manifold"])
    without = points_picture(frame, real, layers=[])
    assert with_grid.shape == without.shape == (280, 280, 3)
    assert (without == 255).all() and (with_grid != 255).any(axis=2).sum() > 200  # the lines are drawn

    class FakeJob:
        config = type("C", (), {"loss": "ns"})()

        def frames(self):
            return [frame, dict(frame, step=10)]

    assert run_gif(FakeJob(), real, ["manifold", "fake"])[:6] in (b"GIF87a", b"GIF89a")
    figure = divergence_figure([100, 200], [2.0, 0.5], [0.6, 0.2], {"kl": "KL", "js": "JS", "ceiling": "ln 2"}, "u")
    figure = go.Figure(figure.to_dict())  # built unvalidated for speed: check every property here
    assert [t.name for t in figure.data] == ["KL", "JS"]
    # the ceiling's label stands above its line, inside the panel, where no JS curve can go
    [label] = [a for a in figure.layout.annotations if a.text == "ln 2"]
    top = figure.layout.yaxis2.range[1]
    assert label.y == math.log(2) and label.yanchor == "bottom" and top >= 1.25 * math.log(2)


def test_each_family_of_grid_lines_has_a_legend_entry_in_its_own_colour(monkeypatch):
    """ring8-fixed's grid was mostly the mauve lines (z₂ fixed) under a legend entry drawn in the other family's
    blue; each family now names itself in its colour, in both languages, and a 1-D latent's line keeps one name."""
    import plotly.graph_objects as go

    from app.train_layers import layer_names
    from app.train_plots import MANIFOLD_COLOURS, points_figure
    from app.train_text import LAYERS_TEXT
    import app.i18n

    lines = np.stack([np.stack([np.linspace(-1, 1, 41), np.full(41, v)], axis=1) for v in np.linspace(-1, 1, 22)])
    frame = {"step": 5, "points": np.zeros((8, 2), np.float32), "bounds": (-2, 2, -2, 2),
             "manifold": lines.astype(np.float32)}
    for lang, expected in (("en", ["G(z₁ fixed)", "G(z₂ fixed)"]), ("zh", ["G(z₁ 固定)", "G(z₂ 固定)"])):
        monkeypatch.setattr(app.i18n, "lang", lambda: lang)
        names = layer_names()
        figure = go.Figure(points_figure(frame, [[0, 0]], names, "u", layers=["manifold"]).to_dict())
        grid = [trace for trace in figure.data if trace.meta == "manifold"]
        assert [trace.name for trace in grid] == expected
        assert [trace.line.color for trace in grid] == list(MANIFOLD_COLOURS)
        assert all(trace.showlegend is not False and trace.legendgroup == "manifold" for trace in grid)
        assert figure.layout.legend.traceorder == "normal"  # a group's entries stack: 3 legend rows, not the 2 allowed
    one_line = dict(frame, manifold=lines[:1].astype(np.float32))
    single = points_figure(one_line, [[0, 0]], {"manifold": "G(latent grid)"}, "u", layers=["manifold"]).data
    assert [trace.name for trace in single] == ["G(latent grid)"]
    assert "z₁" in LAYERS_TEXT["layers_help"][0] and "z₁" in LAYERS_TEXT["layers_help"][1]  # the help names both
