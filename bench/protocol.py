"""A visitor that speaks Streamlit's websocket protocol, without a browser.

``bench.load --client protocol`` uses it to time the server's share of a control change:
no page is drawn, so twenty visitors cost this machine a little Python, not twenty
Chromium pages. What it says on the wire is what Streamlit's front end (1.67) says, read
from its protobufs and checked against the frames a Chromium page sends (the slider moves
of ``gradient_descent``, ``learning_rate``, ``momentum``, ``adaptive_rates``,
``fit_batches_epochs`` and ``forward_backward``, decoded while developing this: the same
widget states, query strings and page fields):

- **Connect** to ``ws://HOST:PORT/_stcore/stream`` with the subprotocol ``streamlit`` and no
  Origin header (the server checks XSRF only with one). The server's websocket pings are
  answered by the ``websockets`` library (a Streamlit dependency), which answers them
  only while the frames are read, so a reader task reads every frame as it comes. The
  front end sends no periodic message of its own: its ``app_heartbeat`` goes out only when
  a hosting page asks for one.
- **Open a lesson**: a ``rerun_script`` BackMsg with the query string (``lang=en``), no page
  hash and ``page_name`` = the URL path, no widget states, no cached hashes, and the
  browser's ``context_info``, as a deep link does.
- **Each run** starts with ``new_session`` and ends with ``script_finished``; its deltas are
  the page, each at its ``delta_path``. The page's script hash, sent with every later
  rerun, is the ``navigation`` message's (``st.navigation`` apps; else ``new_session``'s).
  The elements of the latest whole-page run are the page (the front end drops the ones a
  run did not send again).
- **ForwardMsg cache** (``MessageCache``): a message the server marks ``cacheable`` is kept
  under its hash; every rerun lists the kept hashes, and the server then sends such a
  message again only as a ``ref_hash``, resolved here from the cache. After each finished
  run a message not sent or referred to for more than ``max_cached_message_age`` runs
  (``new_session.config``) is dropped, as the front end does.
- **Widget states**: the front end sends, with every rerun, the value of every widget it
  has mounted: a widget first takes the value its element carries (``value`` or
  ``raw_value`` when the server set one, else ``default``), keeps its own value over later
  runs unless the server sets one again, and is forgotten when a run no longer draws it.
  Buttons, download buttons, components, charts with an id, tab containers and expanders
  send nothing until used, and widgets in a closed popover are not mounted at all.
  Moving a bound slider (``query_param_key``) also writes its value into the query string
  sent with that rerun (and removes it at the default); the server's ``page_info_changed``
  replaces the query string.
- **Moving a slider one notch**: one ``step`` (a select slider: one option) up, or down
  from its maximum. The rerun is timed from sending it to receiving its
  ``script_finished`` (FINISHED_SUCCESSFULLY): every delta of the run has arrived by then.

Fragment runs are not modelled (the app has none since the player moved to the browser).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

# The player's component name (ui/player.py: st.components.v2.component(...)).
PLAYER_COMPONENT = "descent_lab_player"
RUN_TIMEOUT = 120.0  # seconds a whole-page run may take before it is an error

# Element types that carry a widget id but send no state until a visitor uses them.
SENDS_NOTHING_UNTIL_USED = {
    "button",
    "download_button",
    "bidi_component",
    "component_instance",
    "vega_lite_chart",  # an id when it has selections; its state comes with a selection
}
MODELLED = {"slider", "selectbox", "button_group", "checkbox", "number_input"}

DeltaPath = tuple[int, ...]  # where an element sits: its ForwardMsg metadata.delta_path


class ProtocolError(RuntimeError):
    """The server said something the front end would not expect, or nothing in time."""


class MessageCache:
    """The front end's ForwardMsg cache: hash -> (message, run count when last used).

    A message of age ``run_count - last_used`` > ``max_age`` after a finished run is
    dropped; every rerun lists the kept hashes (``hashes``)."""

    def __init__(self):
        self.messages: dict[str, tuple[ForwardMsg, int]] = {}
        self.run_count = 0

    def resolve(self, msg: ForwardMsg) -> ForwardMsg:
        """The message itself, or the cached one a ``ref_hash`` points to (its delta path
        is the reference's: the same element may sit elsewhere in this run)."""
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self.messages:
                raise ProtocolError(f"cache miss for ref_hash {msg.ref_hash}")
            cached, _ = self.messages[msg.ref_hash]
            self.messages[msg.ref_hash] = (cached, self.run_count)
            resolved = ForwardMsg()
            resolved.delta.CopyFrom(cached.delta)
            resolved.metadata.CopyFrom(msg.metadata)
            return resolved
        if msg.metadata.cacheable and msg.hash:
            kept = self.messages.get(msg.hash)
            self.messages[msg.hash] = (kept[0] if kept else msg, self.run_count)
        return msg

    def finished_run(self, max_age: int) -> None:
        self.run_count += 1
        self.messages = {
            key: (msg, used)
            for key, (msg, used) in self.messages.items()
            if self.run_count - used <= max_age
        }

    def hashes(self) -> list[str]:
        return list(self.messages)


@dataclass
class PageRun:
    """One script run as the visitor received it: the elements (delta path -> Element) and
    blocks (delta path -> Block) it drew, when its ``new_session`` and its
    ``script_finished`` arrived (``time.perf_counter``), and how it finished."""

    started: float
    elements: dict[DeltaPath, object] = field(default_factory=dict)
    blocks: dict[DeltaPath, object] = field(default_factory=dict)
    finished: float | None = None
    status: int | None = None

    def of_type(self, element_type: str) -> dict[DeltaPath, object]:
        return {
            path: getattr(element, element_type)
            for path, element in self.elements.items()
            if element.WhichOneof("type") == element_type
        }

    @property
    def has_player(self) -> bool:
        return any(
            component.component_name == PLAYER_COMPONENT
            for component in self.of_type("bidi_component").values()
        )

    @property
    def exceptions(self) -> int:
        return len(self.of_type("exception"))

    def chart_digests(self) -> dict[DeltaPath, str]:
        """Every Vega-Lite chart's content (spec and datasets) as a digest, by place."""
        return {
            path: hashlib.blake2b(chart.SerializeToString(deterministic=True)).hexdigest()
            for path, chart in self.of_type("vega_lite_chart").items()
        }

    def in_popover(self, path: DeltaPath) -> bool:
        return any(
            (block := self.blocks.get(path[:depth])) is not None
            and block.WhichOneof("type") == "popover"
            for depth in range(1, len(path))
        )


def widget_kind(element) -> str | None:
    """What the front end would send for this element: a modelled kind ("slider",
    "select_slider", ...), None for an element that sends nothing (yet); an element with an
    id of any other type is an error, so an unmodelled widget is not silently left out."""
    element_type = element.WhichOneof("type")
    proto = getattr(element, element_type)
    if "id" not in proto.DESCRIPTOR.fields_by_name or not proto.id:
        return None
    if element_type in SENDS_NOTHING_UNTIL_USED:
        return None
    if element_type not in MODELLED:
        raise ProtocolError(f"widget type {element_type!r} is not modelled ({proto.id})")
    if element_type == "slider" and proto.type == Slider.SELECT_SLIDER:
        return "select_slider"
    return element_type


def element_state(kind: str, proto) -> WidgetState | None:
    """The value a widget takes from its element: the server's ``value`` / ``raw_value``
    when ``set_value``, else the default (None: no value, e.g. a selectbox without one)."""
    state = WidgetState(id=proto.id)
    if kind == "slider":
        state.double_array_value.data[:] = proto.value if proto.set_value else proto.default
    elif kind == "select_slider":
        chosen = (
            proto.raw_value if proto.set_value else [proto.options[int(i)] for i in proto.default]
        )
        state.string_array_value.data[:] = chosen
    elif kind == "selectbox":
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default"):
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "button_group":
        chosen = (
            proto.raw_values
            if proto.set_value
            else [proto.options[i].content for i in proto.default]
        )
        state.string_array_value.data[:] = chosen
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    elif kind == "number_input":
        if proto.set_value and proto.HasField("value"):
            number = proto.value
        elif proto.HasField("default"):
            number = proto.default
        else:
            return None  # an empty number box sends nothing
        if proto.data_type == proto.INT:
            state.int_value = int(number)
        else:
            state.double_value = number
    return state


def url_number(value: float, integer: bool) -> str:
    """A number as the front end writes it into the URL (``110``, ``1.1``, ``-2.39``)."""
    if integer or value.is_integer():
        return str(int(value))
    return repr(value)


@dataclass
class SliderMove:
    """A slider moved one notch: its label, value before and after, the seconds from the
    rerun's request to its ``script_finished``, and the charts the rerun changed (places
    whose spec or data differ from the run before)."""

    label: str
    before: str
    after: str
    seconds: float
    changed_charts: list[DeltaPath]


def handshake_cookie(socket, name: str) -> str | None:
    """The value of the cookie ``name`` set by the websocket handshake's response (nginx
    names the replica that took the connection there), or None."""
    response = getattr(socket, "response", None)
    if response is None:
        return None
    for header in response.headers.get_all("Set-Cookie"):
        key, _, rest = header.partition("=")
        if key.strip() == name:
            return rest.split(";", 1)[0] or None
    return None


class ProtocolVisitor:
    """One visitor's websocket session with a Streamlit server (see the module docstring):
    ``open`` a page, ``move_first_slider`` one notch, ``close``."""

    def __init__(self, base: str, url_path: str, query: str = "lang=en"):
        self.url = base.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        self.page_url = f"{base.rstrip('/')}/{url_path}"
        self.url_path, self.query = url_path, query
        self.cache = MessageCache()
        self.page_script_hash = ""
        self.max_cached_message_age = 2
        self.values: dict[str, WidgetState] = {}  # the front end's widget values, by id
        self.kinds: dict[str, str] = {}
        self.page: PageRun | None = None  # the latest whole-page run: what is drawn
        self.moves = 0  # net notches moved up
        self.frames_received = 0
        self.references = 0  # messages the server sent as a ref_hash to this visitor's cache
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._current: PageRun | None = None
        self._finished: asyncio.Queue[PageRun | None] = asyncio.Queue()  # None: closed
        self.failure = ""

    async def open(self, timeout: float = RUN_TIMEOUT) -> PageRun:
        """Connect and run the page as a deep link does; the finished run."""
        from websockets.asyncio.client import connect

        # proxy=None: a loopback server, whatever proxy the environment names;
        # ping_interval=None: the browser sends no pings of its own (the server does).
        self._socket = await connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            proxy=None,
            ping_interval=None,
            open_timeout=timeout,
        )
        self._reader = asyncio.create_task(self._read(), name=f"visitor {self.url_path}")
        run, _ = await self._run(page_name=self.url_path, timeout=timeout)
        return run

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    def widgets(self) -> dict[DeltaPath, tuple[str, object]]:
        """The mounted widgets of the page in page order: path -> (kind, element proto)."""
        found = {}
        for path, element in sorted(self.page.elements.items()):
            kind = widget_kind(element)
            if kind and not self.page.in_popover(path):
                found[path] = (kind, getattr(element, element.WhichOneof("type")))
        return found

    def first_slider(self):
        """The first Streamlit slider in page order (a select slider counts: the browser
        draws both as ``stSlider``), as (kind, proto)."""
        for kind, proto in self.widgets().values():
            if kind in ("slider", "select_slider"):
                return kind, proto
        raise ProtocolError(f"{self.url_path}: no slider on the page")

    async def move_first_slider(self, timeout: float = RUN_TIMEOUT) -> SliderMove:
        """Move the first slider one notch (up, or down after a move up or at its
        maximum), rerun, and time it; the charts it changed are in the result."""
        kind, proto = self.first_slider()
        state = self.values[proto.id]
        moved = WidgetState()
        moved.CopyFrom(state)
        if kind == "select_slider":
            options = list(proto.options)
            index = options.index(state.string_array_value.data[0])
            step = -1 if self.moves > 0 or index >= len(options) - 1 else 1
            moved.string_array_value.data[:] = [options[index + step]]
            before, after = options[index], options[index + step]
        else:
            value = state.double_array_value.data[0]
            step = -1 if self.moves > 0 or value >= proto.max else 1
            new = min(max(round(value + step * proto.step, 12), proto.min), proto.max)
            moved.double_array_value.data[:] = [new]
            integer = proto.data_type == Slider.INT
            before, after = url_number(value, integer), url_number(new, integer)
            if proto.query_param_key:  # the front end writes a bound widget into the URL
                default = proto.default[0] if proto.default else None
                self._set_query(proto.query_param_key, None if new == default else after)
        self.values[proto.id] = moved
        charts_before = self.page.chart_digests()
        run, seconds = await self._run(timeout=timeout)
        charts_after = run.chart_digests()
        changed = [
            path for path, digest in charts_after.items() if charts_before.get(path) != digest
        ]
        self.moves += step
        return SliderMove(proto.label, before, after, seconds, changed)

    def _set_query(self, key: str, value: str | None) -> None:
        pairs = [(k, v) for k, v in parse_qsl(self.query, keep_blank_values=True) if k != key]
        if value is not None:
            pairs.append((key, value))
        self.query = urlencode(pairs)

    def _rerun_message(self, page_name: str) -> BackMsg:
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = "" if page_name else self.page_script_hash
        state.page_name = page_name
        if self.page is not None:
            state.widget_states.widgets.extend(
                self.values[proto.id]
                for _, proto in self.widgets().values()
                if proto.id in self.values
            )
        state.cached_message_hashes.extend(self.cache.hashes())
        context = state.context_info  # what a browser in UTC with English settings sends
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url = f"{self.page_url}?{self.query}" if self.query else self.page_url
        context.is_embedded, context.color_scheme = False, "light"
        return back

    async def _run(
        self, page_name: str = "", timeout: float = RUN_TIMEOUT
    ) -> tuple[PageRun, float]:
        """Send a rerun and wait for its whole-page run to finish; (run, seconds from the
        send to its ``script_finished``)."""
        message = self._rerun_message(page_name).SerializeToString()
        while not self._finished.empty():  # a run that came after its wait timed out
            if self._finished.get_nowait() is None:
                raise ProtocolError(f"{self.url_path}: {self.failure}")
        sent = time.perf_counter()
        await self._socket.send(message)
        try:
            run = await asyncio.wait_for(self._finished.get(), timeout)
        except TimeoutError:
            raise ProtocolError(
                f"{self.url_path}: no run finished within {timeout:.0f} s "
                f"({self.frames_received} frames received)"
            ) from None
        if run is None:
            raise ProtocolError(f"{self.url_path}: {self.failure}")
        if run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
            raise ProtocolError(f"{self.url_path}: run finished with status {run.status}")
        self._take_widgets(run)
        return run, run.finished - sent

    def _take_widgets(self, run: PageRun) -> None:
        """The front end's widget values after this run (see the module docstring)."""
        self.page = run
        mounted = self.widgets()
        kept = {}
        for kind, proto in mounted.values():
            if proto.id in self.values and not proto.set_value and self.kinds.get(proto.id) == kind:
                kept[proto.id] = self.values[proto.id]
            elif (state := element_state(kind, proto)) is not None:
                kept[proto.id] = state
            self.kinds[proto.id] = kind
        self.values = kept

    async def _read(self) -> None:
        try:
            async for frame in self._socket:
                arrived = time.perf_counter()
                self.frames_received += 1
                self._receive(ForwardMsg.FromString(frame), arrived)
        except Exception as exc:  # reported by the run that waits, not lost in this task
            self.failure = f"{type(exc).__name__}: {exc}"
        else:
            self.failure = "the server closed the websocket"
        self._finished.put_nowait(None)

    def _receive(self, msg: ForwardMsg, arrived: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
            self.max_cached_message_age = msg.new_session.config.max_cached_message_age
            self._current = PageRun(started=arrived)
        elif kind in ("delta", "ref_hash"):
            self.references += kind == "ref_hash"
            msg = self.cache.resolve(msg)
            if self._current is None:
                return
            path = tuple(msg.metadata.delta_path)
            delta_type = msg.delta.WhichOneof("type")
            if delta_type == "new_element":
                self._current.elements[path] = msg.delta.new_element
            elif delta_type == "add_block":
                self._current.blocks[path] = msg.delta.add_block
        elif kind == "navigation":  # st.navigation names the page it ran
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN or self._current is None:
                return  # cut short by a rerun: the next run is the one awaited
            if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                return  # not modelled: the app has no fragment
            self.cache.finished_run(self.max_cached_message_age)
            run, self._current = self._current, None
            run.finished, run.status = arrived, status
            self._finished.put_nowait(run)
