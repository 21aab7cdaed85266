
const SIZE = 400;
const NS = "http://www.w3.org/2000/svg";

export default function (component) {
  const { data, setStateValue, parentElement } = component;
  let root = parentElement.querySelector(".ll-draw");
  if (!root) {
    root = document.createElement("div");
    root.className = "ll-draw";
    parentElement.appendChild(root);
    setUp(root);
  }
  // Streamlit calls this function again on every rerun: keep the browser's strokes unless Python
  // changed them (Undo, Clear, a starter shape), which it signals with a new version number.
  const state = root.llState;
  state.send = setStateValue;
  state.options = data;
  if (data.version !== state.version) {
    state.version = data.version;
    state.strokes = (data.strokes || []).map((stroke) => stroke.map((p) => [p[0], p[1]]));
  }
  render(root);
}

function setUp(root) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${SIZE} ${SIZE}`);
  svg.setAttribute("class", "ll-canvas");
  svg.setAttribute("data-testid", "llDrawCanvas");
  const status = document.createElement("div");
  status.className = "ll-status";
  root.appendChild(svg);
  root.appendChild(status);
  root.llState = { strokes: [], version: null, stroke: null, send: null, options: {} };
  const state = root.llState;

  const total = () => state.strokes.reduce((sum, stroke) => sum + stroke.length, 0);
  const toData = (event) => {
    const box = svg.getBoundingClientRect();
    const e = state.options.extent;
    const clamp = (v) => Math.max(-e, Math.min(e, v));
    const x = ((event.clientX - box.left) / box.width) * 2 * e - e;
    const y = e - ((event.clientY - box.top) / box.height) * 2 * e;
    return [Math.round(clamp(x) * 1000) / 1000, Math.round(clamp(y) * 1000) / 1000];
  };
  const finish = () => {
    if (!state.stroke) return;
    state.stroke = null;
    // the whole drawing, so a click that arrives while Python is busy is never lost
    state.send("drawing", { version: state.version, strokes: state.strokes });
  };
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || total() >= state.options.max_points) { render(root); return; }
    event.preventDefault();
    svg.setPointerCapture(event.pointerId);
    state.stroke = [toData(event)];
    state.strokes.push(state.stroke);
    render(root);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!state.stroke || total() >= state.options.max_points) return;
    const point = toData(event);
    const last = state.stroke[state.stroke.length - 1];
    if (Math.hypot(point[0] - last[0], point[1] - last[1]) >= state.options.spacing) {
      state.stroke.push(point);
      render(root);
    }
  });
  svg.addEventListener("pointerup", finish);
  svg.addEventListener("pointercancel", finish);
  svg.addEventListener("lostpointercapture", finish);
}

function render(root) {
  const state = root.llState;
  const o = state.options;
  const e = o.extent;
  const px = (x) => ((x + e) / (2 * e)) * SIZE;
  const py = (y) => ((e - y) / (2 * e)) * SIZE;
  const parts = [];
  for (let v = -Math.floor(e * 2) / 2; v <= e; v += 0.5) {
    const axis = Math.abs(v) < 1e-9;
    const cls = axis ? "ll-axis" : "ll-grid";
    parts.push(`<line class="${cls}" x1="${px(v)}" y1="0" x2="${px(v)}" y2="${SIZE}"/>`);
    parts.push(`<line class="${cls}" x1="0" y1="${py(v)}" x2="${SIZE}" y2="${py(v)}"/>`);
    if (Number.isInteger(v) && !axis) {
      parts.push(`<text class="ll-tick" x="${px(v) + 3}" y="${py(0) - 4}">${v}</text>`);
      parts.push(`<text class="ll-tick" x="${px(0) + 3}" y="${py(v) - 4}">${v}</text>`);
    }
  }
  for (const p of o.pool || []) {
    parts.push(`<circle class="ll-pool" cx="${px(p[0])}" cy="${py(p[1])}" r="1.6"/>`);
  }
  state.strokes.forEach((stroke, index) => {
    // the stroke Undo would remove stands out (when there is more than one)
    const last = index === state.strokes.length - 1 && state.strokes.length > 1;
    const cls = last ? "ll-point ll-last" : "ll-point";
    for (const p of stroke) {
      parts.push(`<circle class="${cls}" cx="${px(p[0])}" cy="${py(p[1])}" r="3.4"/>`);
    }
  });
  root.querySelector("svg").innerHTML = parts.join("");
  const n = state.strokes.reduce((sum, stroke) => sum + stroke.length, 0);
  const text = o.text || {};
  const note = n >= o.max_points ? text.full : text.hint;
  root.querySelector(".ll-status").textContent = `${(text.count || "{n}").replace("{n}", n)} · ${note || ""}`;
}
