"""The page and its JSON API, as a Starlette app around one Tuner.

    GET  /                    the page (static/index.html); /static/... its JS, CSS, ECharts
    GET  /font/cjk.otf        the bundled CJK font, for browsers without one
    POST /api/session         a new session: {session, scenario, parameters, loops, ...}
    POST /api/run             {constants, series} -> targets, tracked targets, charts
    POST /api/pin             keep the current run as the reference
    POST /api/uncertainty     {samples?} -> P(target met) and 5-95% bands
    POST /api/save            {name} -> the scenario file written

Requests name their session in the X-Session header. A bad value answers 422 with
{"problems": [...]} (one line each, as the CLI prints them); nothing answers a traceback.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import scenario as scen
from ..errors import InputError, Problem, SimError
from . import request as req
from .session import Tuner

STATIC = Path(__file__).resolve().parent / "static"
FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
MAX_BODY = 1_000_000
log = logging.getLogger("sim.tune")


def _problems(exc: SimError) -> JSONResponse:
    lines = [str(p) for p in exc.problems] if isinstance(exc, InputError) else [str(exc)]
    return JSONResponse({"problems": lines}, status_code=422)


def create_app(tuner: Tuner, hosts=("127.0.0.1", "localhost")) -> Starlette:
    """The app serving `tuner`; requests naming another host are refused."""
    compute = threading.Lock()  # one simulation at a time: the machine's cores are shared

    async def body_of(request: Request):
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise InputError([Problem(req.WHERE, "", "request too large.")])
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise InputError([Problem(req.WHERE, "", "the request is not JSON.")]) \
                from None

    def endpoint(work, needs_session=True):
        async def handle(request: Request):
            try:
                body = await body_of(request)
                session = tuner.session(request.headers.get("x-session")) \
                    if needs_session else None

                def locked():
                    with compute:
                        return work(session, body)

                return JSONResponse(await run_in_threadpool(locked))
            except SimError as exc:
                return _problems(exc)
            except Exception:  # never a traceback in the page; the server log keeps it
                log.exception("sim tune: request failed")
                return JSONResponse({"problems": ["internal error: the server log has the "
                                                  "details."]}, status_code=500)
        return handle

    def new_session(_, body):
        return {"session": tuner.new_session(), **tuner.describe()}

    def run(session, body):
        return tuner.run(session, body)

    def pin(session, body):
        return tuner.pin(session)

    def uncertainty(session, body):
        samples = body.get("samples") if isinstance(body, dict) else None
        if samples is not None and (not isinstance(samples, int) or isinstance(samples, bool)
                                    or not 10 <= samples <= 20000):
            raise InputError([Problem(req.WHERE, "samples", "must be a whole number "
                                           "from 10 to 20000.")])
        return tuner.uncertainty(session, samples)

    def save(session, body):
        name = body.get("name") if isinstance(body, dict) else None
        path = tuner.save(session, name)
        return {"path": scen.display_path(path), "name": path.stem}

    async def index(_):
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def font(_):
        if not FONT.is_file():
            return Response(status_code=404)
        return FileResponse(FONT, media_type="font/otf")

    routes = [
        Route("/", index),
        Route("/font/cjk.otf", font),
        Route("/favicon.ico", lambda _: Response(status_code=204)),
        Route("/api/session", endpoint(new_session, needs_session=False), methods=["POST"]),
        Route("/api/run", endpoint(run), methods=["POST"]),
        Route("/api/pin", endpoint(pin), methods=["POST"]),
        Route("/api/uncertainty", endpoint(uncertainty), methods=["POST"]),
        Route("/api/save", endpoint(save), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes,
                     middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))])
