"""The explorable's web server: the page, a JSON API and websocket streams of simulations.

:func:`create_app` builds the FastAPI application. Every request is validated against the bounds
of :mod:`trustlab.interfaces.web.limits` and the chapters' request models: a bad value is answered
with 422 and a one-line reason (over a websocket: an ``error`` message). No request runs code
sent by a client: characters are catalogue names, games are numbers. A websocket session runs one
simulation at a time; a new message replaces it, and a disconnect stops it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import mimetypes
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.middleware.trustedhost import TrustedHostMiddleware

import trustlab
from trustlab.interfaces.web import collective, engine, evolution, play, society, tournament
from trustlab.interfaces.web.limits import MAX_FPS, MAX_MESSAGE_BYTES, MAX_SESSIONS

__all__ = ["LOOPBACK_HOSTS", "create_app", "static_dir"]

#: Host headers accepted when serving on loopback (a guard against DNS rebinding)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
#: threads that run simulations (all sessions share them, so the CPU time is bounded)
WORKERS = 4


def static_dir() -> Path:
    """The folder of the page's files, shipped inside the package."""
    return Path(str(resources.files("trustlab.interfaces.web") / "static"))


def _reason(exc: ValidationError | RequestValidationError) -> str:
    """One line naming each bad field and what is allowed."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "params"))
        parts.append(f"{loc or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class _Cancelled(Exception):
    """Raised inside a worker thread when its session has moved on or gone."""


def create_app(*, warm: bool = True, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The explorable's application.

    Parameters
    ----------
    warm : bool
        Load the engine's compiled kernels in a background thread at start-up.
    allowed_hosts : list of str, optional
        Host headers to accept (default: any); ``trustlab serve`` passes the loopback names
        when it binds to loopback.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app(warm=False))
    >>> client.post("/api/tournament", json={"turns": 0}).status_code
    422
    """

    def _warm_up() -> None:
        try:
            _catalogue()
            engine.warm_up()
        finally:
            app.state.warm.set()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=_warm_up, name="trustlab-warm-up", daemon=True).start()
        else:
            app.state.warm.set()
        yield
        pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="trustlab explorable", version=trustlab.__version__, lifespan=lifespan)
    app.state.sessions = 0
    app.state.http_busy = 0

    @app.middleware("http")
    async def count_http(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        # streams yield to plain requests (see `pace`): a new reader's page load comes first
        app.state.http_busy += 1
        try:
            return await call_next(request)
        finally:
            app.state.http_busy -= 1

    pool = ThreadPoolExecutor(WORKERS, "trustlab-sim", initializer=engine.single_thread)

    async def work(fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the simulation threads."""
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args))

    app.state.warm = threading.Event()
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _reason(exc)}, status_code=422)

    @app.exception_handler(engine.TrustlabError)
    async def _refused(request: Request, exc: engine.TrustlabError) -> JSONResponse:
        return JSONResponse({"detail": " ".join(str(exc).split())}, status_code=422)

    # The page's few small files are read once and served from memory: a page load then needs no
    # thread and no disk, and stays quick while many simulations stream.
    static = static_dir()
    files = {
        f.relative_to(static).as_posix(): (
            f.read_bytes(),
            mimetypes.guess_type(f.name)[0] or "application/octet-stream",
        )
        for f in sorted(static.rglob("*"))
        if f.is_file()
    }
    no_cache = {"Cache-Control": "no-cache"}

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return Response(files["index.html"][0], media_type="text/html", headers=no_cache)

    @app.get("/static/{path:path}", include_in_schema=False)
    async def asset(path: str) -> Response:
        if path not in files:
            return JSONResponse({"detail": f"no file {path!r}"}, status_code=404)
        body, kind = files[path]
        return Response(body, media_type=kind, headers=no_cache)

    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        """Whether the server answers, its version, and whether the kernels are loaded."""
        return {
            "ok": True,
            "version": trustlab.__version__,
            "sessions": app.state.sessions,
            "warm": app.state.warm.is_set(),
        }

    @app.get("/api/catalogue")
    async def catalogue() -> dict[str, Any]:
        """Characters, the chapters' games (actions read from the engine) and every bound."""
        return _catalogue()

    @functools.cache
    def _catalogue() -> dict[str, Any]:
        cat = engine.characters()
        return {
            "characters": [
                {"name": n, "rule": c.rule, "actions": c.n_actions, "tags": sorted(c.tags)}
                for n, c in cat.items()
            ],
            "games": {
                "classic": engine.game_info(play.game_of("classic")),
                "exchange": engine.game_info(play.game_of("exchange")),
            },
            "exchange_parameters": engine.preset_parameters(engine.EXCHANGE),
            "dynamics": list(engine.DYNAMICS),
            "partner_choices": list(engine.PARTNER_CHOICES),
            "schemas": {
                name: model.model_json_schema()
                for name, model in (
                    ("play", play.PlayRequest),
                    ("tournament", tournament.TournamentRequest),
                    ("evolution", evolution.EvolutionRequest),
                    ("society", society.SocietyRequest),
                    ("collective", collective.CollectiveRequest),
                )
            },
            "limits": {"max_fps": MAX_FPS, "max_sessions": MAX_SESSIONS},
        }

    @app.post("/api/play")
    async def play_turns(req: play.PlayRequest) -> dict[str, Any]:
        """Replay a person's moves against one hidden character."""
        return play.play(req)

    @app.post("/api/play/reveal")
    async def reveal(req: play.RevealRequest) -> dict[str, Any]:
        """Who the hidden characters were."""
        return play.reveal(req)

    @app.post("/api/tournament")
    async def run_tournament(req: tournament.TournamentRequest) -> dict[str, Any]:
        """One round robin with every match's moves."""
        return await work(tournament.tournament, req)

    @app.post("/api/evolution")
    async def run_evolution(req: evolution.EvolutionRequest) -> dict[str, Any]:
        """A whole evolution at once: the counts per generation (and sites on a lattice)."""
        result = await work(evolution.run, req)
        messages = list(evolution.frames(req, result))
        return {**messages[0], "frames": messages[1:]}

    @app.post("/api/society")
    async def run_society(req: society.SocietyRequest) -> dict[str, Any]:
        """A whole society run at once: its last frame and the measures of every round."""

        def go() -> dict[str, Any]:
            it = society.frames(req, society.build(req))
            start = next(it)
            last: dict[str, Any] = {}
            series: list[dict[str, Any]] = []
            for frame in it:
                last = frame
                if "measures" in frame:
                    series.append({"round": frame["round"], **frame["measures"]})
            return {**start, "last": last, "series": series}

        return await work(go)

    @app.post("/api/collective")
    async def run_collective(req: collective.CollectiveRequest) -> dict[str, Any]:
        """The critical-mass experiment, answered when done."""
        return await work(collective.run, req, lambda d, t: None)

    # ---- websocket streams -------------------------------------------------------------

    Handler = Callable[[WebSocket, Any, Any, threading.Event], Awaitable[None]]

    async def session(ws: WebSocket, model: type[M], handler: Handler) -> None:
        origin = ws.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != ws.headers.get("host"):
            # a page from another site may not drive this computer's simulations
            await ws.close(code=1008, reason="cross-origin connections are refused")
            return
        if app.state.sessions >= MAX_SESSIONS:
            await ws.close(code=1013, reason="too many sessions; try again later")
            return
        await ws.accept()
        app.state.sessions += 1
        task: asyncio.Task[None] | None = None
        cancel = threading.Event()
        try:
            while True:
                text = await ws.receive_text()
                run_id: Any = None
                try:
                    if len(text) > MAX_MESSAGE_BYTES:
                        raise engine.TrustlabError(
                            f"a message may have at most {MAX_MESSAGE_BYTES} bytes"
                        )
                    data = json.loads(text)
                    if not isinstance(data, dict):
                        raise engine.TrustlabError("a message is a JSON object {id, params}")
                    run_id = data.get("id")
                    if not isinstance(run_id, int | None) or isinstance(run_id, bool):
                        raise engine.TrustlabError("id must be an integer")
                    req = model.model_validate(data.get("params", {}))
                except ValidationError as exc:
                    await ws.send_json({"type": "error", "id": run_id, "message": _reason(exc)})
                    continue
                except (engine.TrustlabError, json.JSONDecodeError) as exc:
                    msg = " ".join(str(exc).split())
                    await ws.send_json({"type": "error", "id": run_id, "message": msg})
                    continue
                if task is not None:
                    cancel.set()
                    task.cancel()
                cancel = threading.Event()
                task = asyncio.create_task(_guard(ws, handler, req, run_id, cancel))
        except WebSocketDisconnect:
            pass
        finally:
            cancel.set()
            if task is not None:
                task.cancel()
            app.state.sessions -= 1

    async def _guard(
        ws: WebSocket, handler: Handler, req: Any, run_id: Any, cancel: threading.Event
    ) -> None:
        try:
            await handler(ws, req, run_id, cancel)
        except engine.TrustlabError as exc:
            await _send(ws, {"type": "error", "id": run_id, "message": " ".join(str(exc).split())})
        except (_Cancelled, asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            pass

    async def _send(ws: WebSocket, message: dict[str, Any]) -> None:
        with suppress(WebSocketDisconnect, RuntimeError):
            await ws.send_json(message)

    async def pace(
        ws: WebSocket,
        messages: Iterator[dict[str, Any]],
        fps: int,
        run_id: Any,
        cancel: threading.Event,
        *,
        lazy: bool,
    ) -> None:
        """Send ``messages`` at ``fps`` frames per second (computing each in a thread if lazy)."""
        loop = asyncio.get_running_loop()
        period = 1.0 / fps
        due = loop.time()
        while not cancel.is_set():
            # let page loads and API calls in flight go first (for at most a few frames' time)
            for _ in range(25):
                if not app.state.http_busy:
                    break
                await asyncio.sleep(0.01)
            msg = await work(next, messages, None) if lazy else next(messages, None)
            if msg is None:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            msg["id"] = run_id
            await ws.send_json(msg)
            if msg.get("type") == "frame":
                due = max(due + period, loop.time() - period)
        await ws.send_json({"type": "done", "id": run_id})

    async def evolution_handler(
        ws: WebSocket, req: evolution.EvolutionRequest, run_id: Any, cancel: threading.Event
    ) -> None:
        def progress(done: int, total: int) -> None:
            if cancel.is_set():  # a newer request replaced this one: stop computing it
                raise _Cancelled

        result = await work(evolution.run, req, progress)
        await pace(ws, evolution.frames(req, result), req.fps, run_id, cancel, lazy=False)

    async def society_handler(
        ws: WebSocket, req: society.SocietyRequest, run_id: Any, cancel: threading.Event
    ) -> None:
        run = await work(society.build, req)
        await pace(ws, society.frames(req, run), req.fps, run_id, cancel, lazy=True)

    async def collective_handler(
        ws: WebSocket, req: collective.CollectiveRequest, run_id: Any, cancel: threading.Event
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)

        def progress(done: int, total: int) -> None:
            if cancel.is_set():
                raise _Cancelled
            msg = {"type": "progress", "id": run_id, "done": done, "total": total}
            loop.call_soon_threadsafe(queue.put_nowait, msg)

        def partial(frame: dict[str, Any]) -> None:
            # the curve so far, after each share: the page draws it as it grows
            loop.call_soon_threadsafe(queue.put_nowait, {**frame, "id": run_id})

        job = asyncio.ensure_future(work(collective.run, req, progress, partial))
        while not job.done():
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({job, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                await ws.send_json(getter.result())
            else:
                getter.cancel()
        while not queue.empty():  # what the last share sent before the job ended
            await ws.send_json(queue.get_nowait())
        result = job.result()
        await ws.send_json({**result, "id": run_id})
        await ws.send_json({"type": "done", "id": run_id})

    @app.websocket("/ws/evolution")
    async def ws_evolution(ws: WebSocket) -> None:
        await session(ws, evolution.EvolutionRequest, evolution_handler)

    @app.websocket("/ws/society")
    async def ws_society(ws: WebSocket) -> None:
        await session(ws, society.SocietyRequest, society_handler)

    @app.websocket("/ws/collective")
    async def ws_collective(ws: WebSocket) -> None:
        await session(ws, collective.CollectiveRequest, collective_handler)

    return app
