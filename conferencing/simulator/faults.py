"""The fault switch: make API calls fail so clients' timeouts, retries and error paths can be tested."""

from __future__ import annotations

import threading
from typing import Any

MODES = ("error", "hang", "drop")


class Faults:
    """`error` answers HTTP 500, `hang` keeps the request open until recovered, `drop` closes the
    connection without an answer. Optionally only for some calls, and only for the next `count` calls."""

    def __init__(self, max_hang_seconds: float) -> None:
        self.max_hang_seconds = max_hang_seconds
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._released.set()
        self.mode: str | None = None
        self.calls: frozenset[str] = frozenset()
        self.remaining: int | None = None

    def set(self, mode: str, calls: list[str] | None = None, count: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"Unknown fault mode {mode!r}: use one of {', '.join(MODES)}.")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self.mode = mode
            self.calls = frozenset(calls or ())
            self.remaining = count
            if mode == "hang":
                self._released.clear()
            else:
                self._released.set()

    def recover(self) -> None:
        with self._lock:
            self.mode = None
            self.calls = frozenset()
            self.remaining = None
            self._released.set()

    def take(self, call: str) -> str | None:
        """The fault this API call suffers, if any (counting it against `count`)."""
        with self._lock:
            if self.mode is None or (self.calls and call not in self.calls):
                return None
            mode = self.mode
            if self.remaining is not None:
                self.remaining -= 1
                if self.remaining == 0:
                    self.mode = None
                    self.calls = frozenset()
                    self.remaining = None
            return mode

    def hang(self) -> None:
        """Block until recovered (or the hang limit passes)."""
        self._released.wait(self.max_hang_seconds)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"mode": self.mode, "calls": sorted(self.calls), "remaining": self.remaining}
