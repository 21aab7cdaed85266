"""Today's code trains every model exactly as the recorded code did (tests/golden/runs.py made the record)."""
import numpy as np
import pytest

from tests.golden.runs import RECORD, RUNS, run_samples


@pytest.fixture(scope="module")
def recorded():
    with np.load(RECORD) as stored:
        return {name: stored[name] for name in stored.files}


def test_the_record_covers_every_run_and_every_model(recorded):
    from gan_core.config import model_names

    assert set(recorded) == set(RUNS)
    assert {RUNS[name]["model"] for name in RUNS} == set(model_names())
    # the runs differ from each other, so a sampler that ignored its weights could not match them all
    assert len({recorded[name].tobytes() for name in RUNS}) == len(RUNS)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_seeded_run_gives_the_recorded_samples(name, recorded):
    samples = run_samples(name)
    assert samples.shape == recorded[name].shape
    np.testing.assert_allclose(samples, recorded[name], rtol=0, atol=1e-6)
