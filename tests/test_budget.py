"""A run's memory, estimated from its config before anything is allocated, and the refusal of one that cannot fit."""
import time

import pytest
import torch

from gan_core import budget
from gan_core.config import ConfigError, TrainConfig
from gan_core.presets import PRESETS, preset_config

ISSUE_CONFIG = dict(hidden=1024, image_size=32)  # digits-gan at the widest width: 12 GB of weights and Adam alone


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_well_inside_the_default_budget(name, monkeypatch):
    monkeypatch.delenv("LATENT_LAB_RUN_MEMORY_MB", raising=False)
    found = budget.estimate(preset_config(name))
    assert 0 < found.total < budget.limit_bytes() / 4, budget.format_bytes(found.total)
    assert found.checkpoint < 32 * 2**20  # its checkpoint opens again, with room to spare
    assert budget.problems(preset_config(name)) == {}


def test_the_widest_digits_gan_is_refused_in_one_sentence_naming_the_width(monkeypatch):
    monkeypatch.delenv("LATENT_LAB_RUN_MEMORY_MB", raising=False)
    config = preset_config("digits-gan", **ISSUE_CONFIG)
    assert config.validate() == {}  # every setting is within its range: only the whole is too big
    began = time.perf_counter()
    found = budget.estimate(config)
    assert time.perf_counter() - began < 5  # built on the meta device: nothing allocated
    assert found.parameters > 700e6 and found.total > 10 * 2**30
    assert found.optimiser == 2 * found.weights == 2 * found.gradients
    problems = budget.problems(config)
    assert list(problems) == ["hidden"]
    assert problems["hidden"].count(". ") == 0 and "1.0 GB" in problems["hidden"]
    with pytest.raises(ConfigError) as raised:
        budget.check(config)
    assert raised.value.field == "hidden"


LARGEST_2D = dict(hidden=1024, depth=6, batch_size=2048, latent_dim=256, latent_components=256)  # every field in range


def test_a_run_whose_checkpoint_latent_lab_could_not_open_is_refused_before_it_trains(monkeypatch):
    from gan_core.checkpoints import MAX_CHECKPOINT_BYTES

    monkeypatch.delenv("LATENT_LAB_RUN_MEMORY_MB", raising=False)
    config = preset_config("ring8-fixed", **LARGEST_2D)
    assert config.validate() == {}
    found = budget.estimate(config)
    assert found.total <= budget.limit_bytes()  # its memory fits: only the file it would save is too big
    assert found.weights + found.optimiser > MAX_CHECKPOINT_BYTES
    problems = budget.problems(config)
    assert list(problems) == ["hidden"] and "64 MB" in problems["hidden"] and "depth" in problems["hidden"]
    with pytest.raises(ConfigError, match="checkpoint"):
        budget.check(config)
    assert budget.problems(preset_config("ring8-fixed", hidden=512, depth=6)) == {}  # 2.6M parameters: 32 MB


def test_the_checkpoint_estimate_holds_a_saved_checkpoint(tmp_path):
    """The refusal above is only as good as its estimate: a real file lands between weights + Adam and the bound."""
    from gan_core.checkpoints import save_checkpoint, trainer_payload
    from gan_core.training import Trainer

    config = preset_config("ring8-fixed", hidden=256, steps=3, sample_every=1, metrics_every=1)
    trainer = Trainer(config)
    while trainer.step_count < config.steps:
        trainer.step()
    path = tmp_path / "run.pt"
    save_checkpoint(trainer_payload(trainer, name="t"), path)
    found = budget.estimate(config)
    assert found.weights + found.optimiser <= path.stat().st_size <= found.checkpoint


def test_a_step_time_is_written_without_an_exponent():
    assert [budget.format_seconds(s) for s in (0.00213, 0.45, 3.24, 199.7, 1234.0, 0.0000123)] == \
        ["0.0021", "0.45", "3.2", "200", "1,200", "0.000012"]


def test_a_huge_batch_is_blamed_on_the_batch_size():
    config = preset_config("digits-gan", batch_size=4096, image_size=32, hidden=128)
    assert list(budget.problems(config)) == ["batch_size"]


def test_the_server_owner_sets_the_budget(monkeypatch):
    config = preset_config("digits-gan", batch_size=1024, image_size=32)  # about 1.9 GB, a 27 MB checkpoint
    monkeypatch.setenv("LATENT_LAB_RUN_MEMORY_MB", "1024")
    assert budget.problems(config)
    monkeypatch.setenv("LATENT_LAB_RUN_MEMORY_MB", "4096")
    assert budget.problems(config) == {}
    monkeypatch.setenv("LATENT_LAB_RUN_MEMORY_MB", "64")
    assert "64.0 MB" in budget.problems(preset_config("stacked-digits-gan"))["dataset"]  # 25,000 colour images


