// newscrawl labelling app: cycles block labels in the fixture frame and saves them.
// The fixture runs no script of its own (sandboxed frame + CSP); this file adds the
// listeners to the frame's document from the parent page (same origin).
"use strict";

const LABELS = ["content", "navigation", "ad", "paywall"];
const KEYS = { c: "content", n: "navigation", a: "ad", p: "paywall" };

const frame = document.getElementById("page");
const statusEl = document.getElementById("status");
const fixture = document.body.dataset.fixture;
let blocks = [];
let focused = null;
let hovered = null;
let dirty = false;

function setStatus(text, kind) {
  statusEl.textContent = text;
  statusEl.className = kind || "";
}

function blockOf(node) {
  while (node && node.nodeType !== 1) node = node.parentNode;
  return node && node.closest ? node.closest("[data-nc-block]") : null;
}

function updateCounts() {
  const counts = Object.fromEntries(LABELS.map((l) => [l, 0]));
  for (const el of blocks) counts[el.dataset.ncLabel] = (counts[el.dataset.ncLabel] || 0) + 1;
  for (const label of LABELS) {
    const out = document.querySelector(`[data-count="${label}"]`);
    if (out) out.textContent = String(counts[label]);
  }
}

function markDirty() {
  dirty = true;
  setStatus("unsaved changes", "dirty");
  updateCounts();
}

function setLabel(el, label) {
  if (!el || el.dataset.ncLabel === label) return;
  el.dataset.ncLabel = label;
  el.title = `${label}: ${el.textContent.trim().slice(0, 80)}`;
  markDirty();
}

function cycle(el) {
  const next = LABELS[(LABELS.indexOf(el.dataset.ncLabel) + 1) % LABELS.length];
  setLabel(el, next);
}

function focusBlock(el) {
  if (focused) focused.classList.remove("nc-focus");
  focused = el;
  if (el) {
    el.classList.add("nc-focus");
    el.scrollIntoView({ block: "nearest" });
  }
}

function move(step) {
  if (!blocks.length) return;
  const at = focused ? blocks.indexOf(focused) : -1;
  const next = at < 0 ? (step > 0 ? 0 : blocks.length - 1)
    : Math.min(blocks.length - 1, Math.max(0, at + step));
  focusBlock(blocks[next]);
}

async function save() {
  const labels = {};
  for (const el of blocks) labels[el.dataset.ncPath] = el.dataset.ncLabel;
  setStatus("saving…");
  try {
    const response = await fetch(`/save/${encodeURIComponent(fixture).replace(/%2F/g, "/")}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ labels }),
    });
    const result = await response.json();
    if (!response.ok || !result.ok) throw new Error(result.error || response.statusText);
    dirty = false;
    setStatus(`saved ${result.blocks} blocks`, "saved");
  } catch (err) {
    setStatus(`save failed: ${err.message}`, "error");
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key.toLowerCase();
  const target = focused || hovered;
  if (key in KEYS) {
    if (target) setLabel(target, KEYS[key]);
  } else if (key === "j") {
    move(1);
  } else if (key === "k") {
    move(-1);
  } else if (key === "s") {
    save();
  } else {
    return;
  }
  event.preventDefault();
}

function attach() {
  const doc = frame.contentDocument;
  if (!doc) {
    setStatus("cannot reach the fixture frame", "error");
    return;
  }
  blocks = Array.from(doc.querySelectorAll("[data-nc-block]"));
  doc.addEventListener("click", (event) => {
    event.preventDefault(); // links in the fixture must not navigate
    const el = blockOf(event.target);
    if (!el) return;
    event.stopPropagation();
    focusBlock(el);
    cycle(el);
  }, true);
  doc.addEventListener("submit", (event) => event.preventDefault(), true);
  doc.addEventListener("mouseover", (event) => { hovered = blockOf(event.target); });
  doc.addEventListener("keydown", onKey);
  updateCounts();
  setStatus(`${blocks.length} blocks`);
  document.body.dataset.ready = "1";
}

document.getElementById("save").addEventListener("click", save);
document.addEventListener("keydown", onKey);
window.addEventListener("beforeunload", (event) => {
  if (dirty) event.preventDefault();
});
frame.addEventListener("load", attach);
if (frame.contentDocument && frame.contentDocument.readyState === "complete"
    && frame.contentDocument.querySelector("[data-nc-block]")) {
  attach();
}
