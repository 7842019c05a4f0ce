"""What a chart needs to follow the browser player (ui/player.py): Vega-Lite params
``<key>_frame`` (the frame shown) and ``<key>_run`` (the live run shown), each bound to a
hidden range input the player sets on every animation frame, and the filter expressions
that select a frame's rows. No Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt


def range_param(name: str, value: int, count: int) -> alt.Parameter:
    """A Vega-Lite param bound to a hidden range input ``name`` over ``0 .. count - 1``:
    the player sets the input, and every chart holding the param redraws."""
    top = max(int(count) - 1, 0)
    return alt.param(
        name=name, value=int(value), bind=alt.binding_range(min=0, max=max(top, 1), step=1)
    )


@dataclass(frozen=True)
class Frames:
    """What a chart needs to follow the player ``key``: the param and filter expressions."""

    key: str
    count: int
    start: int
    live_index: int | None = None
    live_count: int = 0

    @property
    def signal(self) -> str:
        return f"{self.key}_frame"

    @property
    def run_signal(self) -> str:
        """The param naming the live run shown (``live=``): an index into its options."""
        return f"{self.key}_run"

    def upto(self, field: str = "step") -> str:
        """Filter: rows up to the frame shown."""
        return f"datum.{field} <= {self.signal}"

    def at(self, field: str = "step") -> str:
        """Filter: rows of the frame shown."""
        return f"datum.{field} == {self.signal}"

    def live_run(self, field: str = "run") -> str:
        """Filter: rows of the live run shown (always true without ``live=``)."""
        if self.live_index is None:
            return "true"
        return f"datum.{field} == {self.run_signal}"

    def at_live(self, field: str = "step") -> str:
        """Filter: rows of the frame shown, of the live run shown (``live=``)."""
        if self.live_index is None:
            return self.at(field)
        return f"{self.at(field)} && {self.live_run()}"

    def params(self) -> list[alt.Parameter]:
        out = [range_param(self.signal, self.start, self.count)]
        if self.live_index is not None:
            out.append(range_param(self.run_signal, self.live_index, self.live_count))
        return out

    def bind(self, chart):
        """``chart`` with the player's params, so its filters can use them."""
        return chart.add_params(*self.params())
