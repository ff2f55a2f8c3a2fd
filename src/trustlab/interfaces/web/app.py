"""The explorable's web server: the page, a JSON API and websocket streams of simulations.

:func:`create_app` builds the FastAPI application. Every request is validated against the bounds
of :mod:`trustlab.interfaces.web.limits` and the chapters' request models: a bad value is answered
with 422 and a one-line reason (over a websocket: an ``error`` message). No request runs code
sent by a client: characters are catalogue names, games are numbers. A websocket session runs one
simulation at a time; a new message replaces it, and a disconnect stops it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ValidationError
from starlette.middleware.trustedhost import TrustedHostMiddleware

import trustlab
from trustlab.interfaces.web import collective, engine, evolution, play, society, tournament
from trustlab.interfaces.web.limits import MAX_FPS, MAX_MESSAGE_BYTES, MAX_SESSIONS

__all__ = ["LOOPBACK_HOSTS", "create_app", "static_dir"]

#: Host headers accepted when serving on loopback (a guard against DNS rebinding)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
M = TypeVar("M", bound=BaseModel)


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

    app = FastAPI(title="trustlab explorable", version=trustlab.__version__, lifespan=lifespan)
    app.state.sessions = 0
    app.state.warm = threading.Event()
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _reason(exc)}, status_code=422)

    @app.exception_handler(engine.TrustlabError)
    async def _refused(request: Request, exc: engine.TrustlabError) -> JSONResponse:
        return JSONResponse({"detail": " ".join(str(exc).split())}, status_code=422)

    static = static_dir()

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(static / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=static), name="static")

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
        return await asyncio.to_thread(tournament.tournament, req)

    @app.post("/api/evolution")
    async def run_evolution(req: evolution.EvolutionRequest) -> dict[str, Any]:
        """A whole evolution at once: the counts per generation (and sites on a lattice)."""
        result = await asyncio.to_thread(evolution.run, req)
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

        return await asyncio.to_thread(go)

    @app.post("/api/collective")
    async def run_collective(req: collective.CollectiveRequest) -> dict[str, Any]:
        """The critical-mass experiment, answered when done."""
        return await asyncio.to_thread(collective.run, req, lambda d, t: None)

    # ---- websocket streams -------------------------------------------------------------

    Handler = Callable[[WebSocket, Any, Any, threading.Event], Awaitable[None]]

    async def session(ws: WebSocket, model: type[M], handler: Handler) -> None:
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
            msg = await asyncio.to_thread(next, messages, None) if lazy else next(messages, None)
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
        result = await asyncio.to_thread(evolution.run, req)
        await pace(ws, evolution.frames(req, result), req.fps, run_id, cancel, lazy=False)

    async def society_handler(
        ws: WebSocket, req: society.SocietyRequest, run_id: Any, cancel: threading.Event
    ) -> None:
        run = await asyncio.to_thread(society.build, req)
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

        work = asyncio.ensure_future(asyncio.to_thread(collective.run, req, progress))
        while not work.done():
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({work, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                await ws.send_json(getter.result())
            else:
                getter.cancel()
        result = work.result()
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
