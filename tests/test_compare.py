"""gan_core.evaluation.compare: best-per-row marks, CSV/JSON round trips, payload -> Checkpoint, the collapse-lab configs."""
import json
import math
from pathlib import Path

import pytest
import torch

from gan_core.evaluation import compare
from gan_core.checkpoints import CheckpointError, load_checkpoint, save_checkpoint, trainer_payload
from gan_core.config import TrainConfig
from gan_core.evaluation.evaluate import evaluate_checkpoint, quick_metrics
from gan_core.latents import LatentModel
from gan_core.training import Trainer

ROOT = Path(__file__).resolve().parent.parent


def _trained(config, steps=None):
    trainer = Trainer(config, metrics_fn=quick_metrics)  # as the app's runs: metric curves recorded
    for _ in range(steps or config.steps):
        trainer.step()
    return trainer


def _result(label, dataset="ring8", **values):
    return {"label": label, "dataset": dataset, "step": 100, "n_samples": 500, "seed": 0,
            "config": {"model": "gan", "dataset": dataset}, "metrics": {"n_modes": 8, **values}}


# -- best per row -----------------------------------------------------------------------------------------
def test_best_indices_follow_the_direction_and_share_ties():
    assert compare.best_indices([3, 8, 5], "higher") == [1]
    assert compare.best_indices([0.4, 0.1, 0.9], "lower") == [1]
    assert compare.best_indices([8, 8, 5], "higher") == [0, 1]  # a tie shares the mark
    assert compare.best_indices([8, 8], "higher") == []  # everyone equal: nothing to point at
    assert compare.best_indices([None, 0.2, float("nan"), 0.3], "lower") == [1]  # missing values are skipped
    assert compare.best_indices([None, 0.2], "lower") == []  # one number is not a comparison
    assert compare.best_indices([1, 2], "") == []



def test_a_tiny_value_is_written_in_plain_decimals_beside_the_others():
    """Mode Collapse's table showed a good run's KID as "9.2e-04" in a column of 0.0017 and 0.035."""
    shown = [compare.display_number(v) for v in (9.2e-4, -4.6e-5, 2.5e-6, 0.0017, 3e-9)]
    assert shown == ["0.00092", "-0.000046", "0.0000025", "0.0017", "3.0e-09"]
    assert compare.best_indices([9.2e-4, 9.4e-4], "lower") == [0]  # two figures: still told apart

def test_values_that_look_the_same_tie_in_every_row():
    # one rule for every row: values equal as shown share the mark, and when everyone ties nobody gets it
    assert compare.display_number(1.2551) == compare.display_number(1.2549) == "1.255"
    assert compare.best_indices([1.2551, 1.2549], "higher") == []
    assert compare.best_indices([0.0121, 0.0124], "lower") == []  # reverse KL 0.012 vs 0.012
    assert compare.best_indices([0.0121, 0.0124, 0.5], "lower") == [0, 1]
    assert compare.best_indices([1.2551, 1.2549, 1.1], "higher") == [0, 1]
    assert compare.best_indices([0.0121, 0.0134], "lower") == [0]  # 0.012 vs 0.013: told apart
    table = compare.comparison_table([_result("a", reverse_kl=0.0121, precision=0.9001),
                                      _result("b", reverse_kl=0.0124, precision=0.8999)])
    assert all(row["best"] == [] for row in table["rows"])


def test_kid_below_zero_is_about_zero_and_earns_no_star_over_another_such_value():
    """The collapse lab's table starred wgan-gp's KID of -2.5e-04 over pacgan's -4.6e-05: both are 0 within KID's
    noise (it is unbiased, so a good run scatters around 0). They tie now; a run clearly above 0 is still beaten."""
    def kid_row(*kids):
        table = compare.comparison_table([_result(f"run{i}", kid=kid) for i, kid in enumerate(kids)])
        return next(row for row in table["rows"] if row["metric"] == "kid")

    row = kid_row(-4.6e-05, -2.5e-04, 0.02)
    assert row["best"] == [0, 1] and row["values"] == [-4.6e-05, -2.5e-04, 0.02]  # shown as measured
    assert kid_row(-4.6e-05, -2.5e-04)["best"] == []  # everyone about 0: nothing to point at
    assert kid_row(0.001, 0.02)["best"] == [0]


