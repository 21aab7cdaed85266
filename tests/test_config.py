"""Every numeric setting has a range, and impossible combinations are explained in words."""
import math

import pytest

from gan_core.config import RANGES, ConfigError, TrainConfig


@pytest.mark.parametrize("name", sorted(RANGES))
def test_every_numeric_field_is_range_checked(name):
    low, high = RANGES[name]
    assert name not in TrainConfig().validate()
    for bad in (low - 1, high * 10 + 1, math.nan, "ten"):
        problems = TrainConfig(**{name: bad}).validate()
        assert name in problems, (name, bad)
        assert name in problems[name] and len(problems[name].splitlines()) == 1


@pytest.mark.parametrize("changes, field, words", [
    ({"model": "cgan", "dataset": "ring8"}, "model", "needs class labels"),
    ({"pack": 3, "batch_size": 128}, "pack", "multiple of 3"),
    ({"model": "vae", "pack": 2}, "pack", "VAE"),
    ({"model": "vae", "n_critic": 5}, "n_critic", "VAE"),
    ({"dataset": "ring8", "arch": "conv"}, "arch", "mlp"),
    ({"dataset": "digits", "image_size": 12}, "image_size", "8, 16, 28, 32"),
    ({"loss": "magic"}, "loss", "ns, minimax"),
    ({"dataset": "nowhere"}, "dataset", "folder:PATH"),
])
def test_impossible_combinations_are_explained(changes, field, words):
    problems = TrainConfig(**changes).validate()
    assert field in problems and words in problems[field]
    with pytest.raises(ConfigError) as caught:
        TrainConfig(**changes).check()
    assert caught.value.field in problems


def test_a_range_sentence_writes_its_numbers_as_a_person_does():
    """It said "steps must be between 1 and 1e+06, got 2e+06." and "seed ... 2.14748e+09"."""
    assert TrainConfig(steps=2_000_000).validate()["steps"] == "steps must be between 1 and 1,000,000, got 2,000,000."
    assert TrainConfig(lr_g=0).validate()["lr_g"] == "lr_g must be between 0.000001 and 1, got 0."
    assert "2,147,483,647" in TrainConfig(seed=-1).validate()["seed"]
    assert TrainConfig(label_smoothing=0.75).validate()["label_smoothing"].endswith("0 and 0.5, got 0.75.")


def test_written_numbers_read_as_a_person_writes_them():
    from gan_core.options import written

    cases = {1_000_000: "1,000,000", 2**31 - 1: "2,147,483,647", 1e-6: "0.000001", 0.5: "0.5", -3: "-3",
             1234.5: "1,234.5", 0.1 + 0.2: "0.3", 123456789.123456789: "123,456,789.123", 9.99e-7: "9.99e-07",
             1e20: "1e+20", math.nan: "nan"}
    assert {value: written(value) for value in cases} == cases


def test_round_trip_ignores_unknown_keys():
    config = TrainConfig(dataset="digits", model="cvae", beta=2.0)
    assert TrainConfig.from_dict({**config.to_dict(), "from_the_future": 1}) == config


def test_image_folders_and_uploads_take_their_labels_from_their_class_folders():
    import io
    import zipfile

    import numpy as np
    import pytest
    from PIL import Image

    from gan_core.config import ConfigError, TrainConfig, validate_data
    from gan_core.data import load_folder_dataset
    from gan_core.training import Trainer

    def zipped(names):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for i, name in enumerate(names):
                picture = io.BytesIO()
                Image.fromarray(np.full((8, 8, 3), 20 * i, np.uint8)).save(picture, format="PNG")
                archive.writestr(name, picture.getvalue())
        return buffer.getvalue()

    for model in ("cgan", "cvae"):
        for dataset in ("upload:toys-3fa2c1", "folder:/data/toys"):
            assert TrainConfig(dataset=dataset, model=model, image_size=8).validate() == {}
        assert "model" in TrainConfig(dataset="points:drawn", model=model).validate()  # drawn points have no classes
    config = TrainConfig(dataset="upload:toys-3fa2c1", model="cgan", image_size=8, hidden=8, batch_size=4)
    classes = load_folder_dataset(zipped([f"{kind}/{i}.png" for kind in ("circles", "squares") for i in range(4)]), 8)
    assert validate_data(config, classes) == {}
    assert Trainer(config, dataset=classes).dataset.class_names == ["circles", "squares"]
    flat = load_folder_dataset(zipped([f"{i}.png" for i in range(4)]), 8)
    assert list(validate_data(config, flat)) == ["model"]
    with pytest.raises(ConfigError, match="one folder per class"):
        Trainer(config, dataset=flat)
    assert validate_data(config.replace(model="gan"), flat) == {}


def test_the_runs_that_beta_weights():
    # β weights the KL term of the VAE objective: a VAE's, and the caption model's (a conditional VAE)
    assert [TrainConfig(model=model).uses_beta for model in ("vae", "cvae", "caption")] == [True, True, True]
    assert [TrainConfig(model=model).uses_beta for model in ("gan", "cgan", "ddpm", "pix2pix", "stylegan")] == \
        [False] * 5
