"""Headless Chromium for the tests that open the map (the ``browser`` fixture is in
conftest.py): where it is, how it is started, and opening a page with its errors,
requests and dialogs recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Opened:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_map(browser: Any, path: Path, timeout_ms: int = 60_000) -> Opened:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = Opened(page)

    def on_console(message: Any) -> None:
        if message.type == "error":
            opened.errors.append(message.text)

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("dialog", on_dialog)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.kgMap && window.kgMap.drawn", timeout=timeout_ms)
    return opened
