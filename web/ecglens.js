// The page's JavaScript around the wasm app (app.js, built from wasm/app):
// reads files the user picks or drops with FileReader and copies their
// bytes into wasm memory (nothing is uploaded), has the beats scored in
// Web Workers (score_worker.js), fetches the bundled models
// from this page's own origin, triggers downloads, and exposes the test
// interface window.ecglens = { state(), act(name, args), loadData(...),
// loadModel(...), loadDemo(), useOrtEngine(), marks(), workers(), offline } that the end-to-end
// tests and the browser benchmark (web/tests/bench.mjs) drive.
'use strict';

(function () {
  const status = document.getElementById('status');
  const setStatus = (text) => { status.textContent = text; };

  // Page start, as steps in milliseconds since navigation (window.ecglens.marks()).
  const marks = {};
  const mark = (name) => { if (!(name in marks)) marks[name] = performance.now(); };

  // Everything the app needs at start is requested at once, before app.js
  // has even arrived: the wasm is compiled while it streams in, and the model
  // list and the first model download meanwhile. ?model=NAME picks the model
  // the page starts with (default: the first one the page serves).
  // (A server that does not send app.wasm as application/wasm gets the
  // non-streaming compile.)
  const wasmModule = WebAssembly.compileStreaming(fetch('app.wasm', { credentials: 'same-origin' }))
    .catch(() => fetch('app.wasm').then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)));
  wasmModule.then(() => mark('wasm compiled'), () => {});
  // A model named by ?model= is fetched beside the list, not after it.
  const wanted = new URLSearchParams(location.search).get('model');
  const wantedBytes = wanted ? fetchBytes('models/' + encodeURIComponent(wanted)) : null;
  if (wantedBytes) wantedBytes.catch(() => {});  // a name the page does not serve: the first model instead
  // models/index.json lists the models the page offers: [{file, description}].
  // ?model= may also name a model that is served but not offered.
  const startModel = fetch('models/index.json')
    .then((r) => { if (!r.ok) throw new Error('models/index.json: HTTP ' + r.status); return r.json(); })
    .then(async (offered) => {
      let name = offered.length ? offered[0].file : null;
      let bytes = null;
      if (wanted) {
        try {
          bytes = await wantedBytes;
          name = wanted;
        } catch (e) {
          bytes = null;
        }
      }
      if (!bytes && name) bytes = await fetchBytes('models/' + encodeURIComponent(name));
      mark('model fetched');
      return { offered, name, bytes };
    });
  startModel.catch(() => {});  // reported by ready()

  let readyResolve;
  const ready = new Promise((resolve) => { readyResolve = resolve; });

  // Calls an exported C function (ret: 'number' or 'string') with a byte
  // buffer copied into wasm memory for the call, and string arguments.
  function callWithBytes(fn, ret, bytes, ...strings) {
    const ptr = Module._malloc(Math.max(bytes.length, 1));
    Module.HEAPU8.set(bytes, ptr);
    try {
      return Module.ccall(fn, ret, ['number', 'number', ...strings.map(() => 'string')],
                          [ptr, bytes.length, ...strings]);
    } finally {
      Module._free(ptr);
    }
  }

  // Loads a model or beats into the app (ecglens_load_model / _data); they
  // are then scored by the workers (below).
  function passBytes(fn, bytes, name) {
    const ok = callWithBytes(fn, 'number', bytes, name);
    if (ok && fn === 'ecglens_load_model') workers.setModel(bytes, name);
    if (ok) workers.score();
    return ok;
  }

  // Scoring in Web Workers (score_worker.js), one per core up to 4 (or
  // ?workers=N), each
  // with its own instance of the core (scorer.wasm) and the page's model:
  // the beats are handed out in chunks, each worker taking the next one
  // when it is done, and every chunk's results go into the app
  // (ecglens_accept_scored), which shows them as its own. The page's thread
  // only draws meanwhile. Where workers cannot start or fail, the app
  // scores on the page's thread, in its frames, as before.
  const workers = (() => {
    const CHUNK = 256;  // beats per message: progress moves, and slow workers take fewer
    let pool = [];
    let job = 0;  // results of an older job (other beats or model) are dropped
    let model = null;
    try {
      // ?workers=N sets how many (0: none, the page's thread scores).
      const asked = new URLSearchParams(location.search).get('workers');
      const n = asked !== null ? Math.max(0, Math.min(Number(asked) || 0, 16))
        : Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4));
      pool = Array.from({ length: n }, () => new Worker('score_worker.js'));
    } catch (e) {
      pool = [];
    }
    const call = (fn, types, values) => Module.ccall(fn, 'number', types || [], values || []);
    function fail(why) {
      console.warn('scoring workers: ' + why + '; scoring on the page instead');
      for (const w of pool) w.terminate();
      pool = [];
      ++job;
      try {
        call('ecglens_score_here');
      } catch (e) {
        // The app has not started yet: nothing was handed to the workers.
      }
    }
    for (const w of pool) w.onerror = (e) => { e.preventDefault(); fail(e.message || 'a worker did not start'); };
    // Each worker instantiates the module compiled above: nothing is downloaded or compiled twice.
    wasmModule.then((module) => { for (const w of pool) w.postMessage({ wasm: module }); }, () => {});

    function accept(r) {
      const parts = [r.scores, r.normalized, r.reconstruction, r.latent];
      const ptrs = parts.map((p) => Module._malloc(Math.max(p.length, 1) * 4));
      parts.forEach((p, i) => Module.HEAPF32.set(p, ptrs[i] >> 2));
      try {
        call('ecglens_accept_scored', Array(6).fill('number'), [r.begin, r.count, ...ptrs]);
      } finally {
        ptrs.forEach((p) => Module._free(p));
      }
    }

    return {
      setModel(bytes, name) {
        model = { bytes: bytes.slice(), name };
        ++job;
        for (const w of pool) w.postMessage({ job, model: model.bytes, name });
      },
      // Hands the app's pending beats to the workers, if it has any to score.
      score() {
        if (pool.length === 0 || !model || !call('ecglens_score_elsewhere')) return;
        const id = ++job;
        const st = JSON.parse(Module.ccall('ecglens_state', 'string', [], []));
        const per = st.length * st.channels, count = st.beats;
        const beats = new Float32Array(Module.HEAPF32.buffer, call('ecglens_beats'), count * per).slice();
        let next = 0;
        const feed = (w) => {
          if (next >= count) return;
          const begin = next, n = Math.min(CHUNK, count - begin);
          next += n;
          const chunk = beats.slice(begin * per, (begin + n) * per);
          w.postMessage({ job: id, begin, count: n, length: st.length, beats: chunk }, [chunk.buffer]);
        };
        for (const w of pool) {
          w.onmessage = (e) => {
            const r = e.data;
            if (r.job !== job) return;
            if (r.error) { fail(r.error); return; }
            accept(r);
            feed(w);
          };
          feed(w);
        }
      },
      count: () => pool.length,
    };
  })();

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(new Uint8Array(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsArrayBuffer(file);
    });
  }

  // A weights file by its extension, anything else is beats. A file picked
  // or dropped while the page is still starting waits for the app (and the
  // model it starts with).
  // A file of beats gets the bundled model that fits it (the app's
  // ModelChooser), unless the model in use is the user's own; the line under
  // the model says which and why, or that none fits.
  async function loadFile(file) {
    const bytes = await readFile(file);
    const isModel = /\.ecgw$/i.test(file.name);
    mark(isModel ? 'model file read' : 'beats read');
    await ready;
    if (isModel) {
      modelPicked = true;
      const ok = passBytes('ecglens_load_model', bytes, file.name);
      mark('model file loaded');
      return ok;
    }
    let choice = null;
    if (!modelPicked) {
      await loadCandidates();
      choice = JSON.parse(callWithBytes('ecglens_choose_model', 'string', bytes, file.name));
      if (choice.file && choice.file !== window.ecglens.state().model) await loadBundledModel(choice.file);
    }
    const ok = passBytes('ecglens_load_data', bytes, file.name);
    if (ok && choice && choice.note)
      Module.ccall('ecglens_set_model_note', null, ['string', 'number'], [choice.note, choice.fits ? 0 : 1]);
    mark('beats loaded');
    return ok;
  }

  // A model the person picked (the model list, a weights file, ?model=, the
  // console's loadModel) is kept for every file they open after; the page's
  // own choices (the first model at start, the Demo's) are not picks.
  let modelPicked = false;
  function pickModel(name) {
    modelPicked = true;
    return loadBundledModel(name);
  }

  // Every offered model, handed to the app once, for the choice above: all
  // fetched at once, then added in the list's order (the order of preference
  // between models that fit equally well).
  let candidates = null;
  function loadCandidates() {
    candidates = candidates || Promise.all(offeredModels.map((m) =>
      fetchBytes('models/' + encodeURIComponent(m.file)).catch((e) => e)))
      .then((fetched) => fetched.forEach((bytes, i) => {
        const m = offeredModels[i];
        if (bytes instanceof Error) console.warn(`bundled model ${m.file} left out of the choice: ${bytes.message}`);
        else callWithBytes('ecglens_add_bundled_model', 'number', bytes, m.file, m.description || '');
      }));
    return candidates;
  }

  async function fetchBytes(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    return new Uint8Array(await response.arrayBuffer());
  }

  async function loadBundledModel(name) {
    const bytes = await fetchBytes('models/' + encodeURIComponent(name));
    return passBytes('ecglens_load_model', bytes, name);
  }

  // The Demo button: the synthetic demo beats (served in demo/ by the build)
  // scored by the demo model, or by the first bundled model where this build
  // has no demo model (the line under the button says so).
  const DEMO_MODEL = 'demo_synthetic_lstm_ae.ecgw';
  const DEMO_DATA = 'demo_synthetic_test.csv';
  let offeredModels = [];  // models/index.json
  let bundledModels = [];  // their file names
  async function loadDemo() {
    const note = (text) => Module.ccall('ecglens_set_demo_note', null, ['string'], [text]);
    try {
      if (bundledModels.length === 0) throw new Error('this page serves no models');
      const model = bundledModels.includes(DEMO_MODEL) ? DEMO_MODEL : bundledModels[0];
      // Both fetched first, then loaded in one go: no frame scores the old beats in between.
      const [modelBytes, dataBytes] = await Promise.all([
        fetchBytes('models/' + encodeURIComponent(model)), fetchBytes('demo/' + DEMO_DATA)]);
      modelPicked = false;  // a file opened after the Demo gets the model that fits it
      const ok = passBytes('ecglens_load_model', modelBytes, model) &&
                 passBytes('ecglens_load_data', dataBytes, DEMO_DATA);
      if (!ok) return false;  // the session shows the load error
      note(model === DEMO_MODEL
        ? `Demo: 500 synthetic beats (label 1 normal; 2-6 anomaly types) scored by ${model}, ` +
          'an LSTM autoencoder trained on synthetic normal beats only.'
        : `Demo: the demo model (${DEMO_MODEL}) is not bundled with this build, so the beats are ` +
          `scored by the first bundled model, ${model}, which was not trained on them.`);
      return true;
    } catch (e) {
      note('Demo failed: ' + e.message);
      return false;
    }
  }

  for (const [id, kind] of [['data-file', 'data'], ['model-file', 'model']]) {
    const input = document.getElementById(id);
    input.addEventListener('change', async () => {
      if (input.files.length > 0) await loadFile(input.files[0]);
      input.value = '';
    });
  }

  window.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  window.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  window.addEventListener('drop', async (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    for (const file of e.dataTransfer.files) await loadFile(file);
  });

  // The engine switch's ONNX Runtime Web side: runs the model's .onnx
  // (models/<name>.onnx) with ORT Web on the beats the core scored, passes its
  // reconstructions into the app (which scores them with the model's loss and
  // shows those scores), and reports agreement and both engines' speed.
  let lastOrtResult = null;
  async function useOrtEngine(modelName) {
    const report = (text) => Module.ccall('ecglens_set_engine_report', null, ['string'], [text]);
    const useOrt = () => Module.ccall('ecglens_use_engine', 'number', ['number'], [1]);
    const st = window.ecglens.state();
    if (!st.scored) throw new Error('nothing scored yet');
    if (st.has_ort) { useOrt(); return lastOrtResult; }
    const onnxName = modelName.replace(/\.ecgw$/i, '.onnx');
    const onnxUrl = 'models/' + encodeURIComponent(onnxName);
    const head = await fetch(onnxUrl, { method: 'HEAD' });
    if (!head.ok) {
      report('ONNX Runtime Web: no ' + onnxName + ' is served next to this model; the core stays the engine');
      return null;
    }
    report('ONNX Runtime Web: loading and running...');
    const { runOrt } = await import('./ort_engine.mjs');
    const per = st.length * st.channels, count = st.beats;
    const view = (fn, n) => new Float32Array(Module.HEAPF32.buffer, Module.ccall(fn, 'number', [], []), n).slice();
    const beats = view('ecglens_normalized', count * per);
    const coreReconstruction = view('ecglens_reconstruction', count * per);
    const coreScores = view('ecglens_scores', count);
    const coreMs = Module.ccall('ecglens_time_scoring', 'number', [], []);
    const r = await runOrt({ onnxUrl, beats, count, length: st.length, channels: st.channels,
                             loss: st.loss, coreReconstruction, coreScores });
    // Other beats or another model arrived meanwhile: these results are stale.
    if (window.ecglens.state().loads !== st.loads) return null;
    const ptr = Module._malloc(r.reconstruction.length * 4);
    Module.HEAPF32.set(r.reconstruction, ptr >> 2);
    let ok;
    try {
      ok = Module.ccall('ecglens_set_ort_reconstruction', 'number', ['number', 'number'], [ptr, r.reconstruction.length]);
    } finally {
      Module._free(ptr);
    }
    if (!ok) return null;  // the app shows why
    useOrt();
    const { reconstruction, ...rest } = r;
    const result = { ...rest, scores: Array.from(r.scores), coreMs, coreBeatsPerSecond: count / (coreMs / 1000) };
    report(`ONNX Runtime Web (1 thread): ${Math.round(result.beatsPerSecond)} beats/s, C++ core: ` +
           `${Math.round(result.coreBeatsPerSecond)} beats/s (x${(result.coreBeatsPerSecond / result.beatsPerSecond).toFixed(2)}); ` +
           `max |score difference| ${result.maxScoreDiff.toExponential(2)}, ` +
           `max |reconstruction difference| ${result.maxReconstructionDiff.toExponential(2)}`);
    lastOrtResult = result;
    return result;
  }


  // Offline use after this visit: the service worker (sw.js) caches the
  // page, the app, the bundled models and the demo beats. It is registered
  // once the page has started, so its downloads never slow the start down.
  // Resolves to { cached, listed }: how many of precache.json's files are
  // cached now. Service workers need a secure origin (https, or localhost):
  // elsewhere the page works as before, online only.
  async function offline() {
    if (!('serviceWorker' in navigator)) throw new Error('service workers are not available here');
    await navigator.serviceWorker.register('sw.js');
    const registration = await navigator.serviceWorker.ready;
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
      registration.active.postMessage('fill', [channel.port2]);
    });
  }
  const offlineReady = ready.then(offline);
  offlineReady.catch((e) => console.warn('offline use: ' + e.message));

  // Called by the wasm app (main.cpp, through EM_ASM).
  window.ecglensShell = {
    pickFile(kind) { document.getElementById(kind === 'model' ? 'model-file' : 'data-file').click(); },
    loadBundledModel(name) { pickModel(name).catch((e) => setStatus(String(e))); },
    download(filename, text) {
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    loadDemo() { loadDemo(); },
    scored() { mark('beats scored'); },
    useOrtEngine(name) { useOrtEngine(name).catch((e) => setStatus('ONNX Runtime Web: ' + e)); },
    async ready() {
      mark('app started');
      setStatus('');
      try {
        const { offered, name, bytes } = await startModel;
        Module.ccall('ecglens_set_bundled_models', null, ['string'], [JSON.stringify(offered)]);
        offeredModels = offered;
        bundledModels = offered.map((m) => m.file);
        if (name) passBytes('ecglens_load_model', bytes, name);
        modelPicked = name !== null && name === wanted;
        mark('model loaded');
      } catch (e) {
        setStatus('no bundled models: ' + e);
      }
      readyResolve();
    },
  };

  // The test interface (and a console API for curious users).
  window.ecglens = {
    ready,
    state() { return JSON.parse(Module.ccall('ecglens_state', 'string', [], [])); },
    act(name, args) {
      return JSON.parse(Module.ccall('ecglens_act', 'string', ['string', 'string'],
                                     [name, JSON.stringify(args || {})]));
    },
    loadData(text, name) { return passBytes('ecglens_load_data', new TextEncoder().encode(text), name); },
    loadModel: pickModel,
    loadDemo,
    useOrtEngine: () => useOrtEngine(window.ecglens.state().model),
    marks: () => ({ ...marks }),
    workers: () => workers.count(),  // 0: the page's thread scores
    offline: offlineReady,
  };

  window.Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    setStatus: (text) => { if (text) setStatus(text); },
    onAbort: (what) => setStatus('ecglens stopped: ' + what),
    // The module compiled above (Emscripten calls this instead of fetching
    // app.wasm itself; {} says the instance arrives through the callback).
    instantiateWasm(imports, receiveInstance) {
      wasmModule.then((module) => WebAssembly.instantiate(module, imports)
        .then((instance) => receiveInstance(instance, module)))
        .catch((e) => setStatus('ecglens could not start: ' + e));
      return {};
    },
  };
})();