def test_memory_grows_with_what_shapes_it():
    small = budget.estimate(TrainConfig(dataset="digits", hidden=32, batch_size=64))
    assert budget.estimate(TrainConfig(dataset="digits", hidden=64, batch_size=64)).weights > 3 * small.weights
    assert budget.estimate(TrainConfig(dataset="digits", hidden=32, batch_size=128)).activations == 2 * small.activations
    assert budget.estimate(TrainConfig(dataset="digits", hidden=32, batch_size=64, steps=9)).total == small.total
    assert small.step_seconds > 0


@pytest.mark.parametrize("name", ["ring8-fixed", "digits-gan", "digits-pix2pix"])
@pytest.mark.parametrize("device", ["cpu", "meta"])
def test_spectral_norm_costs_no_memory_per_sample(name, device, monkeypatch):
    """Ticking "Spectral norm on D" took ring8-fixed's estimate from 10 MB to 228 MB: the parametrization that makes
    the normalised weight was counted as a layer, its weight as one sample's values. SN changes no layer's output."""
    plain = _estimate_traced_on(device, preset_config(name), monkeypatch)
    normalised = _estimate_traced_on(device, preset_config(name, spectral_norm=True), monkeypatch)
    assert normalised == plain
    # the shape-only bound (a family's forward that cannot be traced) finds the normalised weights too
    shape, classes, _ = budget.data_shape(preset_config(name))
    bounds = []
    for sn in (False, True):
        with torch.device("meta"):
            models = budget.build_models(preset_config(name, spectral_norm=sn), shape, classes)
        bounds.append(budget._bound(budget._layers(models["discriminator"]), preset_config(name), shape))
    assert bounds[0] == bounds[1] and bounds[0][0] > 0


def test_no_job_is_made_for_a_run_that_cannot_fit(monkeypatch):
    from gan_core.runtime import worker

    monkeypatch.delenv("LATENT_LAB_RUN_MEMORY_MB", raising=False)
    for mode in ("thread", "process"):
        monkeypatch.setenv("LATENT_LAB_WORKERS", mode)
        with pytest.raises(ConfigError, match="more than the 1.0 GB"):
            worker.new_job(preset_config("digits-gan", **ISSUE_CONFIG))


def _estimate_traced_on(device: str, config: TrainConfig, monkeypatch) -> budget.Estimate:
    monkeypatch.setattr(budget, "CPU_TRACE_PARAMETERS", float("inf") if device == "cpu" else -1)
    budget._estimate.cache_clear()
    try:
        return budget.estimate(config)
    finally:
        budget._estimate.cache_clear()


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_small_network_traced_on_the_cpu_counts_what_the_meta_trace_counts(name, monkeypatch):
    # the CPU trace runs over zero-filled weights (a classic model's; a family keeps the meta trace)
    config = preset_config(name)
    assert _estimate_traced_on("cpu", config, monkeypatch) == _estimate_traced_on("meta", config, monkeypatch)
    if config.family is None:  # ... and it really ran, rather than handing over to the meta trace
        assert budget._traced_on_cpu(config, *budget.data_shape(config)[:2]) is not None


def test_the_check_of_a_classic_run_imports_neither_torch_dynamo_nor_sympy():
    # a fresh server's first Train page, and every CLI command, pays for what the check imports: the meta trace's
    # first decomposition imports torch._dynamo (about a second), so does DCGAN's initialiser on meta weights
    # (1.5 s for digits-gan), and moving meta weights to the CPU imports sympy (half a second)
    import subprocess
    import sys
    code = ("import sys; from gan_core import budget; from gan_core.presets import preset_config; "
            "[budget.check(preset_config(name)) for name in ('ring8-fixed', 'digits-gan', 'mnist-gan', 'digits-vae')]; "
            "print(sorted(name for name in ('torch._dynamo', 'sympy') if name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_the_check_leaves_the_callers_random_stream_as_it_was():
    # the CPU trace draws no random number: a Trainer in another thread may be between its manual_seed and its build
    budget._estimate.cache_clear()
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    budget.estimate(preset_config("digits-gan", hidden=24))
    assert torch.equal(torch.rand(3), expected)
