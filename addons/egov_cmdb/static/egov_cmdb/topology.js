// 业务拓扑: interactive graph (vis-network) with expand/collapse, layouts, search, status overlay and impact
// analysis. Data comes from json_script blocks (no inline script: CSP). State for tests: window.egovTopology and
// data-* attributes on #topology-canvas / #topo-impact-panel.
(function () {
  "use strict";
  var pageEl = document.getElementById("topology-page");
  var graphEl = document.getElementById("topology-graph");
  var container = document.getElementById("topology-canvas");
  if (!pageEl || !graphEl || !container || !window.vis) return;
  var page = JSON.parse(pageEl.textContent);
  var graph = JSON.parse(graphEl.textContent);
  var S = page.strings;
  var config = page.config || {};

  var STATUS = {
    normal: { background: "#e8f3fc", border: "#206bc4" },
    warning: { background: "#fff4e0", border: "#f59f00" },
    faulty: { background: "#d63939", border: "#a61e1e", font: "#ffffff" },
    offline: { background: "#eef0f3", border: "#929dab", font: "#667382" },
    redacted: { background: "#f6f7f9", border: "#c8ced6", font: "#8a94a3" }
  };
  var IMPACT_BORDER = "#d63939";
  var HIT_BORDER = "#7048e8";

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var info = {};            // id -> node info from the server
  var expanded = {};        // id -> [ids added by expanding it]
  var hidden = {};          // id -> true
  (config.hidden || []).forEach(function (id) { hidden[id] = true; });
  var positions = config.positions || {};
  var extra = (config.extra || []).slice();
  var layout = page.layout;
  var state = {
    impact: graph.impact || null, simulated: null, searchHits: [], selected: null,
    faulty: {}, impactedSystems: [], impactedIds: {}
  };
  var network;

  function fmt(s, vars) {
    return String(s).replace(/%\((\w+)\)s/g, function (_m, k) { return vars[k]; });
  }
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") el.textContent = attrs[k];
      else if (k === "class") el.className = attrs[k];
      else el.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return el;
  }
  function csrf() {
    var input = document.querySelector("#topo-csrf input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function escapeLabel(s) { return String(s || "").replace(/[<>&]/g, function (c) { return { "<": "&lt;", ">": "&gt;", "&": "&amp;" }[c]; }); }

  // ---------------------------------------------------------------------------------------------- node styling
  function visNode(n) {
    var st = n.redacted ? STATUS.redacted : (STATUS[n.status] || STATUS.normal);
    var isSystem = n.class_code === "business_system";
    var impacted = !!state.impactedIds[n.id];
    var systemHit = state.impactedSystems.indexOf(n.id) >= 0;
    var searchHit = state.searchHits.indexOf(n.id) >= 0;
    var border = st.border, width = n.root ? 3 : 1.5;
    if (impacted && n.status !== "faulty") { border = IMPACT_BORDER; width = systemHit ? 4 : 2.5; }
    if (searchHit) { border = HIT_BORDER; width = 4; }
    var label = "<b>" + escapeLabel(n.name) + "</b>\n<i>" + escapeLabel(n.class_name) + (n.more ? "  ＋" : "") + "</i>";
    if (systemHit) label = "<b>⚠ " + escapeLabel(n.name) + "</b>\n<i>" + escapeLabel(S.impacted) + " · " + escapeLabel(n.class_name) + "</i>";
    var node = {
      id: n.id, label: label, level: n.level,
      shape: isSystem ? "box" : (n.redacted ? "box" : "box"),
      shapeProperties: { borderRadius: isSystem ? 10 : 4, borderDashes: n.redacted ? [4, 3] : false },
      color: {
        background: systemHit ? "#fbe7e7" : st.background, border: border,
        highlight: { background: systemHit ? "#fbe7e7" : st.background, border: HIT_BORDER },
        hover: { background: st.background, border: HIT_BORDER }
      },
      borderWidth: width, borderWidthSelected: width + 1,
      font: { multi: "html", color: systemHit ? "#a61e1e" : (st.font || "#1d273b"), size: isSystem ? 15 : 13,
              face: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif",
              bold: { color: systemHit ? "#a61e1e" : (st.font || "#1d273b") },
              ital: { color: st.font || "#667382", size: 11 } },
      margin: { top: 8, bottom: 8, left: 10, right: 10 },
      widthConstraint: { maximum: isSystem ? 200 : 170 },
      shadow: systemHit ? { enabled: true, color: "rgba(214,57,57,0.55)", size: 14, x: 0, y: 0 } : false,
      title: (n.redacted ? S.redacted : n.name) + " · " + n.class_name + (n.status_label ? " · " + n.status_label : "")
    };
    var pos = positions[String(n.id)];
    if (layout === "force" && pos) { node.x = pos[0]; node.y = pos[1]; }
    return node;
  }

  function visEdge(e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.label, arrows: { to: { enabled: true, scaleFactor: 0.6 } },
      dashes: !e.dependency, font: { size: 10, color: "#667382", strokeWidth: 3, align: "middle" },
      color: { color: e.dependency ? "#8a94a3" : "#c8ced6", highlight: HIT_BORDER }, smooth: { type: "cubicBezier", roundness: 0.4 }
    };
  }

  function addGraph(g, parentId, levelBase) {
    var added = [];
    (g.nodes || []).forEach(function (n) {
      if (hidden[n.id]) return;
      if (info[n.id]) { if (n.more === false) { info[n.id].more = false; } return; }
      var copy = Object.assign({}, n);
      if (parentId !== undefined) copy.level = levelBase + n.level;
      copy.root = parentId === undefined ? n.root : false;
      info[n.id] = copy;
      nodes.add(visNode(copy));
      added.push(n.id);
    });
    (g.edges || []).forEach(function (e) {
      if (!info[e.from] || !info[e.to] || edges.get(e.id)) return;
      edges.add(visEdge(e));
    });
    return added;
  }

  function restyle() {
    nodes.update(Object.keys(info).map(function (id) { return visNode(info[id]); }));
    updateCounts();
  }

  function updateCounts() {
    var el = document.getElementById("topo-counts");
    if (el) el.textContent = S.nodes + " " + nodes.length + " · " + S.edges + " " + edges.length;
    var tr = document.getElementById("topo-truncated");
    if (tr) tr.textContent = fmt(S.truncated, { n: graph.nodes.length });
  }

  // ---------------------------------------------------------------------------------------------- network
  function options() {
    var hier = layout === "hierarchical";
    return {
      layout: hier ? { hierarchical: { enabled: true, direction: "UD", sortMethod: "directed", levelSeparation: 120,
                                       nodeSpacing: 215, treeSpacing: 200, shakeTowards: "roots" } }
                   : { hierarchical: { enabled: false }, improvedLayout: nodes.length < 150 },
      physics: hier ? { enabled: false }
                    : { enabled: true, solver: "barnesHut", barnesHut: { gravitationalConstant: -6000, springLength: 160,
                        avoidOverlap: 0.3 }, stabilization: { iterations: 300 } },
      interaction: { hover: true, tooltipDelay: 200, navigationButtons: false, keyboard: false, multiselect: false },
      nodes: { shape: "box" }, edges: { selectionWidth: 2 }
    };
  }

  function build() {
    addGraph(graph);
    extra.forEach(function () { /* extra roots come in the server graph already */ });
    network = new vis.Network(container, { nodes: nodes, edges: edges }, options());
    network.once("afterDrawing", function () {
      // keep labels readable on big graphs: never start below 55 % zoom, centred on the root
      if (network.getScale() < 0.55 && page.root && info[page.root]) {
        var pos = network.getPositions([page.root])[page.root];
        var shift = layout === "hierarchical" && page.direction !== "both" ? (container.clientHeight / 2 - 70) / 0.55 : 0;
        network.moveTo({ position: { x: pos.x, y: pos.y + (page.direction === "up" ? -shift : shift) }, scale: 0.55 });
      }
      container.dataset.state = "ready";
    });
    network.on("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); });
    network.on("click", function (params) {
      if (params.nodes.length) select(params.nodes[0]); else select(null);
    });
    network.on("doubleClick", function (params) {
      if (params.nodes.length) toggleExpand(params.nodes[0], page.direction === "up" ? "up" : "down");
    });
    network.on("dragEnd", function (params) {
      if (params.nodes.length && layout === "force") {
        var p = network.getPositions(params.nodes);
        Object.keys(p).forEach(function (id) { positions[id] = [p[id].x, p[id].y]; });
      }
    });
    applyImpact(state.impact, false);
    updateCounts();
    window.egovTopology = { network: network, nodes: nodes, edges: edges, state: state, info: info,
                            markStatus: markStatus, simulate: simulate, search: search };
  }

  function setLayout(value) {
    if (value === layout) return;
    layout = value;
    document.querySelectorAll("[data-topo-layout]").forEach(function (b) {
      b.classList.toggle("btn-primary", b.dataset.topoLayout === value);
      b.classList.toggle("btn-outline-primary", b.dataset.topoLayout !== value);
    });
    var f = document.getElementById("topo-layout-field"); if (f) f.value = value;
    var f2 = document.getElementById("topo-save-layout-field"); if (f2) f2.value = value;
    restyle();
    network.setOptions(options());
    if (value === "force") network.stabilize(200);
    network.fit({ animation: false });
  }

  // ---------------------------------------------------------------------------------------------- expand / collapse / hide
  function toggleExpand(id, direction) {
    if (expanded[id]) { collapse(id); return; }
    var url = page.urls.graph + "?ci=" + encodeURIComponent(id) + "&direction=" + direction + "&depth=1" +
      (page.types || []).map(function (t) { return "&type=" + t; }).join("");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (g) {
        var base = info[id] ? info[id].level : 0;
        g.nodes.forEach(function (n) { if (direction === "up") n.level = -Math.abs(n.level); });
        expanded[id] = addGraph(g, id, base);
        if (info[id]) { info[id].more = false; nodes.update(visNode(info[id])); }
        if (state.impact) applyImpact(state.impact, !!state.simulated);
        updateCounts();
      })
      .catch(function () { toast(S.error, "danger"); });
  }

  function collapse(id) {
    var remove = (expanded[id] || []).filter(function (nid) { return !info[nid] || !info[nid].root; });
    delete expanded[id];
    remove.forEach(function (nid) { if (expanded[nid]) collapse(nid); });
    removeNodes(remove);
    if (info[id]) { info[id].more = true; nodes.update(visNode(info[id])); }
    updateCounts();
  }

  function removeNodes(ids) {
    var set = {};
    ids.forEach(function (nid) { set[nid] = true; delete info[nid]; });
    edges.remove(edges.get({ filter: function (e) { return set[e.from] || set[e.to]; } }).map(function (e) { return e.id; }));
    nodes.remove(ids);
  }

  function hideNode(id) {
    hidden[id] = true;
    removeNodes([id]);
    select(null);
    updateCounts();
  }

  // ---------------------------------------------------------------------------------------------- search
  function search(term) {
    term = (term || "").trim().toLowerCase();
    state.searchHits = [];
    if (term) {
      Object.keys(info).forEach(function (id) {
        var n = info[id];
        var text = [n.name, n.code, n.class_name, n.organization].join(" ").toLowerCase();
        if (!n.redacted && text.indexOf(term) >= 0) state.searchHits.push(n.id);
      });
    }
    restyle();
    if (state.searchHits.length) {
      network.selectNodes(state.searchHits);
      network.focus(state.searchHits[0], { scale: 1.1, animation: { duration: 300 } });
      select(state.searchHits[0]);
      toast(fmt(S.found, { n: state.searchHits.length }), "info");
    } else if (term) {
      toast(S.not_found, "warning");
    }
    container.dataset.searchHits = state.searchHits.join(",");
    return state.searchHits;
  }

  // ---------------------------------------------------------------------------------------------- side panel
  function badge(status, label) {
    var cls = { normal: "bg-green-lt", warning: "bg-yellow-lt", faulty: "bg-red text-white", offline: "bg-secondary-lt" }[status] || "bg-secondary-lt";
    return h("span", { class: "badge " + cls, text: label || status });
  }

  function select(id) {
    state.selected = id;
    var panel = document.getElementById("topo-node-panel");
    panel.innerHTML = "";
    var n = id !== null && id !== undefined ? info[id] : null;
    if (!n) { panel.appendChild(h("p", { class: "text-secondary mb-0", text: S.select_node })); return; }
    var title = n.redacted ? h("span", { class: "text-secondary", text: S.redacted })
      : h("a", { href: n.url, text: n.name, class: "fw-bold" });
    panel.appendChild(h("div", { class: "mb-2" }, [title]));
    var dl = h("dl", { class: "row mb-2 small" });
    function row(k, v) { if (!v && v !== 0) return; dl.appendChild(h("dt", { class: "col-5 text-secondary", text: k })); var dd = h("dd", { class: "col-7 mb-1" }); if (typeof v === "string") dd.textContent = v; else dd.appendChild(v); dl.appendChild(dd); }
    row(S.class, n.class_name);
    if (!n.redacted) {
      row(S.code, n.code);
      row(S.status, badge(n.status, n.status_label));
      row(S.org, n.organization);
    }
    panel.appendChild(dl);
    if (n.redacted) return;
    var actions = h("div", { class: "d-flex flex-wrap gap-2" });
    function btn(label, icon, cls, handler, name) {
      var b = h("button", { type: "button", class: "btn btn-sm " + cls, "data-action": name }, [h("i", { class: "ti " + icon + " me-1" }), label]);
      b.addEventListener("click", handler);
      actions.appendChild(b);
    }
    btn(S.expand_down, "ti-arrow-bar-to-down", "btn-outline-primary", function () { toggleExpand(n.id, "down"); }, "expand-down");
    btn(S.expand_up, "ti-arrow-bar-to-up", "btn-outline-primary", function () { toggleExpand(n.id, "up"); }, "expand-up");
    if (expanded[n.id]) btn(S.collapse, "ti-arrows-minimize", "btn-outline-secondary", function () { collapse(n.id); select(n.id); }, "collapse");
    if (!n.root) btn(S.hide, "ti-eye-off", "btn-outline-secondary", function () { hideNode(n.id); }, "hide");
    btn(S.simulate, "ti-bolt", "btn-outline-warning", function () { simulate([n.id]); }, "simulate");
    if (page.perms.status) {
      if (n.status === "faulty") btn(S.mark_normal, "ti-circle-check", "btn-outline-success", function () { markStatus(n.id, "normal"); }, "mark-normal");
      else btn(S.mark_faulty, "ti-alert-octagon", "btn-danger", function () { markStatus(n.id, "faulty"); }, "mark-faulty");
    }
    panel.appendChild(actions);
  }

  // ---------------------------------------------------------------------------------------------- impact overlay
  function applyImpact(impact, simulated) {
    state.impact = impact;
    state.simulated = simulated ? impact : null;
    state.impactedIds = {};
    state.impactedSystems = [];
    if (impact) {
      impact.impacted_ids.forEach(function (id) { state.impactedIds[id] = true; });
      impact.systems.forEach(function (s) { if (s.ci.id) state.impactedSystems.push(s.ci.id); });
    }
    restyle();
    renderImpact();
    container.dataset.impacted = state.impactedSystems.filter(function (id) { return !!info[id]; }).join(",");
    var clear = document.getElementById("topo-clear-sim");
    if (clear) clear.classList.toggle("d-none", !simulated);
  }

  function pathText(path) {
    var wrap = h("div", { class: "egov-impact-path small" });
    path.forEach(function (step) {
      if (step.relation !== undefined) { wrap.appendChild(h("span", { class: "egov-path-rel", text: "—" + step.relation + "→" })); return; }
      wrap.appendChild(h("span", { class: "egov-path-node" + (step.redacted ? " text-secondary" : ""), text: step.redacted ? step.class_name + S.redacted : step.name }));
    });
    return wrap;
  }

  function renderImpact() {
    var panel = document.getElementById("topo-impact-panel");
    panel.innerHTML = "";
    var impact = state.impact;
    panel.dataset.impactedSystems = state.impactedSystems.join(",");
    if (!impact) {
      panel.appendChild(h("p", { class: "text-secondary mb-0", id: "topo-impact-empty", text: S.no_faulty }));
      return;
    }
    var sources = impact.sources.map(function (id) { return info[id] ? info[id].name : "#" + id; }).join("、");
    panel.appendChild(h("div", { class: "mb-2" }, [
      state.simulated ? h("span", { class: "badge bg-yellow-lt me-1", text: S.simulated }) : null,
      h("span", { class: "badge bg-red text-white me-1", text: S.faulty }),
      h("span", { class: "fw-bold", text: sources })
    ]));
    if (!impact.systems.length) {
      panel.appendChild(h("p", { class: "text-secondary mb-0", text: S.no_impact }));
    } else {
      panel.appendChild(h("div", { class: "text-secondary small mb-2", text: S.systems + "（" + impact.systems.length + "）" }));
      var list = h("ul", { class: "list-unstyled mb-0 egov-impact-list", id: "topo-impact-list" });
      impact.systems.forEach(function (s) {
        var li = h("li", { class: "mb-2", "data-ci": s.ci.id });
        var name = h("a", { href: "#", class: "fw-bold text-danger", text: s.ci.name });
        name.addEventListener("click", function (ev) { ev.preventDefault(); focusOrAdd(s); });
        li.appendChild(h("div", {}, [h("i", { class: "ti ti-alert-triangle text-danger me-1" }), name,
          h("span", { class: "text-secondary small ms-1", text: s.ci.organization + " · " + fmt(S.depth, { n: s.depth }) })]));
        (s.paths || []).slice(0, 2).forEach(function (p) { li.appendChild(pathText(p)); });
        list.appendChild(li);
      });
      panel.appendChild(list);
      var show = h("button", { type: "button", class: "btn btn-sm btn-outline-danger mt-2", id: "topo-show-paths" }, [h("i", { class: "ti ti-route me-1" }), S.show_paths]);
      show.addEventListener("click", showPaths);
      panel.appendChild(show);
    }
    if (impact.hidden_systems) panel.appendChild(h("p", { class: "text-secondary small mt-2 mb-0", text: fmt(S.hidden, { n: impact.hidden_systems }) }));
  }

  function pathGraph(paths) {
    var g = { nodes: [], edges: [] };
    var seen = {};
    paths.forEach(function (p) {
      var ids = [];
      // a path runs from the faulty CI upwards: each step one level above the previous one
      var base = p.length && p[0].id && info[p[0].id] ? info[p[0].id].level : 0;
      p.forEach(function (step) {
        if (step.relation !== undefined) return;
        var level = base - ids.length;
        ids.push(step.id);
        if (step.id && !info[step.id] && !seen[step.id]) {
          seen[step.id] = true;
          g.nodes.push(Object.assign({ more: true, root: false }, step, { level: level }));
        }
      });
      for (var i = 1; i < ids.length; i++) {
        if (ids[i] && ids[i - 1]) {
          var rel = p[2 * i - 1] || {};
          g.edges.push({ id: "p-" + ids[i] + "-" + ids[i - 1], from: ids[i], to: ids[i - 1], label: rel.relation || "", dependency: true });
        }
      }
    });
    return g;
  }

  function showPaths() {
    var paths = [];
    (state.impact ? state.impact.systems : []).forEach(function (s) { paths = paths.concat(s.paths || []); });
    addGraph(pathGraph(paths));
    applyImpact(state.impact, !!state.simulated);
    network.fit({ animation: { duration: 300 } });
  }

  function focusOrAdd(system) {
    if (!info[system.ci.id]) { addGraph(pathGraph(system.paths || [])); applyImpact(state.impact, !!state.simulated); }
    if (info[system.ci.id]) {
      network.selectNodes([system.ci.id]);
      network.focus(system.ci.id, { scale: 1.1, animation: { duration: 300 } });
      select(system.ci.id);
    }
  }

  function currentFaulty() {
    return Object.keys(info).filter(function (id) { return info[id].status === "faulty"; }).map(Number);
  }

  function simulate(ids) {
    var url = page.urls.impact + "?" + ids.map(function (id) { return "ci=" + id; }).join("&");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (impact) { applyImpact(impact, true); })
      .catch(function () { toast(S.error, "danger"); });
  }

  function markStatus(id, status) {
    var n = info[id];
    if (!n) return Promise.resolve();
    var question = fmt(status === "faulty" ? S.confirm_faulty : S.confirm_normal, { name: n.name });
    if (!window.egovTopologyNoConfirm && !window.confirm(question)) return Promise.resolve();
    var body = new URLSearchParams();
    body.append("status", status);
    currentFaulty().forEach(function (f) { body.append("faulty", f); });
    return fetch(page.urls.status.replace("/0/", "/" + id + "/"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (r) { return r.json().then(function (d) { if (!r.ok) throw new Error(d.message || S.error); return d; }); })
      .then(function (d) {
        n.status = d.status; n.status_label = d.status_label;
        applyImpact(d.impact, false);
        select(id);
      })
      .catch(function (err) { toast(err.message || S.error, "danger"); });
  }

  // ---------------------------------------------------------------------------------------------- save
  function layoutConfig() {
    var pos = {};
    if (layout === "force") {
      var p = network.getPositions();
      Object.keys(p).forEach(function (id) { pos[id] = [Math.round(p[id].x), Math.round(p[id].y)]; });
    }
    return { positions: pos, hidden: Object.keys(hidden).map(Number), extra: extra };
  }

  function saveLayout() {
    fetch(page.urls.save_layout, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ config: layoutConfig(), layout: layout })
    }).then(function (r) { return r.json().then(function (d) { if (!r.ok) throw new Error(d.message); return d; }); })
      .then(function (d) { toast(d.message || S.saved, "success"); })
      .catch(function (err) { toast(err.message || S.error, "danger"); });
  }

  function toast(message, kind) {
    var box = document.getElementById("topo-toast");
    if (!box) {
      box = h("div", { id: "topo-toast", class: "egov-topology-toast", role: "status", "aria-live": "polite" });
      document.body.appendChild(box);
    }
    box.className = "egov-topology-toast alert alert-" + (kind || "info");
    box.textContent = message;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.className = "egov-topology-toast d-none"; }, 3500);
  }

  // ---------------------------------------------------------------------------------------------- wiring
  build();
  document.querySelectorAll("[data-topo-layout]").forEach(function (b) {
    b.addEventListener("click", function () { setLayout(b.dataset.topoLayout); });
  });
  var searchInput = document.getElementById("topo-search");
  if (searchInput) {
    searchInput.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(searchInput.value); } });
    searchInput.addEventListener("search", function () { search(searchInput.value); });
    searchInput.addEventListener("input", function () { if (!searchInput.value && state.searchHits.length) search(""); });
  }
  var fit = document.getElementById("topo-fit");
  if (fit) fit.addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  var saveBtn = document.getElementById("topo-save-layout");
  if (saveBtn) saveBtn.addEventListener("click", saveLayout);
  var clear = document.getElementById("topo-clear-sim");
  if (clear) clear.addEventListener("click", function () {
    var faulty = currentFaulty();
    if (faulty.length) simulateReal(faulty); else applyImpact(null, false);
  });
  function simulateReal(ids) {
    var url = page.urls.impact + "?" + ids.map(function (id) { return "ci=" + id; }).join("&");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (impact) { applyImpact(impact, false); });
  }
  var saveForm = document.getElementById("topo-save-form");
  if (saveForm) saveForm.addEventListener("submit", function () {
    document.getElementById("topo-save-config").value = JSON.stringify(layoutConfig());
  });
})();
