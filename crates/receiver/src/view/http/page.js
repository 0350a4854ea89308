"use strict";
const $ = (id) => document.getElementById(id);
const live = $("live");
const picture = $("picture");
const video = $("video");
// Opened with a token in the address: the answer set a session cookie, which every request
// below carries; the token leaves the address bar (and the history).
const params = new URLSearchParams(location.search);
if (params.has("token")) {
  const kept = new URLSearchParams(params);
  kept.delete("token");
  history.replaceState(null, "", location.pathname + (kept.size ? "?" + kept : ""));
}
// H.264 plays in the browser's own decoder (/stream.mp4 through Media Source Extensions);
// JPEG streams, old browsers and ?mjpeg get /stream.mjpg. WebRTC comes first where the browser
// has it (see the WebRTC part below); ?via=webrtc, ?via=mse and ?via=mjpeg force each.
// iPhone Safari (iOS 17.1 and later) has no MediaSource but ManagedMediaSource, which plays the same.
const MseSource = window.MediaSource || window.ManagedMediaSource;
const canMse = !params.has("mjpeg") && !["mjpeg", "webrtc"].includes(params.get("via")) && !!MseSource
  && "requestVideoFrameCallback" in HTMLVideoElement.prototype;
// /stream.mjpg read by the page itself and drawn on the <canvas>, so each picture's time to the
// screen can be measured; browsers without streaming fetch or createImageBitmap get the <img>.
const canCanvas = "ReadableStream" in window && "body" in Response.prototype
  && "createImageBitmap" in window && "timeOrigin" in performance && !!picture.getContext;
let mode = null;
let player = null;

function showMjpeg() {
  if (mode === "mjpeg") return;
  stopPlayer();
  mode = "mjpeg";
  video.hidden = true;
  if (canCanvas) {
    live.hidden = true;
    picture.hidden = false;
    player = new MjpegPlayer();
  } else {
    live.hidden = false;
    live.src = "stream.mjpg?t=" + Date.now();
  }
}

function showH264() {
  if (mode === "h264") return;
  stopPlayer();
  mode = "h264";
  live.removeAttribute("src");
  live.hidden = true;
  picture.hidden = true;
  video.hidden = false;
  player = new Player();
}

function stopPlayer() {
  if (player) player.stop();
  player = null;
}

// The stream stays open across sender restarts; only a lost connection
// (cam-recv restarted) needs a new request, never served from a cache.
live.addEventListener("error", () => {
  if (mode === "mjpeg" && !player) {
    setTimeout(() => { if (mode === "mjpeg" && !player) live.src = "stream.mjpg?t=" + Date.now(); }, 1000);
  }
});

// A random name for a page's stream, which its /status reports carry.
function newId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The latency to the screen over the recent frames: the median, or percentile p.
function percentile(latencies, p) {
  if (!latencies.length) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p / 100))];
}

const NTP_UNIX = 2208988800;
const TIMESCALE = 90000;

// What both players share: the viewer id /status knows them by, the connection to abort,
// and the frames presented with their latency to the screen. `base` is where the camera's
// streams are ("" for this page's own, "/cam/NAME/" for a tile's).
class TimedPlayer {
  constructor(base = "") {
    this.base = base;
    this.id = newId();
    this.ctl = new AbortController();
    this.stopped = false;
    this.presented = 0;
    this.latencies = [];
  }

  stop() {
    this.stopped = true;
    this.ctl.abort();
  }

  latencyMs(p = 50) {
    return percentile(this.latencies, p);
  }
}

