"""Latent-space maths (gan_core.latents) and the agreement between the page's computations and the CLI."""
import numpy as np
import pytest
import torch

from gan_core.cli import main
from gan_core.latents import (LatentModel, angle_degrees, arithmetic, class_grid_latents, corner_blend, edit_latent, interpolate,
                              latent_for_seed, latent_grid, lerp, move_along, plane_grid_lines, sample_latents,
                              seed_latents, slerp, sweep_dimension, truncate)

DIM = 16


def _pair(dim=DIM, seed=0):
    z = sample_latents(2, dim, seed)
    return z[0], z[1]


# -- interpolation ----------------------------------------------------------------------------------------------------
def test_angle_between_latents_and_what_it_does_to_lerp():
    east, north, west = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 3.0]), torch.tensor([-1.0, 0.0])
    assert angle_degrees(east, north) == pytest.approx(90.0)
    assert angle_degrees(east, west) == pytest.approx(180.0)
    assert angle_degrees(east, east * 5) == pytest.approx(0.0, abs=1e-3)
    # opposite latents: lerp passes through the centre; a small angle: it barely dips
    assert float(interpolate(east, west, 4, "lerp").norm(dim=1).min()) == pytest.approx(0.0, abs=1e-6)
    nearby = torch.tensor([2.0, 0.3])
    assert float(interpolate(east, nearby, 9, "lerp").norm(dim=1).min()) > 0.99 * 2.0
    a, b = _pair(512)  # many dimensions: two random latents are close to 90 degrees apart
    assert 80.0 < angle_degrees(a, b) < 100.0


def test_slerp_keeps_the_norm_of_equal_norm_endpoints():
    a, b = _pair()
    b = b / b.norm() * a.norm()
    norms = slerp(a[None].expand(21, -1), b[None].expand(21, -1), torch.linspace(0, 1, 21)[:, None]).norm(dim=1)
    assert torch.allclose(norms, a.norm().expand(21), rtol=1e-5)
    # lerp does not: its midpoint cuts through the low-norm middle
    assert lerp(a, b, 0.5).norm() < 0.9 * a.norm()


def test_slerp_path_norm_is_interpolated_linearly_for_unequal_norms():
    a, b = _pair()
    b = 2 * b / b.norm() * a.norm()
    path = interpolate(a, b, 11, "slerp")
    expected = torch.linspace(float(a.norm()), float(b.norm()), 11)
    assert torch.allclose(path.norm(dim=1), expected, rtol=1e-5)


@pytest.mark.parametrize("mode", ["lerp", "slerp"])
def test_interpolation_endpoints_are_exact_and_shape(mode):
    a, b = _pair()
    path = interpolate(a, b, 7, mode)
    assert path.shape == (7, DIM)
    assert torch.equal(path[0], a) and torch.equal(path[-1], b)
    assert not torch.equal(path[3], a)


def test_slerp_of_parallel_vectors_falls_back_to_lerp():
    a = torch.ones(DIM)
    path = interpolate(a, 3 * a, 5, "slerp")
    assert torch.allclose(path, interpolate(a, 3 * a, 5, "lerp"))


def test_interpolate_rejects_bad_arguments():
    a, b = _pair()
    with pytest.raises(ValueError):
        interpolate(a, b, 1)
    with pytest.raises(ValueError):
        interpolate(a, b, 5, "cubic")


# -- blends and arithmetic ----------------------------------------------------------------------------------------------

def test_blend_of_four_equal_corners_is_constant():
    z = latent_for_seed(5, DIM)
    blend = corner_blend(z, z, z, z, rows=4, cols=6)
    assert blend.shape == (24, DIM)
    assert torch.allclose(blend, z.expand(24, -1))


def test_corner_blend_corners_are_exact_and_centre_is_the_mean():
    corners = seed_latents([1, 2, 3, 4], DIM)
    blend = corner_blend(*corners, rows=5, cols=5).reshape(5, 5, DIM)
    assert torch.allclose(blend[0, 0], corners[0]) and torch.allclose(blend[0, -1], corners[1])
    assert torch.allclose(blend[-1, 0], corners[2]) and torch.allclose(blend[-1, -1], corners[3])
    assert torch.allclose(blend[2, 2], corners.mean(dim=0), atol=1e-6)


def test_arithmetic_is_linear():
    a, b, c, d = seed_latents([1, 2, 3, 4], DIM)
    assert torch.allclose(arithmetic(a, b, c), a - b + c)
    assert torch.allclose(arithmetic(2 * a, 2 * b, 2 * c), 2 * arithmetic(a, b, c))
    assert torch.allclose(arithmetic(a + d, b + d, c), arithmetic(a, b, c))
    assert torch.allclose(arithmetic(a, a, c), c)


