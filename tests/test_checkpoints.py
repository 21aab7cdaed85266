"""Checkpoints are plain data: round trip, refusal of hostile or broken files, atomic writes."""
import os
import pickle

import pytest
import torch

from gan_core.checkpoints import (FORMAT_VERSION, CheckpointError, check_writable, load_checkpoint, safe_name, save_checkpoint,
                                  trainer_payload)
from gan_core.training import Trainer


@pytest.fixture
def saved(tiny_config, tmp_path):
    trainer = Trainer(tiny_config)
    for _ in range(6):
        trainer.step()
    return trainer, save_checkpoint(trainer_payload(trainer, name="demo"), tmp_path / "run.pt")


def test_round_trip_keeps_config_weights_history_and_snapshots(saved):
    trainer, path = saved
    checkpoint = load_checkpoint(path)
    assert checkpoint.config == trainer.config
    assert checkpoint.step == 6 and checkpoint.name == "demo"
    assert checkpoint.history["series"]["loss_d"] == pytest.approx(trainer.history.series["loss_d"])
    assert checkpoint.snapshots[-1]["points"].shape == (512, 2)
    models = checkpoint.build_models()
    z = torch.randn(7, trainer.config.latent_dim)
    assert torch.allclose(models["generator"](z), trainer.generate(z))


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))  # would create the marker file if unpickled


def test_pickle_that_would_run_code_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    torch.save({"format": "latent-lab", "payload": _RunsCode(str(marker))}, path)
    with pytest.raises(CheckpointError, match="could run code"):
        load_checkpoint(path)
    assert not marker.exists()
    # a raw pickle (not torch's zip format) is refused the same way
    raw = tmp_path / "raw.pt"
    raw.write_bytes(pickle.dumps(_RunsCode(str(marker))))
    with pytest.raises(CheckpointError):
        load_checkpoint(raw)
    assert not marker.exists()


def test_truncated_and_garbage_files_are_refused(saved, tmp_path):
    _, path = saved
    data = path.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 5):
        broken = tmp_path / f"cut{cut}.pt"
        broken.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match="not a readable checkpoint"):
            load_checkpoint(broken)
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(b"\x00\x01 this is not a checkpoint")


def test_foreign_newer_and_mismatched_files_are_refused(saved, tmp_path):
    _, path = saved
    foreign = tmp_path / "foreign.pt"
    torch.save({"weight": torch.zeros(3)}, foreign)
    with pytest.raises(CheckpointError, match="not a Latent Lab checkpoint"):
        load_checkpoint(foreign)
    payload = torch.load(path, weights_only=True)
    payload["format_version"] = FORMAT_VERSION + 1
    newer = tmp_path / "newer.pt"
    torch.save(payload, newer)
    with pytest.raises(CheckpointError, match="newer Latent Lab"):
        load_checkpoint(newer)
    payload = torch.load(path, weights_only=True)
    payload["config"]["hidden"] = 32  # weights no longer fit the model the config describes
    other = tmp_path / "other.pt"
    torch.save(payload, other)
    with pytest.raises(CheckpointError, match="does not match"):
        load_checkpoint(other).build_models()
    payload["config"]["pack"] = 9
    torch.save(payload, other)
    with pytest.raises(CheckpointError, match="invalid config"):
        load_checkpoint(other)
    with pytest.raises(CheckpointError, match="No checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")


def test_bytes_upload_loads_like_a_file(saved):
    _, path = saved
    assert load_checkpoint(path.read_bytes(), label="upload.pt").step == 6


def test_save_is_atomic_and_leaves_no_temp_files(saved, tmp_path):
    trainer, path = saved
    before = path.read_bytes()
    save_checkpoint(trainer_payload(trainer), path)  # overwrite in place
    assert load_checkpoint(path).step == 6
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert len(before) > 0


def test_unwritable_folder_gives_a_readable_error(saved, tmp_path):
    trainer, _ = saved
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CheckpointError, match="Cannot write.*a file stands where a folder"):
        save_checkpoint(trainer_payload(trainer), blocker / "sub" / "run.pt")
    with pytest.raises(CheckpointError, match="is a folder; give a file name"):
        save_checkpoint(trainer_payload(trainer), tmp_path)
    with pytest.raises(CheckpointError, match="is a folder"):
        check_writable(tmp_path)
    assert check_writable(tmp_path / "new" / "run.pt") == tmp_path / "new" / "run.pt"
    assert [p.name for p in (tmp_path / "new").iterdir()] == []  # it tried a file there, and took it away


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="file modes are POSIX")
def test_a_saved_checkpoint_is_readable_by_others_or_keeps_the_mode_of_the_file_it_replaces(saved, tmp_path):
    """mkstemp's temp file is rw------- and os.replace kept that: a demo rebuilt by one user was unreadable to
    the server running as another."""
    trainer, _ = saved
    path = save_checkpoint(trainer_payload(trainer), tmp_path / "run.pt")
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o640)
    save_checkpoint(trainer_payload(trainer), path)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("name, expected", [("../../etc/passwd", "passwd"), ("my run!", "my-run"),
                                            ("/abs/path.pt", "path.pt"), ("..", "run"), ("", "run")])
def test_safe_name_cannot_escape_the_folder(name, expected):
    assert safe_name(name) == expected
    assert os.sep not in safe_name(name)