// One /stream.mp4 connection: splits it into boxes, starts a MediaSource at each init segment,
// appends each fragment, keeps the playback position at the live edge, and times every
// presented frame against the capture time its fragment's prft carried.
class Player extends TimedPlayer {
  constructor(element = video, base = "") {
    super(base);
    this.video = element;
    this.captures = new Map(); // media time (ticks) -> capture time (ms since 1970)
    this.open();
    const onFrame = (now, meta) => {
      if (this.stopped) return;
      this.presented++;
      const captured = this.captures.get(Math.round(meta.mediaTime * TIMESCALE));
      if (captured !== undefined) {
        this.latencies.push(performance.timeOrigin + meta.presentationTime - captured);
        if (this.latencies.length > 120) this.latencies.shift();
      }
      this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  // What /status is told: frames presented, the video's size and position.
  report() {
    const video = this.video;
    return "&presented=" + this.presented + "&width=" + video.videoWidth + "&height=" + video.videoHeight
      + "&time=" + video.currentTime.toFixed(3);
  }

  async open() {
    try {
      const r = await fetch(this.base + "stream.mp4?viewer=" + this.id, { cache: "no-store", signal: this.ctl.signal });
      const reader = r.body.getReader();
      let buf = new Uint8Array(0);
      let moof = null;
      let init = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf = concat([buf, value]);
        let at = 0;
        while (buf.length - at >= 8) {
          const view = new DataView(buf.buffer, buf.byteOffset + at);
          const size = view.getUint32(0);
          if (size < 8 || buf.length - at < size) break;
          const box = buf.subarray(at, at + size);
          const type = String.fromCharCode(box[4], box[5], box[6], box[7]);
          at += size;
          if (type === "ftyp") init = [box];
          else if (type === "moov") { init.push(box); this.source(concat(init)); }
          else if (type === "prft") {
            const ntp = view.getBigUint64(16);
            const ms = Number(ntp >> 32n) * 1000 - NTP_UNIX * 1000 + Number(ntp & 0xffffffffn) * 1000 / 4294967296;
            this.captures.set(Number(view.getBigUint64(24)), ms);
            if (this.captures.size > 300) this.captures.delete(this.captures.keys().next().value);
          } else if (type === "moof") moof = box;
          else if (type === "mdat" && moof) { this.append(concat([moof, box])); moof = null; }
        }
        buf = buf.slice(at);
      }
    } catch (e) {
      // cam-recv went away or the stream was stopped.
    }
    if (!this.stopped) setTimeout(() => { if (!this.stopped) this.open(); }, 1000);
  }

  // A new init segment (a new stream, or new parameter sets): a new MediaSource.
  source(init) {
    const ms = new MseSource();
    const avcc = findBox(init, "avcC");
    const codec = avcc < 0 ? "avc1.42E01E"
      : "avc1." + [1, 2, 3].map((i) => init[avcc + 4 + i].toString(16).padStart(2, "0")).join("");
    this.queue = [init];
    this.sb = null;
    this.ms = ms;
    const video = this.video;
    if (video.src) URL.revokeObjectURL(video.src);
    // A ManagedMediaSource opens only where the video cannot go to AirPlay instead.
    if (MseSource !== window.MediaSource) video.disableRemotePlayback = true;
    video.src = URL.createObjectURL(ms);
    ms.addEventListener("sourceopen", () => {
      if (this.ms !== ms) return;
      this.sb = ms.addSourceBuffer('video/mp4; codecs="' + codec + '"');
      this.sb.mode = "segments";
      this.sb.addEventListener("updateend", () => this.pump());
      this.pump();
    });
  }

  append(fragment) {
    if (!this.queue) return;
    // A tab in the background appends but may not play: never let the queue grow.
    if (this.queue.length > 60) this.queue.splice(1);
    this.queue.push(fragment);
    this.pump();
  }

  pump() {
    const sb = this.sb;
    const video = this.video;
    if (!sb || sb.updating || this.ms.readyState !== "open") return;
    const b = sb.buffered;
    if (b.length) {
      const end = b.end(b.length - 1);
      const start = b.start(b.length - 1);
      // Stay at the live edge: a position behind by more than a few frames (or in a gap) jumps ahead.
      if (video.currentTime < start || end - video.currentTime > 0.3) video.currentTime = Math.max(start, end - 0.04);
      // Keep a few seconds behind the position, no more.
      if (video.currentTime - b.start(0) > 10) { sb.remove(0, video.currentTime - 5); return; }
      if (video.paused) video.play().catch(() => {});
    }
    const next = this.queue.shift();
    if (next) {
      try { sb.appendBuffer(next); } catch (e) { this.queue = []; }
    }
  }
}

const CRLF2 = new Uint8Array([13, 10, 13, 10]);

// One /stream.mjpg connection read with fetch(): splits it into parts (Content-Length, else the
// next boundary), decodes the newest JPEG (older ones not yet decoded are skipped), draws it on
// the <canvas>, and at the next animation frame times it against the part's X-Timestamp.
class MjpegPlayer extends TimedPlayer {
  constructor(canvas = picture, base = "") {
    super(base);
    this.canvas = canvas;
    this.newest = null; // the newest part not decoded yet: { jpeg, captured }
    this.lastCaptured = null;
    this.decoding = false;
    this.drawn = undefined; // the capture time (ms since 1970, or null) of the picture drawn last, until timed
    this.ctx = canvas.getContext("2d");
    this.open();
  }

