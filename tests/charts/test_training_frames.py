"""charts.training_frames: which boundary picture each epoch shows, the cap on pictures, text
wrapping for chart text, and the frame filters of its charts."""

import json

import numpy as np
import pandas as pd
import pytest

from charts import descent_frames, training_frames
from charts.frames import Frames
from sim import caps


@pytest.mark.parametrize("epochs", [1, 20, 38, 39, 150, 300])
def test_picture_every_keeps_the_cap(epochs):
    def recorded(every: int) -> int:  # EpochSnapshots: epoch 0, every k-th, the last
        return len({0, epochs} | set(range(every, epochs + 1, every)))

    every = training_frames.picture_every(epochs)
    assert recorded(every) <= caps.MAX_FRAME_PICTURES


def test_picture_plan_covers_every_frame_once():
    plan = training_frames.picture_plan(list(range(151)), 151, keep=(57, 63))
    assert len(plan) <= caps.MAX_FRAME_PICTURES
    assert {0, 57, 63, 150} <= set(plan["epoch"])
    assert plan["shown_from"].iloc[0] == 0 and plan["shown_until"].iloc[-1] == 151
    assert (plan["shown_from"].iloc[1:].to_numpy() == plan["shown_until"].iloc[:-1]).all()
    shown = training_frames.picture_epochs(plan, 151)
    assert (shown <= np.arange(151)).all()  # never a picture from the future
    assert shown[57] == 57 and shown[63] == 63 and shown[150] == 150


def test_picture_plan_keeps_all_when_few():
    plan = training_frames.picture_plan([0, 5, 10, 12], 13)
    assert plan["epoch"].tolist() == [0, 5, 10, 12]
    assert plan["shown_until"].tolist() == [5, 10, 12, 13]
    assert training_frames.picture_epochs(plan, 13).tolist() == [0] * 5 + [5] * 5 + [10] * 2 + [12]


def test_wrap_counts_hangul_twice_and_keeps_words():
    text = "경계가 잡음 섞인 훈련 점 하나하나를 감싸며 휘어집니다. 배운 것이 아니라 외운 것입니다."
    lines = training_frames.wrap(text, 30).split("\n")
    assert len(lines) > 1
    assert all(training_frames.text_width(line) <= 30 for line in lines)
    assert " ".join(lines) == text
    assert training_frames.wrap("a b\nc", 52) == "a b\nc"


def test_readout_and_marker_follow_the_frame():
    frames = Frames("k", 4, 3)
    spec = training_frames.readout(["zero", "one", "two", "three"], frames).to_dict()
    assert spec["params"][0]["name"] == "k_frame"
    assert {"filter": "datum.epoch == k_frame"} in spec["transform"]
    assert spec["height"] == descent_frames.LINE_HEIGHT
    values = pd.DataFrame({"series": ["a", "a", "a"], "epoch": [1, 2, 3], "value": [0.5, 0.4, 0.3]})
    layers = training_frames.frame_marker(values, frames, ["a"])
    for layer in layers:
        assert "datum.epoch == k_frame" in json.dumps(layer.to_dict(validate=False))
