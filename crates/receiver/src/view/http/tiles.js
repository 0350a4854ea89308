"use strict";
// The page at / for several cameras: once the receiver has had two cameras (/status lists
// two), a tile for every camera that streams, each playing its camera's own stream with the
// players of page.js (H.264 through Media Source Extensions, JPEG drawn on a <canvas>) and
// opening the camera's own page, /cam/NAME/. Tiles come and go with their cameras, at
// page.js's poll of /status; with one camera / stays that camera's page, as it always was.
// /cam/NAME/ (the same page) never shows tiles.

const tileList = new Map(); // camera name -> { item, link, media, player, kind, figures }
const onRoot = !/\/cam\/[^/]+\/(index\.html)?$/.test(location.pathname);

let tilesHeard = 0; // when /status last answered (performance.now())

// Called by page.js with every /status: shows the tiles and says whether they are shown.
function showTiles(s) {
  tilesHeard = performance.now();
  const cameras = onRoot && Array.isArray(s.cameras) ? s.cameras : [];
  const on = cameras.length >= 2;
  const single = document.querySelector("main:not(#tiles)");
  if (single) single.hidden = on;
  $("tiles").hidden = !on;
  const live = on ? cameras.filter((c) => c.streaming) : [];
  for (const name of [...tileList.keys()]) {
    if (!live.some((c) => c.name === name)) {
      removeTile(name);
      if (on) say("camera " + name + " stopped");
    }
  }
  if (!on) return false;
  for (const c of live) {
    let tile = tileList.get(c.name);
    if (!tile) {
      tile = addTile(c);
      say("camera " + c.name + " is streaming");
    }
    updateTile(tile, c);
  }
  $("tiles-count").className = "";
  $("tiles-count").textContent = live.length === 0 ? "no camera is streaming (waiting)"
    : live.length === 1 ? "1 camera streaming" : live.length + " cameras streaming";
  return true;
}

// A polite announcement for screen readers: a camera came or went.
function say(text) {
  $("tiles-said").textContent = text;
}

// A new tile for camera `c`, in name order (the order /status lists them in).
function addTile(c) {
  const item = document.createElement("li");
  item.className = "tile";
  item.dataset.camera = c.name;
  const link = document.createElement("a");
  link.href = c.url;
  const caption = document.createElement("span");
  caption.className = "caption";
  const name = document.createElement("strong");
  name.textContent = c.name;
  const figures = document.createElement("span");
  figures.className = "figures";
  caption.append(name, " ", figures);
  link.append(caption);
  item.append(link);
  const list = $("tile-list");
  const after = [...list.children].find((other) => other.dataset.camera > c.name);
  list.insertBefore(item, after || null);
  const tile = { item, link, media: null, player: null, kind: null, figures, url: c.url, name: c.name };
  tileList.set(c.name, tile);
  return tile;
}

// The tile's picture for its camera's kind of stream, and its figures.
function updateTile(tile, c) {
  const kind = c.kind === "h264" && canMse ? "h264" : c.kind ? "mjpeg" : null;
  if (kind && kind !== tile.kind) play(tile, kind);
  const parts = [];
  if (c.width) parts.push(c.width + "x" + c.height + " " + c.kind);
  if (typeof c.fps === "number") parts.push(c.fps.toFixed(1) + " fps", c.kbps.toFixed(0) + " kbit/s");
  if (c.latency_ms) parts.push("latency " + c.latency_ms.p50.toFixed(1) + " ms");
  // By stage, those the sender stamps (protocol.md section 12.6): none is shown as 0.
  const stages = c.stages_ms ? ["encode", "send", "network"].filter((k) => typeof c.stages_ms[k] === "number") : [];
  if (stages.length) parts.push(stages.map((k) => k + " " + c.stages_ms[k].toFixed(1)).join(" + ") + " ms");
  const screen = tile.player && tile.player.latencyMs();
  if (screen !== null && screen !== undefined) parts.push("to the screen " + screen.toFixed(0) + " ms");
  tile.figures.textContent = parts.join(" \u00b7 ");
}

// Plays the camera's stream in the tile: a <video> for H.264, else a <canvas> (or an <img>).
function play(tile, kind) {
  stopTile(tile);
  tile.kind = kind;
  let media;
  if (kind === "h264") {
    media = document.createElement("video");
    media.muted = true;
    media.autoplay = true;
    media.playsInline = true;
    tile.player = new Player(media, tile.url);
  } else if (canCanvas) {
    media = document.createElement("canvas");
    tile.player = new MjpegPlayer(media, tile.url);
  } else {
    media = document.createElement("img");
    media.alt = "";
    media.src = tile.url + "stream.mjpg?t=" + Date.now();
  }
  media.setAttribute("role", "img");
  media.setAttribute("aria-label", "live picture of camera " + tile.name);
  tile.media = media;
  tile.link.prepend(media);
}

// Stops the tile's player and lets its picture go.
function stopTile(tile) {
  if (tile.player) tile.player.stop();
  tile.player = null;
  if (tile.media) {
    if (tile.media.tagName === "VIDEO" && tile.media.src) URL.revokeObjectURL(tile.media.src);
    if (tile.media.tagName === "IMG") tile.media.removeAttribute("src");
    tile.media.remove();
  }
  tile.media = null;
  tile.kind = null;
}

function removeTile(name) {
  const tile = tileList.get(name);
  stopTile(tile);
  tile.item.remove();
  tileList.delete(name);
}

// Tiles whose /status stopped answering say so, rather than look live.
setInterval(() => {
  if (!$("tiles").hidden && performance.now() - tilesHeard > 3000) {
    $("tiles-count").textContent = "cam-recv is not answering";
    $("tiles-count").className = "off";
  }
}, 1000);