  report() {
    return "&presented=" + this.presented + "&width=" + this.canvas.width + "&height=" + this.canvas.height;
  }

  async open() {
    try {
      const r = await fetch(this.base + "stream.mjpg?viewer=" + this.id + "&t=" + Date.now(),
        { cache: "no-store", signal: this.ctl.signal });
      const type = r.headers.get("Content-Type") || "";
      const b = /boundary="?([^";]+)"?/i.exec(type);
      if (!r.ok || !b || !r.body) throw new Error("not a multipart stream: " + r.status + " " + type);
      const dash = new TextEncoder().encode("--" + b[1]);
      const next = new TextEncoder().encode("\r\n--" + b[1]);
      const reader = r.body.getReader();
      let buf = new Uint8Array(0);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf = concat([buf, value]);
        let at = 0;
        for (;;) {
          const start = indexOf(buf, dash, at);
          if (start < 0) { at = Math.max(at, buf.length - dash.length); break; }
          const headEnd = indexOf(buf, CRLF2, start + dash.length);
          if (headEnd < 0) { at = start; break; }
          const head = new TextDecoder().decode(buf.subarray(start + dash.length, headEnd));
          const length = /^content-length:\s*(\d+)/im.exec(head);
          const stamp = /^x-timestamp:\s*([\d.]+)/im.exec(head);
          const body = headEnd + 4;
          let end = length ? body + Number(length[1]) : indexOf(buf, next, body);
          if (end < 0 || end > buf.length) { at = start; break; }
          this.show(buf.slice(body, end), stamp ? Number(stamp[1]) * 1000 : null);
          at = end;
        }
        buf = buf.slice(at);
      }
    } catch (e) {
      // cam-recv went away or the stream was stopped.
    }
    if (!this.stopped) setTimeout(() => { if (!this.stopped) this.open(); }, 1000);
  }

  show(jpeg, captured) {
    // The same picture again (cam-recv repeats the last one while no new one comes): already shown.
    if (captured !== null && captured === this.lastCaptured) return;
    this.lastCaptured = captured;
    this.newest = { jpeg, captured };
    if (!this.decoding) this.decode();
  }

  async decode() {
    this.decoding = true;
    while (this.newest && !this.stopped) {
      const { jpeg, captured } = this.newest;
      this.newest = null;
      let bitmap;
      try {
        bitmap = await createImageBitmap(new Blob([jpeg], { type: "image/jpeg" }));
      } catch (e) {
        continue; // not a picture this browser decodes; the next one may be
      }
      if (this.stopped) { bitmap.close(); break; }
      const picture = this.canvas;
      if (picture.width !== bitmap.width || picture.height !== bitmap.height) {
        picture.width = bitmap.width;
        picture.height = bitmap.height;
      }
      this.ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      if (this.drawn === undefined) {
        requestAnimationFrame((now) => {
          if (this.stopped) return;
          this.presented++;
          if (this.drawn !== null) {
            this.latencies.push(performance.timeOrigin + now - this.drawn);
            if (this.latencies.length > 120) this.latencies.shift();
          }
          this.drawn = undefined;
        });
      }
      this.drawn = captured;
    }
    this.decoding = false;
  }
}