def test_diversity_is_best_closest_to_the_real_datas_value_which_the_row_carries():
    # the collapsed run is not the most diverse one here: a noisy run overshoots the real data's 1.25
    results = [_result("noisy", diversity=1.90, diversity_real=1.25),
               _result("good", diversity=1.22, diversity_real=1.25),
               _result("collapsed", diversity=0.30, diversity_real=1.25)]
    row = next(row for row in compare.comparison_table(results)["rows"] if row["metric"] == "diversity")
    assert row["better"] == "closest" and row["real"] == [1.25, 1.25, 1.25]
    assert row["best"] == [1]
    # as displayed: 1.220 and 1.280 are both 0.030 from 1.250, a tie shared; everyone tied: no star
    assert compare.best_indices([1.2201, 1.2799, 0.3], "closest", [1.25] * 3) == [0, 1]
    assert compare.best_indices([1.2201, 1.2799], "closest", [1.25] * 2) == []
    assert compare.best_indices([1.2, 1.3], "closest", [None, None]) == []  # no yardstick, no star
    back = compare.from_csv(compare.to_csv(compare.comparison_table(results)))
    assert next(r for r in back["rows"] if r["metric"] == "diversity")["real"] == [1.25, 1.25, 1.25]


def test_sampling_time_gets_no_star_within_the_noise():
    # seen on the page: ring8-vanilla and ring8-fixed swapped "winners" between seeds (both ~0.0007 ms)
    def table(*timings):
        return compare.comparison_table([_result(f"run{i}", sample_ms=median, sample_ms_spread=spread)
                                         for i, (median, spread) in enumerate(timings)])

    def timing_row(*timings):
        return next(row for row in table(*timings)["rows"] if row["metric"] == "sample_ms")

    burst = timing_row((0.060, [0.00066, 0.0736]), (0.00096, [0.00067, 0.0011]))  # spreads overlap
    assert burst["best"] == [] and burst["spread"] == [[0.00066, 0.0736], [0.00067, 0.0011]]
    calm = timing_row((0.00062, [0.00058, 0.00065]), (0.00141, [0.00075, 0.0028]))  # 2.3x apart, calm moments
    assert calm["best"] == []
    diffusion = timing_row((0.0007, [0.0006, 0.0009]), (0.21, [0.2, 0.25]), (0.0009, [0.0008, 0.001]))
    assert diffusion["best"] == [0, 2]  # one pass against a denoiser run per step: both GANs share the ★
    assert compare.best_indices([0.0007, 0.21], "lower", spread=[None, None],
                                noise_factor=compare.TIMING_NOISE_FACTOR) == [0]


class _TimedModel:
    """Stands in for a LatentModel: sample() sleeps `first` seconds on its first call, `then` afterwards."""

    def __init__(self, first, then):
        self.first, self.then, self.calls = first, then, []

    def sample(self, n, seed=0):
        import time
        time.sleep(self.first if not self.calls else self.then)
        self.calls.append(n)
        return torch.full((n, 2), float(seed))


def test_sampling_is_timed_after_a_warm_up_as_the_median_of_repeats(monkeypatch):
    model = _TimedModel(first=0.2, then=0.002)  # a cold first call must not be the number
    samples, timing = compare.time_sampling(model, 1000, seed=3)
    assert model.calls == [compare.TIMING_WARMUP] + [1000] * compare.TIMING_REPEATS
    assert timing["repeats"] == compare.TIMING_REPEATS and torch.equal(samples, torch.full((1000, 2), 3.0))
    assert timing["low_ms"] <= timing["median_ms"] <= timing["high_ms"]
    assert timing["median_ms"] < 0.2 * 1000 / 1000 / 4  # far below the cold call's 0.2 ms per sample
    monkeypatch.setattr(compare, "TIMING_BUDGET_S", 0.05)
    slow = _TimedModel(first=0.0, then=0.03)  # a diffusion-like model: the repeats stop at the budget
    _, timing = compare.time_sampling(slow, 10, seed=0)
    assert slow.calls == [10, 10, 10] and timing["repeats"] == 2

