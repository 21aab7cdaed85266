"""The Sample & Blend page driven by Streamlit's AppTest, on tiny checkpoints trained here into a temp runs folder."""
import io
import json

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.i18n import worded_key
from app.sample_text import TEXT
from gan_core.checkpoints import save_checkpoint, trainer_payload
from gan_core.cli import main
from gan_core.config import TrainConfig
from gan_core.latents import LatentModel, angle_degrees, latent_for_seed
from gan_core.training import Trainer
from tests.page_support import (ROOT, en, open_tab_labelled, same_options_in_both_languages, shows,
                                widget_options, zh)

CONV = dict(dataset="digits", image_size=8, hidden=8, batch_size=16, steps=3, sample_every=100, metrics_every=0,
            seed=1)
MODELS = {
    "t-gan": dict(CONV, model="gan", latent_dim=6),
    "t-cgan": dict(CONV, model="cgan", latent_dim=4),
    "t-vae": dict(CONV, model="vae", latent_dim=2, beta1=0.9),
    "t-ring": dict(dataset="ring8", model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=5,
                   sample_every=100, metrics_every=0, n_points=500, seed=1),
    "t-islands": dict(dataset="ring8", model="gan", latent_dim=2, hidden=16, depth=2, batch_size=32, steps=5,
                      sample_every=100, metrics_every=0, n_points=500, seed=1, latent_components=8,
                      latent_mixture="fixed"),
    "t-line": dict(dataset="ring8", model="vae", latent_dim=1, hidden=16, depth=2, batch_size=32, steps=3,
                   sample_every=100, metrics_every=0, n_points=500, seed=1),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    for name, settings in MODELS.items():
        trainer = Trainer(TrainConfig(**settings))
        while trainer.step_count < trainer.config.steps:
            trainer.step()
        save_checkpoint(trainer_payload(trainer, name=name), folder / f"{name}.pt")
    return folder


@pytest.fixture
def app(runs, monkeypatch):
    monkeypatch.setenv("LATENT_LAB_RUNS", str(runs))
    at = AppTest.from_file("../streamlit_app.py", default_timeout=60).run()
    at.switch_page("pages/sample_blend.py").run()
    return at


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def open_model(at, name):
    at.selectbox(key="sample_ckpt").set_value(f"saved:{name}").run()
    return ok(at)


def open_tab(at, key):
    """Open the tab labelled with TEXT[key]."""
    label = en(TEXT, key)
    assert label in [tab.label for tab in at.tabs], label
    open_tab_labelled(at, label)
    return ok(at.run())


def images(at):
    return at.get("image")


def charts(at):
    return at.get("plotly_chart")


def test_page_opens_with_a_model_and_shows_its_facts(app):
    ok(app)
    open_model(app, "t-gan")
    facts = " ".join(m.value for m in app.markdown)
    assert "t-gan" in facts and "digits" in facts and "GAN" in facts and "3" in facts
    assert len(images(app)) == 1


@pytest.mark.parametrize("demo, dim, loss", [("digits-ddpm", 256, "—"), ("ring8-ddpm", 2, "—"),
                                             ("digits-pix2pix", None, "ns"), ("digits-stylegan", 32, "ns")])
def test_header_tells_the_real_latent_size_and_loss(app, demo, dim, loss):
    """The header reads the family's own z (a diffusion model's is its starting noise, one value per pixel) and
    shows "—" for a loss the model does not have (no discriminator). A translation model's z only picks a held-out
    picture: the header gives no size for it."""
    from gan_core.latents import LatentModel
    from gan_core.store import DEMO_DIR

    app.selectbox(key="sample_ckpt").set_value(f"demo:{demo}").run()
    facts = ok(app).markdown[0].value
    assert en(TEXT, "facts_loss").format(loss=loss) in facts, facts
    if dim is None:
        assert not LatentModel.load(DEMO_DIR / f"{demo}.pt").latent_walks and "latent z" not in facts, facts
        return
    assert LatentModel.load(DEMO_DIR / f"{demo}.pt").latent_dim == dim
    assert f"**{dim}**" in facts, facts


def test_psi_changes_a_stylegan_grid_and_is_explained_where_it_cannot_act(app):
    app.selectbox(key="sample_ckpt").set_value("demo:digits-stylegan").run()
    assert shows(app.slider(key="sample_psi").help, en(TEXT, "psi_help_w"))
    urls = []
    for psi in (1.0, 0.7, 0.3):
        app.slider(key="sample_psi").set_value(psi).run()
        urls.append(ok(app).get("image")[0].proto.imgs[0].url)
    assert len(set(urls)) == 3  # the grid was byte-identical for every psi when z was scaled before pixel norm
    app.selectbox(key="sample_ckpt").set_value("demo:digits-progan").run()
    assert "sample_psi" not in [slider.key for slider in ok(app).slider]
    assert any(c.value == en(TEXT, "psi_none_progan") for c in app.caption)
    assert not any("--truncation" in c.value for c in app.caption)  # psi was 0.3 for the model before


def test_a_vae_offers_psi_as_the_command_line_does(app, runs, tmp_path):
    """A VAE's decoder takes ψ·z like a GAN's generator (and `sample --truncation` always took it), yet the page hid
    the slider, with no sentence why; the 2-D layout showed it greyed out."""
    from app.sample_compute import GridSettings, sample_grid

    open_model(app, "t-vae")
    assert shows(app.slider(key="sample_psi").help, en(TEXT, "psi_help_vae"))
    before = images(app)[0].proto.imgs[0].url
    app.slider(key="sample_psi").set_value(0.5).run()
    assert images(ok(app))[0].proto.imgs[0].url != before
    out = tmp_path / "vae.npy"
    assert main(["sample", str(runs / "t-vae.pt"), "--n", "36", "--seed", "0", "--truncation", "0.5",
                 "--out", str(out), "--quiet"]) == 0
    page_grid = sample_grid(LatentModel.load(runs / "t-vae.pt"), GridSettings(seed=0, side=6, truncation=0.5))
    assert np.array_equal(np.load(out), page_grid.outputs.numpy())
    assert any("--truncation 0.5" in c.value for c in app.caption)
    open_model(app, "t-line")  # the 2-D layout: a working slider, not a greyed-out one
    assert not app.slider(key="sample_psi").disabled and app.slider(key="sample_psi").value == 0.5


def test_page_without_any_checkpoint_offers_an_upload(runs, tmp_path, monkeypatch):
    import gan_core.store

    monkeypatch.setattr(gan_core.store, "DEMO_DIR", tmp_path / "no-demos")
    monkeypatch.setenv("LATENT_LAB_RUNS", str(tmp_path / "no-runs"))
    at = AppTest.from_file("../streamlit_app.py", default_timeout=60).run()
    at.switch_page("pages/sample_blend.py").run()
    ok(at)
    assert at.selectbox(key="sample_ckpt").value == "upload"
    assert at.get("file_uploader") and at.info


def test_sample_grid_equals_cli_sample(app, runs, tmp_path):
    from app.sample_compute import GridSettings, sample_grid

    open_model(app, "t-gan")
    app.number_input(key="sample_seed").set_value(17).run()
    app.slider(key="sample_side").set_value(3).run()
    app.slider(key="sample_psi").set_value(0.6).run()
    ok(app)
    assert len(images(app)) == 1 and images(app)[0].proto.imgs[0].url.endswith(".png")
    caption = images(app)[0].proto.imgs[0].caption
    assert caption == en(TEXT, "grid_caption").format(last=8, seed=17)
    out = tmp_path / "x.npy"
    assert main(["sample", str(runs / "t-gan.pt"), "--n", "9", "--seed", "17", "--truncation", "0.6",
                 "--out", str(out), "--quiet"]) == 0
    page_grid = sample_grid(LatentModel.load(runs / "t-gan.pt"),
                            GridSettings(seed=17, side=3, truncation=0.6))
    assert np.array_equal(np.load(out), page_grid.outputs.numpy())
    assert any("--seed 17" in c.value and "--truncation 0.6" in c.value for c in app.caption)


def test_sample_controls(app):
    open_model(app, "t-gan")
    app.number_input(key="sample_seed").set_value(5).run()
    before = images(app)[0].proto.imgs[0].url
    app.button(key="sample_new_seed").click().run()
    ok(app)
    assert app.number_input(key="sample_seed").value != 5 or images(app)[0].proto.imgs[0].url != before
    app.slider(key="sample_side").set_value(4).run()
    caption = ok(app).get("image")[0].proto.imgs[0].caption
    assert caption == en(TEXT, "grid_caption").format(last=15, seed=app.number_input(key="sample_seed").value)
    app.slider(key="sample_psi").set_value(0.3).run()
    ok(app)
    assert len(app.get("download_button")) == 3


def test_interpolation_controls(app):
    open_model(app, "t-gan")
    open_tab(app, "tab_interpolate")
    assert len(images(app)) == 3  # lerp strip, slerp strip, GIF
    assert len(charts(app)) == 1  # |z| along both walks
    app.slider(key="interp_steps").set_value(5).run()
    app.radio(key="interp_gif_mode").set_value("lerp").run()
    app.number_input(key="interp_a_index").set_value(3).run()
    app.radio(key=worded_key("interp_pick")).set_value("seed").run()
    app.number_input(key="interp_b_seed").set_value(42).run()
    ok(app)
    assert images(app)[2].proto.imgs[0].url.endswith(".gif")
    # 6 numbers in z: no "close to √6"; the two seeds' own lengths, their angle, and whether lerp dips on this walk
    # (ring8-fixed's default walk crosses the centre: the caption said "lerp and slerp stay close" beside a deep dip)
    assert_norm_caption_fits_the_walk(app, latent_for_seed(1, 6), latent_for_seed(42, 6))  # picked by seed: A's is 1
    for seed in range(40, 52):  # a B pointing away from A, then one pointing its way: both captions are reachable
        app.number_input(key="interp_a_seed").set_value(seed).run()
        assert_norm_caption_fits_the_walk(app, latent_for_seed(seed, 6), latent_for_seed(42, 6))


def assert_norm_caption_fits_the_walk(app, a, b):
    from app.sample_tabs import DIP_SHARE
    from gan_core.latents import interpolate
    steps = app.slider(key="interp_steps").value
    low = float(interpolate(a, b, steps, "lerp").norm(dim=1).min())
    dips = low < DIP_SHARE * min(float(a.norm()), float(b.norm()))
    captions = [c.value for c in app.caption]
    assert not any(shows(c, en(TEXT, "norm_caption")) for c in captions)
    wanted, other = ("norm_caption_few_dip", "norm_caption_few_close")[::1 if dips else -1]
    angle = f"{angle_degrees(a, b):.0f}°"
    assert any(shows(c, en(TEXT, wanted)) and f"{float(b.norm()):.1f}" in c and angle in c for c in captions), captions
    assert not any(shows(c, en(TEXT, other)) for c in captions), captions
    from app.sample_plots import norm_figure  # (in many dimensions the line is drawn)
    walks = {"lerp": [4.0, 3.0, 4.0], "slerp": [4.0, 4.0, 4.0]}
    names = {"lerp": "lerp", "slerp": "slerp", "typical": "√16", "title": "", "step": "", "norm": ""}
    assert [trace.name for trace in norm_figure(walks, 4.0, names, "r").data] == ["lerp", "slerp", "√16"]
    # "no typical length", and no dashed "typical |z| ≈ √6" line on the chart beside it
    names = [trace.get("name") for trace in json.loads(charts(app)[-1].proto.spec)["data"]]
    assert len(names) == 2 and not any("√" in (name or "") for name in names), names


def test_blend_arithmetic_and_edit_controls(app):
    open_model(app, "t-gan")
    open_tab(app, "tab_blend")
    for key, value in (("blend_tl", 9), ("blend_br", 10)):
        app.number_input(key=key).set_value(value).run()
    app.slider(key="blend_size").set_value(3).run()
    ok(app)
    assert len(images(app)) == 1

    open_tab(app, "tab_arithmetic")  # class means of a GAN: the digits classifier labels its samples
    assert [app.selectbox(key=worded_key(f"arith_{t}_src")).value for t in "abc"] == ["class", "class", "seed"]
    assert len(images(app)) == 0  # the means are found on demand
    app.button(key="arith_means").click().run()
    assert len(ok(app).get("image")) == 4
    app.selectbox(key="arith_a_class").set_value(3).run()
    app.selectbox(key=worded_key("arith_b_src")).set_value("grid").run()
    app.number_input(key="arith_b_index").set_value(2).run()
    app.number_input(key="arith_c_seed").set_value(8).run()
    ok(app)
    assert len(images(app)) == 4

    open_tab(app, "tab_edit")
    assert len(charts(app)) == 0 and len(images(app)) == 3  # original, edited, sweep: the directions on demand
    app.button(key="edit_directions").click().run()
    assert len(ok(app).get("plotly_chart")) == 1  # explained variance
    assert not any(button.key == "edit_directions" for button in app.button)  # the note and button give way at once
    first = images(app)[1].proto.imgs[0].url  # [original, edited, sweep, direction rows]
    app.slider(key="edit_dim_0").set_value(2.0).run()
    ok(app)
    app.slider(key="edit_dir_0").set_value(-1.5).run()
    ok(app)
    assert images(app)[1].proto.imgs[0].url != first
    app.multiselect(key="edit_dims").set_value([5]).run()
    app.selectbox(key="edit_sweep_dim").set_value(5).run()
    app.radio(key=worded_key("edit_pick")).set_value("seed").run()
    app.number_input(key="edit_seed").set_value(4).run()
    app.button(key="edit_reset").click().run()
    ok(app)
    assert app.slider(key="edit_dir_0").value == 0.0


def test_opening_arithmetic_on_a_diffusion_model_does_not_find_the_class_means(app, monkeypatch):
    """Finding the means of digits-ddpm took 31 s (2,000 samples x 20 denoising steps): only the button does it."""
    from app import sample_cache

    calls = []

    def counted(model_key, model):
        calls.append(model_key)
        return {c: np.zeros(model.latent_dim, np.float32) for c in range(10)}

    monkeypatch.setattr(sample_cache, "class_means", counted)
    app.selectbox(key="sample_ckpt").set_value("demo:digits-ddpm").run()
    open_tab(app, "tab_arithmetic")
    assert app.selectbox(key=worded_key("arith_a_src")).value == "class" and calls == []
    assert any(shows(i.value, en(TEXT, "means_wait_ddpm")) for i in app.info)
    app.number_input(key="arith_c_seed").set_value(5).run()  # another interaction: still nothing computed
    assert calls == [] and not ok(app).get("image")
    app.button(key="arith_means").click().run()
    assert len(calls) == 1 and len(ok(app).get("image")) == 4
    # the result replaces the note and the button at once (they stayed above it until the next rerun)
    assert not any(shows(i.value, en(TEXT, "means_wait_ddpm")) for i in app.info)
    assert not any(button.key == "arith_means" for button in app.button)
    app.number_input(key="arith_c_seed").set_value(6).run()  # asked once: the (cached) means stay in use
    assert len(ok(app).get("image")) == 4


def test_opening_edit_on_a_diffusion_model_does_not_find_the_directions(app, monkeypatch):
    """The directions of digits-ddpm took 25-46 s (1,000 samples x 20 denoising steps) each time the Edit tab
    opened: only the button finds them, and once found they stay for that model."""
    from app import sample_cache

    calls = []

    def counted(model_key, model, count=5):
        calls.append(model_key)
        return np.eye(count, model.latent_dim, dtype=np.float32), [0.2] * count

    monkeypatch.setattr(sample_cache, "principal_directions", counted)
    app.selectbox(key="sample_ckpt").set_value("demo:digits-ddpm").run()
    open_tab(app, "tab_edit")
    assert calls == [] and any(shows(i.value, en(TEXT, "directions_wait_ddpm")) for i in app.info)
    assert len(app.get("image")) == 3 and "edit_dir_0" not in [s.key for s in app.slider]  # the rest is there
    app.slider(key="edit_dim_0").set_value(1.0).run()  # another interaction: still nothing computed
    assert calls == []
    app.button(key="edit_directions").click().run()
    assert len(calls) == 1 and "edit_dir_0" in [s.key for s in ok(app).slider] and len(app.get("plotly_chart")) == 1
    app.slider(key="edit_dir_0").set_value(1.0).run()  # asked once: the directions stay for this model
    assert len(ok(app).get("plotly_chart")) == 1 and not app.info


def test_conditional_model_rows_and_class(app):
    open_model(app, "t-cgan")
    caption = images(app)[0].proto.imgs[0].caption
    assert shows(caption, en(TEXT, "rows_caption"))
    app.toggle(key="sample_class_rows").set_value(False).run()
    app.selectbox(key="sample_class").set_value(7).run()
    ok(app)
    assert any("--label 7" in c.value for c in app.caption)
    open_tab(app, "tab_interpolate")
    open_tab(app, "tab_arithmetic")
    assert en(TEXT, "src_class") not in app.selectbox(key=worded_key("arith_a_src")).options


def test_vae_encode_reconstruct_and_manifold(app):
    open_model(app, "t-vae")
    open_tab(app, "tab_real")
    assert len(charts(app)) == 1  # the manifold map with the codes of real data
    app.number_input(key="real_a").set_value(10).run()
    app.number_input(key="real_b").set_value(20).run()
    app.slider(key="real_steps").set_value(5).run()
    app.slider(key="real_map_size").set_value(8).run()
    app.slider(key="real_extent").set_value(2.0).run()
    ok(app)
    assert len(images(app)) == 2  # originals + reconstructions, the walk between codes
    buffer = io.BytesIO()
    Image.fromarray((np.random.default_rng(0).random((20, 30, 3)) * 255).astype(np.uint8)).save(buffer, "PNG")
    uploader = app.file_uploader(key="real_upload")
    assert uploader.proto.max_upload_size_mb == 20 and "20 MB" in uploader.help  # one picture: not "200MB per file"
    uploader.upload("mine.png", buffer.getvalue(), "image/png").run()
    ok(app)
    app.file_uploader(key="real_upload").upload("junk.png", b"not an image", "image/png").run()
    assert not app.exception and len(app.error) == 1


def test_a_picture_at_its_own_size_is_given_its_width_in_pixels(monkeypatch):
    """A caption wider than its picture stretched the picture to the caption's width in chromium, smoothing its
    enlarged pixels (the slerp GIF, 140 px, showed at 185): a picture at its own size gets its width in pixels."""
    import torch

    from app import pictures
    from app.sample_compute import walk_gif
    from gan_core.images import png_bytes

    shown = []
    monkeypatch.setattr(pictures.st, "image", lambda data, **options: shown.append(options.get("width")))
    grid = np.zeros((10, 20, 3), np.uint8)
    pictures.show_picture(grid, 3, caption="a caption much wider than sixty pixels")
    pictures.show_picture(grid, 3, width="content")
    pictures.show_picture(grid, 3, width="stretch")
    pictures.show_png(png_bytes(np.zeros((5, 140, 3), np.uint8)), "a caption")
    pictures.show_png(png_bytes(grid), width=96)
    pictures.show_gif(walk_gif(torch.zeros(4, 1, 28, 28)), "slerp")
    assert shown == [60, 60, "stretch", 140, 96, 140]

def test_the_encode_tabs_two_images_start_in_different_classes():
    """MNIST is sorted by class: images 0 and 1, the tab's A and B, were both zeros, and their blend eight zeros."""
    import torch

    from app.sample_compute import first_of_another_class
    from gan_core.data import load_dataset

    mnist = load_dataset("mnist5k", image_size=28).labels
    assert mnist[0] == mnist[1] and mnist[first_of_another_class(mnist)] != mnist[0]
    assert first_of_another_class(torch.tensor([4, 7, 4])) == 1 and first_of_another_class(torch.tensor([4, 4, 4, 2])) == 3
    assert first_of_another_class(torch.tensor([5, 5])) == 1 and first_of_another_class(None) == 1

def test_the_manifold_map_is_decoded_once_for_its_settings_not_on_every_rerun(app, monkeypatch):
    """Moving the code walk's slider reran the whole tab, decoding the map's size x size images again (625 for a
    25x25 map, 130-170 ms); now only a change of the map's own settings decodes it."""
    from app import sample_cache, sample_compute

    decoded, original = [], sample_compute.manifold
    monkeypatch.setattr(sample_compute, "manifold", lambda *args, **kwargs: decoded.append(args[2]) or original(*args, **kwargs))
    sample_cache.manifold_png.clear()
    open_model(app, "t-vae")
    open_tab(app, "tab_real")
    assert decoded == [15]
    app.slider(key="real_steps").set_value(5).run()
    app.number_input(key="real_a").set_value(10).run()
    assert decoded == [15] and len(charts(ok(app))) == 1  # the map is still shown, from the cache
    app.slider(key="real_map_size").set_value(8).run()
    assert decoded == [15, 8]

def test_points_model_scatter_and_warp(app):
    open_model(app, "t-ring")
    assert len(charts(app)) == 2  # latent plane and data space
    data = charts(app)[1].proto.spec
    assert en(TEXT, "grid_lines_x") in data
    app.slider(key="sample_extent").set_value(1.5).run()
    app.slider(key="sample_points").set_value(300).run()
    ok(app)
    for tab in ("tab_interpolate", "tab_blend", "tab_arithmetic", "tab_edit"):
        open_tab(app, tab)
        assert charts(app)
        # its Samples tab draws a cloud of points: a sample is picked by number, not by "number in the grid"
        texts = [r.proto.label for r in app.radio] + [o for r in app.radio for o in r.options] + \
            [o for box in app.selectbox for o in box.options] + [n.proto.help for n in app.number_input]
        assert not any(word in text for text in texts for word in ("grid", "Samples tab's grid")), (tab, texts)
    open_tab(app, "tab_edit")
    assert en(TEXT, "pick_number") in [o for r in app.radio for o in r.options]
    open_tab(app, "tab_blend")  # a mesh of points: no "tiles"
    words = [c.value for c in app.caption] + [i.value for i in app.info] + [s.label for s in app.slider]
    assert not any("tile" in text for text in words), words
    assert en(TEXT, "blend_size_points") in [s.label for s in app.slider]


def test_a_72_degree_walk_in_8_dimensions_is_said_to_dip(monkeypatch):
    """mnist-vae's default walk: 8 numbers in z, A and B 72° apart, lerp 19 % shorter mid-way than either end. It was
    said to "stay close" (the threshold was 80 %); the caption now says lerp dips, and by how much."""
    import math

    import torch

    import app.i18n
    from app.sample_tabs import norm_caption
    from gan_core.latents import interpolate

    monkeypatch.setattr(app.i18n, "lang", lambda: "en")
    angle = math.radians(72)
    a = torch.zeros(8); a[0] = 2.4
    b = torch.zeros(8); b[0], b[1] = 2.4 * math.cos(angle), 2.4 * math.sin(angle)
    lerp = interpolate(a, b, 9, "lerp").norm(dim=1).tolist()
    assert 0.80 < min(lerp) / 2.4 < 0.82
    caption = norm_caption(type("M", (), {"latent_dim": 8})(), a, b, {"lerp": lerp, "slerp": [2.4] * 9})
    assert shows(caption, en(TEXT, "norm_caption_few_dip")) and "72°" in caption, caption
    straight = interpolate(a, a * 1.5, 9, "lerp").norm(dim=1).tolist()  # the same direction: no dip
    assert shows(norm_caption(type("M", (), {"latent_dim": 8})(), a, a * 1.5, {"lerp": straight}),
                 en(TEXT, "norm_caption_few_close"))


def test_markers_on_one_spot_share_one_label():
    """ring8-fixed's a and a − b + c landed on the same mode and their labels were drawn over each other."""
    from app.sample_plots import shared_labels

    names = ["a", "b", "c", "a − b + c"]
    together = np.array([[0.0, 1.0], [0.7, -0.7], [0.0, -1.0], [0.001, 1.0]])
    assert shared_labels(together, names) == ["a = a − b + c", "b", "c", ""]
    apart = np.array([[0.0, 1.0], [0.7, -0.7], [0.0, -1.0], [0.5, 0.5]])
    assert shared_labels(apart, names) == names
    assert shared_labels(np.zeros((3, 2)), ["x", "y", "z"]) == ["x = y = z", "", ""]


def test_a_mixture_latent_says_why_its_grid_lines_jump(app):
    said = en(TEXT, "mixture_lines").split("{k}")[0]
    open_model(app, "t-ring")
    assert not [c for c in app.caption if c.value.startswith(said)]  # one Gaussian: a connected plane, no note
    open_model(app, "t-islands")
    notes = [c.value for c in app.caption if c.value.startswith(said)]
    assert len(notes) == 1 and "mixture of 8 Gaussians" in notes[0]


def test_garbage_upload_shows_one_error_line(app):
    app.selectbox(key="sample_ckpt").set_value("upload").run()
    ok(app)
    app.file_uploader(key="sample_upload").upload("broken.pt", b"definitely not a checkpoint", "application/octet-stream").run()
    assert not app.exception
    assert len(app.error) == 1 and "\n" not in app.error[0].value
    assert "broken.pt" in app.error[0].value
    assert not app.tabs


def test_checkpoint_uploader_states_its_real_limit_and_refuses_more_in_one_sentence(app):
    import tomllib

    from gan_core import checkpoints
    from gan_core.data import MAX_CSV_BYTES
    from gan_core.uploads import MAX_TOTAL_BYTES

    app.selectbox(key="sample_ckpt").set_value("upload").run()
    ok(app)
    uploader = app.file_uploader(key="sample_upload")
    assert uploader.proto.max_upload_size_mb == 64  # the hint under it reads "64MB per file", not 200MB
    assert "64 MB" in uploader.help
    # the server's own limit is the largest any uploader has; each uploader states its smaller one
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == max(MAX_TOTAL_BYTES, checkpoints.MAX_CHECKPOINT_BYTES,
                                                    MAX_CSV_BYTES) // 2**20
    # a file past the limit that reaches the server anyway (the browser refuses it first): one sentence
    too_big = b"\0" * (checkpoints.MAX_CHECKPOINT_BYTES + 1)
    app.file_uploader(key="sample_upload").upload("big.pt", too_big, "application/octet-stream").run()
    assert len(app.error) == 1 and "\n" not in app.error[0].value and "big.pt" in app.error[0].value
    assert "larger than" in app.error[0].value


def test_upload_of_a_real_checkpoint_works(app, runs):
    app.selectbox(key="sample_ckpt").set_value("upload").run()
    app.file_uploader(key="sample_upload").upload("t-gan.pt", (runs / "t-gan.pt").read_bytes()).run()
    ok(app)
    assert len(images(app)) == 1
    assert any("t-gan" in m.value for m in app.markdown)


def test_every_tab_in_chinese(app):
    open_model(app, "t-vae")
    app.session_state["lang"] = "zh"  # the sidebar's language radio (key "lang")
    app.run()
    ok(app)
    assert app.title[0].value == zh(TEXT, "title")
    labels = [tab.label for tab in app.tabs]
    assert labels[-1] == zh(TEXT, "tab_real")
    for label in labels:
        open_tab_labelled(app, label)
        ok(app.run())
        if label == zh(TEXT, "tab_arithmetic"):  # the class means are found on demand
            assert app.button(key="arith_means").label == zh(TEXT, "means_button")
            app.button(key="arith_means").click().run()
        assert app.get("image") or app.get("plotly_chart")


def test_points_vae_with_a_one_dimensional_latent(app):
    open_model(app, "t-line")
    assert len(charts(app)) == 2
    for tab in ("tab_interpolate", "tab_blend", "tab_arithmetic", "tab_edit", "tab_real_points"):
        open_tab(app, tab)
        if tab == "tab_arithmetic":  # the class means are found on demand
            app.button(key="arith_means").click().run()
        assert charts(ok(app))


def open_tab_id(at) -> str:
    """The id of the tab whose contents are drawn (the page draws only the open tab)."""
    drawn = [tab.label for tab in at.tabs if tab.children]
    assert len(drawn) == 1, drawn
    return next(key.removeprefix("tab_") for key, pair in TEXT.items() if key.startswith("tab_") and drawn[0] in pair)


def test_the_open_tab_survives_a_language_switch_and_a_new_model_and_the_link_names_it(app):
    """#23.3 and #23.4: the tab on screen, the URL's tab and Share agree through a language switch and a model
    with another set of tabs (they used to fall back to the first tab while the URL kept naming the old one)."""
    open_model(app, "t-gan")
    open_tab(app, "tab_blend")
    assert open_tab_id(app) == "blend" and app.query_params.get("tab") == "blend"
    app.session_state["lang"] = "zh"
    ok(app.run())
    assert open_tab_id(app) == "blend" and app.query_params.get("tab") == "blend"
    open_model(app, "t-vae")  # six tabs instead of five
    assert open_tab_id(app) == "blend" and app.query_params.get("tab") == "blend"
    open_tab_labelled(app, zh(TEXT, "tab_real"))
    ok(app.run())
    assert open_tab_id(app) == "real"
    open_model(app, "t-gan")  # no such tab here: the first one, and the link says so
    assert open_tab_id(app) == "samples" and "tab" not in app.query_params
    app.session_state["lang"] = "en"
    ok(app.run())
    assert open_tab_id(app) == "samples"


def test_manifold_map_has_no_blank_band_above_it():
    """The classes' legend hangs beside the plot from its top: anchored by its bottom it stood above the plot, and
    plotly's automatic margin pushed the map ~180 px down (seen in chromium at 1280 px)."""
    from app.sample_plots import manifold_figure
    from gan_core.images import png_bytes

    labels = np.arange(40) % 10
    codes = np.random.default_rng(0).normal(size=(40, 2))
    figure = manifold_figure(png_bytes(np.zeros((30, 30, 3), np.uint8)), 2.5, 15, codes, labels,
                             [str(i) for i in range(10)], {"A": np.zeros(2)}, "map", "rev")
    legend = figure.layout.legend
    assert legend.orientation == "v" and legend.yanchor == "top" and legend.y == 1 and legend.x > 1
    # the square plot shrinks to the picture instead of widening an axis past it
    assert figure.layout.xaxis.constrain == figure.layout.yaxis.constrain == "domain"
    assert figure.layout.yaxis.constraintoward == "top"
    assert list(figure.layout.xaxis.range) == list(figure.layout.yaxis.range)


@pytest.mark.parametrize("tab, key, value", [("tab_edit", "edit_pick", "seed"), ("tab_interpolate", "interp_pick", "seed"),
                                             ("tab_arithmetic", "arith_b_src", "grid")])
def test_a_worded_choice_keeps_its_value_through_a_language_switch_and_a_new_model(app, tab, key, value):
    """#23: Streamlit keeps a radio's or selectbox's value as the text of its option, so a choice drawn in 中文 under
    the key it had in English found no such option: the URL of an English page said edit_pick=网格中的编号. The
    value stays the plain option in the session and the URL; each language draws its own widget seeded from it."""
    open_model(app, "t-gan")
    open_tab(app, tab)
    kind = "radio" if key.endswith("pick") else "selectbox"
    widget = lambda key: getattr(app, kind)(key=key)  # noqa: E731  (the page's widgets as of the last run)
    widget(worded_key(key)).set_value(value).run()
    english = widget_options(ok(app))
    name = {"edit_pick": "edit_pick", "interp_pick": "pick", "arith_b_src": "arith_b"}[key]  # in the URL
    assert app.session_state[key] == value and app.query_params[name] == value
    app.session_state["lang"] = "zh"
    ok(app.run())
    assert widget(worded_key(key, "zh")).value == value
    assert app.session_state[key] == value and app.query_params[name] == value
    assert same_options_in_both_languages(english, widget_options(app)) == []
    app.session_state["lang"] = "en"
    ok(app.run())
    open_model(app, "t-vae")
    assert widget(worded_key(key)).value == value
    assert app.session_state[key] == value and app.query_params[name] == value
