"""The batch / mini-batch / SGD lesson (A9): what its "what to notice" says about the three
runs of a ``line_fit.Comparison`` (``lessons.notices``), and the notice when the epochs asked
for are cut to the page's budget.

No streamlit here; no random state.
"""

from __future__ import annotations

from collections.abc import Mapping

from lessons.notices import Notice, Number, listing, notice
from sim import line_fit

RUNS = ("full", "mini", "sgd")  # batch GD, the mini-batch size chosen, SGD (one question)


def fit_call(batch_size: int, epochs: int) -> str:
    """The Keras call a run corresponds to (code, not prose: the same in every language)."""
    return f"model.fit(x, y, batch_size={int(batch_size)}, epochs={int(epochs)})"


def epochs_cut_notice(n: int, asked: int, epochs: int) -> Notice | None:
    """When ``asked`` epochs of ``n`` questions exceed ``line_fit.MAX_SAMPLE_UPDATES`` SGD
    updates (``epochs = line_fit.budget_epochs(n, asked)`` is fewer): by how much."""
    if epochs >= asked:
        return None
    return notice(
        "minibatch.epochs_cut",
        asked=asked,
        n=n,
        updates=asked * n,
        cap=line_fit.MAX_SAMPLE_UPDATES,
        epochs=epochs,
    )


def run_notice(facts: line_fit.RunFacts, label: str, problem, learning_rate: float) -> Notice:
    """One run's sentence by its kind (``line_fit.run_facts``): diverged (at which update and
    epoch, the steepest batch's curvature and ``lr * curvature``), settled, jitter, moving or
    growing (updates, uphill updates, final loss and distance, the last epoch's spread,
    the first update and epoch within ``problem.tolerance``)."""
    if facts.kind == "diverged":
        return notice(
            "minibatch.run_diverged",
            step=facts.diverged_at,
            epoch=Number(facts.diverged_epoch, 3),
            curv=Number(facts.steepest, 3),
            prod=Number(learning_rate * facts.steepest, 3),
            lr=Number(learning_rate),
            name=label,
        )
    return notice(
        f"minibatch.run_{facts.kind}",
        name=label,
        updates=facts.updates,
        up=facts.uphill,
        loss=Number(facts.final_loss),
        dist=Number(facts.final_distance, 2),
        spread=Number(facts.spread, 2),
        tol=Number(problem.tolerance, 2),
        epoch=Number(facts.first_near_epoch, 3),
        k=facts.first_near,
    )


def summary_notice(
    comparison: line_fit.Comparison, facts: Mapping[str, line_fit.RunFacts], noise: float
) -> Notice:
    """The comparison in one paragraph: the rate is too large for the whole data (batch GD
    diverged or grew: ``lr`` against ``2 / curvature``); fine for batch GD but not for small
    batches (against the steepest single question's ``2 / curvature``); batch GD did not
    arrive while a smaller batch did (updates and uphill steps); all arrived (epochs and
    spreads); none arrived. Without noise, why SGD stops too (one more sentence)."""
    problem = comparison.problem
    lr = comparison.learning_rate
    epochs = comparison.epochs
    full, small, sgd = facts["full"], facts["mini"], facts["sgd"]
    critical = problem.critical_rate()
    curvature = problem.curvature()
    if full.kind in ("diverged", "growing"):
        summary = notice(
            "minibatch.summary_too_large",
            lr=Number(lr),
            curv=Number(curvature, 3),
            critical=Number(critical, 3),
        )
    elif sgd.kind == "diverged" or small.kind == "diverged":
        sample_critical = 2 / max(problem.curvature([i]) for i in range(problem.n))
        summary = notice(
            "minibatch.summary_small_diverged",
            lr=Number(lr),
            critical=Number(critical, 3),
            sample=Number(sample_critical, 3),
            curv=Number(curvature, 3),
        )
    elif full.first_near < 0 and (small.first_near >= 0 or sgd.first_near >= 0):
        summary = notice(
            "minibatch.summary_full_slow",
            epochs=epochs,
            full=full.updates,
            sgd=sgd.updates,
            up_mini=small.uphill,
            up_sgd=sgd.uphill,
        )
    elif full.first_near >= 0:

        def arrived(f: line_fit.RunFacts):
            return Number(f.first_near_epoch, 3) if f.first_near >= 0 else "-"

        summary = notice(
            "minibatch.summary_all_arrived",
            e_full=arrived(full),
            e_mini=arrived(small),
            e_sgd=arrived(sgd),
            s_full=Number(full.spread, 2),
            s_mini=Number(small.spread, 2),
            s_sgd=Number(sgd.spread, 2),
        )
    else:
        summary = notice("minibatch.summary_none", epochs=epochs, lr=Number(lr))
    if noise == 0 and sgd.kind != "diverged":
        return notice(
            "minibatch.summary_and", first=summary, second=notice("minibatch.summary_no_noise")
        )
    return summary


def minibatch_notices(
    comparison: line_fit.Comparison, labels: Mapping[str, str], noise: float
) -> list[Notice]:
    """The lesson's "what to notice": a list with each run's sentence (``run_notice``, runs
    in ``RUNS`` order, named by ``labels``) and the comparison's summary (``summary_notice``)."""
    facts = {name: line_fit.run_facts(comparison, name) for name in RUNS}
    lines = [
        run_notice(facts[name], labels[name], comparison.problem, comparison.learning_rate)
        for name in RUNS
    ]
    return [
        listing(lines, "bullets"),
        summary_notice(comparison, facts, noise),
    ]
