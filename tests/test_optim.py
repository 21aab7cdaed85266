"""gan_core.optim.Adam: torch.optim.Adam's numbers and state format, without importing torch._dynamo."""
from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import torch

from gan_core.checkpoints import load_checkpoint
from gan_core.optim import Adam
from gan_core.store import DEMO_DIR
from gan_core.training import Trainer


def _net(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.LeakyReLU(0.2), torch.nn.Linear(7, 2))


def _train(net: torch.nn.Module, optimiser, steps: int, seed: int = 1) -> None:
    data = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x = torch.randn(16, 5, generator=data)
        optimiser.zero_grad(set_to_none=True)
        net(x).pow(2).mean().backward()
        optimiser.step()


def _same(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("fused", [True, None])
def test_the_same_numbers_and_state_dict_as_torchs_adam(fused):
    ours, theirs = _net(), _net()
    ours_opt = Adam(ours.parameters(), lr=2e-3, betas=(0.5, 0.999), fused=fused)
    theirs_opt = torch.optim.Adam(theirs.parameters(), lr=2e-3, betas=(0.5, 0.999), fused=fused)
    _train(ours, ours_opt, 25)
    _train(theirs, theirs_opt, 25)
    assert _same(ours, theirs)
    assert not _same(ours, _net())  # it trained
    mine, torchs = ours_opt.state_dict(), theirs_opt.state_dict()
    assert mine["param_groups"] == torchs["param_groups"]
    assert mine["state"].keys() == torchs["state"].keys()
    for index, state in torchs["state"].items():
        assert mine["state"][index].keys() == state.keys()
        for key, value in state.items():
            ours_value = mine["state"][index][key]
            assert (ours_value.dtype, ours_value.device) == (value.dtype, value.device), key
            assert torch.equal(ours_value, value), key


@pytest.mark.parametrize("fused", [True, None])
def test_a_state_saved_by_either_continues_in_the_other(fused):
    # checkpoints saved before gan_core.optim (the shipped demos among them) hold torch.optim.Adam's state
    first, second = _net(), _net()
    saver = torch.optim.Adam(first.parameters(), lr=1e-3, betas=(0.5, 0.99), fused=fused)
    _train(first, saver, 10)
    second.load_state_dict(first.state_dict())
    ours = Adam(second.parameters(), lr=5.0, betas=(0.0, 0.0), fused=fused)  # the saved hyperparameters win
    ours.load_state_dict(copy.deepcopy(saver.state_dict()))
    assert ours.param_groups[0]["lr"] == 1e-3 and ours.param_groups[0]["betas"] == (0.5, 0.99)
    _train(first, saver, 10, seed=2)
    _train(second, ours, 10, seed=2)
    assert _same(first, second)
    back = torch.optim.Adam(first.parameters(), fused=fused)  # and ours loads into torch's
    back.load_state_dict(copy.deepcopy(ours.state_dict()))
    first.load_state_dict(second.state_dict())
    _train(first, back, 5, seed=3)
    _train(second, ours, 5, seed=3)
    assert _same(first, second)


def test_a_state_of_another_shape_is_refused_as_torch_refuses_it():
    optimiser = Adam(_net().parameters())
    state = torch.optim.Adam(torch.nn.Linear(2, 2).parameters()).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size"):
        optimiser.load_state_dict(state)


def test_a_shipped_demo_resumes_with_its_saved_optimiser_state():
    checkpoint = load_checkpoint(DEMO_DIR / "ring8-vanilla.pt")  # its optimiser state in torch.optim.Adam's format
    trainer = Trainer.from_checkpoint(checkpoint)
    saved = checkpoint.state["optimizers"]["generator"]["state"]
    resumed = trainer.opt_g.state_dict()["state"]
    assert resumed.keys() == saved.keys() and resumed
    assert all(torch.equal(resumed[i]["exp_avg_sq"], saved[i]["exp_avg_sq"]) for i in saved)
    steps_before = float(saved[0]["step"])
    trainer.config = trainer.config.replace(metrics_every=0, sample_every=10_000)
    trainer.step()
    assert float(trainer.opt_g.state_dict()["state"][0]["step"]) == steps_before + 1


def test_training_imports_no_torch_dynamo():
    # torch.optim's optimisers import torch._dynamo (1-1.5 s) when built: the CLI and each training worker pay it
    code = ("import sys\n"
            "from gan_core.checkpoints import save_checkpoint, trainer_payload\n"
            "from gan_core.evaluation.evaluate import quick_metrics\n"
            "from gan_core.config import TrainConfig\n"
            "from gan_core.training import Trainer\n"
            "import tempfile, pathlib\n"
            "for config in (TrainConfig(dataset='ring8', hidden=16, depth=2, batch_size=32, steps=4, sample_every=2,"
            " metrics_every=2),\n"
            "               TrainConfig(dataset='digits', model='vae', image_size=8, hidden=8, batch_size=8, steps=2),\n"
            "               TrainConfig(dataset='digits', model='ddpm', image_size=8, hidden=8, batch_size=8,"
            " diffusion_steps=20, sample_steps=4, steps=2)):\n"
            "    trainer = Trainer(config, metrics_fn=quick_metrics)\n"
            "    for _ in range(config.steps): trainer.step()\n"
            "    save_checkpoint(trainer_payload(trainer), pathlib.Path(tempfile.mkdtemp()) / 'run.pt')\n"
            "print('torch._dynamo' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, check=True)
    assert result.stdout.strip() == "False"
