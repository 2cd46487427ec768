"""A small Chrome DevTools Protocol client for tests: headless Chromium driven over a pipe.

Chromium's `--remote-debugging-pipe` reads commands from file descriptor 3 and writes
replies and events to descriptor 4, each a JSON message ending in a NUL byte. So no port
is opened, nothing is downloaded, and no package beyond the standard library is needed.
"""
from __future__ import annotations

import base64
import fcntl
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--disable-component-update",
    "--disable-default-apps", "--disable-features=Translate,MediaRouter,OptimizationHints", "--mute-audio",
    "--hide-scrollbars", "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process; `page()` opens a tab to drive."""

    def __init__(self, executable: str, timeout_s: float = 30.0):
        self.timeout_s = timeout_s
        self.profile = tempfile.mkdtemp(prefix="grader-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Chromium wants the pipe on descriptors 3 and 4; move ours out of the way first.
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def wire() -> None:  # in the child, before exec
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire,
        )
        os.close(child_in)
        os.close(child_out)
        self._writer = os.fdopen(to_browser_w, "wb", buffering=0)
        self._reader = os.fdopen(from_browser_r, "rb", buffering=0)
        self._ids = itertools.count(1)
        self._replies: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        self.version = self.send("Browser.getVersion")

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = self._reader.read(65536)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        waiting = self._replies.get(message["id"])
                    if waiting is not None:
                        waiting.put(message)
                else:
                    self.events.append(message)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None, timeout_s: float | None = None) -> dict[str, Any]:
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        waiting: queue.Queue = queue.Queue()
        with self._lock:
            self._replies[number] = waiting
        self._writer.write(json.dumps(message).encode() + b"\0")
        try:
            reply = waiting.get(timeout=timeout_s or self.timeout_s)
        except queue.Empty:
            raise CDPError(f"no reply to {method} within {timeout_s or self.timeout_s} s") from None
        finally:
            with self._lock:
                self._replies.pop(number, None)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def page(self) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, target, session)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout_s=5)
        except (CDPError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self._writer, self._reader):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One tab. `load()` records the console errors, exceptions and requests of a page load."""

    def __init__(self, browser: Browser, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def send(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session, **kw)

    def _events(self, start: int) -> list[dict[str, Any]]:
        return [e for e in self.browser.events[start:] if e.get("sessionId") == self.session]

    def load(self, url: str, width: int = 1000, height: int = 800) -> dict[str, list]:
        """Navigate and wait for the load event; returns what the page did while loading."""
        self.viewport(width, height)
        start = len(self.browser.events)
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.browser.timeout_s
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events(start)):
            if time.monotonic() > deadline:
                raise CDPError(f"{url} did not finish loading")
            time.sleep(0.02)
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", await_promise=True)
        events = self._events(start)
        errors = [
            e["params"]["entry"]["text"] for e in events
            if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ] + [
            " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]) for e in events
            if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")
        ] + [
            e["params"]["exceptionDetails"].get("text", "exception") for e in events if e["method"] == "Runtime.exceptionThrown"
        ]
        requests = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
        return {"errors": errors, "requests": requests}

    def viewport(self, width: int, height: int, mobile: bool = False) -> None:
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def media(self, media: str) -> None:
        self.send("Emulation.setEmulatedMedia", {"media": media})

    def evaluate(self, expression: str, await_promise: bool = False, timeout_s: float | None = None) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": await_promise, "returnByValue": True}, timeout_s=timeout_s)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise CDPError(f"evaluate failed: {details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def screenshot(self, path: Path, width: int = 1000, max_height: int = 2400) -> Path:
        """A PNG of the page's top, `width` CSS pixels wide and at most `max_height` tall."""
        self.viewport(width, 800)
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        self.viewport(width, min(max(height, 200), max_height))
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self) -> bytes:
        return base64.b64decode(self.send("Page.printToPDF", {"printBackground": False}, timeout_s=60)["data"])

    def close(self) -> None:
        try:
            self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout_s=5)
        except CDPError:
            pass
