"""What a page says when a run trained fewer epochs than the learner asked for.

Every training lesson shares one budget per run (``sim.caps``: epochs x training samples,
and weights x samples x epochs); a run over it trains ``caps.epochs_within_budget`` epochs
instead, and the page says so with the numbers: asked, samples, trained.
"""

from __future__ import annotations

from lessons.notices import Notice, notice


def capped(requested: int, samples: int, trained: int, stopped: bool = False) -> list[Notice]:
    """``train.epochs_capped`` when ``trained < requested`` because of the budget (``stopped``:
    the run ended early for another reason, explained elsewhere); else nothing."""
    if stopped or int(trained) >= int(requested):
        return []
    return [
        notice(
            "train.epochs_capped",
            requested=int(requested),
            samples=int(samples),
            epochs=int(trained),
        )
    ]
