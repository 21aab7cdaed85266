"""Students who speak Streamlit's websocket protocol instead of running a browser, for `bench/classroom.py`.

In a real class the thirty browsers run on thirty laptops; on this machine thirty chromium pages would take the
server's two vCPUs. A `Student` here does what the browser's Streamlit client does on the wire and nothing else:

- it first fetches the page's files over HTTP as a browser with an empty cache does (`assets`: the paths a real
  chromium session fetched for Home and the Train page, recorded by the bench; about 140 files and 9 MiB), six
  at a time on keep-alive connections;
- it opens `/_stcore/stream`, asks for a run of the first page, and reads every message the server sends;
- it presses a button by sending the button's trigger, exactly as the browser does (the widget id comes from
  the button element the server sent);
- it follows the page where the server sends it (`st.switch_page`), and reruns each `st.fragment(run_every=...)`
  on the interval the server's `auto_rerun` message names, cancelling it on `stop_auto_rerun` or a full rerun,
  as the browser's client does;
- it keeps the text of what the page's main area shows (markdown, alerts, captions, ...) by element position,
  dropping what a full run no longer draws, so the bench can read "position 4 in the queue" or "steps/s" off a
  student's page.

The server does all of its work as for a browser: every script run, every chart's JSON, every websocket frame.
It never sees cached-message hashes from these students, so it sends every element in full (a browser would
be sent references for big repeated elements; the server serialises and hashes each message either way). It
sends no widget values on a fragment's rerun (the browser sends them all): the server then keeps each widget's
last value, so the page does what it would for a browser.

`run_class(...)` runs in a process of its own (see bench/classroom.py) so that the health poller's timings in
the bench process do not wait on these students' interpreter lock.
"""
from __future__ import annotations

import asyncio
import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# element kinds whose text a page shows to the student (charts, images and tables are skipped: no words in them)
TEXT_ELEMENTS = ("markdown", "alert", "heading", "progress", "metric", "code", "text", "toast", "html")
BROWSER_CONNECTIONS = 6  # a browser's connections to one host over HTTP/1.1
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what chromium asks for

_connections = threading.local()


def fetch(base_url: str, path: str) -> int:
    """GET `path` on a keep-alive connection of this thread's; the body's length, or -1 for a missing file (an error
    status, or the app's own page, which the server answers for any unknown path)."""
    parts = urlsplit(base_url)
    connection = getattr(_connections, "connection", None)
    for attempt in (0, 1):
        if connection is None:
            connection = _connections.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
            response = connection.getresponse()
            body = response.read()
            fallback = path != "/" and response.getheader("Content-Type", "").startswith("text/html")
            return -1 if response.status >= 400 or fallback else len(body)
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = _connections.connection = None
            if attempt:
                raise
    return 0


def element_text(element) -> str:
    """The words an element shows ('' for charts and pictures)."""
    kind = element.WhichOneof("type")
    if kind not in TEXT_ELEMENTS:
        return ""
    inner = getattr(element, kind)
    parts = [getattr(inner, name) for name in ("label", "body", "text") if hasattr(inner, name)]
    return " ".join(str(part) for part in parts if part)


