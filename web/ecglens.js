// The page's JavaScript around the wasm app (app.js, built from wasm/app):
// reads files the user picks or drops with FileReader and copies their
// bytes into wasm memory (nothing is uploaded), fetches the bundled models
// from this page's own origin, triggers downloads, and exposes the test
// interface window.ecglens = { state(), act(name, args), loadData(...),
// loadModel(...), compareWithOrt() } that the end-to-end tests drive.
'use strict';

(function () {
  const status = document.getElementById('status');
  const setStatus = (text) => { status.textContent = text; };

  // Calls an exported C function with a byte buffer and a name.
  function passBytes(fn, bytes, name) {
    const ptr = Module._malloc(Math.max(bytes.length, 1));
    Module.HEAPU8.set(bytes, ptr);
    try {
      return Module.ccall(fn, 'number', ['number', 'number', 'string'], [ptr, bytes.length, name]);
    } finally {
      Module._free(ptr);
    }
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(new Uint8Array(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsArrayBuffer(file);
    });
  }

  // A weights file by its extension, anything else is beats.
  async function loadFile(file) {
    const bytes = await readFile(file);
    const isModel = /\.ecgw$/i.test(file.name);
    return passBytes(isModel ? 'ecglens_load_model' : 'ecglens_load_data', bytes, file.name);
  }

  async function loadBundledModel(name) {
    const response = await fetch('models/' + encodeURIComponent(name));
    if (!response.ok) throw new Error('models/' + name + ': HTTP ' + response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return passBytes('ecglens_load_model', bytes, name);
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

  // Runs the model's .onnx (models/<name>.onnx) with ONNX Runtime Web on the
  // beats the core scored; reports agreement and both engines' speed.
  async function compareWithOrt(modelName) {
    const report = (text) => Module.ccall('ecglens_set_engine_report', null, ['string'], [text]);
    const st = window.ecglens.state();
    if (!st.scored) throw new Error('nothing scored yet');
    const onnxUrl = 'models/' + encodeURIComponent(modelName.replace(/\.ecgw$/i, '.onnx'));
    const head = await fetch(onnxUrl, { method: 'HEAD' });
    if (!head.ok) {
      report('ONNX Runtime Web: no ' + modelName.replace(/\.ecgw$/i, '.onnx') + ' is served next to this model');
      return null;
    }
    report('ONNX Runtime Web: loading...');
    const { runOrt } = await import('./ort_engine.mjs');
    const per = st.length * st.channels, count = st.beats;
    const view = (fn, n) => new Float32Array(Module.HEAPF32.buffer, Module.ccall(fn, 'number', [], []), n).slice();
    const beats = view('ecglens_normalized', count * per);
    const coreReconstruction = view('ecglens_reconstruction', count * per);
    const coreScores = view('ecglens_scores', count);
    const coreMs = Module.ccall('ecglens_time_scoring', 'number', [], []);
    const r = await runOrt({ onnxUrl, beats, count, length: st.length, channels: st.channels,
                             loss: st.loss, coreReconstruction, coreScores });
    const result = { ...r, scores: Array.from(r.scores), coreMs, coreBeatsPerSecond: count / (coreMs / 1000) };
    report(`ONNX Runtime Web (1 thread): ${Math.round(result.beatsPerSecond)} beats/s, C++ core: ` +
           `${Math.round(result.coreBeatsPerSecond)} beats/s (x${(result.coreBeatsPerSecond / result.beatsPerSecond).toFixed(2)}); ` +
           `max |score difference| ${result.maxScoreDiff.toExponential(2)}, ` +
           `max |reconstruction difference| ${result.maxReconstructionDiff.toExponential(2)}`);
    return result;
  }

  let readyResolve;
  const ready = new Promise((resolve) => { readyResolve = resolve; });

  // Called by the wasm app (main.cpp, through EM_ASM).
  window.ecglensShell = {
    pickFile(kind) { document.getElementById(kind === 'model' ? 'model-file' : 'data-file').click(); },
    loadBundledModel(name) { loadBundledModel(name).catch((e) => setStatus(String(e))); },
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
    compareWithOrt(name) { compareWithOrt(name).catch((e) => setStatus('ONNX Runtime Web: ' + e)); },
    async ready() {
      setStatus('');
      try {
        const names = await (await fetch('models/index.json')).json();
        Module.ccall('ecglens_set_bundled_models', null, ['string'], [JSON.stringify(names)]);
        if (names.length > 0) await loadBundledModel(names[0]);
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
    loadModel: loadBundledModel,
    compareWithOrt: () => compareWithOrt(window.ecglens.state().model),
  };

  window.Module = {
    canvas: document.getElementById('canvas'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    setStatus: (text) => { if (text) setStatus(text); },
    onAbort: (what) => setStatus('ecglens stopped: ' + what),
  };
})();