def test_truncation_scales_latents():
    z = sample_latents(8, DIM, 0)
    assert torch.allclose(truncate(z, 0.5), 0.5 * z)
    assert torch.equal(truncate(z, 1.0), z)
    assert torch.count_nonzero(truncate(z, 0.0)) == 0


@pytest.mark.parametrize("demo, space", [("digits-stylegan", "w"), ("digits-gan", "z"), ("digits-ddpm", "z")])
def test_smaller_psi_gives_other_samples_with_less_spread(demo, space):
    """psi does what the page's help promises for each family: a StyleGAN pulls w toward w_avg (its mapping
    network pixel-normalises z, so scaling z alone changed nothing), the others scale z."""
    from gan_core.store import DEMO_DIR

    model = LatentModel.load(DEMO_DIR / f"{demo}.pt")
    assert model.truncation_space == space
    grids = [model.sample(36, seed=0, truncation=psi) for psi in (1.0, 0.7, 0.3, 0.05)]
    assert all(not torch.equal(a, b) for i, a in enumerate(grids) for b in grids[i + 1:])
    spread = [float(grid.std(dim=0).mean()) for grid in grids]
    assert spread == sorted(spread, reverse=True) and spread[-1] < 0.5 * spread[0], spread


def test_an_image_model_on_a_cpu_draws_in_chunks_sized_to_its_images_with_the_same_samples():
    """10,000 digits took 0.85 s in chunks of 512 and 1.23 s in chunks of 1,024; 28-px mnist-cgan 3.2 s in chunks of
    128 and 5.3 s in 1,024; 1,000 digits-ddpm samples 5.1 s and 8.4 s (gan_core/latents.py). The chunk changes no
    sample: batch norm in eval mode (a GAN, StackGAN's second stage), StyleGAN's constant noise, DDIM's chain."""
    from gan_core.latents import GENERATE_BATCH
    from gan_core.store import DEMO_DIR

    sizes = {name: LatentModel.load(DEMO_DIR / f"{name}.pt").chunk_size
             for name in ("digits-gan", "mnist-cgan", "mnist-vae", "digits-ddpm", "ring8-fixed", "ring8-ddpm")}
    assert sizes == {"digits-gan": 512, "mnist-cgan": 128, "mnist-vae": 256, "digits-ddpm": 512,
                     "ring8-fixed": GENERATE_BATCH, "ring8-ddpm": GENERATE_BATCH}, sizes  # 2-D points as before
    for name in ("mnist-cgan", "digits-stylegan", "shapes-stackgan"):
        model = LatentModel.load(DEMO_DIR / f"{name}.pt")
        z = torch.randn(300, model.latent_dim, generator=torch.Generator().manual_seed(0))
        model.chunk_size = 64
        chunked = model.decode(z)
        model.chunk_size = 300
        assert torch.allclose(chunked, model.decode(z), atol=1e-5), name  # float rounding at most, on any CPU


@pytest.mark.parametrize("demo", ["digits-progan", "digits-pix2pix"])
def test_a_model_that_cannot_truncate_says_so(demo, tmp_path):
    from gan_core.latents import TruncationError
    from gan_core.store import DEMO_DIR

    model = LatentModel.load(DEMO_DIR / f"{demo}.pt")
    assert model.truncation_space == ""
    assert torch.equal(model.sample(4, seed=1, truncation=1.0), model.sample(4, seed=1))
    with pytest.raises(TruncationError):
        model.sample(4, seed=1, truncation=0.5)
    assert main(["sample", str(DEMO_DIR / f"{demo}.pt"), "--n", "4", "--truncation", "0.5",
                 "--out", str(tmp_path / "x.npy"), "--quiet"]) != 0


def test_sweep_and_move_shapes_and_values():
    z = latent_for_seed(1, DIM)
    sweep = sweep_dimension(z, 3, [-1.0, 0.0, 2.0])
    assert sweep.shape == (3, DIM)
    assert sweep[:, 3].tolist() == [-1.0, 0.0, 2.0]
    assert torch.equal(sweep[:, :3], z[:3].expand(3, -1)) and torch.equal(sweep[:, 4:], z[4:].expand(3, -1))
    direction = torch.zeros(DIM)
    direction[0] = 1.0
    moved = move_along(z, direction, [0.0, 1.5])
    assert moved.shape == (2, DIM)
    assert torch.equal(moved[0], z) and torch.isclose(moved[1, 0], z[0] + 1.5)


