// Every call to the server goes through here: JSON in, JSON out, errors as Error(message).

export async function getJson(url, init) {
  const response = await fetch(url, init);
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

/**
 * The models behind the pages train on first use (then are cached on disk): polls `url` once a
 * second until its status is ready or failed. `before` runs once first (a page's fixed lists),
 * `onStatus` hears every status, `onReady` runs once when ready, and a failed request ends the
 * polling through `onError`. Returns the function that stops it, for an $effect's cleanup.
 */
export function pollUntilReady(url, { onStatus, onError, before, onReady }) {
  let stop = false;
  (async () => {
    try {
      if (before) await before();
      while (!stop) {
        const status = await getJson(url);
        onStatus(status);
        if (status.error) return;
        if (status.ready) {
          if (onReady) await onReady();
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (e) {
      onError(e);
    }
  })();
  return () => (stop = true);
}

let limits = null;

/**
 * Uploads a file. Files over the server's limit are refused here with the same 413 the server
 * would answer, since a browser that is still sending a large body often never sees the server's
 * early answer (the connection is closed under it).
 */
export async function postBytes(url, file) {
  limits ??= await getJson('/api/limits');
  if (file.size > limits.maxUploadBytes) {
    const error = new Error(`larger than the Studio accepts (${formatBytes(limits.maxUploadBytes)})`);
    error.status = 413;
    throw error;
  }
  return getJson(url, { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
}

export function postJson(url, value) {
  return getJson(url, { method: 'POST', body: JSON.stringify(value), headers: { 'Content-Type': 'application/json' } });
}

/** Decodes the server's base64 byte arrays (palette indices, 8-bit pixels). */
export function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Runs `load(value)` for the latest value only: while one request is in flight, newer slider
 * values replace each other and the last one is sent when it returns. Keeps the page honest
 * (what is shown belongs to the slider's current value) without flooding the server.
 */
export function latest(load, onResult, onError) {
  let running = false;
  let pending = null;
  let hasPending = false;
  async function pump() {
    running = true;
    while (hasPending) {
      const value = pending;
      hasPending = false;
      try {
        const result = await load(value);
        if (!hasPending) onResult(result, value);
      } catch (error) {
        if (!hasPending) onError(error, value);
      }
    }
    running = false;
  }
  return (value) => {
    pending = value;
    hasPending = true;
    if (!running) pump();
  };
}

/**
 * The keyboard's way to hover a figure: arrow keys move a cursor one cell (ten with Shift),
 * starting from the centre. Returns the new [x, y], or null for other keys.
 */
export function keyCursor(event, current, width, height) {
  const step = event.shiftKey ? 10 : 1;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  const move = moves[event.key];
  if (!move) return null;
  event.preventDefault();
  const [x, y] = current ?? [Math.floor(width / 2), Math.floor(height / 2)];
  return [Math.max(0, Math.min(width - 1, x + move[0])), Math.max(0, Math.min(height - 1, y + move[1]))];
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function fmt(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(digits - 1);
  return x.toPrecision(digits);
}

/**
 * Decodes a PNG sent as base64 into RGBA pixels with the browser's own decoder, without colour
 * management (an untagged PNG's bytes are the colours), so palette colours come back exactly.
 */
export async function decodePng(base64) {
  const blob = new Blob([base64Bytes(base64)], { type: 'image/png' });
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** Each pixel's palette index, read back from its colour (a quantized image's palette colours are distinct). */
export function paletteIndices(rgba, palette) {
  const index = new Map(palette.map((c, i) => [(c[0] << 16) | (c[1] << 8) | c[2], i]));
  const n = rgba.length / 4;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = index.get((rgba[4 * i] << 16) | (rgba[4 * i + 1] << 8) | rgba[4 * i + 2]);
    if (j === undefined) throw new Error(`pixel ${i} has a colour outside the palette`);
    out[i] = j;
  }
  return out;
}

const originals = new Map();

/** A photo's original pixels ({ width, height, rgb }), fetched once per photo and kept. */
export function originalPixels(id) {
  if (!originals.has(id)) {
    const p = getJson(`/api/colours/images/${encodeURIComponent(id)}/pixels`).then((o) => ({ width: o.width, height: o.height, rgb: base64Bytes(o.rgb) }));
    p.catch(() => originals.delete(id));
    originals.set(id, p);
  }
  return originals.get(id);
}