def test_table_marks_best_value_per_row_using_metric_info():
    results = [
        _result("vanilla", modes_covered=3, high_quality_fraction=0.95, reverse_kl=1.2, precision=0.9),
        _result("fixed", modes_covered=8, high_quality_fraction=0.80, reverse_kl=0.01, precision=0.7),
        {"label": "broken", "error": "broken.pt is not a readable checkpoint (truncated or corrupt file)."},
    ]
    table = compare.comparison_table(results)
    rows = {row["metric"]: row for row in table["rows"]}
    assert [run["label"] for run in table["runs"]] == ["vanilla", "fixed", "broken"]
    assert list(rows) == ["modes_covered", "high_quality_fraction", "reverse_kl", "precision"]  # teaching order
    assert rows["modes_covered"]["best"] == [1]  # higher is better
    assert rows["reverse_kl"]["best"] == [1]  # lower is better
    assert rows["high_quality_fraction"]["best"] == [0]
    assert rows["precision"]["best"] == [0]
    assert rows["reverse_kl"]["values"] == [1.2, 0.01, None]  # the broken run has an empty column
    assert table["runs"][2]["error"].startswith("broken.pt")
    assert table["comparable"] and table["n_samples"] == 500 and table["seed"] == 0
    assert rows["modes_covered"]["better"] == "higher" and rows["reverse_kl"]["better"] == "lower"
    assert "n_modes" not in rows  # context, not a score


def test_table_of_different_datasets_marks_nothing_and_labels_stay_unique():
    results = [_result("run", modes_covered=3), _result("run", dataset="grid25", modes_covered=20)]
    table = compare.comparison_table(results)
    assert not table["comparable"]
    assert all(row["best"] == [] for row in table["rows"])
    assert [run["label"] for run in table["runs"]] == ["run", "run (2)"]


# -- export ---------------------------------------------------------------------------------------------------
def _example_table():
    return compare.comparison_table([
        _result("a, with comma", modes_covered=3, reverse_kl=0.123456789012345, kid=-0.00012),
        _result("b", modes_covered=8, reverse_kl=0.5, kid=float("nan")),
    ])


def test_csv_round_trip_keeps_exact_numbers_and_best_marks():
    table = _example_table()
    text = compare.to_csv(table)
    assert text.splitlines()[0] == 'metric,label,better,"a, with comma",b,best,real data'
    back = compare.from_csv(text)
    assert [run["label"] for run in back["runs"]] == ["a, with comma", "b"]
    for original, read in zip(table["rows"], back["rows"]):
        assert read["metric"] == original["metric"] and read["better"] == original["better"]
        assert read["values"] == original["values"]  # repr: exact floats; ints stay ints; NaN -> empty -> None
        assert read["best"] == original["best"]
    kid = next(row for row in back["rows"] if row["metric"] == "kid")
    assert kid["values"] == [-0.00012, None]
    with pytest.raises(ValueError, match="not a Latent Lab comparison CSV"):
        compare.from_csv("a,b\n1,2\n")
    older = compare.from_csv("metric,label,better,a,b,best\nfd,FD,lower,0.5,0.25,b\n")  # before `real data`
    assert older["rows"][0]["values"] == [0.5, 0.25] and older["rows"][0]["best"] == [1]


def test_json_round_trip_and_strict_json():
    table = _example_table()
    text = compare.to_json(table)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} is not valid JSON"))  # no NaN/Infinity
    back = compare.from_json(text)
    assert back["rows"] == json.loads(json.dumps(compare._json_safe(table)))["rows"]
    assert back["runs"][0]["label"] == "a, with comma" and back["format"] == compare.FORMAT
    with pytest.raises(ValueError):
        compare.from_json('{"format": "something else"}')
    with pytest.raises(ValueError):
        compare.from_json("not json")