def test_saved_runs_keep_their_names_in_any_script_and_never_replace_each_other(saved, tmp_path, monkeypatch):
    from gan_core.store import list_checkpoints, save_run

    runs = tmp_path / "runs"
    monkeypatch.setenv("LATENT_LAB_RUNS", str(runs))
    payload = torch.load(saved[1], weights_only=True)
    first = save_run(payload, "我的模型")
    second = save_run(payload, "小红的模型")
    third = save_run(payload, "lesson 1")
    again = save_run(payload, "lesson 1")  # the same name twice: two files, both listed
    paths = {first, second, third, again}
    assert len(paths) == 4 and all(p.is_file() and p.parent == runs for p in paths)
    assert all(p.name.isascii() and os.sep not in p.stem for p in paths)
    assert first.name.startswith("run-") and third.name.startswith("lesson-1-")
    assert load_checkpoint(first).name == "我的模型" and load_checkpoint(second).name == "小红的模型"
    listed = [c for c in list_checkpoints() if c.source == "saved"]
    assert sorted(c.name for c in listed) == sorted(["我的模型", "小红的模型", "lesson 1", "lesson 1"])
    assert len({c.ref for c in listed}) == 4  # what pickers and links call them stays unique


def test_an_exclusive_save_never_replaces_a_file(saved, tmp_path):
    from gan_core.checkpoints import CheckpointExists

    target = tmp_path / "taken.pt"
    target.write_bytes(b"someone else's file")
    with pytest.raises(CheckpointExists, match="never replaces"):
        save_checkpoint(torch.load(saved[1], weights_only=True), target, overwrite=False)
    assert target.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left
    fresh = save_checkpoint(torch.load(saved[1], weights_only=True), tmp_path / "fresh.pt", overwrite=False)
    assert load_checkpoint(fresh).step == load_checkpoint(saved[1]).step


def test_format_1_reverse_kl_curves_load_as_reverse_kl_all(saved, tmp_path):
    """Format 1 recorded the all-samples reverse KL under "reverse_kl"; format 2 gives that name to PacGAN's
    high-quality-only definition, so an old curve loads as "reverse_kl_all"."""
    payload = torch.load(saved[1], weights_only=True)
    payload["format_version"] = 1
    payload["state"]["metrics"] = {"steps": [100, 200], "values": {"modes_covered": [3.0, 5.0],
                                                                   "reverse_kl": [0.9, 0.4]}}
    old = tmp_path / "old.pt"
    torch.save(payload, old)
    values = load_checkpoint(old).metrics["values"]
    assert values == {"modes_covered": [3.0, 5.0], "reverse_kl_all": [0.9, 0.4]}
    assert FORMAT_VERSION >= 2

    payload["format_version"] = 2  # a format-2 file's reverse_kl is what it says
    torch.save(payload, old)
    assert load_checkpoint(old).metrics["values"]["reverse_kl"] == [0.9, 0.4]

    demos = os.path.join(os.path.dirname(__file__), "..", "checkpoints")
    for name in ("ring8-vanilla", "ring8-fixed"):  # rebuilt in sessions 26 and 10: both curves, and JS and KL
        assert {"reverse_kl", "reverse_kl_all", "js", "kl"} <= set(load_checkpoint(os.path.join(demos, f"{name}.pt"))
                                                                  .metrics["values"])


def test_the_cli_says_why_reverse_kl_has_no_value(tmp_path):
    """A generator with no high-quality sample: reverse_kl is null with a reason in the JSON, "—" and the reason
    in the table, never a made-up number; reverse_kl_all still has its value."""
    import json

    import numpy as np

    from gan_core.evaluation.evaluate import format_table
    from gan_core.evaluation.metrics import mixture_metrics

    modes = np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 8, endpoint=False)])
    result = {"dataset": "ring8", "model": "gan", "n_samples": 50,
              **mixture_metrics(np.full((50, 2), 5.0), modes, 0.02)}
    encoded = json.loads(json.dumps(result))
    assert encoded["reverse_kl"] is None and encoded["reverse_kl_reason"] and encoded["reverse_kl_all"] > 2
    table = format_table(result)
    line = next(line for line in table.splitlines() if "high-quality samples)" in line)
    assert "—" in line and "no sample is high quality" in line


def test_grey_snapshots_are_stored_with_one_channel_and_read_back_as_rgb(tmp_path):
    """Format 3: a grey dataset's sample grids take a third of the bytes in a file; the app still gets RGB."""
    import numpy as np

    from gan_core.checkpoints import snapshot_from_storable, snapshot_to_storable

    grey = np.random.default_rng(0).integers(0, 255, (30, 40), dtype=np.uint8)
    grid = np.repeat(grey[..., None], 3, axis=2)
    colour = grid.copy()
    colour[3, 4, 1] += 1
    stored = snapshot_to_storable({"step": 5, "grid": grid, "other": colour, "points": np.zeros((4, 2), np.float32)})
    assert tuple(stored["grid"].shape) == (30, 40, 1) and tuple(stored["other"].shape) == (30, 40, 3)
    back = snapshot_from_storable(stored)
    np.testing.assert_array_equal(back["grid"], grid)
    np.testing.assert_array_equal(back["other"], colour)
    assert back["points"].shape == (4, 2)
