"""The advisor reads a rising validation curve: "overfitting since step N, use checkpoint N"."""

from advisor.overfit import curve_events, find_overfit, overfit_advice


def _events(curve, checkpoints=()):
    out = [{"type": "step", "step": s, "loss": 0.1} for s in range(1, 1001, 50)]
    out += [{"type": "validation", "step": s, "val_loss": v} for s, v in curve]
    out += [{"type": "checkpoint", "step": s} for s in checkpoints]
    return out


def test_rising_validation_curve_names_the_step_and_checkpoint():
    curve = [(100, 0.20), (200, 0.15), (300, 0.12), (400, 0.125), (500, 0.14), (600, 0.16)]
    events = _events(curve, checkpoints=(250, 500, 750))
    found = find_overfit(events)
    assert found is not None and found.since_step == 300 and found.checkpoint_step == 250
    text = overfit_advice(events)
    assert "since step 300" in text and "checkpoint 250" in text
    assert "300 스텝부터" in overfit_advice(events, "ko")


def test_falling_or_flat_curves_say_nothing():
    assert find_overfit(_events([(100, 0.2), (200, 0.15), (300, 0.12)])) is None
    # one bump after the minimum is noise, not a trend
    assert find_overfit(_events([(100, 0.2), (200, 0.12), (300, 0.13)])) is None
    # rising by less than 3 % is noise too
    assert find_overfit(_events([(100, 0.2), (200, 0.12), (300, 0.121), (400, 0.122)])) is None
    assert overfit_advice(_events([])) is None


def test_without_checkpoints_the_step_itself_and_from_the_curve_file():
    data = {"curve": [[10, 0.3], [20, 0.2], [30, 0.25], [40, 0.3]], "checkpoints": []}
    found = find_overfit(curve_events(data))
    assert found.since_step == 20 and found.checkpoint_step is None
    assert "checkpoint 20" in overfit_advice(curve_events(data))