# -- payload -> Checkpoint ---------------------------------------------------------------------------------
def test_mode_histogram_shows_a_collapsed_blob_far_from_every_mode(tiny_config, monkeypatch):
    trainer = _trained(tiny_config.replace(steps=1))
    model = LatentModel(compare.checkpoint_from_payload(trainer_payload(trainer)))
    blob = torch.tensor([0.45, 0.45]) + 0.01 * torch.randn(300, 2, generator=torch.Generator().manual_seed(0))
    monkeypatch.setattr(model, "sample", lambda n, seed=0: blob[:n])
    result = compare.evaluate_run(model, n=300, seed=0)
    assert result["metrics"]["high_quality_fraction"] == 0.0  # nothing within 3 sigma of a mode...
    assert max(result["histogram"]["generated"]) == pytest.approx(1.0)  # ...yet one bar holds every sample
    assert result["histogram"]["generated"][1] == pytest.approx(1.0)  # (0.45, 0.45) is nearest to mode 1 at 45°


def test_checkpoint_from_payload_matches_the_saved_file(tiny_config, tmp_path):
    trainer = _trained(tiny_config)
    payload = trainer_payload(trainer, name="live")
    from_memory = compare.checkpoint_from_payload(payload, "live")
    from_disk = load_checkpoint(save_checkpoint(payload, tmp_path / "live.pt"))
    assert from_memory.step == from_disk.step == tiny_config.steps
    assert from_memory.config == from_disk.config and from_memory.path == ""
    assert from_memory.metrics["steps"] == from_disk.metrics["steps"]
    a = LatentModel(from_memory).sample(64, seed=5)
    b = LatentModel(from_disk).sample(64, seed=5)
    assert torch.equal(a, b)


@pytest.mark.parametrize("payload", [None, {"format": "other"}, {"format": "latent-lab", "format_version": 1}])
def test_checkpoint_from_payload_refuses_junk_with_one_sentence(payload):
    with pytest.raises(CheckpointError) as error:
        compare.checkpoint_from_payload(payload, "lab-run")
    assert "lab-run" in str(error.value) and "\n" not in str(error.value)


# -- evaluating ------------------------------------------------------------------------------------------------
def test_evaluate_run_gives_the_numbers_of_evaluate_checkpoint(tiny_config, tmp_path):
    path = save_checkpoint(trainer_payload(_trained(tiny_config)), tmp_path / "tiny.pt")
    result = compare.evaluate_run(path, n=400, seed=3, label="tiny")
    reference = evaluate_checkpoint(path, n=400, seed=3)
    for key, value in reference.items():
        if isinstance(value, float):
            assert result["metrics"][key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        elif isinstance(value, (int, list)):
            assert result["metrics"][key] == value, key
    assert result["preview"]["points"].shape == (400, 2)
    assert len(result["reference"]["modes"]) == 8 and result["histogram"]["what"] == "modes"
    assert result["histogram"]["real"] == [0.125] * 8
    # every sample counts for its nearest mode, so the shares add up to 1 even for a blurry or collapsed run
    assert sum(result["histogram"]["generated"]) == pytest.approx(1.0)
    assert result["curves"]["steps"] == [10, 20] and "modes_covered" in result["curves"]["values"]


@pytest.mark.slow  # over 10 s on the 2-core machine
def test_evaluate_run_on_labelled_images_has_grid_and_real_class_histogram(tmp_path):
    config = TrainConfig(dataset="digits", model="gan", image_size=8, latent_dim=4, hidden=8, batch_size=16,
                         steps=2, sample_every=1, metrics_every=0)
    result = compare.evaluate_run(LatentModel(compare.checkpoint_from_payload(trainer_payload(_trained(config)))),
                                  n=200, seed=0, label="digits")
    assert result["preview"]["grid"].dtype.name == "uint8" and result["preview"]["grid"].ndim == 3
    histogram = result["histogram"]
    assert histogram["what"] == "classes" and len(histogram["names"]) == 10
    assert math.isclose(sum(histogram["real"]), 1.0) and min(histogram["real"]) > 0.05
    assert result["curves"] == {"steps": [], "values": {}}


def test_safe_evaluate_turns_failures_into_one_sentence(tmp_path, tiny_config):
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"this is not a checkpoint")
    result = compare.safe_evaluate(lambda: broken, "broken", n=100)
    assert result["label"] == "broken" and "broken.pt" in result["error"]
    assert "Traceback" not in result["error"] and "\n" not in result["error"]

    # a run on folder data whose folder has since moved: the model loads, the real data does not
    from PIL import Image

    folder = tmp_path / "pictures"
    folder.mkdir()
    for index in range(6):
        Image.new("RGB", (8, 8), (40 * index, 0, 0)).save(folder / f"{index}.png")
    config = TrainConfig(dataset=f"folder:{folder}", model="gan", image_size=8, latent_dim=4, hidden=8,
                         batch_size=4, steps=1, sample_every=1, metrics_every=0)
    path = save_checkpoint(trainer_payload(_trained(config)), tmp_path / "folder-run.pt")
    for picture in folder.iterdir():
        picture.unlink()
    folder.rmdir()
    result = compare.safe_evaluate(lambda: path, "folder-run", n=50)
    assert "error" in result and str(folder) in result["error"] and "\n" not in result["error"]


