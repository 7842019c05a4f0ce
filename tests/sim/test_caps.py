"""sim.caps: a run's epochs are bounded by its samples and, given its weights, by the
arithmetic it would do (weights x samples x epochs)."""

from sim import caps
from sim.training import NetSpec, build_model


def test_samples_alone_bound_the_epochs():
    assert caps.epochs_within_budget(300, 420) == 300 == min(300, caps.MAX_SAMPLE_EPOCHS // 420)
    assert caps.epochs_within_budget(300, 2000) == caps.MAX_SAMPLE_EPOCHS // 2000
    assert caps.epochs_within_budget(5, 10**9) == 1  # at least one epoch


def test_a_wide_deep_network_trains_fewer_epochs():
    wide = build_model(NetSpec(hidden=(128,) * 4), 2, "binary").count_params()
    small = build_model(NetSpec(hidden=(64, 64)), 2, "binary").count_params()
    assert wide == 2 * 128 + 128 + 3 * (128 * 128 + 128) + 128 + 1
    capped = caps.epochs_within_budget(300, 420, weights=wide)
    assert capped == caps.MAX_TRAIN_WORK // (420 * wide) < 300
    assert capped * 420 * wide <= caps.MAX_TRAIN_WORK < (capped + 1) * 420 * wide
    # the lessons' usual networks are untouched
    assert caps.epochs_within_budget(150, 420, weights=small) == 150
