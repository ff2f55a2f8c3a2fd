/* trustlab explorable: chapters, controls bound to the address bar, and websocket streams.
   Nothing here knows the engine's actions: names come from /api/catalogue. */
"use strict";
(() => {
  const C = window.TrustCharts;
  const $ = (id) => document.getElementById(id);
  const metrics = { latencies: [], frames: {}, errors: [] };
  const status = {};
  window.trustlab = { metrics, status, ready: false };
  let catalogue = null;
  let current = null;

  // ---- the address bar: #/chapter?key=value&... ---------------------------------------
  function parseHash() {
    const h = location.hash.replace(/^#\/?/, "");
    const [chapter, query] = h.split("?");
    return { chapter: chapter || "play", params: new URLSearchParams(query || "") };
  }
  function writeHash(chapter, params) {
    const q = params.toString();
    history.replaceState(null, "", `#/${chapter}${q ? "?" + q : ""}`);
  }

  async function api(path, body) {
    const init = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    const r = await fetch(path, init);
    const data = await r.json();
    if (!r.ok) throw new Error(data.detail || r.statusText);
    return data;
  }

  function showError(chapter, message) {
    $(`${chapter}-error`).textContent = message ? `Not run: ${message}` : "";
    if (message) metrics.errors.push({ chapter, message });
  }

  // ---- a websocket stream: one run at a time, stale messages ignored ------------------------
  class Stream {
    constructor(chapter, path, onMessage) {
      this.chapter = chapter; this.path = path; this.onMessage = onMessage;
      this.id = 0; this.ws = null; this.opening = null; this.changedAt = 0; this.seenFrame = true;
    }
    open() {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
      if (this.opening) return this.opening;
      this.opening = new Promise((resolve, reject) => {
        const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${this.path}`);
        ws.onopen = () => { this.ws = ws; this.opening = null; resolve(); };
        ws.onerror = () => { this.opening = null; reject(new Error("the server did not answer")); };
        ws.onclose = () => { if (this.ws === ws) this.ws = null; };
        ws.onmessage = (e) => this.receive(JSON.parse(e.data));
      });
      return this.opening;
    }
    receive(m) {
      if (m.id !== this.id) return;
      const st = status[this.chapter];
      if (m.type === "error") { showError(this.chapter, m.message); st.done = true; st.failed = true; return; }
      if (m.type === "frame") {
        const now = performance.now();
        if (!this.seenFrame) {
          this.seenFrame = true;
          metrics.latencies.push({ chapter: this.chapter, ms: now - this.changedAt });
        }
        const times = (metrics.frames[this.chapter] = metrics.frames[this.chapter] || []);
        times.push(now); if (times.length > 600) times.shift();
        st.frames += 1;
      }
      if (m.type === "done") st.done = true;
      this.onMessage(m);
    }
    async run(params) {
      this.id += 1;
      this.changedAt = performance.now(); this.seenFrame = false;
      status[this.chapter] = { id: this.id, done: false, failed: false, frames: 0 };
      showError(this.chapter, "");
      try {
        await this.open();
        this.ws.send(JSON.stringify({ id: this.id, params }));
      } catch (err) { showError(this.chapter, err.message); status[this.chapter].done = true; }
    }
    close() { if (this.ws) this.ws.close(); this.ws = null; this.id += 1; }
  }

  // ---- controls --------------------------------------------------------------------------
  function fmt(x) { return Number.isInteger(x) ? String(x) : String(Math.round(x * 1000) / 1000); }
  function showOutput(input) {
    const out = input.parentElement.querySelector("output");
    if (out) out.textContent = input.max === "0.5" || Number(input.max) <= 1 && input.step !== "1"
      ? `${Math.round(Number(input.value) * 100)}%` : fmt(Number(input.value));
  }
  function value(input) {
    if (input.type === "checkbox") return input.checked;
    if (input.type === "range" || input.type === "number") return Number(input.value);
    return input.value;
  }
  function setValue(input, v) {
    if (input.type === "checkbox") input.checked = v === "1" || v === "true";
    else input.value = v;
    if (input.type === "range") showOutput(input);
  }
  /* Bind the controls `${chapter}-${key}`: URL -> controls now, controls -> URL + rerun later. */
  function bind(chapter, keys, params, rerun, event = "input") {
    for (const key of keys) {
      const input = $(`${chapter}-${key}`);
      if (params.has(key)) setValue(input, params.get(key));
      if (input.type === "range") showOutput(input);
      if (!input.dataset.bound) {
        input.dataset.bound = "1";
        input.addEventListener(input.type === "range" ? event : "change", () => {
          if (input.type === "range") showOutput(input);
          rerun();
        });
      }
    }
  }
  function read(chapter, keys) {
    const out = {};
    for (const key of keys) out[key] = value($(`${chapter}-${key}`));
    return out;
  }
  function toParams(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) p.set(k, typeof v === "boolean" ? (v ? "1" : "0") : String(v));
    return p;
  }
  function mixString(mix) { return Object.entries(mix).map(([n, c]) => `${n}:${c}`).join(","); }
  function parseMix(text) {
    const mix = {};
    for (const part of (text || "").split(",")) {
      const [n, c] = part.split(":");
      if (n && c !== undefined && !Number.isNaN(Number(c))) mix[n.trim()] = Number(c);
    }
    return mix;
  }
  function legend(el, names) {
    el.innerHTML = "";
    names.forEach((n, i) => {
      const s = document.createElement("span");
      s.style.setProperty("--c", C.colourOf(n, i)); s.textContent = n; el.appendChild(s);
    });
  }
  /* Sliders for a population mix; `onChange` runs after any change. */
  function mixSliders(el, names, mix, { max, step, onChange, removable }) {
    el.innerHTML = "";
    names.forEach((n, i) => {
      const label = document.createElement("label");
      label.innerHTML = `<span class="sw" style="color:${C.colourOf(n, i)}">●</span> ${n} `;
      const input = document.createElement("input");
      input.type = "range"; input.min = "0"; input.max = String(max); input.step = String(step);
      input.value = String(mix[n] ?? 0); input.dataset.name = n;
      input.setAttribute("aria-label", `How many ${n}`);
      const out = document.createElement("output");
      out.textContent = fmt(Number(input.value));
      input.addEventListener("input", () => { out.textContent = fmt(Number(input.value)); onChange(); });
      label.append(input, out);
      if (removable) {
        const b = document.createElement("button"); b.type = "button"; b.textContent = "×";
        b.setAttribute("aria-label", `Remove ${n}`);
        b.addEventListener("click", () => removable(n));
        label.append(b);
      }
      el.appendChild(label);
    });
  }
  function readMix(el) {
    const mix = {};
    for (const input of el.querySelectorAll("input[type=range]")) mix[input.dataset.name] = Number(input.value);
    return mix;
  }

  // ---- chapters 1 and 4: play hidden characters ---------------------------------------------
  function gameChapter(chapter, kind) {
    const st = { seed: 1, noise: 0, moves: [[]], results: [], revealed: null, cur: 0 };
    const short = (name) => name.replace("+", " · ");
    function encodeMoves() { return st.moves.map((m) => m.join("")).join("-"); }
    function syncUrl() {
      const p = toParams({ seed: st.seed, noise: st.noise, m: encodeMoves() });
      if (st.revealed) p.set("reveal", "1");
      writeHash(chapter, p);
    }
    function label(game, a) {
      const n = game.action_names[a];
      if (kind === "classic") return n === "C" ? ["Cooperate", "put a coin in"] : ["Cheat", "keep your coin"];
      // the caption reads the action's own name (open|guarded + answer); unknown words fall back
      // on what the engine says the action does
      const words = { open: "you open up", guarded: "you stay guarded", support: "if they open, you support them",
        exploit: "if they open, you use it against them", withhold: "if they open, you neither help nor hurt" };
      const answerWords = ["if they open, you support them", "if they open, you neither help nor hurt", "if they open, you use it against them"];
      const parts = n.split("+");
      const what = parts.length === 2 && words[parts[0]] && words[parts[1]]
        ? [words[parts[0]], words[parts[1]]]
        : [game.opens[a] ? "you open up" : "you stay guarded", answerWords[game.answers[a]] || "?"];
      return [short(n), what.join("; ")];
    }
    function renderButtons() {
      const game = catalogue.games[kind];
      const box = $(`${chapter}-actions`); box.innerHTML = "";
      // the exchange's actions as a grid: rows open / guarded, columns by answer
      box.classList.toggle("grid", kind === "exchange");
      if (kind === "exchange") box.style.setProperty("--cols", String(new Set(game.answers).size));
      game.action_names.forEach((_, a) => {
        const [main, sub] = label(game, a);
        const b = document.createElement("button"); b.type = "button";
        b.innerHTML = `${main}<small>${sub}</small>`; b.dataset.action = String(a);
        b.addEventListener("click", () => move(a));
        box.appendChild(b);
      });
      if (kind === "exchange") {
        const rows = game.payoffs.map((row, i) => `<tr><th>${short(game.action_names[i])}</th>${row.map((v) => `<td>${v}</td>`).join("")}</tr>`).join("");
        const p = game.parameters;
        $(`${chapter}-payoffs`).innerHTML = `<table><caption>What you get (row: your choice, column: theirs)</caption><tr><th></th>${game.action_names.map((n) => `<th>${short(n)}</th>`).join("")}</tr>${rows}</table>` +
          `<p>Support is worth b = ${p.b} to the one who opened and costs the supporter c = ${p.c}; being used costs h = ${p.h} and gives the user t = ${p.t}; opening to someone who does not support costs e = ${p.e}, the exposure, whether they withhold or exploit. Staying guarded risks nothing and gains nothing.</p>`;
      }
    }
    function cellClass(game, a) {
      if (kind === "classic") return game.action_names[a];
      return ["good", "meh", "bad"][game.answers[a]] || "";
    }
    function render() {
      const r = st.results[st.cur];
      const game = catalogue.games[kind];
      const n = st.results.length ? st.results[0].n_opponents : 4;
      const turnsLeft = r ? r.planned_turns - r.turns.length : 0;
      const who = kind === "classic" ? "stranger" : "person";
      $(`${chapter}-status`).textContent = r
        ? `${who[0].toUpperCase() + who.slice(1)} ${st.cur + 1} of ${n}: turn ${r.turns.length + (turnsLeft ? 1 : 0)} of ${r.planned_turns}. You ${fmt(r.score[0])}, them ${fmt(r.score[1])}.`
        : "";
      for (const b of $(`${chapter}-actions`).querySelectorAll("button")) b.disabled = !r || r.finished;
      const board = $(`${chapter}-board`);
      if (r && r.turns.length) {
        const head = r.turns.map((_, i) => `<th>${i + 1}</th>`).join("");
        const row = (k) => r.turns.map((t) => `<td class="${cellClass(game, t[k])}">${short(game.action_names[t[k]])}${k === "you" && t.intended !== t.you ? "*" : ""}</td>`).join("");
        const pay = (i) => r.turns.map((t) => `<td>${fmt(t.payoff[i])}</td>`).join("");
        board.innerHTML = `<table aria-label="Turns so far"><tr><th>turn</th>${head}</tr><tr><th>you</th>${row("you")}</tr><tr><th>them</th>${row("them")}</tr><tr><th>you got</th>${pay(0)}</tr><tr><th>they got</th>${pay(1)}</tr></table>` +
          (r.turns.some((t) => t.intended !== t.you) ? "<p>* a mistake: you meant something else.</p>" : "");
      } else board.innerHTML = "";
      const last = st.cur === n - 1;
      $(`${chapter}-next`).hidden = !(r && r.finished && !last);
      $(`${chapter}-reveal`).hidden = !(r && r.finished && last) || !!st.revealed;
      if (kind === "exchange") renderNeeds();
      renderReveal();
      status[chapter] = { done: true, moves: st.moves.flat().length, revealed: !!st.revealed };
    }
    function totalNeeds() {
      const t = { open_turns: 0, reassured: 0, acceptance_opportunities: 0, accepted: 0, consolation_opportunities: 0, consoled: 0, exploited: 0, committed: 0, withheld: 0, withheld_from: 0, turns: 0 };
      for (const r of st.results) if (r && r.needs) for (const k of Object.keys(t)) t[k] += r.needs[k];
      return t;
    }
    function renderNeeds() {
      const t = totalNeeds();
      const r = st.results[st.cur];
      const cells = [
        ["Reassured", `${t.reassured} of ${t.open_turns}`, "times you opened and were supported"],
        ["Accepted", `${t.accepted} of ${t.acceptance_opportunities}`, "slips of yours met with support next"],
        ["Consoled", `${t.consoled} of ${t.consolation_opportunities}`, "hurts followed by support when you next opened"],
        ["Disappointed", String(t.withheld), "times you opened and they neither helped nor hurt"],
        ["Exploited", String(t.exploited), "times your openness was used against you"],
        ["Exposure paid", fmt(Math.round((t.withheld + t.exploited) * catalogue.games.exchange.parameters.e * 100) / 100), `e = ${catalogue.games.exchange.parameters.e} each time you opened and were not supported`],
        ["You withheld", String(t.withheld_from), "times they opened and you neither helped nor hurt"],
        ["You exploited", String(t.committed), "times you used their openness"],
        ["Lonely", r && r.needs ? `${Math.round(r.needs.loneliness * 100)}%` : "–", "of the turns with this person without an open, supported you"],
      ];
      $(`${chapter}-needs`).innerHTML = cells.map(([h, v, s]) => `<div><span>${h}</span><b>${v}</b><small>${s}</small></div>`).join("");
    }
    function renderReveal() {
      const box = $(`${chapter}-revealed`);
      if (!st.revealed) { box.innerHTML = ""; $(`${chapter}-takeaway`).textContent = ""; return; }
      const rows = st.revealed.opponents.map((o, i) => {
        const r = st.results[i];
        return `<tr><td>${i + 1}</td><td>${o.name}</td><td style="text-align:left">${o.rule}</td><td>${r ? fmt(r.score[0]) : "–"}</td><td>${r ? fmt(r.score[1]) : "–"}</td></tr>`;
      }).join("");
      box.innerHTML = `<table><tr><th>#</th><th>who</th><th>their rule</th><th>you</th><th>them</th></tr>${rows}</table>`;
      const scored = st.results.map((r, i) => [r ? r.score[0] : 0, st.revealed.opponents[i].name]);
      const total = scored.reduce((a, s) => a + s[0], 0);
      const best = scored.reduce((a, b) => (b[0] > a[0] ? b : a));
      const worst = scored.reduce((a, b) => (b[0] < a[0] ? b : a));
      if (kind === "classic") {
        $(`${chapter}-takeaway`).textContent = `You scored ${fmt(total)} in all: ${fmt(best[0])} against ${best[1]} and ${fmt(worst[0])} against ${worst[1]}; the same moves paid differently depending on who answered them.`;
      } else {
        const t = totalNeeds();
        $(`${chapter}-takeaway`).textContent = `You opened up ${t.open_turns} times: ${t.reassured} met with support, ${t.withheld} left unanswered, ${t.exploited} used against you, which cost you ${fmt(Math.round((t.withheld + t.exploited) * catalogue.games.exchange.parameters.e * 100) / 100)} in exposure; in the turns you stayed guarded nobody could reassure you.`;
      }
    }
    async function replay(i) {
      st.results[i] = await api("/api/play", { kind, seed: st.seed, noise: st.noise, opponent: i, moves: st.moves[i] });
    }
    async function move(a) {
      const r = st.results[st.cur];
      if (!r || r.finished) return;
      st.moves[st.cur].push(a);
      try { await replay(st.cur); showError(chapter, ""); } catch (err) { st.moves[st.cur].pop(); showError(chapter, err.message); }
      syncUrl(); render();
    }
    async function restart(keepMoves) {
      st.seed = Number($(`${chapter}-seed`).value) || 0;
      st.noise = Number($(`${chapter}-noise`).value);
      if (!keepMoves) { st.moves = [[]]; st.revealed = null; }
      st.results = []; st.cur = st.moves.length - 1;
      try {
        for (let i = 0; i < st.moves.length; i++) await replay(i);
        if (st.revealed) st.revealed = await api("/api/play/reveal", { kind, seed: st.seed });
        showError(chapter, "");
      } catch (err) { showError(chapter, err.message); }
      syncUrl(); render();
    }
    $(`${chapter}-next`).addEventListener("click", async () => {
      st.moves.push([]); st.cur = st.moves.length - 1;
      try { await replay(st.cur); } catch (err) { showError(chapter, err.message); }
      syncUrl(); render(); $(`${chapter}-actions`).querySelector("button")?.focus();
    });
    $(`${chapter}-reveal`).addEventListener("click", async () => {
      try { st.revealed = await api("/api/play/reveal", { kind, seed: st.seed }); } catch (err) { showError(chapter, err.message); }
      syncUrl(); render();
    });
    $(`${chapter}-restart`).addEventListener("click", () => restart(false));
    for (const id of ["seed", "noise"]) $(`${chapter}-${id}`).addEventListener("change", () => restart(false));
    $(`${chapter}-noise`).addEventListener("input", (e) => showOutput(e.target));
    return {
      enter(params) {
        renderButtons();
        if (params.has("seed")) $(`${chapter}-seed`).value = params.get("seed");
        if (params.has("noise")) $(`${chapter}-noise`).value = params.get("noise");
        showOutput($(`${chapter}-noise`));
        const m = params.get("m");
        st.moves = m ? m.split("-").slice(0, 4).map((s) => [...s].map(Number).filter((x) => !Number.isNaN(x))) : [[]];
        st.revealed = params.get("reveal") === "1" ? {} : null;
        restart(true);
      },
      leave() {},
    };
  }

  // ---- chapter 2: one tournament ------------------------------------------------------------
  function tournamentChapter() {
    const keys = ["turns", "noise", "seed"];
    let data = null, step = 0;
    function cast() {
      return [...$("tournament-cast").querySelectorAll("input:checked")].map((i) => i.value);
    }
    function syncUrl() {
      const p = toParams({ ...read("tournament", keys), step });
      p.set("cast", cast().join(","));
      writeHash("tournament", p);
    }
    function render() {
      const box = $("tournament-match");
      const names = data.characters;
      const colour = (n) => C.colourOf(n, names.indexOf(n));
      const shown = data.matches.slice(0, step);
      const totals = Object.fromEntries(names.map((n) => [n, 0]));
      for (const m of shown) { totals[m.a] += m.scores[0]; totals[m.b] += m.scores[1]; }
      $("tournament-status").textContent = `Match ${step} of ${data.matches.length}.`;
      if (step > 0) {
        const m = data.matches[step - 1];
        const acts = data.game.action_names;
        const row = (k, n) => `<span>${n}</span>${m.moves[k].map((a) => `<span class="m" style="background:${a === 0 ? "#0072B2" : "#D55E00"}">${acts[a]}</span>`).join("")}<b>${fmt(m.scores[k])}</b>`;
        box.innerHTML = `<div class="moves" style="--n:${m.moves[0].length}" aria-label="Moves of the match">${row(0, m.a)}${row(1, m.b)}</div>`;
      } else box.innerHTML = "<p>Press “Next match” to play the first match.</p>";
      C.barChart($("tournament-chart"), names.map((n) => ({ name: n, value: totals[n], colour: colour(n) })).sort((a, b) => b.value - a.value), { label: "points so far" });
      if (step === data.matches.length) {
        const top = data.standings[0].name;
        const mine = data.matches.filter((m) => m.a === top || m.b === top);
        const wins = mine.filter((m) => (m.a === top ? m.scores[0] > m.scores[1] : m.scores[1] > m.scores[0])).length;
        $("tournament-takeaway").textContent = `${top} tops the table with ${fmt(data.standings[0].score)} points, yet it won ${wins} of its ${mine.length} matches: it gathers points with everyone rather than beating anyone.`;
      } else $("tournament-takeaway").textContent = "";
      $("tournament-step").disabled = step >= data.matches.length;
      status.tournament = { done: true, step };
    }
    async function load(keepStep) {
      const p = read("tournament", keys);
      status.tournament = { done: false };
      try {
        data = await api("/api/tournament", { characters: cast(), turns: p.turns, noise: p.noise, seed: p.seed });
        showError("tournament", "");
        if (!keepStep) step = 0;
        step = Math.min(step, data.matches.length);
        render();
      } catch (err) { showError("tournament", err.message); status.tournament = { done: true, failed: true }; }
      syncUrl();
    }
    $("tournament-step").addEventListener("click", () => { step += 1; render(); syncUrl(); });
    $("tournament-all").addEventListener("click", () => { if (data) { step = data.matches.length; render(); syncUrl(); } });
    $("tournament-reset").addEventListener("click", () => { step = 0; render(); syncUrl(); });
    return {
      enter(params) {
        const chosen = (params.get("cast") || "tit-for-tat,always-defect,always-cooperate,grudger,detective").split(",");
        const box = $("tournament-cast"); box.innerHTML = "";
        for (const c of catalogue.characters.filter((c) => c.tags.includes("explorable"))) {
          const l = document.createElement("label");
          l.innerHTML = `<input type="checkbox" value="${c.name}" ${chosen.includes(c.name) ? "checked" : ""}> ${c.name}`;
          l.title = c.rule; l.querySelector("input").addEventListener("change", () => load(false));
          box.appendChild(l);
        }
        bind("tournament", keys, params, () => load(false), "change");
        step = Number(params.get("step") || 0);
        load(true);
      },
      leave() {},
    };
  }

  // ---- chapters 3 and 7: evolution (one stream, two sets of controls) ----------------------
  function evolutionChapter(chapter, keys, mixNames, defaults) {
    let names = [], shares = [], colours = [], lattice = 0, last = null;
    const stream = new Stream(chapter, "/ws/evolution", onMessage);
    let mix = {};
    function request() {
      const p = read(chapter, keys);
      const m = chapter === "evolution" ? readMix($(`${chapter}-mix`)) : mix;
      return { ...defaults, ...p, population: m };
    }
    function rerun() {
      if (chapter === "sandbox") mix = readMix($(`${chapter}-mix`));
      const req = request();
      const p = toParams(read(chapter, keys)); p.set("mix", mixString(req.population));
      writeHash(chapter, p);
      stream.run(req);
    }
    function draw() {
      if (!last) return;
      C.populationChart($(`${chapter}-population`), { counts: last.counts, colours, sites: last.sites, side: lattice });
      C.lineChart($(`${chapter}-chart`), {
        series: names.map((n, i) => ({ name: n, colour: colours[i], values: shares.map((s) => s[i]) })),
        xmax: Math.max(1, (status[chapter].generations || shares.length) ), ymin: 0, ymax: 1,
        xlabel: "generation", ylabel: "share", yfmt: (v) => `${Math.round(v * 100)}%`,
      });
    }
    function onMessage(m) {
      if (m.type === "start") {
        names = m.names; colours = names.map((n) => C.colourOf(n, mixNames.indexOf(n) >= 0 ? mixNames.indexOf(n) : names.indexOf(n)));
        shares = []; lattice = m.lattice; status[chapter].generations = m.generations;
        legend($(`${chapter}-legend`), names);
        names.forEach((n, i) => { $(`${chapter}-legend`).children[i].style.setProperty("--c", colours[i]); });
      } else if (m.type === "frame") {
        const total = m.counts.reduce((a, b) => a + b, 0);
        shares.push(m.counts.map((c) => c / total));
        last = m;
        $(`${chapter}-status`).textContent = `Generation ${m.generation} of ${status[chapter].generations}.`;
        draw();
      } else if (m.type === "done" && last) {
        const total = last.counts.reduce((a, b) => a + b, 0);
        const order = last.counts.map((c, i) => [c, i]).sort((a, b) => b[0] - a[0]);
        const [c0, i0] = order[0];
        const first = shares[0] ? Math.round(shares[0][i0] * total) : 0;
        $(`${chapter}-takeaway`).textContent = c0 === total
          ? `After ${last.generation} generations ${names[i0]} is everybody (it started with ${first} of ${total}).`
          : `After ${last.generation} generations ${names[i0]} holds ${c0} of ${total} places (it started with ${first}).`;
      }
    }
    function renderSandboxMix() {
      mixSliders($(`${chapter}-mix`), Object.keys(mix), mix, {
        max: 100, step: 1, onChange: rerun,
        removable: (n) => { delete mix[n]; renderSandboxMix(); rerun(); },
      });
    }
    return {
      enter(params) {
        if (chapter === "evolution") {
          const m = params.has("mix") ? parseMix(params.get("mix")) : defaults.population;
          mixSliders($(`${chapter}-mix`), mixNames, m, { max: 25, step: 1, onChange: rerun });
        } else {
          mix = params.has("mix") ? parseMix(params.get("mix")) : { ...defaults.population };
          const add = $("sandbox-add");
          if (!add.options.length) {
            add.innerHTML = `<option value="">choose…</option>` + catalogue.characters.filter((c) => c.actions === 2).map((c) => `<option>${c.name}</option>`).join("");
            add.addEventListener("change", () => { if (add.value && !(add.value in mix)) { mix[add.value] = 5; renderSandboxMix(); rerun(); } add.value = ""; });
            $("sandbox-dynamics").innerHTML = catalogue.dynamics.map((d) => `<option>${d}</option>`).join("");
          }
          renderSandboxMix();
        }
        bind(chapter, keys, params, rerun);
        rerun();
      },
      leave() { stream.close(); },
      redraw: draw,
    };
  }

  // ---- chapter 5: a society --------------------------------------------------------------
  /* A society stream drawn as a network and a chart. `P` prefixes the elements' ids (the society
     chapter: "society"; the sandbox's society: "sandsoc"); `hash` is the chapter in the address,
     with `extra` address parameters (the sandbox's mode). */
  function societyChapter(P = "society", hash = "society", extra = {},
    keys = ["n_agents", "capacity", "leave_threshold", "disappointment_weight", "noise", "rounds", "partner_choice", "reputation", "seed"],
    mixNames = ["reciprocator", "trust-learner", "forgiver", "guarded", "one-sided", "exploiter", "con-artist"],
    defaultMix = { reciprocator: 0.3, "trust-learner": 0, forgiver: 0, guarded: 0.5, "one-sided": 0, exploiter: 0.2, "con-artist": 0 }) {
    const view = new C.NetworkView($(`${P}-network`));
    const stream = new Stream(P, "/ws/society", onMessage);
    let measures = null;
    let names = [], series = { x: [], open: [], lonely: [], exploited: [], disappointed: [] }, last = null, rounds = 1;
    function rerun() {
      const p = read(P, keys);
      const mix = readMix($(`${P}-mix`));
      // only the characters present (a request names at most 10)
      const present = Object.fromEntries(Object.entries(mix).filter(([, v]) => v > 0));
      const url = toParams(p); url.set("mix", mixString(present)); url.set("colour", $(`${P}-colour`).value);
      for (const [k, v] of Object.entries(extra)) url.set(k, v);
      writeHash(hash, url);
      stream.run({ ...p, population: present, fps: 25 });
    }
    function draw() {
      if (!last) return;
      const byLonely = $(`${P}-colour`).value === "loneliness";
      const fill = last.char.map((c, i) => (byLonely ? C.lonelyColour(last.lonely[i] / 100) : C.colourOf(names[c], mixNames.indexOf(names[c]))));
      view.draw({ edges: last.edges, trust: last.trust.map((t) => t / 100), fill });
      C.lineChart($(`${P}-chart`), {
        series: [
          { name: "open", colour: "#0072B2", values: series.open },
          { name: "lonely", colour: "#D55E00", values: series.lonely },
          { name: "exploited", colour: "#000000", values: series.exploited },
          { name: "disappointed", colour: "#CC79A7", values: series.disappointed },
        ],
        xs: series.x, xmax: rounds, ymin: 0, ymax: 1, xlabel: "round", ylabel: "share", yfmt: (v) => `${Math.round(v * 100)}%`,
      });
    }
    function renderLegend() {
      const el = $(`${P}-legend`); el.innerHTML = "";
      const add = (text, colour, cls) => { const s = document.createElement("span"); s.style.setProperty("--c", colour); s.textContent = text; if (cls) s.className = cls; el.appendChild(s); };
      if ($(`${P}-colour`).value === "loneliness") { add("not lonely", C.lonelyColour(0)); add("half", C.lonelyColour(0.5)); add("lonely", C.lonelyColour(1)); }
      else names.forEach((n) => add(n, C.colourOf(n, mixNames.indexOf(n))));
      add("trusted tie", C.trustColour(1), "line"); add("distrusted tie", C.trustColour(0), "line");
      add("chart: open turns", "#0072B2", "line"); add("lonely", "#D55E00", "line"); add("opens exploited", "#000000", "line"); add("opens left unanswered", "#CC79A7", "line");
    }
    function onMessage(m) {
      if (m.type === "start") {
        names = m.names; rounds = m.rounds; series = { x: [], open: [], lonely: [], exploited: [], disappointed: [] };
        view.reset(m.n_agents); renderLegend(); measures = null;
      } else if (m.type === "frame") {
        if (!last || m.round === 0) view.relax(m.edges, m.round === 0 ? 60 : 0);
        view.relax(m.edges, 3);
        last = m;
        if (m.measures) {
          series.x.push(m.round); series.open.push(m.measures.open_rate); series.lonely.push(m.measures.loneliness);
          series.exploited.push(m.measures.exploitation_rate); series.disappointed.push(m.measures.disappointment_rate);
        }
        if (m.measures) measures = m.measures;
        const meas = measures;
        $(`${P}-status`).textContent = m.round === 0 || !meas ? "The first acquaintances."
          : `Round ${m.round} of ${rounds}: ${m.edges.length} relationships; ${meas.left} partners left lately; ${Math.round(meas.open_rate * 100)}% of turns open, of those ${Math.round((meas.disappointment_rate || 0) * 100)}% left unanswered and ${Math.round(meas.exploitation_rate * 100)}% exploited; mean loneliness ${Math.round(meas.loneliness * 100)}%.`;
        draw();
      } else if (m.type === "done" && last && measures) {
        const f = measures.frequencies;
        const top = Object.entries(f).sort((a, b) => b[1] - a[1])[0];
        const lonelyBy = {};
        last.char.forEach((c, i) => { (lonelyBy[names[c]] = lonelyBy[names[c]] || []).push(last.lonely[i] / 100); });
        const avg = Object.entries(lonelyBy).map(([n, v]) => [n, v.reduce((a, b) => a + b, 0) / v.length]).sort((a, b) => b[1] - a[1]);
        const pct = (x) => `${Math.round((x || 0) * 100)}%`;
        $(`${P}-takeaway`).textContent = `After ${last.round} rounds ${top[0]} make up ${pct(top[1])} of the society; the loneliest are the ${avg[0][0]} (${pct(avg[0][1])})${avg.length > 1 ? `, the least lonely the ${avg[avg.length - 1][0]} (${pct(avg[avg.length - 1][1])})` : ""}; lately ${pct(measures.disappointment_rate)} of the openings were left unanswered and ${pct(measures.exploitation_rate)} exploited.`;
      }
    }
    // choosing partners by reputation needs a norm: pick the simplest if none is set
    $(`${P}-partner_choice`).addEventListener("change", () => {
      if ($(`${P}-partner_choice`).value === "reputation" && $(`${P}-reputation`).value === "none") $(`${P}-reputation`).value = "image-scoring";
    });
    $(`${P}-colour`).addEventListener("change", () => { renderLegend(); draw(); const p = parseHash().params; p.set("colour", $(`${P}-colour`).value); writeHash(hash, p); });
    return {
      enter(params) {
        const mix = params.has("mix") ? parseMix(params.get("mix")) : defaultMix;
        mixSliders($(`${P}-mix`), mixNames, mix, { max: 1, step: 0.05, onChange: rerun });
        if (params.has("colour")) $(`${P}-colour`).value = params.get("colour");
        bind(P, keys, params, rerun);
        rerun();
      },
      leave() { stream.close(); },
      redraw: draw,
    };
  }

  // ---- chapter 7's two modes: an evolving population or a society, every knob of each ----------
  function sandboxChapter(modes) {
    let active = null;
    function enterMode(mode, params) {
      if (active && active !== modes[mode]) active.leave();
      for (const m of Object.keys(modes)) $(`sandbox-${m}`).hidden = m !== mode;
      $("sandbox-mode").value = mode;
      active = modes[mode];
      active.enter(params);
    }
    $("sandbox-mode").addEventListener("change", () => enterMode($("sandbox-mode").value, new URLSearchParams()));
    return {
      enter(params) { enterMode(params.get("mode") === "society" ? "society" : "evolution", params); },
      leave() { if (active) active.leave(); active = null; },
      redraw() { if (active && active.redraw) active.redraw(); },
    };
  }

  // ---- chapter 6: who goes first ---------------------------------------------------------------
  function collectiveChapter() {
    const keys = ["share", "noise", "exploiters", "runs", "rounds", "clustered", "seed"];
    const stream = new Stream("collective", "/ws/collective", onMessage);
    let result = null;
    function rerun() {
      const p = read("collective", keys);
      writeHash("collective", toParams(p));
      $("collective-progress").value = 0; $("collective-status").textContent = "Running the societies…";
      stream.run(p);
    }
    function mine(m) { return m.curve.find((c) => Math.abs(c.share - m.share) < 1e-6); }
    function draw() {
      if (!result) return;
      C.curveChart($("collective-chart"), { curve: result.curve, critical: result.critical_share, interval: result.interval, share: result.share });
      const point = mine(result) || result.curve[result.curve.length - 1];
      C.barChart($("collective-pay"), [
        { name: `openers, rounds 1–${result.early_rounds}`, value: point.initiator_payoff_early ?? 0, colour: "#E69F00" },
        { name: "openers, whole run", value: point.initiator_payoff ?? 0, colour: "#0072B2" },
        { name: "guarded, whole run", value: point.guarded_payoff ?? 0, colour: C.GREY },
      ], { label: `payoff per round at ${Math.round(point.share * 100)}% first openers` });
    }
    function onMessage(m) {
      const pct = (x) => `${Math.round(x * 100)}%`;
      const money = (x) => fmt(Math.round((x ?? 0) * 100) / 100);
      if (m.type === "progress") {
        $("collective-progress").max = m.total; $("collective-progress").value = m.done;
        $("collective-status").textContent = `Run ${m.done} of ${m.total}…`;
      } else if (m.type === "frame" || m.type === "result") {
        // a frame is the curve so far (one more share each time); the result is the whole curve
        result = m; draw();
        if (m.type === "frame") return;
        const point = mine(m);
        const [lo, hi] = m.interval;
        const how = m.method === "bracket" ? "the runs split cleanly between two shares, the interval is that bracket"
          : "95% interval from a bootstrap over runs joined with the profile likelihood";
        const crit = m.critical_share === null
          ? (m.method === "above-grid" ? "openness never took over on this grid"
            : m.method === "below-grid" ? "openness took over at every share tried"
              : "no run was decided, so no critical share")
          : `about ${pct(m.critical_share)} must open first for openness to take over in half the decided runs (${lo === null ? "below the grid" : pct(lo)} to ${hi === null ? "beyond the grid" : pct(hi)}; ${how})`;
        const undecided = m.undecided ? ` ${m.undecided} of ${m.runs} runs were still undecided after ${m.rounds} rounds and are left out.` : "";
        $("collective-status").textContent = `Done: ${m.runs} runs, each until openness took over (${pct(m.success_share)} of the people) or the first openers were gone.`;
        const outcome = point.decided
          ? `openness took over in ${point.successes} of ${point.decided} decided runs`
          : `none of the ${point.runs} runs was decided`;
        $("collective-takeaway").textContent = `With ${Math.round(m.share * m.n_agents)} of ${m.n_agents} people (${pct(m.share)}) opening first, ${outcome}; ${crit}.${undecided} In their first ${m.early_rounds} rounds, before anyone changed, the first openers earned ${money(point.initiator_payoff_early)} a round; over the whole run ${money(point.initiator_payoff)}, the guarded ${money(point.guarded_payoff)}.`;
      }
    }
    return {
      enter(params) { bind("collective", keys, params, rerun, "change"); rerun(); },
      leave() { stream.close(); },
      redraw: draw,
    };
  }

  // ---- routing -------------------------------------------------------------------------
  const chapters = {};
  function route() {
    const { chapter, params } = parseHash();
    const name = chapters[chapter] ? chapter : "play";
    if (current && current !== name) chapters[current].leave();
    for (const s of document.querySelectorAll(".chapter")) s.hidden = s.id !== name;
    for (const a of document.querySelectorAll("nav a")) {
      if (a.dataset.chapter === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    }
    current = name;
    chapters[name].enter(params);
  }

  async function start() {
    catalogue = await api("/api/catalogue");
    const explorable = catalogue.characters.filter((c) => c.tags.includes("explorable")).map((c) => c.name);
    const evoDefaults = { population: { "always-cooperate": 15, "always-defect": 5, "tit-for-tat": 5 }, generations: 40, fps: 30 };
    chapters.play = gameChapter("play", "classic");
    chapters.tournament = tournamentChapter();
    chapters.evolution = evolutionChapter("evolution", ["turns", "noise", "eliminate", "R", "S", "T", "P", "seed"], explorable, evoDefaults);
    chapters.exchange = gameChapter("exchange", "exchange");
    chapters.society = societyChapter();
    chapters.collective = collectiveChapter();
    const societyNames = [...catalogue.characters.filter((c) => c.tags.includes("essay")).map((c) => c.name), "trust-learner", "discriminator"];
    const sandSociety = societyChapter("sandsoc", "sandbox", { mode: "society" },
      ["n_agents", "capacity", "rounds", "partner_choice", "openness", "leave_threshold", "churn", "noise", "misread", "revision_interval", "mutation",
        "betrayal_weight", "disappointment_weight", "forgetting", "trust_learning", "reputation", "seed"],
      societyNames, { "trust-learner": 0.4, reciprocator: 0.2, guarded: 0.2, exploiter: 0.2 });
    const sandEvolution = evolutionChapter("sandbox",
      ["dynamics", "payoffs", "lattice", "R", "S", "T", "P", "turns", "noise", "misread", "eliminate", "intensity", "mutation", "generations", "fps", "seed"],
      explorable, { population: { "tit-for-tat": 20, "always-defect": 20, "win-stay-lose-shift": 20 } });
    chapters.sandbox = sandboxChapter({ evolution: sandEvolution, society: sandSociety });
    window.addEventListener("hashchange", (e) => {
      // only navigation between chapters re-enters; our own replaceState does not fire this
      route();
    });
    window.addEventListener("resize", () => { if (chapters[current].redraw) chapters[current].redraw(); });
    route();
    window.trustlab.ready = true;
  }
  start().catch((err) => { document.querySelector("main").insertAdjacentHTML("afterbegin", `<p class="error" role="alert">The page could not start: ${err.message}</p>`); });
})();