// Where `pattern` first occurs in `bytes` from `from` on, or -1.
function indexOf(bytes, pattern, from) {
  const first = pattern[0];
  outer: for (let i = bytes.indexOf(first, from); i >= 0 && i + pattern.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function findBox(bytes, type) {
  outer: for (let i = 4; i + 4 <= bytes.length; i++) {
    for (let j = 0; j < 4; j++) if (bytes[i + j] !== type.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

// Capture to screen by stage: the sender's (encode, send), the network, and from arrival here
// to this page's screen (its own time to the screen minus the median arrival). A stage the
// sender does not stamp is left out, not shown as 0.
function stagesText(s, screen) {
  if (!s.stages_ms) return "";
  const parts = [];
  for (const [name, ms] of [["encode", s.stages_ms.encode], ["send", s.stages_ms.send], ["network", s.stages_ms.network]]) {
    if (ms !== null && ms !== undefined) parts.push(name + " " + ms.toFixed(1));
  }
  if (screen !== null && screen !== undefined && s.latency_ms) {
    parts.push("arrival to screen " + Math.max(0, screen - s.latency_ms.p50).toFixed(0));
  }
  if (!parts.length) return "";
  return "stages " + parts.join(" + ") + " ms" + (s.clock === "corrected" ? " (clock corrected)" : "");
}

async function poll() {
  try {
    let url = "status";
    if (player) {
      const lat = player.latencyMs();
      url += "?viewer=" + player.id + player.report()
        + (lat === null ? "" : "&latency=" + lat.toFixed(1) + "&latency99=" + player.latencyMs(99).toFixed(1));
    }
    const r = await fetch(url, { cache: "no-store" });
    const s = await r.json();
    // Several cameras: / shows their tiles (tiles.js) instead of one camera's picture.
    if (typeof showTiles === "function" && showTiles(s)) {
      stopPlayer();
      mode = null;
      live.removeAttribute("src");
      return;
    }
    if (webRtcFor(s.kind)) showWebRtc();
    else if (s.kind === "h264" && canMse) showH264();
    else if (s.kind || mode === null) showMjpeg();
    $("sender").textContent = s.sender_connected ? "sender " + s.peer : "no sender connected (waiting)";
    $("sender").className = s.sender_connected ? "" : "off";
    $("size").textContent = s.width ? s.width + "x" + s.height + " " + s.kind : "";
    $("fps").textContent = s.sender_connected ? s.fps.toFixed(1) + " fps" : "";
    $("rate").textContent = s.sender_connected ? s.kbps.toFixed(0) + " kbit/s" : "";
    $("latency").textContent = s.sender_connected && s.latency_ms
      ? "latency " + s.latency_ms.p50.toFixed(1) + " ms (p99 " + s.latency_ms.p99.toFixed(1) + ")" : "";
    const screen = player && player.latencyMs();
    $("screen").textContent = screen !== null && screen !== undefined
      ? "to the screen " + screen.toFixed(0) + " ms" : "";
    $("stages").textContent = s.sender_connected ? stagesText(s, screen) : "";
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

// ---- WebRTC (WHEP, issue 26) ----------------------------------------------------------------
// The H.264 as sent, over WebRTC: an RTCPeerConnection posts its offer to `whep` (RFC 9725) and
// plays what comes. The RTP timestamp is the capture time in 90 kHz ticks, so each presented
// frame's latency to the screen is this clock minus that one. A browser without WebRTC, or one
// that gets no frame over it within WEBRTC_GIVE_UP (UDP blocked, say), falls back to MSE, then
// MJPEG, unless ?via=webrtc forces it (then it keeps trying). ?probe adds the picture's mean
// colour to the page's reports (for tests).

const via = params.get("via");
const canWebRtc = !params.has("mjpeg") && (via === null || via === "webrtc") && "RTCPeerConnection" in window
  && "requestVideoFrameCallback" in HTMLVideoElement.prototype;
const WEBRTC_GIVE_UP = 10000;
let webrtcFailed = false;

function useWebRtc() {
  return canWebRtc && (via === "webrtc" || !webrtcFailed);
}

// Whether a camera of `kind` plays over WebRTC here: H.264 when the browser has it; JPEG only
// when ?via=webrtc asks (cam-recv then encodes it to H.264; MJPEG costs it nothing).
function webRtcFor(kind) {
  return useWebRtc() && (kind === "h264" || (kind === "jpeg" && via === "webrtc"));
}

function showWebRtc() {
  if (mode === "webrtc") return;
  stopPlayer();
  mode = "webrtc";
  live.removeAttribute("src");
  live.hidden = true;
  picture.hidden = true;
  video.hidden = false;
  player = new WebRtcPlayer();
}

// `element` is the <video> it plays in and `base` where its camera's whep is (a tile's are its
// own); `onGiveUp`, if given, is called instead of falling back this page's own player.
class WebRtcPlayer extends TimedPlayer {
  constructor(element = video, base = "", onGiveUp = null) {
    super(base);
    this.video = element;
    this.onGiveUp = onGiveUp;
    this.pc = null;
    this.session = null;
    this.progress = { presented: 0, at: performance.now() };
    this.probeCanvas = params.has("probe") ? document.createElement("canvas") : null;
    this.watchdog = setInterval(() => this.check(), 1000);
    this.open();
    const onFrame = (now, meta) => {
      if (this.stopped) return;
      this.presented++;
      if (meta.rtpTimestamp !== undefined) {
        // The presentation time, as for MSE (Player above), so the two compare.
        const shown = performance.timeOrigin + (meta.presentationTime || now);
        const ticks = Math.floor(shown * 90) % 4294967296;
        const ms = (((ticks - meta.rtpTimestamp) % 4294967296) + 4294967296) % 4294967296 / 90;
        if (ms < 60000) {
          this.latencies.push(ms);
          if (this.latencies.length > 120) this.latencies.shift();
        }
      }
      this.video.requestVideoFrameCallback(onFrame);
    };
    this.video.requestVideoFrameCallback(onFrame);
  }

  report() {
    const video = this.video;
    let probe = "";
    if (this.probeCanvas && video.videoWidth) {
      const c = this.probeCanvas;
      c.width = 32;
      c.height = 24;
      const ctx = c.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, c.width, c.height);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < px.length; i += 4) for (let k = 0; k < 3; k++) sum[k] += px[i + k];
      probe = "&probe=" + sum.map((v) => Math.round(v / (px.length / 4))).join(",");
    }
    return "&presented=" + this.presented + "&width=" + video.videoWidth + "&height=" + video.videoHeight
      + "&time=" + video.currentTime.toFixed(3) + probe;
  }

  async open() {
    try {
      const pc = new RTCPeerConnection();
      this.pc = pc;
      pc.addTransceiver("video", { direction: "recvonly" });
      pc.ontrack = (e) => {
        if (this.pc !== pc) return;
        this.video.srcObject = e.streams.length ? e.streams[0] : new MediaStream([e.track]);
        this.video.play().catch(() => {});
      };
      // cam-recv is ICE-lite and needs none of this browser's candidates: the offer goes at once.
      await pc.setLocalDescription(await pc.createOffer());
      const r = await fetch(this.base + "whep?viewer=" + this.id, {
        method: "POST", headers: { "Content-Type": "application/sdp" }, body: pc.localDescription.sdp,
        cache: "no-store", signal: this.ctl.signal,
      });
      const answer = await r.text();
      if (r.status !== 201) throw new Error("WHEP " + r.status + ": " + answer.trim());
      this.session = new URL(r.headers.get("Location"), location.href).href;
      if (this.stopped) { this.close(); return; }
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
    } catch (e) {
      if (this.stopped) return;
      console.warn("WebRTC:", e.message || e);
      this.giveUp();
    }
  }

  // No new frame for WEBRTC_GIVE_UP: a new session if it played before (or WebRTC is forced),
  // else give WebRTC up for this page.
  check() {
    if (this.stopped) return;
    const now = performance.now();
    if (this.presented !== this.progress.presented) this.progress = { presented: this.presented, at: now };
    else if (now - this.progress.at > WEBRTC_GIVE_UP) this.giveUp();
  }

  giveUp() {
    this.close();
    this.progress = { presented: this.presented, at: performance.now() };
    if (via === "webrtc" || this.presented > 0) {
      setTimeout(() => { if (!this.stopped) this.open(); }, 1000);
    } else {
      webrtcFailed = true;
      if (this.onGiveUp) {
        this.onGiveUp();
        return;
      }
      stopPlayer();
      mode = null;
      poll();
    }
  }

  // Ends the session on cam-recv (DELETE) and closes the connection.
  close() {
    if (this.session) fetch(this.session, { method: "DELETE", keepalive: true }).catch(() => {});
    this.session = null;
    if (this.pc) this.pc.close();
    this.pc = null;
  }

  stop() {
    super.stop();
    clearInterval(this.watchdog);
    this.close();
    this.video.srcObject = null;
  }
}

addEventListener("pagehide", () => { if (player instanceof WebRtcPlayer) player.stop(); });
