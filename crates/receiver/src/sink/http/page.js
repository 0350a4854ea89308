"use strict";
const $ = (id) => document.getElementById(id);
const live = $("live");
// Opened with a token in the address: the answer set a session cookie, which every request
// below carries; the token leaves the address bar (and the history).
if (new URLSearchParams(location.search).has("token")) {
  history.replaceState(null, "", location.pathname);
}
// The stream stays open across sender restarts; only a lost connection
// (cam-recv restarted) needs a new request, never served from a cache.
live.addEventListener("error", () => {
  setTimeout(() => { live.src = "/stream.mjpg?t=" + Date.now(); }, 1000);
});
async function poll() {
  try {
    const r = await fetch("/status", { cache: "no-store" });
    const s = await r.json();
    $("sender").textContent = s.sender_connected ? "sender " + s.peer : "no sender connected (waiting)";
    $("sender").className = s.sender_connected ? "" : "off";
    $("size").textContent = s.width ? s.width + "x" + s.height + " " + s.kind : "";
    $("fps").textContent = s.sender_connected ? s.fps.toFixed(1) + " fps" : "";
    $("rate").textContent = s.sender_connected ? s.kbps.toFixed(0) + " kbit/s" : "";
    $("latency").textContent = s.sender_connected && s.latency_ms
      ? "latency " + s.latency_ms.p50.toFixed(1) + " ms (p99 " + s.latency_ms.p99.toFixed(1) + ")" : "";
    $("viewers").textContent = s.viewers + (s.viewers === 1 ? " viewer" : " viewers");
    $("note").textContent = s.note || "";
    $("note").style.display = s.note ? "block" : "none";
  } catch (e) {
    $("sender").textContent = "cam-recv is not answering";
    $("sender").className = "off";
  }
}
poll();
setInterval(poll, 1000);
