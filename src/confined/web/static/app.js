/* confined serve: the browser viewer (plain JS, no build step, no framework).
 *
 * Talks to the JSON API of confined.web.app (same origin):
 *   GET  /api/health            -> {status, results}
 *   POST /api/analyze (file)    -> ViewResponse
 *   GET  /api/catalog           -> {entries: [...]}
 *   GET  /api/catalog/{id}      -> ViewResponse + entry
 *   GET  /api/results?...       -> {total, offset, limit, columns, rows}
 *   GET  /api/results/{index}   -> ViewResponse
 * Errors come back as 4xx/5xx with {"error": {"code", "message"}}.
 *
 * The 3D view uses 3Dmol.js (global $3Dmol, vendored under /static/vendor):
 * atoms are spheres (one model per element group), the cell is drawn as lines,
 * cages are custom meshes (fan-triangulated faces, one flat normal per face) with
 * their edges as thin cylinders.  The CSP forbids inline scripts and eval: every
 * callback handed to 3Dmol is a function, never a string.
 */
"use strict";

(function () {
  const PAGE_SIZE = 50;
  const IN_LAYER_SCALE = 1.35; // in-layer cations are drawn this much larger
  const EXPORT_SCALE = 3; // PNG export: this many times the canvas resolution
  const EDGE_RADIUS = 0.035; // Å, cage edges
  const DEFAULT_FAMILIES = ["cuprate", "iron-based", "elemental", "none"];
  const STATUSES = ["ok", "none", "error", "timeout", "crashed", "memory"];
  const DEFAULT_HOVER = "Hover over a cage to see its phase, kind, height and predicted Tc.";

  const $ = (id) => document.getElementById(id);

  const state = {
    view: null, // the ViewResponse shown
    hiddenPhases: new Set(),
    hiddenElements: new Set(),
    atomScale: 1.0,
    loadSeq: 0,
    drawCount: 0,
    pinned: null, // the cage clicked last (its info stays in #hover-info)
    results: {
      enabled: false,
      offset: 0,
      sort: null,
      order: "asc",
      family: "",
      status: "",
      q: "",
      total: 0,
      columns: [],
      seq: 0,
      families: new Set(DEFAULT_FAMILIES),
      selected: null,
    },
  };
  let viewer = null;

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else if (k === "style") node.setAttribute("style", v);
        else if (k.startsWith("data-")) node.setAttribute(k, v);
        else if (k in node && typeof v !== "string") node[k] = v;
        else node.setAttribute(k, v === true ? "" : v);
      }
    }
    for (const c of children || []) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function isNum(x) {
    return typeof x === "number" && Number.isFinite(x);
  }

  function fixed(x, digits) {
    return isNum(x) ? x.toFixed(digits) : "—";
  }

  function basename(path) {
    if (typeof path !== "string") return "";
    const parts = path.split(/[\\/]/);
    return parts[parts.length - 1] || path;
  }

  function setStatus(text) {
    $("status").textContent = text || "";
  }

  function showError(text) {
    const m = $("message");
    m.textContent = text || "";
    m.classList.toggle("error", Boolean(text));
  }

  function clearError() {
    showError("");
  }

  /** The JSON of a request; a failed one throws an Error carrying the API's message. */
  async function api(url, options) {
    let resp;
    try {
      resp = await fetch(url, options);
    } catch (e) {
      throw new Error(`cannot reach the confined server (${e.message})`);
    }
    const text = await resp.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = null;
    }
    if (!resp.ok) {
      let msg = `${resp.status} ${resp.statusText}`.trim();
      if (body && body.error && body.error.message) msg = body.error.message;
      else if (body && typeof body.detail === "string") msg = body.detail;
      else if (body && Array.isArray(body.detail)) {
        msg = body.detail.map((d) => (d && d.msg) || JSON.stringify(d)).join("; ");
      } else if (!body && text && text.length < 300) msg = text;
      const err = new Error(msg);
      err.status = resp.status;
      err.code = body && body.error ? body.error.code : undefined;
      throw err;
    }
    if (body === null) throw new Error(`${url}: the server sent no JSON`);
    return body;
  }

  function download(href, filename) {
    const a = el("a", { href: href, download: filename });
    a.style.display = "none";
    document.body.append(a);
    a.click();
    a.remove();
  }

  function stem() {
    const v = state.view;
    if (!v) return "structure";
    const a = v.analysis || {};
    const name = basename(v.source || a.source || "") || a.formula || "structure";
    return name.replace(/\.[A-Za-z0-9]+$/, "").replace(/[^A-Za-z0-9._+-]+/g, "_") || "structure";
  }

  function hexToRgb(hex) {
    const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || ""));
    if (!m) return [128, 128, 128];
    const n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function darker(hex, f) {
    const [r, g, b] = hexToRgb(hex);
    const c = (x) => Math.round(x * f).toString(16).padStart(2, "0");
    return `#${c(r)}${c(g)}${c(b)}`;
  }

  function vec(p) {
    return { x: Number(p[0]), y: Number(p[1]), z: Number(p[2]) };
  }

  /** Newell's normal of a polygon (outward for a face ordered CCW from outside). */
  function faceNormal(pts) {
    let nx = 0;
    let ny = 0;
    let nz = 0;
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i];
      const b = pts[(i + 1) % pts.length];
      nx += (a.y - b.y) * (a.z + b.z);
      ny += (a.z - b.z) * (a.x + b.x);
      nz += (a.x - b.x) * (a.y + b.y);
    }
    const len = Math.hypot(nx, ny, nz) || 1;
    return { x: nx / len, y: ny / len, z: nz / len };
  }

  // ------------------------------------------------------------------ viewer

  function initViewer() {
    if (typeof $3Dmol === "undefined") {
      showError("the 3D viewer (3Dmol.js) did not load: /static/vendor/3Dmol-min.js");
      return;
    }
    try {
      viewer = $3Dmol.createViewer($("viewer"), { backgroundColor: "white", antialias: true });
    } catch (e) {
      viewer = null;
    }
    if (!viewer) {
      showError("this browser cannot draw the 3D view (WebGL is off); the tables still work");
      return;
    }
    viewer.setHoverDuration(60);
    viewer.render();
  }

  function cageInfo(cage) {
    const parts = [
      cage.label || cage.phase,
      cage.kind || "cage",
      `h = ${fixed(cage.h_A, 4)} Å`,
      `predicted Tc = ${fixed(cage.tc_pred_K, 1)} K`,
    ];
    if (isNum(cage.gap_meV)) parts.push(`gap = ${fixed(cage.gap_meV, 2)} meV`);
    if (Array.isArray(cage.apex_species) && cage.apex_species.length) {
      parts.push(`apices ${cage.apex_species.join("|")}`);
    }
    if (isNum(cage.multiplicity) && cage.multiplicity > 1) parts.push(`${cage.multiplicity} per cell`);
    return parts.join(" · ");
  }

  function setHoverInfo(cage) {
    const box = $("hover-info");
    const shown = cage || state.pinned;
    box.textContent = shown ? cageInfo(shown) : DEFAULT_HOVER;
    box.dataset.phase = shown ? shown.phase : "";
    box.classList.toggle("active", Boolean(shown));
  }

  function atomGroups(atoms) {
    const groups = new Map();
    for (const a of atoms) {
      if (state.hiddenElements.has(a.element)) continue;
      const r = (isNum(a.radius_A) ? a.radius_A : 0.5) * state.atomScale * (a.in_layer ? IN_LAYER_SCALE : 1);
      const key = `${a.element}|${a.color}|${r.toFixed(4)}`;
      if (!groups.has(key)) groups.set(key, { color: a.color, radius: r, atoms: [] });
      groups.get(key).atoms.push(a);
    }
    return groups;
  }

  function drawCage(cage) {
    const verts = [];
    const norms = [];
    const faces = [];
    const pts = (cage.vertices || []).map(vec);
    const edges = new Map();
    for (const f of cage.faces || []) {
      if (!Array.isArray(f) || f.length < 3) continue;
      const p = f.map((i) => pts[i]);
      if (p.some((q) => !q)) continue;
      const n = faceNormal(p);
      const base = verts.length;
      for (const q of p) {
        verts.push(q);
        norms.push(n);
      }
      for (let k = 1; k + 1 < p.length; k++) faces.push(base, base + k, base + k + 1);
      for (let k = 0; k < f.length; k++) {
        const i = f[k];
        const j = f[(k + 1) % f.length];
        edges.set(i < j ? `${i},${j}` : `${j},${i}`, [i, j]);
      }
    }
    if (!faces.length) return;
    const color = cage.color || "#888888";
    viewer.addCustom({
      vertexArr: verts,
      normalArr: norms,
      faceArr: faces,
      color: color,
      opacity: isNum(cage.opacity) ? cage.opacity : 0.5,
      clickable: true,
      hoverable: true,
      callback: function () {
        state.pinned = state.pinned === cage ? null : cage;
        setHoverInfo(cage);
      },
      hover_callback: function () {
        setHoverInfo(cage);
      },
      unhover_callback: function () {
        setHoverInfo(null);
      },
    });
    const edgeShape = viewer.addShape({ color: darker(color, 0.7) });
    for (const [i, j] of edges.values()) {
      edgeShape.addCylinder({
        start: pts[i],
        end: pts[j],
        radius: EDGE_RADIUS,
        color: darker(color, 0.7),
        fromCap: 1,
        toCap: 1,
      });
    }
  }

  function quatMul(a, b) {
    return [
      a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
      a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
      a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
      a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
    ];
  }

  function quatAxis(axis, deg) {
    const len = Math.hypot(axis[0], axis[1], axis[2]) || 1;
    const h = (Math.PI * deg) / 360;
    const s = Math.sin(h) / len;
    return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(h)];
  }

  /** Fit the view and turn it so the stacking normal points up, seen a little from the side. */
  function orient(scene) {
    // an invisible model holding every point drawn, so zoomTo centres on all of them
    // (it only looks at atoms; cages may reach out of the cell)
    const frame = framePoints(scene);
    if (frame.length) {
      const m = viewer.addModel();
      m.addAtoms(frame.map((p, i) => ({ elem: "X", atom: "frame", serial: i, x: p.x, y: p.y, z: p.z, bonds: [] })));
      m.setStyle({}, {});
      viewer.zoomTo();
      viewer.removeModel(m);
    } else {
      viewer.zoomTo();
    }
    const layer = (scene.layers || []).find((l) => Array.isArray(l.normal));
    const stacking = state.view && state.view.analysis && state.view.analysis.stacking;
    let n = (layer && layer.normal) || (stacking && stacking.normal) || [0, 0, 1];
    const len = Math.hypot(n[0], n[1], n[2]);
    n = len > 1e-9 ? n.map((x) => x / len) : [0, 0, 1];
    // model -> view: the normal onto the screen's up (0, 1, 0)
    const axis = [n[2], 0, -n[0]]; // n x (0, 1, 0)
    const cos = Math.max(-1, Math.min(1, n[1]));
    let q = [0, 0, 0, 1];
    if (Math.hypot(axis[0], axis[2]) > 1e-9) q = quatAxis(axis, (180 / Math.PI) * Math.acos(cos));
    else if (cos < 0) q = quatAxis([1, 0, 0], 180);
    q = quatMul(quatAxis([0, 1, 0], -28), q); // turn about the screen's vertical
    q = quatMul(quatAxis([1, 0, 0], 14), q); // and look a little from above
    const view = viewer.getView();
    viewer.setView([view[0], view[1], view[2], view[3], q[0], q[1], q[2], q[3]]);
    fitToCell(scene);
  }

  /** Zoom so the cell, atoms and cages fill the canvas (zoomTo fits the unrotated box). */
  function framePoints(scene) {
    const pts = [];
    for (const e of scene.cell_edges || []) if (Array.isArray(e)) pts.push(...e.map(vec));
    for (const a of scene.atoms || []) pts.push(vec(a.xyz));
    for (const c of scene.cages || []) for (const v of c.vertices || []) pts.push(vec(v));
    return pts.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.z));
  }

  function fitToCell(scene) {
    const pts = framePoints(scene);
    if (!pts.length) return;
    const box = $("viewer").getBoundingClientRect();
    const cx = box.left + window.scrollX + box.width / 2; // modelToScreen: page coordinates
    const cy = box.top + window.scrollY + box.height / 2;
    for (let pass = 0; pass < 4; pass++) {
      const scr = viewer.modelToScreen(pts);
      const xs = scr.map((p) => p.x);
      const ys = scr.map((p) => p.y);
      const x0 = Math.min(...xs);
      const x1 = Math.max(...xs);
      const y0 = Math.min(...ys);
      const y1 = Math.max(...ys);
      const w = x1 - x0;
      const h = y1 - y0;
      if (!(w > 0 || h > 0)) return;
      const dx = cx - (x0 + x1) / 2;
      const dy = cy - (y0 + y1) / 2;
      const f = 0.76 * Math.min(w > 0 ? box.width / w : Infinity, h > 0 ? box.height / h : Infinity);
      const centred = Math.abs(dx) < 2 && Math.abs(dy) < 2;
      if (centred && (!Number.isFinite(f) || Math.abs(f - 1) < 0.02)) return;
      if (!centred) viewer.translateScene(dx, dy);
      if (Number.isFinite(f) && Math.abs(f - 1) >= 0.02) viewer.zoom(f);
    }
  }

  /** Draw the scene of the current view; resetView zooms to fit (new structure). */
  function drawScene(resetView) {
    if (!viewer) return;
    viewer.removeAllModels();
    viewer.removeAllShapes();
    viewer.removeAllLabels();
    const v = state.view;
    const scene = v && v.scene;
    if (scene) {
      for (const edge of scene.cell_edges || []) {
        if (!Array.isArray(edge) || edge.length !== 2) continue;
        viewer.addLine({ start: vec(edge[0]), end: vec(edge[1]), color: "#333333", dashed: false });
      }
      for (const g of atomGroups(scene.atoms || []).values()) {
        const model = viewer.addModel();
        model.addAtoms(
          g.atoms.map((a, i) => ({
            elem: a.element,
            atom: a.element,
            serial: i,
            x: Number(a.xyz[0]),
            y: Number(a.xyz[1]),
            z: Number(a.xyz[2]),
            bonds: [],
          }))
        );
        model.setStyle({}, { sphere: { radius: g.radius, color: g.color } });
      }
      // opaque atoms first, then the translucent cages (3Dmol.js#91)
      for (const cage of scene.cages || []) {
        if (!state.hiddenPhases.has(cage.phase)) drawCage(cage);
      }
      if (resetView) orient(scene);
    }
    viewer.render();
    state.drawCount += 1;
    $("viewer").dataset.drawn = String(state.drawCount);
  }

  // ------------------------------------------------------------------ panels

  function phasesOf(scene) {
    const seen = new Map();
    for (const c of (scene && scene.cages) || []) {
      if (!seen.has(c.phase)) seen.set(c.phase, { color: c.color, count: 0 });
      seen.get(c.phase).count += 1;
    }
    return seen;
  }

  function elementsOf(scene) {
    const seen = new Map();
    for (const a of (scene && scene.atoms) || []) {
      if (!seen.has(a.element)) seen.set(a.element, { color: a.color, count: 0, inLayer: 0 });
      const e = seen.get(a.element);
      e.count += 1;
      if (a.in_layer) e.inLayer += 1;
    }
    return seen;
  }

  function swatch(color) {
    return el("span", { className: "swatch", style: `background:${color}` });
  }

  function renderToggles() {
    const scene = state.view && state.view.scene;
    const phaseBox = $("phase-toggles");
    const elemBox = $("element-toggles");
    phaseBox.replaceChildren(el("legend", { text: "cages" }));
    elemBox.replaceChildren(el("legend", { text: "atoms" }));
    const legendPhases = (scene && scene.legend && scene.legend.phases) || {};
    const legendElems = (scene && scene.legend && scene.legend.elements) || {};
    // one checkbox per phase or element: unchecked hides it (redrawn, the view kept)
    const toggle = (attr, key, hidden, colour, text) => {
      const box = el("input", { type: "checkbox", [attr]: key, checked: true });
      box.addEventListener("change", () => {
        if (box.checked) hidden.delete(key);
        else hidden.add(key);
        drawScene(false);
      });
      return el("label", { className: "toggle" }, [box, swatch(colour), text]);
    };
    for (const [phase, info] of phasesOf(scene)) {
      phaseBox.append(
        toggle("data-phase", phase, state.hiddenPhases, legendPhases[phase] || info.color,
          `${phase} (${info.count})`)
      );
    }
    if (!phaseBox.querySelector("input")) phaseBox.append(el("span", { className: "muted", text: "none" }));
    for (const [elem, info] of elementsOf(scene)) {
      elemBox.append(
        toggle("data-element", elem, state.hiddenElements, legendElems[elem] || info.color, elem)
      );
    }
    if (scene && (scene.atoms || []).length) {
      const slider = el("input", {
        type: "range",
        id: "atom-size",
        min: "0.2",
        max: "2",
        step: "0.05",
        value: String(state.atomScale),
        "aria-label": "atom size",
      });
      slider.addEventListener("input", () => {
        state.atomScale = Number(slider.value) || 1;
        drawScene(false);
      });
      elemBox.append(el("label", { className: "toggle size" }, ["size ", slider]));
    } else {
      elemBox.append(el("span", { className: "muted", text: "none" }));
    }
  }

  function renderLegend() {
    const box = $("legend");
    const scene = state.view && state.view.scene;
    box.replaceChildren();
    if (!scene) return;
    const legendPhases = (scene.legend && scene.legend.phases) || {};
    const legendElems = (scene.legend && scene.legend.elements) || {};
    const phases = phasesOf(scene);
    const elems = elementsOf(scene);
    if (phases.size) {
      box.append(
        el("div", { className: "legend-row" }, [
          el("span", { className: "legend-title", text: "phases" }),
          ...[...phases].map(([p, info]) =>
            el("span", { className: "legend-item", "data-phase": p }, [swatch(legendPhases[p] || info.color), p])
          ),
        ])
      );
    }
    if (elems.size) {
      box.append(
        el("div", { className: "legend-row" }, [
          el("span", { className: "legend-title", text: "elements" }),
          ...[...elems].map(([e, info]) =>
            el("span", { className: "legend-item", "data-element": e }, [swatch(legendElems[e] || info.color), e])
          ),
        ])
      );
    }
    const inLayer = [...elems].filter(([, info]) => info.inLayer > 0).map(([e]) => e);
    const notes = ["black lines: unit cell (atoms on its faces drawn on both)"];
    if (scene.atoms_truncated) notes.push(`only the first ${(scene.atoms || []).length} atoms are drawn`);
    if (inLayer.length) notes.push(`enlarged spheres: ${inLayer.join(", ")} of the confinement layers`);
    const layers = scene.layers || [];
    if (layers.length) {
      notes.push(
        "layers: " + layers.map((l) => `${l.kind} at ${fixed(l.height_A, 3)} Å`).join(", ")
      );
    }
    box.append(el("div", { className: "legend-row muted", text: notes.join(" · ") }));
  }

  function renderFamily() {
    const box = $("family");
    const v = state.view;
    box.replaceChildren();
    if (!v) {
      box.textContent = "No structure loaded.";
      return;
    }
    const a = v.analysis || {};
    const scene = v.scene || {};
    const family = a.family || scene.family || "unknown";
    box.dataset.family = family;
    box.append(el("span", { className: "family-name", text: `family: ${family}` }));
    if (a.formula) box.append(" · ", el("span", { className: "formula", text: a.formula }));
    const src = v.source || a.source;
    if (src) box.append(" · ", el("span", { className: "source", title: src, text: basename(src) }));
    const nCages = (a.cages || []).length;
    const reason = a.reason || scene.reason;
    if (!nCages && reason) box.append(el("div", { className: "reason", text: `no cages: ${reason}` }));
    else if (!nCages) box.append(el("div", { className: "reason", text: "no cages found" }));
    if (v.entry && (v.entry.name || v.entry.id)) {
      box.append(el("div", { className: "entry", text: `catalog: ${v.entry.name || v.entry.id}` }));
    }
  }

  function renderCageTable() {
    const tbody = $("cage-table").querySelector("tbody");
    tbody.replaceChildren();
    const v = state.view;
    if (!v) return;
    const a = v.analysis || {};
    const measured = isNum(v.measured_tc_K) ? v.measured_tc_K : a.measured_tc_K;
    const cages = a.cages || (v.scene && v.scene.cages) || [];
    cages.forEach((c, i) => {
      const kind = c.polyhedron || c.kind || "";
      const apex = Array.isArray(c.apex_species) ? c.apex_species.join("|") : "";
      const tr = el("tr", { "data-phase": c.phase, "data-cage": String(i) }, [
        el("td", { className: "phase", text: c.label || c.phase }),
        el("td", { className: "kind", text: kind }),
        el("td", { className: "num h", "data-value": String(c.h_A), text: fixed(c.h_A, 4) }),
        el("td", { className: "apex", text: apex }),
        el("td", { className: "num tc", text: fixed(c.tc_pred_K, 1) }),
        el("td", { className: "num gap", text: fixed(c.gap_meV, 2) }),
        el("td", { className: "num measured", text: isNum(measured) ? fixed(measured, 1) : "—" }),
      ]);
      const sceneCage = ((v.scene && v.scene.cages) || [])[i];
      if (sceneCage) {
        tr.addEventListener("mouseenter", () => setHoverInfo(sceneCage));
        tr.addEventListener("mouseleave", () => setHoverInfo(null));
      }
      tbody.append(tr);
    });
    const warn = $("warnings");
    const all = [...(a.warnings || []), ...(a.cage_warnings || [])];
    if (a.structure_note) all.push(a.structure_note);
    warn.replaceChildren(...all.map((w) => el("li", { text: String(w) })));
    warn.hidden = all.length === 0;
  }

  function renderPredictions() {
    const p = (state.view && state.view.predictions) || null;
    const box = $("predictions");
    const fermi = p && p.fermi_png;
    const gap = p && p.gap_png;
    const res = p && Array.isArray(p.resonance) ? p.resonance : null;
    const notes = p && Array.isArray(p.notes) ? p.notes : [];
    $("fermi-figure").hidden = !fermi;
    if (fermi) $("fermi-img").src = fermi;
    else $("fermi-img").removeAttribute("src");
    $("gap-figure").hidden = !gap;
    if (gap) $("gap-img").src = gap;
    else $("gap-img").removeAttribute("src");
    const rtable = $("resonance-table");
    const rbody = rtable.querySelector("tbody");
    rbody.replaceChildren();
    for (const r of res || []) {
      rbody.append(
        el("tr", { "data-phase": r.phase }, [
          el("td", { text: r.phase }),
          el("td", { className: "num", text: fixed(r.E_R_meV, 1) }),
          el("td", { text: r.parity === undefined || r.parity === null ? "—" : String(r.parity) }),
        ])
      );
    }
    rtable.hidden = !(res && res.length);
    const ul = $("prediction-notes");
    ul.replaceChildren(...notes.map((n) => el("li", { text: String(n) })));
    ul.hidden = notes.length === 0;
    box.hidden = !(fermi || gap || (res && res.length) || notes.length);
  }

  // every part of the page that shows state.view; fit: turn and zoom the 3D view anew
  function renderAll(fit) {
    renderFamily();
    renderCageTable();
    renderPredictions();
    renderToggles();
    renderLegend();
    setHoverInfo(null);
    drawScene(fit);
  }

  function showView(v) {
    state.view = v;
    state.hiddenPhases.clear();
    state.hiddenElements.clear();
    state.pinned = null;
    renderAll(true);
    $("png-export").disabled = !viewer;
    $("download-json").disabled = false;
    const a = v.analysis || {};
    if (a.error) showError(a.error);
    else clearError();
  }

  function clearView() {
    state.view = null;
    state.pinned = null;
    renderAll(false);
    $("png-export").disabled = true;
    $("download-json").disabled = true;
  }

  /** Run one load (upload, catalog, result row); only the latest one is shown. */
  async function load(label, request) {
    const seq = ++state.loadSeq;
    setStatus(`analysing ${label} …`);
    document.body.classList.add("busy");
    try {
      const v = await request();
      if (seq !== state.loadSeq) return;
      showView(v);
      const a = v.analysis || {};
      setStatus(`${label}: ${(a.cages || []).length} cage(s)`);
    } catch (e) {
      if (seq !== state.loadSeq) return;
      clearView();
      showError(e.message);
      setStatus("");
    } finally {
      if (seq === state.loadSeq) document.body.classList.remove("busy");
    }
  }

  function uploadFile(file) {
    if (!file) return;
    $("catalog-select").value = "";
    markResultRow(null);
    load(file.name, () => {
      const form = new FormData();
      form.append("file", file, file.name);
      return api("/api/analyze", { method: "POST", body: form });
    });
  }

  // ------------------------------------------------------------------ exports

  function exportPng() {
    if (!viewer || !state.view) return;
    const box = $("viewer");
    const w = box.offsetWidth; // 3Dmol sizes its canvas by the container's offset size
    const h = box.offsetHeight;
    let uri = null;
    try {
      box.style.width = `${w * EXPORT_SCALE}px`;
      box.style.height = `${h * EXPORT_SCALE}px`;
      viewer.resize(); // draws the scene again at the new size (preserveDrawingBuffer)
      uri = viewer.pngURI();
    } finally {
      box.style.width = "";
      box.style.height = "";
      viewer.resize();
    }
    if (uri) download(uri, `${stem()}-cages.png`);
  }

  function downloadJson() {
    if (!state.view) return;
    const text = JSON.stringify(state.view.analysis || {}, null, 2);
    const url = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
    download(url, `${stem()}-analysis.json`);
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ------------------------------------------------------------------ catalog

  async function loadCatalog() {
    const select = $("catalog-select");
    try {
      const body = await api("/api/catalog");
      const entries = body.entries || [];
      for (const e of entries) {
        const tc = isNum(e.tc_K) ? `, Tc ${e.tc_K} K` : "";
        const label = `${e.name || e.id} (${e.formula || "?"}, ${e.family || "?"}${tc})`;
        select.append(
          el("option", {
            value: e.id,
            disabled: e.has_structure === false,
            text: e.has_structure === false ? `${label}: no structure` : label,
          })
        );
      }
      select.dataset.loaded = String(entries.length);
    } catch (e) {
      select.dataset.loaded = "error";
      showError(`catalog: ${e.message}`);
    }
  }

  // ------------------------------------------------------------------ results

  function fmtCell(col, value) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return String(value);
      if (Number.isInteger(value)) return String(value);
      if (/_K$/.test(col)) return value.toFixed(1);
      if (/_A$/.test(col)) return value.toFixed(4);
      if (/_deg$/.test(col)) return value.toFixed(2);
      if (/_s$/.test(col)) return value.toFixed(3);
      return String(Number(value.toPrecision(5)));
    }
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "object") {
      const s = JSON.stringify(value);
      return s.length > 60 ? `${s.slice(0, 57)}…` : s;
    }
    const s = String(value);
    if (col === "source") return basename(s);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
  }

  function renderResultsHead(columns) {
    const tr = $("results-table").querySelector("thead tr");
    const r = state.results;
    const same =
      tr.children.length === columns.length && columns.every((c, i) => tr.children[i].dataset.col === c);
    if (!same) {
      tr.replaceChildren(
        ...columns.map((c) => {
          const th = el("th", { scope: "col", "data-col": c, title: `sort by ${c}`, tabindex: "0" }, [c]);
          th.addEventListener("click", () => sortBy(c));
          th.addEventListener("keydown", (ev) => {
            if (ev.key === "Enter" || ev.key === " ") {
              ev.preventDefault();
              sortBy(c);
            }
          });
          return th;
        })
      );
    }
    for (const th of tr.children) {
      const sorted = th.dataset.col === r.sort;
      th.classList.toggle("sorted", sorted);
      th.setAttribute("aria-sort", sorted ? (r.order === "asc" ? "ascending" : "descending") : "none");
      th.dataset.order = sorted ? r.order : "";
    }
  }

  function markResultRow(index) {
    state.results.selected = index;
    for (const tr of $("results-table").querySelectorAll("tbody tr")) {
      tr.classList.toggle("selected", index !== null && tr.dataset.index === String(index));
    }
  }

  function renderResultsRows(body) {
    const r = state.results;
    const columns = body.columns || (body.rows && body.rows[0] ? Object.keys(body.rows[0]) : []);
    r.columns = columns;
    r.total = body.total || 0;
    renderResultsHead(columns);
    const tbody = $("results-table").querySelector("tbody");
    const rows = body.rows || [];
    tbody.replaceChildren(
      ...rows.map((row, i) => {
        const index = row.index !== undefined && row.index !== null ? row.index : r.offset + i;
        const tr = el(
          "tr",
          { "data-index": String(index), tabindex: "0", className: row.status ? `status-${row.status}` : "" },
          columns.map((c) => {
            const value = row[c];
            const raw = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
            return el("td", {
              "data-col": c,
              "data-value": raw,
              title: raw.length > 40 || c === "source" ? raw : null,
              className: typeof value === "number" ? "num" : "",
              text: fmtCell(c, value),
            });
          })
        );
        if (typeof row.family === "string" && row.family) r.families.add(row.family);
        const open = () => {
          markResultRow(index);
          load(`result ${index}${row.source ? ` (${basename(row.source)})` : ""}`, () =>
            api(`/api/results/${encodeURIComponent(index)}`)
          );
        };
        tr.addEventListener("click", open);
        tr.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter") open();
        });
        return tr;
      })
    );
    markResultRow(r.selected);
    const first = rows.length ? r.offset + 1 : 0;
    const last = r.offset + rows.length;
    $("results-count").textContent = rows.length ? `rows ${first}–${last} of ${r.total}` : `rows 0 of ${r.total}`;
    $("results-prev").disabled = r.offset <= 0;
    $("results-next").disabled = last >= r.total;
    fillFamilyOptions();
  }

  function fillFamilyOptions() {
    const select = $("results-family");
    const have = new Set([...select.options].map((o) => o.value));
    for (const f of [...state.results.families].sort()) {
      if (!have.has(f)) select.append(el("option", { value: f, text: f }));
    }
  }

  async function loadResults() {
    const r = state.results;
    const seq = ++r.seq;
    const params = new URLSearchParams({ offset: String(r.offset), limit: String(PAGE_SIZE) });
    if (r.sort) {
      params.set("sort", r.sort);
      params.set("order", r.order);
    }
    if (r.family) params.set("family", r.family);
    if (r.status) params.set("status", r.status);
    if (r.q) params.set("q", r.q);
    const table = $("results-table");
    table.dataset.loading = "1";
    try {
      const body = await api(`/api/results?${params}`);
      if (seq !== r.seq) return;
      renderResultsRows(body);
      table.dataset.query = params.toString();
    } catch (e) {
      if (seq !== r.seq) return;
      showError(`results: ${e.message}`);
    } finally {
      if (seq === r.seq) delete table.dataset.loading;
    }
  }

  function sortBy(col) {
    const r = state.results;
    if (r.sort === col) r.order = r.order === "asc" ? "desc" : "asc";
    else {
      r.sort = col;
      r.order = "asc";
    }
    r.offset = 0;
    loadResults();
  }

  function initResults() {
    const r = state.results;
    $("results-panel").hidden = false;
    const statusSelect = $("results-status");
    for (const s of STATUSES) statusSelect.append(el("option", { value: s, text: s }));
    fillFamilyOptions();
    $("results-family").addEventListener("change", (ev) => {
      r.family = ev.target.value;
      r.offset = 0;
      loadResults();
    });
    statusSelect.addEventListener("change", (ev) => {
      r.status = ev.target.value;
      r.offset = 0;
      loadResults();
    });
    let timer = null;
    const q = $("results-q");
    const applyQ = () => {
      clearTimeout(timer);
      if (q.value.trim() === r.q) return;
      r.q = q.value.trim();
      r.offset = 0;
      loadResults();
    };
    q.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(applyQ, 300);
    });
    q.addEventListener("change", applyQ);
    q.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") applyQ();
    });
    $("results-prev").addEventListener("click", () => {
      r.offset = Math.max(0, r.offset - PAGE_SIZE);
      loadResults();
    });
    $("results-next").addEventListener("click", () => {
      if (r.offset + PAGE_SIZE < r.total) {
        r.offset += PAGE_SIZE;
        loadResults();
      }
    });
    loadResults();
  }

  // ------------------------------------------------------------------ start

  function initInputs() {
    const zone = $("drop-zone");
    const input = $("file-input");
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      uploadFile(file);
      input.value = "";
    });
    zone.addEventListener("click", (ev) => {
      if (ev.target === input || ev.target.closest("label")) return;
      input.click();
    });
    zone.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        input.click();
      }
    });
    for (const name of ["dragenter", "dragover"]) {
      zone.addEventListener(name, (ev) => {
        ev.preventDefault();
        if (ev.dataTransfer) ev.dataTransfer.dropEffect = "copy";
        zone.classList.add("dragging");
      });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (ev) => {
      ev.preventDefault();
      zone.classList.remove("dragging");
      const files = ev.dataTransfer && ev.dataTransfer.files;
      if (files && files.length) uploadFile(files[0]);
    });
    // a file dropped beside the zone must not replace the page
    for (const name of ["dragover", "drop"]) {
      window.addEventListener(name, (ev) => ev.preventDefault());
    }
    $("catalog-select").addEventListener("change", (ev) => {
      const id = ev.target.value;
      if (!id) return;
      markResultRow(null);
      const label = ev.target.selectedOptions[0] ? ev.target.selectedOptions[0].textContent : id;
      load(`catalog entry ${label}`, () => api(`/api/catalog/${encodeURIComponent(id)}`));
    });
    $("png-export").addEventListener("click", exportPng);
    $("download-json").addEventListener("click", downloadJson);
  }

  async function start() {
    initViewer();
    initInputs();
    renderToggles();
    loadCatalog();
    try {
      const health = await api("/api/health");
      if (health.results) {
        state.results.enabled = true;
        initResults();
      }
    } catch (e) {
      showError(`server: ${e.message}`);
    }
    document.body.dataset.ready = "1";
  }

  // exposed for tests and the console (read-only use)
  window.confinedViewer = {
    get viewer() {
      return viewer;
    },
    get view() {
      return state.view;
    },
    screenOf(xyz) {
      if (!viewer) return null;
      const s = viewer.modelToScreen(vec(xyz)); // page coordinates
      return { x: s.x - window.scrollX, y: s.y - window.scrollY };
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