@dataclass
class Student:
    """One browser session, on the wire. `url` is the app's http address."""

    url: str
    name: str = "student"
    assets: tuple = ()  # paths a browser fetches before it opens the websocket
    pool: ThreadPoolExecutor | None = None  # fetches the assets (a pool of its own for each open() if None)
    asset_bytes: int = 0
    assets_missing: int = 0
    fetch_s: float = 0.0  # how long the last open() spent fetching the assets
    page_hash: str = ""
    query: str = ""
    cookie: str = ""  # the Cookie header the websocket sends (the app's browser id: see app/state.py)
    buttons: dict = field(default_factory=dict)  # widget key suffix -> widget id
    texts: dict = field(default_factory=dict)  # position of an element in the page's main area -> its words
    intervals: dict = field(default_factory=dict)  # fragment id -> seconds between its reruns, as the server said
    sent: list = field(default_factory=list)  # (time, fragment id, is_auto_rerun) of every rerun asked for
    runs_finished: int = 0
    last_finish: int = -1  # ForwardMsg.ScriptFinishedStatus of the last run
    messages: int = 0
    bytes_received: int = 0
    errors: list = field(default_factory=list)

    def __post_init__(self):
        self._ws = None
        self._timers: dict[str, asyncio.Task] = {}
        self._finished = asyncio.Event()
        self._gone = asyncio.Event()  # the connection ended
        self._reader: asyncio.Task | None = None
        self._written: set = set()  # positions the current full run has drawn

    # -- what the browser sends -------------------------------------------------------------------------------
    def _rerun_message(self, trigger: str = "", fragment_id: str = "", auto: bool = False) -> bytes:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.SetInParent()  # the server keeps each widget's last value when it is not sent
        if trigger:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = trigger, True
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, auto
        info = state.context_info
        info.timezone, info.locale, info.url, info.color_scheme = "UTC", "en-US", self.url + "/", "light"
        self.sent.append((time.monotonic(), fragment_id, auto))
        return message.SerializeToString()

    async def _send(self, payload: bytes) -> None:
        try:
            await self._ws.send(payload)
        except Exception as error:  # noqa: BLE001 - a closed socket ends the student, it is recorded
            self.errors.append(f"send: {error}")

    # -- what the server sends --------------------------------------------------------------------------------
    def _on_message(self, raw: bytes) -> None:
        message = ForwardMsg()
        message.ParseFromString(raw)
        self.messages += 1
        self.bytes_received += len(raw)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            if message.new_session.page_script_hash != self.page_hash:
                self.texts.clear()
                self.buttons.clear()
            self.page_hash = message.new_session.page_script_hash
            if not message.metadata.run.fragment_ids:  # a full run declares its timed fragments again
                self._cancel_timers()
                self._written = set()
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._cancel_timers(list(message.stop_auto_rerun.fragment_ids))
        elif kind == "script_finished":
            self.runs_finished += 1
            self.last_finish = message.script_finished
            if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                # as the browser does, what a full run did not draw again is gone from the page
                self.texts = {path: text for path, text in self.texts.items() if path in self._written}
            self._finished.set()
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            path = tuple(message.metadata.delta_path)
            if element.WhichOneof("type") == "button" and element.button.id.startswith("$$ID-"):
                self.buttons[element.button.id.split("-", 2)[-1]] = element.button.id  # "$$ID-<hash>-<key>"
            if path and path[0] == 0:  # the main area; the sidebar is 1, dialogs and toasts elsewhere
                self.texts[path] = element_text(element)
                self._written.add(path)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self._timers and self.intervals.get(fragment_id) == interval:
            return  # the browser keeps a timer the server declares again unchanged
        self._cancel_timers([fragment_id])
        self.intervals[fragment_id] = interval

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._send(self._rerun_message(fragment_id=fragment_id, auto=True))

        self._timers[fragment_id] = asyncio.get_running_loop().create_task(tick())

    def _cancel_timers(self, fragment_ids: list[str] | None = None) -> None:
        for key in list(self._timers) if fragment_ids is None else fragment_ids:
            task = self._timers.pop(key, None)
            if task is not None:
                task.cancel()

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._on_message(raw)
        except Exception as error:  # noqa: BLE001
            self.errors.append(f"receive: {error}")
        finally:
            self._cancel_timers()
            self._gone.set()

    async def _fetch_assets(self) -> None:
        if not self.assets:
            return
        loop = asyncio.get_running_loop()
        own = self.pool is None
        pool = ThreadPoolExecutor(BROWSER_CONNECTIONS) if own else self.pool
        try:
            sizes = await asyncio.gather(*(loop.run_in_executor(pool, fetch, self.url, path) for path in self.assets))
        finally:
            if own:
                pool.shutdown(wait=False)
        self.asset_bytes += sum(size for size in sizes if size > 0)
        self.assets_missing += sum(size < 0 for size in sizes)

    async def _full_run_finished(self, deadline: float) -> None:
        """Wait until a full run of the script runs to its end (not one ended early for a rerun or a page switch,
        not a fragment's run); TimeoutError past `deadline`, ConnectionError if the server closed the socket."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no run of the page finished in time")
            finished = asyncio.ensure_future(self._finished.wait())
            gone = asyncio.ensure_future(self._gone.wait())
            await asyncio.wait([finished, gone], timeout=left, return_when=asyncio.FIRST_COMPLETED)
            finished.cancel()
            gone.cancel()
            if self._finished.is_set():
                self._finished.clear()
                if self.last_finish == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return
            elif self._gone.is_set():
                raise ConnectionError(f"{self.name}: the server closed the connection ({'; '.join(self.errors)})")

    # -- what a student does ----------------------------------------------------------------------------------
    async def open(self, timeout: float = 60.0) -> float:
        """Fetch the page's files, open the app's first page and wait until its script has run: the seconds that
        took (`fetch_s` of them fetching the files)."""
        from websockets.asyncio.client import connect

        started = time.monotonic()
        deadline = started + timeout
        await asyncio.wait_for(self._fetch_assets(), timeout)
        self.fetch_s = time.monotonic() - started
        ws_url = self.url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._ws = await connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                 open_timeout=max(1.0, deadline - time.monotonic()),
                                 additional_headers={"Cookie": self.cookie} if self.cookie else None)
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self._finished.clear()
        await self._send(self._rerun_message())
        await self._full_run_finished(deadline)
        return time.monotonic() - started

    async def press(self, key: str, timeout: float = 60.0) -> float:
        """Press the button whose key is `key` (e.g. "home_preset_ring8-fixed"); the seconds until the full run it
        started (and those of any page it switched to) ran to the end."""
        if key not in self.buttons:
            raise KeyError(f"no button with key {key!r} on this page (have: {sorted(self.buttons)})")
        started = time.monotonic()
        self._finished.clear()
        await self._send(self._rerun_message(trigger=self.buttons[key]))
        await self._full_run_finished(started + timeout)
        return time.monotonic() - started

    def page_text(self) -> str:
        """The words the page's main area shows now, top to bottom."""
        return "\n".join(text for _, text in sorted(self.texts.items()) if text)

    async def close(self) -> None:
        self._cancel_timers()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)