def test_sample_latents_is_seeded():
    assert torch.equal(sample_latents(5, DIM, 7), sample_latents(5, DIM, 7))
    assert not torch.equal(sample_latents(5, DIM, 7), sample_latents(5, DIM, 8))
    assert torch.equal(latent_for_seed(7, DIM), sample_latents(1, DIM, 7)[0])
    assert torch.equal(seed_latents([7, 9], DIM)[1], latent_for_seed(9, DIM))
    assert seed_latents([], DIM).shape == (0, DIM)


def test_latent_grid_layout():
    grid = latent_grid(-2.0, 2.0, 3)
    assert grid.shape == (9, 2)
    assert grid[0].tolist() == [-2.0, 2.0]  # top-left first: x increases along a row, y decreases down rows
    assert grid[2].tolist() == [2.0, 2.0]
    assert grid[4].tolist() == [0.0, 0.0]
    assert grid[-1].tolist() == [2.0, -2.0]


def test_class_grid_shares_latents_down_each_column():
    latents, labels = class_grid_latents(3, 4, DIM, seed=2)
    assert latents.shape == (12, DIM) and labels.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert torch.equal(latents[:4], sample_latents(4, DIM, 2))
    assert torch.equal(latents[4:8], latents[:4]) and torch.equal(latents[8:], latents[:4])


def test_edit_latent_applies_offsets_and_directions():
    z = latent_for_seed(3, DIM)
    assert torch.equal(edit_latent(z), z)
    directions = torch.eye(DIM)[:2]
    edited = edit_latent(z, {5: 1.0}, directions, [0.5, -2.0])
    expected = z.clone()
    expected[5] += 1.0
    expected[0] += 0.5
    expected[1] -= 2.0
    assert torch.allclose(edited, expected)
    assert torch.equal(z, latent_for_seed(3, DIM))  # the input is not modified


def test_plane_grid_lines_layout():
    lines = plane_grid_lines(4, 2.0, n_lines=3, points_per_line=5)
    assert lines.shape == (6, 5, 4)
    assert torch.count_nonzero(lines[:, :, 2:]) == 0
    assert lines[0, :, 0].tolist() == [-2.0] * 5 and lines[0, :, 1].tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert lines[3, :, 1].tolist() == [-2.0] * 5 and lines[3, :, 0].tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]
    with pytest.raises(ValueError):
        plane_grid_lines(1, 2.0)


# -- a trained model: directions, and the page agreeing with the CLI --------------------------------------------------

TINY = ["--hidden", "16", "--depth", "2", "--batch-size", "32", "--metrics-every", "0", "--sample-every", "10",
        "--quiet"]


@pytest.fixture(scope="module")
def ring_checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("latents") / "ring.pt"
    assert main(["train", "--dataset", "ring8", "--latent-dim", "4", "--steps", "20", "--seed", "1", "--out", str(out),
                 *TINY]) == 0
    return out


@pytest.fixture(scope="module")
def ring_model(ring_checkpoint):
    return LatentModel.load(ring_checkpoint)


def test_principal_directions_are_unit_and_deterministic(ring_model):
    directions, variance = ring_model.principal_directions(count=2, n=300)
    again, variance_again = ring_model.principal_directions(count=2, n=300)
    assert directions.shape == (2, 4)
    assert torch.allclose(directions.norm(dim=1), torch.ones(2), atol=1e-5)
    assert torch.equal(directions, again) and variance == variance_again
    assert all(0 <= v <= 1 for v in variance) and variance[0] >= variance[1]


def test_model_sample_equals_cli_sample(ring_checkpoint, ring_model, tmp_path):
    out = tmp_path / "x.npy"
    assert main(["sample", str(ring_checkpoint), "--n", "25", "--seed", "11", "--out", str(out), "--quiet"]) == 0
    assert np.array_equal(np.load(out), ring_model.sample(25, seed=11).numpy())
    assert main(["sample", str(ring_checkpoint), "--n", "25", "--seed", "11", "--truncation", "0.5", "--out", str(out),
                 "--quiet"]) == 0
    assert np.array_equal(np.load(out), ring_model.sample(25, seed=11, truncation=0.5).numpy())
    assert not np.array_equal(np.load(out), ring_model.sample(25, seed=12, truncation=0.5).numpy())