# -- the collapse lab -------------------------------------------------------------------------------------------
SHAPE_FIELDS = ("dataset", "n_points", "latent_dim", "hidden", "depth", "arch", "batch_size", "seed")


@pytest.mark.parametrize("base", compare.LAB_BASES)
def test_lab_configs_are_valid_and_differ_in_the_intended_way(base):
    arms = {run.key: run for run in compare.collapse_lab_runs(base)}
    assert list(arms) == ["vanilla", "pacgan", "wgan-gp", "vae", "topk", "deligan", "islands",
                          "weighted"] == list(compare.LAB_ARMS)
    for run in arms.values():
        run.config.check()
        for name in SHAPE_FIELDS:  # same data, same network size, same seed: a fair comparison
            assert getattr(run.config, name) == getattr(arms["vanilla"].config, name), (run.key, name)
        assert run.config.steps == arms["vanilla"].config.steps
    vanilla = arms["vanilla"].config.to_dict()

    def changed(key):
        return {k for k, v in arms[key].config.to_dict().items() if v != vanilla[k]}

    assert arms["vanilla"].config.model == "gan" and arms["vanilla"].config.loss == "ns"
    assert arms["vanilla"].config.pack == 1
    optimiser = {"lr_g", "lr_d", "beta1", "beta2", "lr_decay"}
    assert "pack" in changed("pacgan") and changed("pacgan") <= {"pack", "spectral_norm"} | optimiser
    assert arms["pacgan"].config.pack >= 2
    assert {"loss", "n_critic"} <= changed("wgan-gp") <= {"loss", "n_critic", "gp_weight"} | optimiser
    assert arms["wgan-gp"].config.loss == "wgan-gp" and arms["wgan-gp"].config.n_critic > 1
    # the toy experiments' penalty weight: with the images' 10, the ring8 lab's seed-0 run ended on 1 mode of 8
    # (BENCHMARKS, session 18: 0.1 covered 8/8 on seeds 0-3; a 1,500-step WGAN-GP run is too slow for this suite)
    assert arms["wgan-gp"].config.gp_weight == 0.1
    assert "model" in changed("vae") and changed("vae") <= {"model", "beta"} | optimiser
    assert arms["vae"].config.model == "vae" and arms["vae"].config.pack == 1
    assert {"top_k"} <= changed("topk") <= {"top_k", "top_k_gamma"} | optimiser
    assert arms["topk"].config.top_k < 1
    assert changed("deligan") <= {"latent_components", "latent_sigma_reg"} | optimiser
    assert arms["deligan"].config.latent_components >= 8
    assert arms["deligan"].config.latent_mixture == "learned"
    assert changed("islands") <= {"latent_components", "latent_mixture"} | optimiser
    assert arms["islands"].config.latent_mixture == "fixed" and arms["islands"].config.latent_components >= 64
    assert changed("weighted") == changed("islands") | {"latent_weight_lr"}  # the islands, and their weights
    assert arms["weighted"].config.latent_weight_lr > 0 and arms["islands"].config.latent_weight_lr == 0
    assert arms["vanilla"].demo == base  # the preset itself, so its demo can stand in
    assert len({run.job_name for run in arms.values()}) == 8


