"""Start the tuning page: load the scenario, serve it with uvicorn, open the browser."""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from pathlib import Path

from ..errors import SimError

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether `host` only answers this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port(host: str = LOOPBACK, port: int = 0) -> int:
    """`port` if it is free on `host` now (0: any free port); SimError if it is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise SimError(f"cannot serve on {host}:{port} ({exc.strerror}). Choose another "
                           "port with --port (0: any free port).") from None
        return s.getsockname()[1]


def server(scenario, actuals: Path | None = None, as_of: int | None = None,
           host: str = LOOPBACK, port: int = 0):
    """A configured uvicorn Server for the page (not yet started) and its URL."""
    import uvicorn

    from .app import create_app
    from .session import Tuner

    tuner = Tuner(scenario, actuals, as_of)
    hosts = ["127.0.0.1", "localhost", "[::1]"] + ([] if is_loopback(host) else ["*"])
    port = free_port(host, port)
    config = uvicorn.Config(create_app(tuner, hosts), host=host, port=port,
                            log_level="warning", access_log=False, lifespan="off")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return uvicorn.Server(config), f"http://{shown}:{port}/"


def serve(scenario, actuals=None, as_of=None, host=LOOPBACK, port=0, open_browser=True,
          announce=print) -> None:
    """Serve the page until interrupted; `announce` receives the URL line."""
    srv, url = server(scenario, actuals, as_of, host, port)
    announce(url)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    srv.run()
