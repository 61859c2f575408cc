// A Web Worker that scores beats for the page (web/ecglens.js). It runs its
// own instance of the page's wasm (app.js + the module the page compiled,
// posted here) without starting the app: no main(), no UI, only the core
// through wasm/app/score_exports.cpp. So scoring runs at full speed while
// the page's own thread draws. Messages:
//   in  { wasm: WebAssembly.Module }                      the page's compiled app.wasm
//   in  { job, model: Uint8Array, name }                  load a weights file
//   in  { job, begin, count, length, beats: Float32Array } score these beats
//   out { job, begin, count, scores, normalized, reconstruction, latent }
//   out { job, error }                                    what went wrong
// Models and beats are handled one at a time, in order.
'use strict';

let receiveWasm;
const compiled = new Promise((resolve) => { receiveWasm = resolve; });
const started = new Promise((resolve) => {
  self.Module = {
    noInitialRun: true,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    instantiateWasm(imports, receiveInstance) {
      compiled.then((module) => WebAssembly.instantiate(module, imports)
        .then((instance) => receiveInstance(instance, module)));
      return {};
    },
    onRuntimeInitialized: () => resolve(self.Module),
  };
});
importScripts('app.js');

const call = (m, fn, types, values) => m.ccall(fn, 'number', types || [], values || []);
const lastError = (m) => m.UTF8ToString(call(m, 'ecglens_worker_error'));

function handle(m, msg) {
  if (msg.model) {
    const ptr = m._malloc(Math.max(msg.model.length, 1));
    m.HEAPU8.set(msg.model, ptr);
    const ok = call(m, 'ecglens_worker_load_model', ['number', 'number', 'string'], [ptr, msg.model.length, msg.name]);
    m._free(ptr);
    if (!ok) postMessage({ job: msg.job, error: lastError(m) });
    return;
  }
  const values = msg.beats.length;
  const latentSize = call(m, 'ecglens_worker_latent_size');
  const floats = [values, msg.count, values, values, msg.count * latentSize];  // in, scores, normalized, reconstruction, latent
  const ptrs = floats.map((n) => m._malloc(Math.max(n, 1) * 4));
  try {
    m.HEAPF32.set(msg.beats, ptrs[0] >> 2);
    const ok = call(m, 'ecglens_worker_score', Array(7).fill('number'),
                    [ptrs[0], msg.count, msg.length, ptrs[1], ptrs[2], ptrs[3], ptrs[4]]);
    if (!ok) {
      postMessage({ job: msg.job, error: lastError(m) });
      return;
    }
    // Copied out of wasm memory, then handed over without another copy.
    const out = (i) => new Float32Array(m.HEAPF32.buffer, ptrs[i], floats[i]).slice();
    const r = { job: msg.job, begin: msg.begin, count: msg.count, scores: out(1), normalized: out(2),
                reconstruction: out(3), latent: out(4) };
    postMessage(r, [r.scores.buffer, r.normalized.buffer, r.reconstruction.buffer, r.latent.buffer]);
  } finally {
    ptrs.forEach((p) => m._free(p));
  }
}

let queue = started;
onmessage = (e) => {
  if (e.data.wasm) {
    receiveWasm(e.data.wasm);
    return;
  }
  queue = queue.then((m) => { handle(m, e.data); return m; })
    .catch((err) => { postMessage({ job: e.data.job, error: String(err) }); return started; });
};
