"""The explorable's JSON API and websocket streams: answers, bounds and rejected inputs."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

import trustlab
from trustlab.interfaces.web import app as app_module
from trustlab.interfaces.web import engine, play
from trustlab.interfaces.web.app import create_app, static_dir


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(warm=False))


def _post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    r = client.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _refused(client: TestClient, path: str, body: object, *words: str) -> str:
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    for w in words:
        assert w in detail, detail
    return detail


# ---- the page and its assets -------------------------------------------------------------


def test_index_and_assets_are_served(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "trustlab" in r.text
    for path in ("/static/js/app.js", "/static/js/charts.js", "/static/css/style.css"):
        assert client.get(path).status_code == 200, path
    assert client.get("/static/nothing.js").status_code == 404


def test_assets_fetch_nothing_from_elsewhere() -> None:
    # the page works offline: no CDN, no web fonts, no absolute URL to another host
    for f in static_dir().rglob("*"):
        if f.is_file():
            text = f.read_text()
            assert not re.search(r"https?://(?!\$\{)", text), f
            assert "@import" not in text and "fonts.googleapis" not in text, f


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["ok"] is True and body["version"] == trustlab.__version__


def test_catalogue_reads_actions_from_the_engine(client: TestClient) -> None:
    body = client.get("/api/catalogue").json()
    assert {c["name"] for c in body["characters"]} == set(trustlab.catalogue())
    ex = trustlab.parse_game("vulnerability-exchange")
    assert body["games"]["exchange"]["action_names"] == list(ex.action_names)
    assert body["games"]["exchange"]["payoffs"] == ex.payoffs.tolist()
    assert body["games"]["classic"]["action_names"] == ["C", "D"]
    assert set(body["exchange_parameters"]) == set(ex.parameters)
    assert set(body["schemas"]) == {"play", "tournament", "evolution", "society", "collective"}


def test_loopback_only_host_headers() -> None:
    guarded = TestClient(create_app(warm=False, allowed_hosts=["127.0.0.1", "localhost"]))
    assert guarded.get("/api/health", headers={"host": "evil.example"}).status_code == 400
    assert guarded.get("/api/health", headers={"host": "127.0.0.1:8000"}).status_code == 200


# ---- play and exchange ---------------------------------------------------------------------


def test_hidden_player_moves_as_the_engine_plays_it() -> None:
    # Drive the hidden character with its partner's moves from a real match: it must answer
    # exactly as it did in the match the engine played.
    game = play.game_of("classic")
    for a, b in [("random", "tit-for-tat"), ("detective", "grudger"), ("alternator", "detective")]:
        m = engine.play_pair(a, b, game=game, turns=12, noise=0.0, seed=3)
        hidden = engine.HiddenPlayer.of(trustlab.get_character(b), game, seed=0)
        mine = []
        for x in m["moves"][0]:
            y = hidden.choose()
            hidden.see(y, x)
            mine.append(y)
        assert mine == m["moves"][1], (a, b)


def test_play_replays_exactly_and_counts_scores(client: TestClient) -> None:
    body = {"kind": "classic", "seed": 5, "opponent": 1, "moves": [0, 0, 1], "noise": 0.2}
    first = _post(client, "/api/play", body)
    assert first == _post(client, "/api/play", body)
    pay = np.array(first["game"]["payoffs"])
    assert first["score"][0] == sum(pay[t["you"], t["them"]] for t in first["turns"])
    assert first["score"][1] == sum(pay[t["them"], t["you"]] for t in first["turns"])
    assert [t["intended"] for t in first["turns"]] == [0, 0, 1]


def test_exchange_counts_needs(client: TestClient) -> None:
    k = len(client.get("/api/catalogue").json()["games"]["exchange"]["action_names"])
    planned = _post(client, "/api/play", {"kind": "exchange", "seed": 2})["planned_turns"]
    moves = [t % k for t in range(planned)]
    r = _post(client, "/api/play", {"kind": "exchange", "seed": 2, "moves": moves})
    n = r["needs"]
    opens = r["game"]["opens"]
    supports = r["game"]["supports"]
    assert n["turns"] == planned and r["finished"]
    assert n["open_turns"] == sum(opens[t["you"]] for t in r["turns"])
    assert n["reassured"] == sum(opens[t["you"]] and supports[t["them"]] for t in r["turns"])
    assert n["reassured"] <= n["open_turns"]


def test_withholding_is_disappointment_not_betrayal(client: TestClient) -> None:
    # Open and support every turn against every hidden person of a few line-ups: a partner who
    # withholds (neither helps nor hurts) counts as a disappointment, only one who exploits
    # counts as exploitation, and the exposure cost e is what an open turn left unanswered pays.
    game = client.get("/api/catalogue").json()["games"]["exchange"]
    answers, opens = game["answers"], game["opens"]
    e = game["parameters"]["e"]
    open_support = game["action_names"].index("open+support")
    withheld_seen = 0
    for seed in range(1, 6):
        for opponent in range(play.N_OPPONENTS):
            body = {"kind": "exchange", "seed": seed, "opponent": opponent}
            planned = _post(client, "/api/play", body)["planned_turns"]
            r = _post(client, "/api/play", {**body, "moves": [open_support] * planned})
            n = r["needs"]
            them = [t["them"] for t in r["turns"]]
            assert n["open_turns"] == planned
            assert n["withheld"] == sum(answers[a] == 1 for a in them)
            assert n["exploited"] == sum(answers[a] == 2 for a in them)
            assert n["reassured"] == sum(answers[a] == 0 for a in them)
            for t in r["turns"]:
                if answers[t["them"]] == 1 and not opens[t["them"]]:
                    assert t["payoff"][0] == -e  # opened to someone who stayed guarded, withheld
            withheld_seen += n["withheld"]
    assert withheld_seen > 0


def test_exchange_refuses_an_action_out_of_range(client: TestClient) -> None:
    k = len(client.get("/api/catalogue").json()["games"]["exchange"]["action_names"])
    assert k == 6
    _refused(client, "/api/play", {"kind": "exchange", "moves": [k]}, f"actions 0..{k - 1}")
    _refused(client, "/api/play", {"kind": "exchange", "moves": [-1]}, "moves")
    _post(client, "/api/play", {"kind": "exchange", "moves": [k - 1]})


def test_reveal_names_catalogue_characters(client: TestClient) -> None:
    for kind, tag in (("classic", "explorable"), ("exchange", "essay")):
        r = _post(client, "/api/play/reveal", {"kind": kind, "seed": 7})
        assert len(r["opponents"]) == play.N_OPPONENTS
        for o in r["opponents"]:
            assert tag in trustlab.catalogue()[o["name"]].tags
    lineups = {
        tuple(o["name"] for o in _post(client, "/api/play/reveal", {"seed": s})["opponents"])
        for s in range(6)
    }
    assert len(lineups) > 1


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"moves": [0] * 13}, "moves"),
        ({"moves": [9]}, "actions 0..1"),
        ({"moves": "abc"}, "moves"),
        ({"opponent": 4}, "opponent"),
        ({"opponent": -1}, "opponent"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"noise": 0.9}, "noise"),
        ({"kind": "poker"}, "kind"),
        ({"rule": "import os"}, "rule"),
    ],
)
def test_play_rejects(client: TestClient, body: dict[str, Any], word: str) -> None:
    _refused(client, "/api/play", body, word)


def test_play_rejects_moves_past_the_end(client: TestClient) -> None:
    planned = _post(client, "/api/play", {"seed": 4})["planned_turns"]
    _refused(client, "/api/play", {"seed": 4, "moves": [0] * (planned + 1)}, "lasts")


def test_play_rejects_wrong_shapes(client: TestClient) -> None:
    assert client.post("/api/play", content=b"not json").status_code == 422
    assert client.post("/api/play", json=[1, 2]).status_code == 422


# ---- tournament ----------------------------------------------------------------------------


def test_tournament_reproduces_the_explorable(client: TestClient) -> None:
    # the anchor's one tournament: copycat 57, grudger 46, always cheat 45, detective 45,
    # always cooperate 29 (coin machine, 10 turns, no mistakes)
    r = _post(client, "/api/tournament", {})
    assert [(s["name"], s["score"]) for s in r["standings"]] == [
        ("tit-for-tat", 57.0),
        ("grudger", 46.0),
        ("always-defect", 45.0),
        ("detective", 45.0),
        ("always-cooperate", 29.0),
    ]
    assert len(r["matches"]) == 10
    assert all(len(m["moves"][0]) == 10 for m in r["matches"])


def test_tournament_with_noise_is_reproducible(client: TestClient) -> None:
    body = {"noise": 0.1, "seed": 9, "turns": 20}
    assert _post(client, "/api/tournament", body) == _post(client, "/api/tournament", body)
    other = _post(client, "/api/tournament", {**body, "seed": 10})
    assert other != _post(client, "/api/tournament", body)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"turns": 0}, "turns"),
        ({"turns": 1000}, "turns"),
        ({"turns": "many"}, "turns"),
        ({"characters": ["tit-for-tat"]}, "characters"),
        ({"characters": ["tit-for-tat"] * 9}, "characters"),
        ({"characters": ["tit-for-tat", "no-such-one"]}, "unknown character"),
        ({"characters": ["tit-for-tat", "tit-for-tat"]}, "only once"),
        ({"characters": ["tit-for-tat", "memory-one:1,0,1,0"]}, "unknown character"),
        ({"characters": ["x" * 41, "tit-for-tat"]}, "characters"),
        ({"noise": -0.1}, "noise"),
    ],
)
def test_tournament_rejects(client: TestClient, body: dict[str, Any], word: str) -> None:
    _refused(client, "/api/tournament", body, word)


# ---- evolution -----------------------------------------------------------------------------


def test_evolution_default_cheats_first_then_copycats(client: TestClient) -> None:
    # the anchor's repeated tournament: always cheat eats the cooperators, then copycat wins
    r = _post(client, "/api/evolution", {})
    names = r["names"]
    counts = np.array([f["counts"] for f in r["frames"]])
    assert counts.shape == (41, len(names)) and (counts.sum(axis=1) == 25).all()
    ad, tft = names.index("always-defect"), names.index("tit-for-tat")
    assert counts[:, ad].max() > 5
    assert counts[-1, tft] == 25


def test_evolution_short_matches_let_cheats_win(client: TestClient) -> None:
    # chapter 5 of the anchor: 23 cooperators, 1 cheat, 1 copycat; at 5 turns or fewer the
    # cheat takes over
    mix = {"always-cooperate": 23, "always-defect": 1, "tit-for-tat": 1}
    r = _post(client, "/api/evolution", {"population": mix, "turns": 3, "generations": 60})
    last = r["frames"][-1]["counts"]
    assert last[r["names"].index("always-defect")] == 25


def test_evolution_on_a_lattice_sends_sites(client: TestClient) -> None:
    body = {"lattice": 6, "dynamics": "best-neighbour", "generations": 5}
    r = _post(client, "/api/evolution", body)
    assert r["lattice"] == 6 and r["size"] == 36
    for f in r["frames"]:
        assert len(f["sites"]) == 36
        assert np.bincount(f["sites"], minlength=len(r["names"])).tolist() == f["counts"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"population": {"tit-for-tat": 101}}, "population"),
        ({"population": {"tit-for-tat": 60, "always-defect": 60}}, "at most 100"),
        ({"population": {"tit-for-tat": 1}}, "at least 2"),
        ({"population": {}}, "population"),
        ({"population": {"no-such": 5, "tit-for-tat": 5}}, "unknown character"),
        ({"eliminate": 20}, "eliminate"),
        ({"generations": 100000}, "generations"),
        ({"lattice": 2}, "lattice"),
        ({"lattice": 500}, "lattice"),
        ({"dynamics": "magic"}, "dynamics"),
        ({"R": float("nan")}, "R"),
        ({"R": 1e9}, "R"),
        ({"fps": 1000}, "fps"),
        ({"mutation": 0.9}, "mutation"),
    ],
)
def test_evolution_rejects(client: TestClient, body: dict[str, Any], word: str) -> None:
    # json.dumps writes NaN as the bare word NaN, which is how a careless client would send it
    r = client.post(
        "/api/evolution", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert word in r.json()["detail"]


# ---- society and the collective question -----------------------------------------------------


def test_society_run_draws_a_valid_network(client: TestClient) -> None:
    body = {"n_agents": 30, "rounds": 12, "capacity": 3, "seed": 4}
    r = _post(client, "/api/society", body)
    assert len(r["series"]) == 12 and r["n_agents"] == 30
    last = r["last"]
    edges = np.array(last["edges"])
    assert ((edges[:, 0] < edges[:, 1]) & (edges[:, 1] < 30)).all()
    assert np.bincount(edges.ravel(), minlength=30).max() <= 3
    # trust and loneliness in whole percent
    assert len(last["trust"]) == len(edges) and all(0 <= t <= 100 for t in last["trust"])
    assert all(0 <= x <= 100 for x in last["lonely"]) and len(last["char"]) == 30
    assert last["measures"]["relationships"] == len(edges)
    assert r == _post(client, "/api/society", body)


def test_society_offers_every_partner_choice_of_the_engine(client: TestClient) -> None:
    body = client.get("/api/catalogue").json()
    offered = body["schemas"]["society"]["properties"]["partner_choice"]["enum"]
    assert set(offered) == set(body["partner_choices"]) == set(engine.PARTNER_CHOICES)


def test_society_with_trust_learners_reports_disappointment(client: TestClient) -> None:
    body = {
        "n_agents": 40,
        "rounds": 30,
        "population": {"trust-learner": 0.5, "one-sided": 0.25, "guarded": 0.25},
        "partner_choice": "trusted",
        "disappointment_weight": 2.0,
        "seed": 2,
    }
    r = _post(client, "/api/society", body)
    assert r["names"] == ["trust-learner", "one-sided", "guarded"]
    m = [s for s in r["series"] if s["open_rate"] > 0]
    assert m and all(0 <= s["disappointment_rate"] <= 1 for s in m)
    # guarded people withhold: openness towards them is disappointed, never exploited
    assert max(s["disappointment_rate"] for s in m) > 0
    assert all(s["exploitation_rate"] == 0 for s in m)
    # the weight changes what trust-learners learn, so the run
    other = _post(client, "/api/society", {**body, "disappointment_weight": 0.0})
    assert other["series"] != r["series"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"partner_choice": "reputation"}, "reputation norm"),
        ({"population": {"discriminator": 1.0}}, "reputation norm"),
        ({"reputation": "gossip"}, "reputation"),
        ({"disappointment_weight": 11}, "disappointment_weight"),
        ({"forgetting": 0.1}, "forgetting"),
        ({"trust_learning": "perhaps"}, "trust_learning"),
        ({"population": {"trust-learner:2:1": 1.0}}, "openness"),
        ({"n_agents": 100000}, "n_agents"),
        ({"n_agents": 4, "capacity": 5}, "capacity"),
        ({"rounds": 10**6}, "rounds"),
        ({"population": {"no-such": 1.0}}, "no-such"),
        ({"population": {"reciprocator": 0.0}}, "at least one"),
        ({"population": {"reciprocator": 2.0}}, "population"),
        ({"partner_choice": "dating-app"}, "partner_choice"),
        ({"leave_threshold": 0.9}, "leave_threshold"),
    ],
)
def test_society_rejects(client: TestClient, body: dict[str, Any], word: str) -> None:
    _refused(client, "/api/society", body, word)


def test_collective_curve_has_intervals(client: TestClient) -> None:
    body = {"n_agents": 40, "rounds": 40, "runs": 3, "share": 0.25, "seed": 3}
    r = _post(client, "/api/collective", body)
    shares = [c["share"] for c in r["curve"]]
    assert 0.25 in shares and shares == sorted(shares) and r["share"] == 0.25
    assert r["undecided"] == sum(c["undecided"] for c in r["curve"])
    assert r["runs"] == 3 * len(shares)
    for c in r["curve"]:
        assert c["successes"] + c["failures"] + c["undecided"] == c["runs"] == 3
        assert c["decided"] == c["successes"] + c["failures"]
        if c["decided"]:
            lo, hi = c["interval"]
            assert 0 <= lo <= c["success_rate"] <= hi <= 1
        else:  # no decided run: no rate and no interval, never counted as a failure
            assert c["success_rate"] is None and c["interval"] is None
        assert "initiator_payoff_early" in c and "guarded_payoff" in c


def test_collective_matches_one_critical_mass_call(client: TestClient) -> None:
    # computed share by share for the page, the curve and the critical share (with its
    # bootstrap/profile interval) are those of one engine call on the whole grid
    from trustlab.interfaces.web.collective import CollectiveRequest, shares_of

    body = {"n_agents": 40, "rounds": 200, "runs": 3, "share": 0.12, "seed": 5}
    r = _post(client, "/api/collective", body)
    base = engine.SocietyConfig("guarded:1", n_agents=40, rounds=200, capacity=4, record_every=5)
    ref = trustlab.critical_mass(
        base, shares=shares_of(CollectiveRequest(**body)), runs=3, refine=False, seed=5
    )
    assert r["critical_share"] == ref.critical_share and r["method"] == ref.method
    assert r["interval"] == list(ref.interval)
    assert r["undecided"] == ref.undecided
    keys = ("share", "successes", "failures", "undecided", "initiator_payoff_early")
    assert [[c[k] for k in keys] for c in r["curve"]] == [[c[k] for k in keys] for c in ref.curve]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"n_agents": 1000}, "n_agents"),
        ({"runs": 16, "n_agents": 150, "rounds": 600}, "at most"),
        ({"rounds": 601}, "rounds"),
        ({"share": 0.0}, "share"),
        ({"exploiters": 0.8}, "exploiters"),
        ({"clustered": "maybe"}, "clustered"),
    ],
)
def test_collective_rejects(client: TestClient, body: dict[str, Any], word: str) -> None:
    _refused(client, "/api/collective", body, word)


def test_wilson_interval() -> None:
    from trustlab.interfaces.web.collective import wilson

    lo, hi = wilson(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    assert wilson(0, 4)[0] == 0.0 and wilson(4, 4)[1] == pytest.approx(1.0)


# ---- websocket streams ----------------------------------------------------------------------


def _until(ws: Any, kind: str, run_id: int, limit: int = 5000) -> list[dict[str, Any]]:
    got = []
    for _ in range(limit):
        m = ws.receive_json()
        got.append(m)
        if m["type"] == kind and m.get("id") == run_id:
            return got
    raise AssertionError(f"no {kind} for run {run_id}")


def test_evolution_stream(client: TestClient) -> None:
    with client.websocket_connect("/ws/evolution") as ws:
        ws.send_json({"id": 1, "params": {"generations": 10, "fps": 60}})
        msgs = _until(ws, "done", 1)
    assert msgs[0]["type"] == "start" and msgs[0]["id"] == 1
    frames = [m for m in msgs if m["type"] == "frame"]
    assert [f["generation"] for f in frames] == list(range(11))
    http = client.post("/api/evolution", json={"generations": 10}).json()
    assert [f["counts"] for f in frames] == [f["counts"] for f in http["frames"]]


def test_stream_errors_keep_the_session(client: TestClient) -> None:
    with client.websocket_connect("/ws/evolution") as ws:
        ws.send_json({"id": 1, "params": {"turns": 0}})
        m = ws.receive_json()
        assert m["type"] == "error" and m["id"] == 1 and "turns" in m["message"]
        ws.send_text("{not json")
        assert ws.receive_json()["type"] == "error"
        ws.send_text(json.dumps({"id": 2, "params": {"x": "y" * 9000}}))
        m = ws.receive_json()
        assert m["type"] == "error" and "bytes" in m["message"]
        ws.send_json({"id": "three", "params": {}})
        assert ws.receive_json()["type"] == "error"
        ws.send_json({"id": 4, "params": {"eliminate": 20}})
        m = _until(ws, "error", 4)[-1]
        assert "eliminate" in m["message"]
        ws.send_json({"id": 5, "params": {"generations": 3, "fps": 60}})
        assert _until(ws, "done", 5)[-1]["id"] == 5


def test_a_new_request_replaces_the_running_one(client: TestClient) -> None:
    with client.websocket_connect("/ws/society") as ws:
        ws.send_json({"id": 1, "params": {"rounds": 1000, "fps": 5}})
        _until(ws, "frame", 1)
        ws.send_json({"id": 2, "params": {"rounds": 3, "fps": 60}})
        msgs = _until(ws, "done", 2)
    after = msgs[next(i for i, m in enumerate(msgs) if m.get("id") == 2) :]
    assert all(m.get("id") == 2 for m in after)
    frames = [m for m in after if m["type"] == "frame"]
    assert [f["round"] for f in frames] == [0, 1, 2, 3]


def test_disconnect_stops_the_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = []
    real = engine.SocietyRun.step

    def counting(self: engine.SocietyRun) -> dict[str, Any]:
        steps.append(time.monotonic())
        return real(self)

    monkeypatch.setattr(engine.SocietyRun, "step", counting)
    app = create_app(warm=False)
    with TestClient(app) as client:
        with client.websocket_connect("/ws/society") as ws:
            ws.send_json({"id": 1, "params": {"rounds": 1000, "fps": 60}})
            for _ in range(5):
                ws.receive_json()
        time.sleep(0.5)
        n = len(steps)
        time.sleep(0.5)
        assert len(steps) == n < 1000
        assert client.get("/api/health").json()["sessions"] == 0


def test_sessions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "MAX_SESSIONS", 1)
    bounded = TestClient(create_app(warm=False))
    with bounded.websocket_connect("/ws/evolution") as first:
        first.send_json({"id": 1, "params": {"generations": 1}})
        with pytest.raises(WebSocketDisconnect) as info, bounded.websocket_connect("/ws/evolution"):
            pass
        assert info.value.code == 1013


def test_cross_origin_websockets_are_refused(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as info,
        client.websocket_connect("/ws/society", headers={"origin": "http://evil.example"}),
    ):
        pass
    assert info.value.code == 1008
    same = {"origin": "http://testserver"}
    with client.websocket_connect("/ws/evolution", headers=same) as ws:
        ws.send_json({"id": 1, "params": {"generations": 1}})
        assert _until(ws, "done", 1)[-1]["type"] == "done"


def test_collective_stream_reports_progress(client: TestClient) -> None:
    with client.websocket_connect("/ws/collective") as ws:
        ws.send_json({"id": 7, "params": {"n_agents": 20, "rounds": 10, "runs": 1}})
        msgs = _until(ws, "done", 7)
    progress = [m for m in msgs if m["type"] == "progress"]
    frames = [m for m in msgs if m["type"] == "frame"]
    result = next(m for m in msgs if m["type"] == "result")
    assert progress and progress[-1]["done"] == progress[-1]["total"]
    # 20 agents: the grid's shares as whole agents 1, 2, 3, 4, 6, 9 (0.02 and 0.05 are both 1)
    assert [c["share"] for c in result["curve"]] == [0.05, 0.1, 0.15, 0.2, 0.3, 0.45]
    # the curve grows share by share before the result
    assert [len(f["curve"]) for f in frames] == [1, 2, 3, 4, 5]
    assert frames[-1]["curve"] == result["curve"][:5]