@pytest.mark.parametrize("mode", ["lerp", "slerp"])
def test_page_strip_equals_cli_interpolate(ring_checkpoint, ring_model, tmp_path, mode):
    from app.sample_compute import interpolation_strips

    out = tmp_path / "walk.npy"
    assert main(["interpolate", str(ring_checkpoint), "--seed-a", "4", "--seed-b", "9", "--steps", "6", "--mode", mode,
                 "--out", str(out), "--quiet"]) == 0
    strips = interpolation_strips(ring_model, latent_for_seed(4, 4), latent_for_seed(9, 4), 6)
    assert np.array_equal(np.load(out), strips[mode].outputs.numpy())
    other = "slerp" if mode == "lerp" else "lerp"
    assert not np.array_equal(np.load(out), strips[other].outputs.numpy())


def test_page_grid_equals_cli_sample(ring_checkpoint, ring_model, tmp_path):
    from app.sample_compute import GridSettings, sample_grid

    out = tmp_path / "grid.npy"
    assert main(["sample", str(ring_checkpoint), "--n", "300", "--seed", "5", "--truncation", "0.7", "--out", str(out),
                 "--quiet"]) == 0
    grid = sample_grid(ring_model, GridSettings(seed=5, n_points=300, truncation=0.7))
    assert np.array_equal(np.load(out), grid.outputs.numpy())


def test_the_manifold_map_png_keeps_every_pixel_at_its_faster_compression():
    """manifold_png encodes at zlib level 1 (a 25x25 map of digits took 39-51 ms at the default level 6, 8 ms at 1):
    the picture must come back pixel for pixel, and the level must reach the encoder."""
    import io

    from PIL import Image

    from app.sample_compute import Decoded, manifold_png
    from gan_core.images import make_grid, png_bytes

    tiles = torch.rand(25 * 25, 1, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1  # continuous tone
    latent_map = Decoded(latents=torch.zeros(625, 2), labels=None, outputs=tiles, nrow=25)
    grid = make_grid(tiles, nrow=25, padding=0)
    shown = np.asarray(Image.open(io.BytesIO(manifold_png(latent_map, target=400))).convert("RGB"))
    np.testing.assert_array_equal(shown, grid)
    assert manifold_png(latent_map, target=400) == png_bytes(grid, compress_level=1) != png_bytes(grid)


def test_a_grey_picture_is_saved_with_one_channel_and_the_same_pixels():
    """Digits are grey: their PNG has one channel (mnist-vae-2d's map 279 KB and 17.5 ms against 434 KB and 36.9 ms
    with three); a picture in colour keeps its three."""
    import io

    from PIL import Image

    from gan_core.images import make_grid, png_bytes

    grey = make_grid(torch.rand(36, 1, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1, nrow=6)
    colour = make_grid(torch.rand(36, 3, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1, nrow=6)
    for picture, mode in ((grey, "L"), (colour, "RGB")):
        image = Image.open(io.BytesIO(png_bytes(picture)))
        assert image.mode == mode
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), picture)
    three = io.BytesIO()
    Image.fromarray(grey).save(three, format="PNG")  # the same grey picture with three channels
    assert len(png_bytes(grey)) < 0.8 * len(three.getvalue())


def test_a_shown_picture_is_a_png_of_its_enlarged_pixels_encoded_once(monkeypatch):
    """The pages show arrays as PNGs (app.pictures over enlarged_png), not as Streamlit's JPEG: the enlarged grid comes back pixel for
    pixel, in a fifth of the JPEG's bytes or less, and a page that redraws the same picture every second encodes it
    once; a changed pixel or another zoom is encoded afresh."""
    import io

    from PIL import Image

    from app import pictures
    from gan_core import images
    from gan_core.checkpoints import load_checkpoint
    from gan_core.training import Trainer

    grid = Trainer.from_checkpoint(load_checkpoint("checkpoints/digits-gan.pt")).take_snapshot()["grid"]
    zoom = images.display_scale(grid.shape[0], 440)
    encode, encoded = images.png_bytes, []
    monkeypatch.setattr(images, "png_bytes", lambda array, level: encoded.append(array.shape) or encode(array, level))
    pictures.picture_bytes.clear()
    data = pictures.picture_bytes(grid, zoom)
    shown = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    np.testing.assert_array_equal(shown, images.upscale(grid, zoom))
    jpeg = io.BytesIO()
    Image.fromarray(images.upscale(grid, zoom)).save(jpeg, format="JPEG", quality=100)  # what st.image makes of it
    assert len(data) < 0.25 * len(jpeg.getvalue())
    assert pictures.picture_bytes(grid.copy(), zoom) == data and len(encoded) == 1  # the same pixels: no second encoding
    changed = grid.copy()
    changed[0, 0] = 255 - changed[0, 0]
    assert pictures.picture_bytes(changed, zoom) != data and pictures.picture_bytes(grid, zoom + 1) != data
    assert len(encoded) == 3
