"""The command line: the commands tests and outside checks call, and one-line errors with exit 2."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gan_core.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--hidden", "16", "--depth", "2", "--batch-size", "32", "--latent-dim", "2", "--metrics-every", "0"]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "a.pt"
    assert main(["train", "--dataset", "ring8", "--steps", "30", "--seed", "1", "--out", str(out), "--quiet", *TINY]) == 0
    return out


def test_presets_lists_one_line_each(capsys):
    from gan_core.presets import PRESETS

    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(PRESETS) and all(line.split()[0] in PRESETS for line in lines)
    assert {"ring8-vanilla", "ring8-fixed", "grid25-vanilla", "grid25-fixed", "digits-gan", "digits-vae",
            "digits-cgan", "shapes-gan", "stacked-digits-gan"} <= set(PRESETS)


def test_sample_writes_float32_points_and_is_seeded(checkpoint, tmp_path):
    a, b, c = tmp_path / "a.npy", tmp_path / "b.npy", tmp_path / "c.npy"
    for out, seed in ((a, 0), (b, 0), (c, 1)):
        assert main(["sample", str(checkpoint), "--n", "100", "--seed", str(seed), "--out", str(out), "--quiet"]) == 0
    x = np.load(a)
    assert x.dtype == np.float32 and x.shape == (100, 2)
    assert np.array_equal(x, np.load(b)) and not np.array_equal(x, np.load(c))
    assert main(["sample", str(checkpoint), "--n", "16", "--out", str(tmp_path / "s.png"), "--quiet"]) == 0
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"


def test_resume_matches_an_uninterrupted_run(checkpoint, tmp_path):
    straight, resumed = tmp_path / "straight.pt", tmp_path / "resumed.pt"
    assert main(["train", "--dataset", "ring8", "--steps", "50", "--seed", "1", "--out", str(straight), "--quiet", *TINY]) == 0
    assert main(["train", "--resume", str(checkpoint), "--steps", "20", "--out", str(resumed), "--quiet"]) == 0
    for path in (straight, resumed):
        assert main(["sample", str(path), "--n", "50", "--out", str(path.with_suffix(".npy")), "--quiet"]) == 0
    assert np.array_equal(np.load(straight.with_suffix(".npy")), np.load(resumed.with_suffix(".npy")))


def test_train_says_when_it_replaces_a_checkpoint_but_not_the_one_it_resumed(checkpoint, tmp_path, capsys):
    out = tmp_path / "again.pt"
    run = ["train", "--dataset", "ring8", "--steps", "5", "--seed", "1", "--out", str(out), *TINY]
    assert main(run) == 0 and "replacing" not in capsys.readouterr().out
    assert main(run) == 0 and "replacing the checkpoint that was there" in capsys.readouterr().out
    assert main(["train", "--resume", str(out), "--steps", "5", "--out", str(out)]) == 0
    assert "replacing" not in capsys.readouterr().out


def test_a_run_that_ends_between_two_snapshots_saves_a_picture_of_its_last_step(tmp_path):
    out = tmp_path / "odd.pt"
    assert main(["train", "--dataset", "ring8", "--steps", "23", "--sample-every", "5", "--out", str(out), "--quiet",
                 *TINY]) == 0
    from gan_core.checkpoints import load_checkpoint

    saved = load_checkpoint(out)
    assert saved.step == 23 and [s["step"] for s in saved.snapshots][-2:] == [20, 23]


def test_interpolate_writes_a_strip(checkpoint, tmp_path):
    out = tmp_path / "walk.npy"
    assert main(["interpolate", str(checkpoint), "--seed-a", "1", "--seed-b", "2", "--steps", "6", "--mode", "lerp",
                 "--out", str(out), "--quiet"]) == 0
    assert np.load(out).shape == (6, 2)


@pytest.mark.parametrize("name", ["digits-pix2pix", "digits-cyclegan"])
def test_interpolate_refuses_a_translation_model_in_one_line(name, tmp_path, capsys):
    """A translation model's z only picks a held-out picture: a 'walk' was a strip of unrelated translations."""
    out = tmp_path / "walk.png"
    assert main(["interpolate", str(ROOT / "checkpoints" / f"{name}.pt"), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "held-out picture" in err and "sample" in err
    assert not out.exists()


@pytest.mark.parametrize("argv, needle", [
    (["train", "--pack", "3", "--out", "x.pt"], "--pack"),
    (["train", "--loss", "magic", "--out", "x.pt"], "--loss"),
    (["train", "--steps", "0", "--out", "x.pt"], "--steps"),
    (["train", "--lr-g", "-1", "--out", "x.pt"], "--lr-g"),
    (["train", "--batch-size", "many", "--out", "x.pt"], "--batch-size"),
    (["train", "--model", "cgan", "--dataset", "ring8", "--out", "x.pt"], "--model"),
    (["train", "--dataset", "nowhere", "--out", "x.pt"], "--dataset"),
    (["train", "--preset", "digits-gan", "--hidden", "1024", "--image-size", "32", "--out", "x.pt"], "--hidden"),
    (["train", "--preset", "nope", "--out", "x.pt"], "preset"),
    (["train", "--dataset", "mnist", "--data-root", "/nonexistent", "--out", "x.pt"], "MNIST"),
    (["sample", "/nonexistent.pt", "--out", "x.npy"], "No checkpoint"),
    (["interpolate", "CKPT", "--mode", "zigzag", "--out", "x.png"], "--mode"),
    (["sample", "CKPT", "--n", "0", "--out", "x.npy"], "--n"),
    (["sample", "CKPT", "--n", "200000", "--out", "x.npy"], "--n must be between 1 and 100,000, got 200,000"),
    (["metrics", "CKPT", "--n", "5"], "--n must be between 10 and 100,000, got 5"),
    (["interpolate", "CKPT", "--steps", "1000", "--out", "x.png"], "--steps must be between 2 and 256, got 1,000"),
    (["sample", "CKPT", "--out", "x.jpg"], "--out"),
    # found by a review of the command line: each of these ended with a traceback-like line and exit 1, or exit 0
    (["sample", "CKPT", "--seed", "99999999999999999999", "--out", "x.npy"], "--seed must be between 0 and"),
    (["sample", "CKPT", "--seed", "-1", "--out", "x.npy"], "--seed must be between 0 and"),
    (["interpolate", "CKPT", "--seed-b", "99999999999999", "--out", "x.png"], "--seed-b must be between 0 and"),
    (["metrics", "CKPT", "--seed", "-4"], "--seed must be between 0 and"),
    (["interpolate", "CKPT", "--out", "x.txt"], ".npy or .png (or .gif)"),
    (["train", "--resume", "CKPT", "--steps", "0", "--out", "r.pt"], "--steps must be between 1 and 1,000,000, got 0"),
    (["train", "--resume", "CKPT", "--steps", "-3", "--out", "r.pt"], "--steps must be between"),
    (["train", "--resume", "CKPT", "--steps", "1000000", "--out", "r.pt"], "the run would end at step 1,000,030"),
    (["train", "--steps", "5", "--out", "x.npy"], "--out must end in .pt"),
    (["train", "--lr", "-1", "--out", "x.pt"], "--lr must be between"),
    (["frobnicate"], "invalid choice"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_bad_input_exits_2_with_one_line(argv, needle, checkpoint, tmp_path, capsys):
    argv = [str(checkpoint) if a == "CKPT" else (str(tmp_path / a) if a.endswith((".pt", ".npy", ".png", ".jpg")) and "/" not in a else a) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err and "Traceback" not in err


def test_real_entry_point_exit_code_and_help():
    bad = subprocess.run([sys.executable, "-m", "gan_core", "train", "--pack", "x", "--out", "x.pt"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    helped = subprocess.run([sys.executable, "-m", "gan_core", "train", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert helped.returncode == 0
    for flag in ("--preset", "--resume", "--pack", "--spectral-norm", "--r1-gamma", "--n-critic", "--device", "--data-root"):
        assert flag in helped.stdout


def test_progress_line_names_each_family_numbers():
    from gan_core.cli import _short_stats

    assert _short_stats({"loss": 0.25, "grad_norm_g": 1.0}) == "loss 0.250"  # diffusion: no D, no KL
    assert _short_stats({"loss_d": 1.0, "loss_g": 2.0, "l1": 0.1}) == "loss_d 1.000  loss_g 2.000  l1 0.100"
    assert _short_stats({"recon": 0.5, "kl": 0.1, "loss": 0.6}) == "recon 0.500  kl 0.100"


def test_output_that_cannot_be_written_is_one_line_and_a_run_finds_out_before_it_trains(checkpoint, tmp_path,
                                                                                          capsys, monkeypatch):
    import gan_core.training

    blocker = tmp_path / "file"
    blocker.write_text("x")
    (tmp_path / "folder.npy").mkdir()
    for argv, needle in [(["sample", str(checkpoint), "--out", str(tmp_path / "folder.npy")], "a folder has that name"),
                         (["sample", str(checkpoint), "--out", str(blocker / "s.png")], "a file stands where a folder"),
                         (["interpolate", str(checkpoint), "--out", str(blocker / "i.png")], "a file stands where"),
                         (["demos", "--out", str(blocker)], "is a file; give a folder")]:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and needle in err, err

    steps = []  # the whole run used to train, then fail to save
    monkeypatch.setattr(gan_core.training.Trainer, "step", lambda self: steps.append(1))
    assert main(["train", "--preset", "ring8-vanilla", "--steps", "5", "--out", str(blocker / "run.pt")]) == 2
    assert "a file stands where a folder" in capsys.readouterr().err and steps == []


def test_a_save_that_fails_after_training_keeps_the_run_in_the_temporary_folder(tmp_path, capsys, monkeypatch):
    import gan_core.checkpoints

    real_save = gan_core.checkpoints.save_checkpoint
    out = tmp_path / "full" / "run.pt"

    def disk_full_there(payload, path, **kwargs):
        if Path(path).parent == out.parent:
            raise gan_core.checkpoints.CheckpointError("Could not save run.pt: No space left on device.")
        return real_save(payload, path, **kwargs)

    monkeypatch.setattr(gan_core.checkpoints, "save_checkpoint", disk_full_there)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert main(["train", "--dataset", "ring8", "--steps", "3", "--out", str(out), "--quiet", *TINY]) == 2
    err = capsys.readouterr().err.strip()
    (rescued,) = (tmp_path / "tmp").glob("run-*.pt")
    assert len(err.splitlines()) == 1 and "No space left" in err and str(rescued) in err, err
    from gan_core.checkpoints import load_checkpoint
    assert load_checkpoint(rescued).step == 3


def test_a_loss_for_a_model_without_a_discriminator_gets_a_note(tmp_path, capsys):
    out = tmp_path / "v.pt"
    assert main(["train", "--dataset", "digits", "--model", "vae", "--loss", "wgan-gp", "--steps", "2",
                 "--image-size", "8", "--hidden", "8", "--batch-size", "8", "--metrics-every", "0",
                 "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err.strip()
    assert err == "note: a vae model has no discriminator, so --loss wgan-gp is not used", err


def test_ctrl_c_while_torch_loads_is_one_line(monkeypatch, capsys):
    """Ctrl-C in a command's first seconds landed in `main`'s imports (torch's, through gan_core.checkpoints),
    before its try: Python's traceback, 15 to 38 lines of it."""
    class CtrlC:
        def find_spec(self, name, path=None, target=None):
            if name == "gan_core.checkpoints":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "gan_core.checkpoints", raising=False)  # (put back afterwards: no second copy of the module)
    monkeypatch.setattr(sys, "meta_path", [CtrlC(), *sys.meta_path])
    assert main(["presets"]) == 130 and capsys.readouterr().err.strip() == "interrupted"


def test_every_run_setting_has_help_that_names_the_choices():
    """`train --help` said only "task" for --task and listed four of the eleven models for --model."""
    from dataclasses import fields

    from gan_core.cli import _FLAG_HELP
    from gan_core.config import TrainConfig, model_names
    from gan_core.families.translation import TASKS

    assert {f.name for f in fields(TrainConfig)} <= set(_FLAG_HELP)
    assert all(name in _FLAG_HELP["model"] for name in model_names())
    assert all(task in _FLAG_HELP["task"] for task in TASKS)


def test_the_progress_bars_last_draw_covers_the_longer_line_before_it(monkeypatch):
    """The final redraw has no loss numbers: the previous line's numbers stayed visible after it."""
    import io

    from gan_core.cli import _Progress

    terminal = io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = _Progress(10, 0, enabled=True)
    progress.update(3, "loss_d 1.234  loss_g 0.567", force=True)
    progress.update(10, force=True)
    before, last = terminal.getvalue().split("\r")[1:]
    assert len(last) >= len(before) and last.rstrip().endswith("ETA     0s") and "loss_d" not in last
