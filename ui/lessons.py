"""The map of lessons: one entry per page file, in reading order.

The sidebar and the home page draw their links from this list; a lesson whose file does
not exist yet is left out, so the map only ever links to real pages. Titles live in the
text catalogs under ``<key>.title`` (and ``<key>.summary`` for the home page map).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    key: str  # catalog table of the page's text
    file: str  # path from the app root
    group: str  # "descent" or "training"
    concepts: tuple[str, ...]  # ids from CONCEPTS.md
    icon: str

    @property
    def url_path(self) -> str:
        """The page's URL path in pages-directory mode: file name without number prefix."""
        stem = Path(self.file).stem
        return stem.split("_", 1)[1] if stem.split("_", 1)[0].isdigit() else stem

    @property
    def exists(self) -> bool:
        return (ROOT / self.file).is_file()


LESSONS: tuple[Lesson, ...] = (
    Lesson("gd", "pages/01_gradient_descent.py", "descent", ("A1",), ":material/south_east:"),
    Lesson("lr", "pages/02_learning_rate.py", "descent", ("A2",), ":material/speed:"),
    Lesson("basins", "pages/03_local_minima.py", "descent", ("A3",), ":material/scatter_plot:"),
    Lesson("saddle", "pages/04_saddle_points.py", "descent", ("A4",), ":material/swap_calls:"),
    Lesson("momentum", "pages/05_momentum.py", "descent", ("A5",), ":material/sports_baseball:"),
    Lesson("adaptive", "pages/06_adaptive_rates.py", "descent", ("A6", "A7"), ":material/tune:"),
    Lesson("race", "pages/07_optimizer_race.py", "descent", ("A8",), ":material/flag:"),
    Lesson("minibatch", "pages/08_minibatch.py", "descent", ("A9",), ":material/grain:"),
    Lesson(
        "fit",
        "pages/09_fit_batches_epochs.py",
        "training",
        ("B1", "B2", "B3", "B4", "B5"),
        ":material/quiz:",
    ),
    Lesson("batch", "pages/10_batch_size.py", "training", ("B3", "B16"), ":material/memory:"),
    Lesson(
        "backprop", "pages/11_forward_backward.py", "training", ("B6",), ":material/account_tree:"
    ),
    Lesson("losses", "pages/12_loss_functions.py", "training", ("B7",), ":material/functions:"),
    Lesson(
        "curves", "pages/13_overfitting.py", "training", ("B4", "B8", "B9"), ":material/show_chart:"
    ),
    Lesson(
        "splits", "pages/14_train_val_test.py", "training", ("B10", "B11"), ":material/call_split:"
    ),
    Lesson("early", "pages/15_early_stopping.py", "training", ("B12",), ":material/front_hand:"),
    Lesson(
        "cv", "pages/16_cross_validation.py", "training", ("B13", "B14"), ":material/view_week:"
    ),
    Lesson("remedies", "pages/17_regularization.py", "training", ("B15",), ":material/healing:"),
)

GROUPS = ("descent", "training")


def available() -> list[Lesson]:
    """The lessons whose page files exist."""
    return [lesson for lesson in LESSONS if lesson.exists]


def by_key(key: str) -> Lesson:
    for lesson in LESSONS:
        if lesson.key == key:
            return lesson
    raise KeyError(key)
