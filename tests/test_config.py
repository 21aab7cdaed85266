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
    ({"dataset": "digits", "image_size": 12}, "image_size", "8, 16, 32"),
    ({"loss": "magic"}, "loss", "ns, minimax"),
    ({"dataset": "nowhere"}, "dataset", "folder:PATH"),
])
def test_impossible_combinations_are_explained(changes, field, words):
    problems = TrainConfig(**changes).validate()
    assert field in problems and words in problems[field]
    with pytest.raises(ConfigError) as caught:
        TrainConfig(**changes).check()
    assert caught.value.field in problems


def test_round_trip_ignores_unknown_keys():
    config = TrainConfig(dataset="digits", model="cvae", beta=2.0)
    assert TrainConfig.from_dict({**config.to_dict(), "from_the_future": 1}) == config