def test_lab_arms_can_be_run_one_at_a_time():
    assert [run.key for run in compare.collapse_lab_runs("ring8-vanilla", keys=["deligan"])] == ["deligan"]
    picked = compare.collapse_lab_runs("grid25-vanilla", keys=["topk", "vanilla"])
    assert [run.key for run in picked] == ["vanilla", "topk"]  # shown in the lab's order
    assert [run.key for run in compare.collapse_lab_runs(keys=compare.LAB_DEFAULT_ARMS)] == list(compare.LAB_DEFAULT_ARMS)
    with pytest.raises(KeyError, match="deligan"):
        compare.collapse_lab_runs(keys=["magic"])


def test_rejection_view_is_post_hoc_and_only_for_gans(tiny_config):
    gan = LatentModel(compare.checkpoint_from_payload(trainer_payload(_trained(tiny_config)), "g"))
    view = compare.rejection_view(gan, n=300, seed=0, label="g")
    assert view["post_hoc"] is True and "post-hoc" in view["post_hoc_label"]
    assert set(view["own"]) >= {"modes_covered", "high_quality_fraction"} and 0 < view["acceptance_rate"] <= 1
    vae = LatentModel(compare.checkpoint_from_payload(trainer_payload(_trained(tiny_config.replace(model="vae"))), "v"))
    assert compare.rejection_view(vae, n=100, label="v") == {"label": "v", "unavailable": True}


def test_lab_seed_override_and_unknown_base():
    arms = compare.collapse_lab_runs("ring8-vanilla", seed=7)
    assert {run.config.seed for run in arms} == {7}
    assert all(run.demo == "" for run in arms)  # no demo was trained with seed 7
    with pytest.raises(KeyError, match="ring8-vanilla"):
        compare.collapse_lab_runs("nope")


def test_demo_stands_in_only_for_the_same_config(tiny_config, tmp_path):
    path = save_checkpoint(trainer_payload(_trained(tiny_config)), tmp_path / "demo.pt")
    same = compare.LabRun("vanilla", "Plain GAN", "普通 GAN", tiny_config)
    assert compare.demo_stands_in(same, path)
    other = compare.LabRun("pacgan", "PacGAN", "PacGAN", tiny_config.replace(pack=2))
    assert not compare.demo_stands_in(other, path)
    longer = compare.LabRun("vanilla", "Plain GAN", "普通 GAN", tiny_config.replace(steps=40))
    assert not compare.demo_stands_in(longer, path)
    assert not compare.demo_stands_in(same, tmp_path / "missing.pt")
    recorded_otherwise = compare.LabRun("vanilla", "Plain GAN", "普通 GAN",
                                        tiny_config.replace(sample_every=7, metrics_every=0))
    assert compare.demo_stands_in(recorded_otherwise, path)  # the same weights, pictures taken at other steps


def test_recording_settings_do_not_change_what_a_run_learns(tiny_config):
    """demo_stands_in ignores sample_every and metrics_every: the weights must not depend on them."""
    weights = []
    for sample_every, metrics_every in ((5, 10), (25, 0), (7, 3)):
        trainer = _trained(tiny_config.replace(sample_every=sample_every, metrics_every=metrics_every))
        weights.append(trainer.models.state_dict())
    for other in weights[1:]:
        assert all(torch.equal(weights[0][k], other[k]) for k in weights[0])


def test_the_shipped_demo_stands_in_for_the_labs_plain_gan():
    """"Reuse identical demos" never reused one: the demo had other picture settings than the preset.
    (ring8-vanilla is the one lab base with a shipped demo.)"""
    plain = compare.collapse_lab_runs("ring8-vanilla", seed=0, keys=["vanilla"])[0]
    assert plain.demo == "ring8-vanilla"
    assert compare.demo_stands_in(plain, ROOT / "checkpoints" / "ring8-vanilla.pt")
