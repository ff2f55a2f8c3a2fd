/* trustlab explorable: small canvas charts (no library). Colours: Okabe & Ito's palette, which
   stays distinguishable under the common forms of colour blindness. */
"use strict";

const OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"];
const GREY = "#999999";
/* The same character keeps the same colour in every chapter. */
const FIXED_COLOURS = {
  "tit-for-tat": "#0072B2", "always-defect": "#D55E00", "always-cooperate": "#009E73",
  "grudger": "#E69F00", "detective": "#CC79A7", "tit-for-two-tats": "#56B4E9",
  "win-stay-lose-shift": "#000000", "random": "#F0E442",
  "reciprocator": "#0072B2", "exploiter": "#D55E00", "guarded": GREY, "forgiver": "#009E73",
  "con-artist": "#CC79A7", "unconditional-giver": "#E69F00", "contrite": "#56B4E9",
  "trust-learner": "#000000", "one-sided": "#56B4E9",
};

function colourOf(name, i) {
  return FIXED_COLOURS[name] || OKABE_ITO[i % OKABE_ITO.length];
}

/* Blue (trusted) to vermilion (distrusted), through pale grey: readable by all three common
   colour-vision deficiencies. t in [0, 1]. */
function trustColour(t) {
  const lo = [213, 94, 0], mid = [200, 200, 200], hi = [0, 114, 178];
  const [a, b, u] = t < 0.5 ? [lo, mid, t * 2] : [mid, hi, (t - 0.5) * 2];
  const c = a.map((x, k) => Math.round(x + (b[k] - x) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/* Loneliness 0..1 from bluish green (connected) to yellow to vermilion (lonely). */
function lonelyColour(x) {
  const stops = [[0, 158, 115], [240, 228, 66], [213, 94, 0]];
  const v = Math.max(0, Math.min(1, x)) * 2;
  const i = Math.min(1, Math.floor(v));
  const u = v - i;
  const c = stops[i].map((s, k) => Math.round(s + (stops[i + 1][k] - s) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function setupCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(200, canvas.clientWidth || 300);
  const h = Number(canvas.getAttribute("height")) || 240;
  if (canvas.width !== Math.round(w * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas.style.height = h + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = "12px system-ui, sans-serif";
  return { ctx, w, h };
}

function axes(ctx, box, { xmin, xmax, ymin, ymax, xlabel, ylabel, yticks, xticks, yfmt }) {
  const { l, t, r, b } = box;
  ctx.strokeStyle = "#888"; ctx.fillStyle = "#444"; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(l, t); ctx.lineTo(l, b); ctx.lineTo(r, b); ctx.stroke();
  const fmt = yfmt || ((v) => String(Math.round(v * 100) / 100));
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const v of yticks || [ymin, (ymin + ymax) / 2, ymax]) {
    const y = b - ((v - ymin) / (ymax - ymin || 1)) * (b - t);
    ctx.fillText(fmt(v), l - 4, y);
    ctx.strokeStyle = "#eee"; ctx.beginPath(); ctx.moveTo(l + 1, y); ctx.lineTo(r, y); ctx.stroke();
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const v of xticks || [xmin, xmax]) {
    const x = l + ((v - xmin) / (xmax - xmin || 1)) * (r - l);
    ctx.fillText(String(Math.round(v * 100) / 100), x, b + 4);
  }
  if (xlabel) ctx.fillText(xlabel, (l + r) / 2, b + 18);
  if (ylabel) {
    ctx.save(); ctx.translate(12, (t + b) / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "top"; ctx.fillText(ylabel, 0, -8); ctx.restore();
  }
}

/* series: [{name, colour, values}] (values may contain null); dashes vary so lines differ
   by more than colour. */
function lineChart(canvas, { series, xs, xmax, ymin = 0, ymax = 1, xlabel, ylabel, yfmt }) {
  const { ctx, w, h } = setupCanvas(canvas);
  const box = { l: 48, t: 12, r: w - 12, b: h - 40 };
  axes(ctx, box, { xmin: 0, xmax, ymin, ymax, xlabel, ylabel, yfmt });
  const sx = (i) => box.l + ((xs ? xs[i] : i) / (xmax || 1)) * (box.r - box.l);
  const sy = (v) => box.b - ((v - ymin) / (ymax - ymin || 1)) * (box.b - box.t);
  const dashes = [[], [6, 3], [2, 3], [8, 3, 2, 3]];
  series.forEach((s, k) => {
    ctx.strokeStyle = s.colour; ctx.lineWidth = 2.5; ctx.setLineDash(dashes[k % dashes.length]);
    ctx.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      if (pen) ctx.lineTo(sx(i), sy(v)); else { ctx.moveTo(sx(i), sy(v)); pen = true; }
    });
    ctx.stroke();
  });
  ctx.setLineDash([]);
}

/* Horizontal bars from a zero line (negative values, such as a cost, go left of it). */
function barChart(canvas, items, { label } = {}) {
  const { ctx, w, h } = setupCanvas(canvas);
  const lo = Math.min(0, ...items.map((d) => d.value));
  const hi = Math.max(lo + 1, 0, ...items.map((d) => d.value));
  const left = 160, right = w - 50, top = 8, rowH = Math.min(34, (h - 24) / Math.max(1, items.length));
  const X = (v) => left + ((v - lo) / (hi - lo)) * (right - left);
  ctx.textBaseline = "middle";
  items.forEach((d, i) => {
    const y = top + i * rowH;
    const a = X(Math.min(0, d.value)), b = X(Math.max(0, d.value));
    ctx.fillStyle = d.colour; ctx.fillRect(a, y + 3, b - a, rowH - 6);
    ctx.strokeStyle = "#0005"; ctx.strokeRect(a, y + 3, b - a, rowH - 6);
    ctx.fillStyle = "#222"; ctx.textAlign = "right"; ctx.fillText(d.name, left - 6, y + rowH / 2);
    const text = String(Math.round(d.value * 10) / 10);
    ctx.textAlign = "left"; ctx.fillText(text, b + 6, y + rowH / 2);
  });
  if (lo < 0) { ctx.strokeStyle = "#333"; ctx.beginPath(); ctx.moveTo(X(0), top); ctx.lineTo(X(0), top + items.length * rowH); ctx.stroke(); }
  if (label) { ctx.textAlign = "right"; ctx.fillStyle = "#666"; ctx.fillText(label, w - 6, h - 8); }
}

/* One dot per individual on a circle (well mixed) or one square per site (a lattice). */
function populationChart(canvas, { counts, colours, sites, side }) {
  const { ctx, w, h } = setupCanvas(canvas);
  if (sites && side) {
    const cell = Math.floor(Math.min(w, h) / side);
    const x0 = (w - cell * side) / 2, y0 = (h - cell * side) / 2;
    sites.forEach((t, i) => {
      ctx.fillStyle = colours[t];
      ctx.fillRect(x0 + (i % side) * cell, y0 + Math.floor(i / side) * cell, cell - (cell > 6 ? 1 : 0), cell - (cell > 6 ? 1 : 0));
    });
    return;
  }
  const n = counts.reduce((a, b) => a + b, 0);
  const cx = w / 2, cy = h / 2, R = Math.min(w, h) / 2 - 22;
  const r = Math.max(3, Math.min(14, (Math.PI * R) / Math.max(n, 1) - 1));
  let k = 0;
  counts.forEach((c, t) => {
    for (let j = 0; j < c; j++, k++) {
      const a = (2 * Math.PI * k) / n - Math.PI / 2;
      ctx.beginPath(); ctx.arc(cx + R * Math.cos(a), cy + R * Math.sin(a), r, 0, 2 * Math.PI);
      ctx.fillStyle = colours[t]; ctx.fill(); ctx.strokeStyle = "#0006"; ctx.stroke();
    }
  });
  ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
  ctx.font = "15px system-ui, sans-serif";
  ctx.fillText(`${n} individuals`, cx, cy);
}

/* A network drawn with a light force layout that keeps its positions between frames. */
class NetworkView {
  constructor(canvas) { this.canvas = canvas; this.pos = []; }
  reset(n) {
    this.pos = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      this.pos.push({ x: Math.cos(a) * 0.8, y: Math.sin(a) * 0.8, vx: 0, vy: 0 });
    }
  }
  relax(edges, iterations) {
    const P = this.pos, n = P.length;
    if (!n) return;
    const k = 1.6 / Math.sqrt(n);
    for (let it = 0; it < iterations; it++) {
      for (let i = 0; i < n; i++) { P[i].fx = -P[i].x * 0.05; P[i].fy = -P[i].y * 0.05; }
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const dx = P[i].x - P[j].x, dy = P[i].y - P[j].y;
          const d2 = dx * dx + dy * dy + 1e-4;
          const f = (k * k) / d2 * 0.02;
          P[i].fx += dx * f; P[i].fy += dy * f; P[j].fx -= dx * f; P[j].fy -= dy * f;
        }
      }
      for (const [i, j] of edges) {
        const dx = P[i].x - P[j].x, dy = P[i].y - P[j].y;
        const d = Math.sqrt(dx * dx + dy * dy) + 1e-6;
        const f = (d - k) * 0.1 / d;
        P[i].fx -= dx * f; P[i].fy -= dy * f; P[j].fx += dx * f; P[j].fy += dy * f;
      }
      for (const p of P) {
        p.vx = (p.vx + p.fx) * 0.6; p.vy = (p.vy + p.fy) * 0.6;
        p.x = Math.max(-1, Math.min(1, p.x + p.vx)); p.y = Math.max(-1, Math.min(1, p.y + p.vy));
      }
    }
  }
  draw({ edges, trust, fill }) {
    const { ctx, w, h } = setupCanvas(this.canvas);
    const s = Math.min(w, h) / 2 - 14, cx = w / 2, cy = h / 2;
    const X = (p) => cx + p.x * s, Y = (p) => cy + p.y * s;
    ctx.lineWidth = 2;
    edges.forEach(([i, j], e) => {
      ctx.strokeStyle = trustColour(trust[e]);
      ctx.beginPath(); ctx.moveTo(X(this.pos[i]), Y(this.pos[i])); ctx.lineTo(X(this.pos[j]), Y(this.pos[j])); ctx.stroke();
    });
    const r = Math.max(3, Math.min(8, 300 / Math.max(1, this.pos.length)));
    this.pos.forEach((p, i) => {
      ctx.beginPath(); ctx.arc(X(p), Y(p), r, 0, 2 * Math.PI);
      ctx.fillStyle = fill[i]; ctx.fill(); ctx.strokeStyle = "#000a"; ctx.lineWidth = 1; ctx.stroke();
    });
  }
}

/* The collective-action curve: success rate per share with its interval, the critical share's
   interval as a band, and the reader's share marked. */
function curveChart(canvas, { curve, critical, interval, share }) {
  const { ctx, w, h } = setupCanvas(canvas);
  const box = { l: 48, t: 26, r: w - 12, b: h - 40 };  // room above for the undecided counts
  const xmax = Math.max(0.5, ...curve.map((c) => c.share)) ;
  axes(ctx, box, { xmin: 0, xmax, ymin: 0, ymax: 1, xlabel: "share who open first", ylabel: "openness took over",
    xticks: [0, 0.1, 0.2, 0.3, 0.4, 0.5].filter((v) => v <= xmax), yfmt: (v) => `${Math.round(v * 100)}%` });
  const sx = (v) => box.l + (v / xmax) * (box.r - box.l);
  const sy = (v) => box.b - v * (box.b - box.t);
  if (critical !== null && interval) {
    const lo = interval[0] === null ? 0 : interval[0], hi = interval[1] === null ? xmax : interval[1];
    ctx.fillStyle = "#56B4E933"; ctx.fillRect(sx(lo), box.t, sx(hi) - sx(lo), box.b - box.t);
    ctx.strokeStyle = "#0072B2"; ctx.setLineDash([5, 4]);
    ctx.beginPath(); ctx.moveTo(sx(critical), box.t); ctx.lineTo(sx(critical), box.b); ctx.stroke(); ctx.setLineDash([]);
  }
  // points with decided runs: the rate over decided runs and its Wilson interval; a share with
  // no decided run is a hollow grey ring on the axis (undecided, not a failure)
  const decided = curve.filter((c) => c.success_rate !== null);
  ctx.strokeStyle = "#0072B2"; ctx.lineWidth = 2; ctx.beginPath();
  decided.forEach((c, i) => { const f = i ? "lineTo" : "moveTo"; ctx[f](sx(c.share), sy(c.success_rate)); });
  ctx.stroke();
  curve.forEach((c) => {
    const mine = Math.abs(c.share - share) < 1e-6;
    ctx.lineWidth = 1.5;
    if (c.success_rate === null) {
      ctx.strokeStyle = GREY; ctx.beginPath(); ctx.arc(sx(c.share), sy(0), mine ? 7 : 5, 0, 2 * Math.PI); ctx.stroke();
    } else {
      ctx.strokeStyle = "#333";
      ctx.beginPath(); ctx.moveTo(sx(c.share), sy(c.interval[0])); ctx.lineTo(sx(c.share), sy(c.interval[1])); ctx.stroke();
      ctx.beginPath(); ctx.arc(sx(c.share), sy(c.success_rate), mine ? 7 : 4, 0, 2 * Math.PI);
      ctx.fillStyle = mine ? "#E69F00" : "#0072B2"; ctx.fill(); ctx.strokeStyle = "#000"; ctx.stroke();
    }
    if (c.undecided) {  // how many runs were left undecided, above the point
      ctx.fillStyle = GREY; ctx.font = "11px system-ui, sans-serif"; ctx.textAlign = "center";
      ctx.fillText(`${c.undecided}?`, sx(c.share), box.t - 10);
    }
  });
}

window.TrustCharts = { OKABE_ITO, GREY, colourOf, trustColour, lonelyColour, setupCanvas, lineChart, barChart, populationChart, NetworkView, curveChart };
