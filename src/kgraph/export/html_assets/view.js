"use strict";
(function () {
  var D = JSON.parse(document.getElementById("kgraph-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var byId = {}, nodeEl = {}, edgeEl = {}, state = {modality: {}, source: {}, relation: {}, type: {}, since: "", until: ""};
  D.nodes.forEach(function (n) { byId[n.id] = n; });
  function el(tag, attrs, text, ns) {
    var e = ns ? document.createElementNS(NS, tag) : document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) { return el(tag, attrs, text, true); }
  function dateOf(e) { return e.point_in_time || e.start || e.end || ""; }
  var dashes = {dashed: "6,4", dotted: "2,3", solid: ""};
  // edges
  var gE = document.getElementById("edges"), gN = document.getElementById("nodes");
  D.edges.forEach(function (e) {
    var a = byId[e.s], b = byId[e.o];
    if (!a || !b) return;
    var line = svg("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: e.color, "stroke-width": 1.5,
      "stroke-dasharray": dashes[e.dash] || "", "class": "edge", "data-edge-id": e.id,
      "data-modality": e.modality || ""});
    line.appendChild(svg("title", null, (e.relation || "") + (e.by_curators ? " " + D.curators_mark : "")));
    line.addEventListener("click", function (ev) { ev.stopPropagation(); edgeCard(e); });
    gE.appendChild(line); edgeEl[e.id] = line;
  });
  D.nodes.forEach(function (n) {
    var g = svg("g", {"class": "node", "data-node-id": n.id, transform: "translate(" + n.x + "," + n.y + ")"});
    var w = Math.min(160, 12 + 6.5 * String(n.label || n.id).length);
    var shape = n.shape === "ellipse" ? svg("ellipse", {rx: w / 2, ry: 12}) :
      svg("rect", {x: -w / 2, y: -12, width: w, height: 24, rx: /rounded/.test(n.shape) || n.shape === "box" ? 6 : 0});
    shape.setAttribute("fill", n.fill); shape.setAttribute("stroke", n.focus ? "#000" : "#555");
    shape.setAttribute("stroke-width", n.focus ? 3 : 1);
    g.appendChild(shape);
    g.appendChild(svg("text", {"text-anchor": "middle", dy: 4}, n.label || n.id));
    g.appendChild(svg("title", null, (n.type || "") + ": " + (n.label || n.id)));
    g.addEventListener("click", function (ev) { ev.stopPropagation(); nodeCard(n); });
    gN.appendChild(g); nodeEl[n.id] = g;
  });
  // pan and zoom through the viewBox
  var svgEl = document.getElementById("graph"), vb;
  function fit(ids) {
    var xs = [], ys = [];
    D.nodes.forEach(function (n) { if (!ids || ids.indexOf(n.id) >= 0) { xs.push(n.x); ys.push(n.y); } });
    if (!xs.length) { xs = [0]; ys = [0]; }
    var x0 = Math.min.apply(null, xs) - 100, y0 = Math.min.apply(null, ys) - 40;
    vb = [x0, y0, Math.max.apply(null, xs) - x0 + 100, Math.max.apply(null, ys) - y0 + 40];
    svgEl.setAttribute("viewBox", vb.join(" "));
  }
  fit(null);
  svgEl.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svgEl.getBoundingClientRect(), f = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
    var px = vb[0] + vb[2] * (ev.clientX - r.left) / r.width, py = vb[1] + vb[3] * (ev.clientY - r.top) / r.height;
    vb = [px - (px - vb[0]) * f, py - (py - vb[1]) * f, vb[2] * f, vb[3] * f];
    svgEl.setAttribute("viewBox", vb.join(" "));
  }, {passive: false});
  var drag = null;
  svgEl.addEventListener("mousedown", function (ev) { drag = [ev.clientX, ev.clientY, vb[0], vb[1]]; });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var r = svgEl.getBoundingClientRect();
    vb[0] = drag[2] - (ev.clientX - drag[0]) * vb[2] / r.width;
    vb[1] = drag[3] - (ev.clientY - drag[1]) * vb[3] / r.height;
    svgEl.setAttribute("viewBox", vb.join(" "));
  });
  // cards
  var card = document.getElementById("card");
  function claimBox(e, self) {
    var box = el("div", {"class": "claim", "data-claim": e.id});
    box.style.borderColor = e.color;
    var other = self === e.s ? byId[e.o] : byId[e.s];
    var head = (self === e.s ? "→ " : "← ") + (other ? other.label || other.id : "");
    box.appendChild(el("div", null, head + (e.by_curators ? " " + D.curators_mark : "")));
    var facts = [];
    if (e.figure) facts.push("figure: " + e.figure);
    var per = [e.point_in_time, e.start && ("from " + e.start), e.end && ("to " + e.end)].filter(Boolean).join(" ");
    if (per) facts.push("period: " + per);
    facts.push("modality: " + (e.modality_label || e.modality || ""));
    if (e.attributed_to_label) facts.push("according to: " + e.attributed_to_label);
    facts.push("source: " + (e.source || "") + (e.evidence ? " @ " + e.evidence : ""));
    if (e.curated) facts.push(D.curators_mark + " curators: " + e.curated);
    facts.forEach(function (f) { box.appendChild(el("div", {"class": /^. curators/.test(f) ? "curators" : ""}, f)); });
    (e.quotes || []).forEach(function (q) {
      var p = el("p", {"class": "quote"});
      p.appendChild(document.createTextNode(q[0] + " "));
      p.appendChild(el("mark", null, q[1]));
      p.appendChild(document.createTextNode(" " + q[2]));
      box.appendChild(p);
    });
    return box;
  }
  function clear() { while (card.firstChild) card.removeChild(card.firstChild); card.hidden = false; }
  function nodeCard(n) {
    clear(); card.setAttribute("data-node-id", n.id);
    card.appendChild(el("h2", null, n.label || n.id));
    card.appendChild(el("div", {"class": "type"}, n.type || n.kind || ""));
    if (n.aliases) card.appendChild(el("div", {"class": "aliases"}, "also: " + n.aliases));
    if (n.wikidata) card.appendChild(el("div", {"class": "curators"}, D.curators_mark + " Wikidata " + n.wikidata + " (" + D.curators_note + ")"));
    if (n.date) card.appendChild(el("div", null, "date: " + n.date + (n.date_by_curators ? " " + D.curators_mark : "")));
    if (n.description) card.appendChild(el("p", null, n.description));
    if (n.characteristic) card.appendChild(el("p", null, n.characteristic));
    var groups = {};
    D.edges.forEach(function (e) { if (e.s === n.id || e.o === n.id) (groups[e.relation || e.predicate || "?"] = groups[e.relation || e.predicate || "?"] || []).push(e); });
    Object.keys(groups).sort().forEach(function (r) {
      card.appendChild(el("h3", null, r + " (" + groups[r].length + ")"));
      groups[r].forEach(function (e) { card.appendChild(claimBox(e, n.id)); });
    });
  }
  function edgeCard(e) {
    clear(); card.setAttribute("data-edge-id", e.id);
    var a = byId[e.s], b = byId[e.o];
    card.appendChild(el("h2", null, (a ? a.label : e.s) + " — " + (e.relation || "") + " — " + (b ? b.label : e.o)));
    D.edges.forEach(function (f) { if (f.s === e.s && f.o === e.o) card.appendChild(claimBox(f, e.s)); });
  }
  svgEl.addEventListener("click", function () { card.hidden = true; });
  // search by name or alias
  var search = document.getElementById("search"), results = document.getElementById("results");
  search.addEventListener("input", function () {
    while (results.firstChild) results.removeChild(results.firstChild);
    Object.keys(nodeEl).forEach(function (k) { nodeEl[k].classList.remove("hit"); });
    var q = search.value.trim().toLowerCase();
    if (!q) return;
    D.nodes.filter(function (n) {
      return String(n.label || "").toLowerCase().indexOf(q) >= 0 || String(n.aliases || "").toLowerCase().indexOf(q) >= 0;
    }).slice(0, 30).forEach(function (n) {
      nodeEl[n.id].classList.add("hit");
      var li = el("li", {"data-node-id": n.id}, n.label + (n.aliases ? " (" + n.aliases + ")" : ""));
      li.addEventListener("click", function () { closeResults(); nodeCard(n); fit([n.id]); vb[0] -= 300; vb[2] += 600; vb[1] -= 200; vb[3] += 400; svgEl.setAttribute("viewBox", vb.join(" ")); });
      results.appendChild(li);
    });
  });
  function closeResults() { while (results.firstChild) results.removeChild(results.firstChild); }
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closeResults(); });
  document.addEventListener("mousedown", function (ev) {
    if (ev.target !== search && !results.contains(ev.target)) closeResults();
  });
  // filters
  var filters = document.getElementById("filters");
  function values(f) { var s = {}; D.edges.forEach(function (e) { if (e[f]) s[e[f]] = 1; }); return Object.keys(s).sort(); }
  function box(title, attr, vals, kind) {
    var fs = el("fieldset"); fs.appendChild(el("legend", null, title));
    vals.forEach(function (v) {
      state[kind][v] = true;
      var lab = el("label"), c = el("input", {type: "checkbox"}); c.checked = true;
      c.setAttribute(attr, v);
      c.addEventListener("change", function () { state[kind][v] = c.checked; apply(); });
      lab.appendChild(c); lab.appendChild(document.createTextNode(" " + v)); fs.appendChild(lab);
    });
    filters.appendChild(fs);
  }
  box("Modality", "data-modality", values("modality"), "modality");
  box("Relation", "data-relation", values("relation"), "relation");
  box("Source", "data-source", values("source"), "source");
  var types = {}; D.nodes.forEach(function (n) { if (n.type) types[n.type] = 1; });
  box("Type", "data-type", Object.keys(types).sort(), "type");
  var dfs = el("fieldset"); dfs.appendChild(el("legend", null, "Dates"));
  ["since", "until"].forEach(function (k) {
    var lab = el("label", null, k + " "), inp = el("input", {type: "text", placeholder: "YYYY[-MM[-DD]]", id: k, size: 10});
    inp.addEventListener("input", function () { state[k] = inp.value.trim(); apply(); });
    lab.appendChild(inp); dfs.appendChild(lab);
  });
  filters.appendChild(dfs);
  var counts = document.getElementById("counts");
  function apply() {
    var shownNodes = {};
    D.nodes.forEach(function (n) {
      var ok = !n.type || state.type[n.type] !== false;
      nodeEl[n.id].classList.toggle("hidden", !ok);
      if (ok) shownNodes[n.id] = 1;
    });
    var ne = 0;
    D.edges.forEach(function (e) {
      var d = dateOf(e), ok = shownNodes[e.s] && shownNodes[e.o] &&
        (!e.modality || state.modality[e.modality]) && (!e.relation || state.relation[e.relation]) &&
        (!e.source || state.source[e.source]) &&
        (!state.since || !d || d >= state.since) && (!state.until || !d || d.slice(0, state.until.length) <= state.until);
      if (edgeEl[e.id]) { edgeEl[e.id].classList.toggle("hidden", !ok); if (ok) ne++; }
    });
    counts.textContent = Object.keys(shownNodes).length + " nodes, " + ne + " edges shown";
  }
  apply();
  // timeline: events at their date precision
  var tl = document.getElementById("timeline");
  tl.appendChild(el("strong", null, "Timeline"));
  var dated = [];
  D.nodes.forEach(function (n) { if (n.date) dated.push({d: n.date, t: n.label, c: n.date_by_curators, n: n}); });
  D.edges.forEach(function (e) { var d = dateOf(e); if (d && byId[e.s] && byId[e.s].kind === "event") dated.push({d: d, t: byId[e.s].label + ": " + e.relation, c: e.by_curators, n: byId[e.s]}); });
  dated.sort(function (a, b) { return a.d < b.d ? -1 : a.d > b.d ? 1 : 0; });
  // The axis: each date is drawn as the span its precision allows (a year, a month, a day).
  function span(d) {
    var open = /^(from|until)\s+/.exec(d), rest = open ? String(d).slice(open[0].length) : String(d);
    var parts = rest.split(/\s*(?:–|\/)\s*/), a = one(parts[0]), b = one(parts[parts.length - 1]);
    return a && b ? [a[0], b[1], open ? open[1] : parts.length > 1 ? "range" : a[2]] : null;
  }
  function one(d) {
    var dec = /^(-?\d{3})X/.exec(d);
    if (dec) return [Date.UTC(+dec[1] * 10, 0, 1), Date.UTC(+dec[1] * 10 + 10, 0, 1), "decade"];
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(d);
    if (!m) return null;
    var y = +m[1], mo = m[2] ? +m[2] - 1 : 0, day = m[3] ? +m[3] : 1;
    var a = Date.UTC(y, mo, day);
    var b = m[3] ? Date.UTC(y, mo, day + 1) : m[2] ? Date.UTC(y, mo + 1, 1) : Date.UTC(y + 1, 0, 1);
    return [a, b, m[3] ? "day" : m[2] ? "month" : "year"];
  }
  var spans = dated.map(function (x) { return span(x.d); }).filter(function (x) { return x; });
  if (spans.length) {
    // Whole years at both ends, so one day in a year reads as a day, not as the whole axis.
    var lo = Date.UTC(new Date(Math.min.apply(null, spans.map(function (x) { return x[0]; }))).getUTCFullYear(), 0, 1);
    var hi = Date.UTC(new Date(Math.max.apply(null, spans.map(function (x) { return x[1]; })) - 1).getUTCFullYear() + 1, 0, 1);
    var W = 1000, lanes = Math.min(dated.length, 6), H = 18 + 8 * lanes;
    var axis = svg("svg", {"id": "axis", "viewBox": "0 0 " + W + " " + H, "role": "img"});
    axis.appendChild(svg("title", null, "Events on a time axis, each as long as its date is precise"));
    axis.appendChild(svg("line", {"x1": 0, "x2": W, "y1": 12, "y2": 12, "stroke": "#888"}));
    [new Date(lo).getUTCFullYear(), new Date(hi - 1).getUTCFullYear()].forEach(function (yr, i) {
      axis.appendChild(svg("text", {"x": i ? W - 2 : 2, "y": 10, "font-size": 10, "text-anchor": i ? "end" : "start"}, yr));
    });
    dated.forEach(function (x, i) {
      var sp = span(x.d);
      if (!sp) return;
      var x0 = (sp[0] - lo) / (hi - lo) * W, w = Math.max(3, (sp[1] - sp[0]) / (hi - lo) * W);
      var r = svg("rect", {"class": "mark", "data-node-id": x.n.id, "data-precision": sp[2], "x": x0.toFixed(1),
        "y": 16 + 8 * (i % lanes), "width": w.toFixed(1), "height": 6, "fill": x.c ? "#bdbdbd" : "#6baed6"});
      r.appendChild(svg("title", null, x.d + "  " + x.t + (x.c ? " " + D.curators_mark : "")));
      r.addEventListener("click", function () { nodeCard(x.n); });
      axis.appendChild(r);
    });
    tl.appendChild(axis);
  }
  dated.forEach(function (x) {
    // A date with no year ("--09-19") has no place on the axis; the list says so.
    var placed = span(x.d) !== null;
    var row = el("div", {"class": "tl", "data-node-id": x.n.id, "data-on-axis": placed ? "yes" : "no"},
      x.d + "  " + x.t + (x.c ? " " + D.curators_mark : "") + (placed ? "" : " (no year: not on the axis)"));
    row.addEventListener("click", function () { nodeCard(x.n); });
    tl.appendChild(row);
  });
  // legend
  var lg = document.getElementById("legend");
  D.legend_nodes.forEach(function (l) { var s = el("span"), sw = el("span", {"class": "sw"}); sw.style.background = l.fill; s.appendChild(sw); s.appendChild(document.createTextNode(l.family)); lg.appendChild(s); });
  D.legend_edges.forEach(function (l) { var s = el("span"), sw = el("span", {"class": "sw"}); sw.style.border = "0"; sw.style.borderTop = "2px " + l.dash + " " + l.color; s.appendChild(sw); s.appendChild(document.createTextNode(l.legend)); lg.appendChild(s); });
  lg.appendChild(el("span", null, D.curators_mark + " " + D.curators_note));
  window.kgraphReady = true;
})();