# -- a whole class, in a process of its own ---------------------------------------------------------------------
def serve_class(conn, url: str, sessions: int, button: str, gap: float, assets: tuple = (),
                cookies: tuple = ()) -> None:
    """Entry point of the students' process: `sessions` students arrive `gap` seconds apart, each fetches `assets`,
    opens the app and presses `button`; then the process answers the bench's commands on `conn` ("newcomer",
    "pages", "leave") until told to leave. `cookies`: one Cookie header per student (a browser the app knows)."""
    asyncio.run(_serve_class(conn, url, sessions, button, gap, tuple(assets), tuple(cookies)))


async def _serve_class(conn, url: str, sessions: int, button: str, gap: float, assets: tuple,
                       cookies: tuple = ()) -> None:
    loop = asyncio.get_running_loop()
    # every student has its own six connections, as every laptop would
    pools = [ThreadPoolExecutor(BROWSER_CONNECTIONS, thread_name_prefix=f"student{i}") for i in range(sessions)]
    students = [Student(url, name=f"student {i + 1}", assets=assets, pool=pools[i],
                        cookie=cookies[i] if i < len(cookies) else "") for i in range(sessions)]

    async def arrive(index: int, student: Student) -> tuple[float, float, float]:
        await asyncio.sleep(index * gap)
        opened = await student.open()
        return student.fetch_s, opened - student.fetch_s, await student.press(button)

    outcomes = await asyncio.gather(*(arrive(i, s) for i, s in enumerate(students)), return_exceptions=True)
    done = [o for o in outcomes if not isinstance(o, BaseException)]
    conn.send({"fetch_s": [o[0] for o in done], "home_s": [o[1] for o in done], "press_s": [o[2] for o in done],
               "failed": [f"{type(o).__name__}: {o}" for o in outcomes if isinstance(o, BaseException)]})
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command == "newcomer":
            newcomer = Student(url, name="newcomer", assets=assets)
            try:
                conn.send(await newcomer.open())
            except Exception as error:  # noqa: BLE001 - reported, not raised: the class goes on
                conn.send(f"{type(error).__name__}: {error}")
            finally:
                await newcomer.close()
        elif command == "pages":
            conn.send([student.page_text() for student in students])
        elif command == "leave":
            await asyncio.gather(*(student.close() for student in students), return_exceptions=True)
            for pool in pools:
                pool.shutdown(wait=False)
            conn.send({"cpu_s": time.process_time(), "messages": sum(s.messages for s in students),
                       "mib_received": sum(s.bytes_received for s in students) / 2**20,
                       "asset_mib": sum(s.asset_bytes for s in students) / 2**20,
                       "assets_missing": sum(s.assets_missing for s in students),
                       "errors": [e for s in students for e in s.errors][:5]})
            return


def open_once(url: str) -> float:
    """Seconds for one new session to open the app's first page (and leave again)."""

    async def visit() -> float:
        student = Student(url, name="visitor")
        try:
            return await student.open()
        finally:
            await student.close()

    return asyncio.run(visit())
