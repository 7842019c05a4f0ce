"""Do the lessons state the same verdicts on every CPU? ``python -m bench.verdicts``.

Runs every lesson's default view and the scenarios the page tests use (``SCENARIOS``) once
per environment: ``OPENBLAS_CORETYPE`` in ``KERNELS`` (unset = what OpenBLAS picks for this
CPU) times ``OPENBLAS_NUM_THREADS`` in ``THREADS``, each environment in its own process
(OpenBLAS reads both when it loads). From each page it keeps the "what to notice" text and
reads the verdict off it: the catalog keys whose templates the sentences match, in order.
Prints a table of the verdicts per environment and flags a scenario whose verdict (or, less
strictly, whose text with its numbers) differs between environments.

``--one`` is the worker: it prints one environment's record as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNELS = ("", "Haswell", "SkylakeX", "Sandybridge", "Prescott")
THREADS = (1, 2)

# (name, page file, URL parameters): every lesson's default, then the tests' scenarios
SCENARIOS = [
    *((f"{p.stem} default", f"pages/{p.name}", {}) for p in sorted((ROOT / "pages").glob("*.py"))),
    ("curves 1 unit", "pages/13_overfitting.py", {"units": "1"}),
    ("curves 2 units 20 ep", "pages/13_overfitting.py", {"units": "2", "epochs": "20"}),
    ("curves 20 epochs", "pages/13_overfitting.py", {"epochs": "20"}),
    (
        "curves 4x1 n300",
        "pages/13_overfitting.py",
        {"units": "4", "layers": "1", "n": "300", "noise": "0.2"},
    ),
    (
        "remedies seed 7",
        "pages/17_regularization.py",
        {"seed": "7", "batchnorm": "false", "augment": "false"},
    ),
    (
        "remedies seed 10 dropout",
        "pages/17_regularization.py",
        {"seed": "10", "batchnorm": "false", "augment": "false", "l2": "false", "rate": "0.1"},
    ),
    (
        "remedies seed 0 l2 0.1",
        "pages/17_regularization.py",
        {
            "seed": "0",
            "dropout": "false",
            "batchnorm": "false",
            "augment": "false",
            "factor": "0.1",
        },
    ),
    (
        "remedies seed 11 bn",
        "pages/17_regularization.py",
        {"seed": "11", "dropout": "false", "augment": "false", "l2": "false"},
    ),
    (
        "remedies seed 1 bn",
        "pages/17_regularization.py",
        {"seed": "1", "dropout": "false", "augment": "false", "l2": "false"},
    ),
    ("adaptive lr 0.1", "pages/06_adaptive_rates.py", {"lr": "0.1"}),
    ("race himmelblau", "pages/07_optimizer_race.py", {"surface": "himmelblau"}),
    ("cv no reset", "pages/16_cross_validation.py", {"noreset": "true"}),
]
# keys of "what to notice" sentences whose names do not say "notice"
VERDICT_PREFIXES = (
    "lr.rate_",
    "momentum.run_",
    "momentum.gd_",
    "saddle.run_",
    "saddle.on_ridge",
    "minibatch.run_",
    "minibatch.summary_",
)
TIMED = ("took",)  # lines that quote a wall-clock time are left out of the text compared


def _templates() -> list[tuple[str, re.Pattern]]:
    """Every English catalog key with a regex of its template (placeholders match anything)."""
    from ui.text import catalog

    out = []
    for key, template in catalog("en").items():
        parts = re.split(r"\{[^{}]*\}", template)
        literal = "".join(parts)
        if len(literal) < 25 or "\n\n" in template:
            continue  # too short to tell apart, or a block that is no verdict
        pattern = "(?:[^\n]*?)".join(re.escape(part) for part in parts)
        out.append((key, re.compile(pattern)))
    return out


def verdict_keys(text: str, templates) -> list[str]:
    """The catalog keys whose sentences appear in ``text``, in the order they appear."""
    found = []
    for key, pattern in templates:
        if "notice" not in key and not key.startswith(VERDICT_PREFIXES):
            continue
        match = pattern.search(text)
        if match:
            found.append((match.start(), match.end(), key))
    # a template that is the start of a longer one (notice_overfit, notice_overfit_rising)
    # matches inside it: keep the longest match at each place
    kept = [
        (start, key)
        for start, end, key in found
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in found)
    ]
    return [key for _, key in sorted(kept)]


def one_environment() -> dict:
    """The worker: every scenario in this process's environment."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    os.chdir(ROOT)
    from apptest_utils import notice_text, open_page

    templates = _templates()
    record = {}
    for name, page, params in SCENARIOS:
        at = open_page(page, params=params, timeout=300)
        text = notice_text(at)
        keys = verdict_keys(text, templates)
        lines = [line for line in text.splitlines() if not any(word in line for word in TIMED)]
        record[name] = {"keys": keys, "text": "\n".join(lines), "errors": len(at.exception)}
    return record


def run_all(jobs: int = 2) -> dict[str, dict]:
    """``{environment label: record}`` for every kernel and thread count."""

    def one(env_pair):
        kernel, threads = env_pair
        env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads)}
        env.pop("OPENBLAS_CORETYPE", None)
        if kernel:
            env["OPENBLAS_CORETYPE"] = kernel
        out = subprocess.run(
            [sys.executable, "-m", "bench.verdicts", "--one"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return f"{kernel or 'unset'}/{threads}", json.loads(out.stdout.splitlines()[-1])

    pairs = [(k, t) for k in KERNELS for t in THREADS]
    with ThreadPoolExecutor(jobs) as pool:
        return dict(pool.map(one, pairs))


def short(keys: list[str]) -> str:
    """A verdict in a table cell: the keys without their lesson prefix."""
    return ", ".join(k.split(".", 1)[1].removeprefix("notice_") for k in keys) or "-"


def report(records: dict[str, dict]) -> str:
    envs = list(records)
    lines = [
        "| scenario | verdict (catalog keys) | same verdict | same text |",
        "|---|---|---|---|",
    ]
    for name, _, _ in SCENARIOS:
        verdicts = {json.dumps(records[e][name]["keys"]) for e in envs}
        texts = {records[e][name]["text"] for e in envs}
        errors = sum(records[e][name]["errors"] for e in envs)
        first = records[envs[0]][name]["keys"]
        same = "yes" if len(verdicts) == 1 else f"**NO** ({len(verdicts)} kinds)"
        cell = short(first) if len(verdicts) == 1 else " / ".join(sorted(verdicts))
        if errors:
            same += f", {errors} page errors"
        lines.append(f"| {name} | {cell} | {same} | {'yes' if len(texts) == 1 else 'no'} |")
    lines.append("")
    lines.append(f"environments (OPENBLAS_CORETYPE/threads): {', '.join(envs)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", action="store_true", help="worker: this environment only")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--save", help="also write every record as JSON to this file")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_environment()))
        return
    records = run_all(args.jobs)
    if args.save:
        Path(args.save).write_text(json.dumps(records, indent=1, ensure_ascii=False))
    print(report(records))


if __name__ == "__main__":
    main()
