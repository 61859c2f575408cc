// Browser benchmark: the wasm core against ONNX Runtime Web in the same
// headless Chromium, the same page, the same model and the same beats.
// Nothing here is a test; it prints figures (see native/bench/README.md).
//
//   node web/tests/bench.mjs --web build-wasm/web
//        --beats ../shared/data/ecg5000/ECG5000_TEST_binary.csv
//        [--model ecg5000_lstm_ae.ecgw] [--rounds 5] [--starts 5] [--ort-batches 256,4500]
//        [--workers default,0] [--peak build-wasm/bench/simd_peak.wasm]
//
// Prints:
//   - page start: from navigation to every beat scored, as a user sees it:
//     the page opened with ?model=MODEL, the beats file picked through the
//     file input as soon as the page has one (the page queues it until the
//     app is ready), scored by the page's Web Workers (--workers: each
//     setting of ?workers= to measure, "default" for none given; 0 scores
//     on the page's thread, in its frames). Best and median of --starts
//     fresh pages per setting, the settings alternating, with the steps'
//     times.
//   - throughput: on one page, the core (all beats in one call,
//     ecglens_time_scoring) and ORT Web (1 thread, the model's .onnx, each
//     batch size in --ort-batches) timed in alternating rounds, each keeping
//     its best round; beats/s of each and the ratio core / best ORT.
//   - the ceiling (when --peak's module is there; the wasm build makes it):
//     in the same page, between the rounds, the LSTM kernel's inner loop
//     alone (wasm/bench/simd_peak.cpp: loads, splats, multiplies and adds,
//     nothing else) at its best rate, and what that rate allows for this
//     model: its recurrent products (every weight_hh, once per beat sample)
//     at that rate and nothing else, as beats/s and as a ratio to ORT Web:
//     an upper bound for the core's kernel, which does those products the
//     same way and the gates' nonlinearities besides.
//   - size: the bytes of app.wasm + app.js + ecglens.js + index.html +
//     score_worker.js (the workers run app.wasm too), the page's own code
//     before any model (ORT Web's files load only when the
//     user switches engines and are not counted).
// Exits 77 when Chromium or playwright-core is missing.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { openBrowser, parseArgs } from './browser.mjs';

const args = parseArgs(process.argv.slice(2));
const WEB = args.web || 'build-wasm/web';
const BEATS = args.beats || '../shared/data/ecg5000/ECG5000_TEST_binary.csv';
const MODEL = args.model || 'ecg5000_lstm_ae.ecgw';
const ROUNDS = Number(args.rounds || 5);
const STARTS = Number(args.starts ?? 5);
const ORT_BATCHES = (args['ort-batches'] || '256,4500').split(',').map(Number);
const WORKERS = (args.workers || 'default,0').split(',');
const PEAK = args.peak || path.join(WEB, '..', 'bench', 'simd_peak.wasm');

for (const [what, file] of [['beats', BEATS], ['page', path.join(WEB, 'app.wasm')],
                            ['model', path.join(WEB, 'models', MODEL)]]) {
  if (!fs.existsSync(file)) {
    console.error(`no ${what} at ${file}`);
    process.exit(2);
  }
}

// Multiply-adds of the model's recurrent products per beat sample: the
// weight_hh tensors of the weights file's header (FORMAT.md).
function recurrentMadds(file) {
  const bytes = fs.readFileSync(file);
  const header = JSON.parse(bytes.subarray(24, 24 + Number(bytes.readBigUInt64LE(16))).toString('utf8'));
  return header.tensors.filter((t) => /weight_hh$/.test(t.name))
    .reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}

const best = (xs) => Math.min(...xs);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fmt = (x) => Math.round(x).toLocaleString('en-US');

const { browser, server, origin } = await openBrowser(WEB);

// One page start: navigation to all beats scored, in the page's clock
// (performance.now() counts from the navigation's start). Service workers
// are blocked here: the page registers its offline cache after its start,
// and that cache's downloads would run beside the scoring being timed.
async function pageStart(workers) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const query = workers === 'default' ? '' : `&workers=${workers}`;
  await page.goto(`${origin}/?model=${encodeURIComponent(MODEL)}${query}`, { waitUntil: 'commit' });
  await page.setInputFiles('#data-file', BEATS);
  const t = await page.evaluate(async () => {
    await window.ecglens.ready;
    for (;;) {
      const s = window.ecglens.state();
      if (s.error) throw new Error(s.error);
      const marks = window.ecglens.marks();
      if ('beats scored' in marks && s.scored && s.beats > 0)
        return { scored: marks['beats scored'], beats: s.beats, model: s.model, inPage: s.beats_per_second, marks,
                 workers: window.ecglens.workers() };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  if (errors.length) throw new Error(errors.join('\n'));
  await context.close();
  return t;
}

console.log(`ecglens browser benchmark: ${MODEL} on ${path.basename(BEATS)}, Chromium headless`);
const startsBy = Object.fromEntries(WORKERS.map((w) => [w, []]));
for (let r = 0; r < STARTS; ++r)
  for (const w of WORKERS) startsBy[w].push(await pageStart(w));
for (const [w, starts] of STARTS > 0 ? Object.entries(startsBy) : []) {
  const s0 = starts[0];
  if (s0.model !== MODEL) throw new Error(`the page scored with ${s0.model}, not ${MODEL}`);
  const ms = (key) => starts.map((s) => key(s));
  console.log(`\npage start, navigation -> ${s0.beats} beats scored (${STARTS} fresh pages, ` +
              `?workers=${w}: ${s0.workers} workers):`);
  console.log(`  best ${fmt(best(ms((s) => s.scored)))} ms, median ${fmt(median(ms((s) => s.scored)))} ms`);
  const steps = Object.keys(s0.marks).sort((a, b) => s0.marks[a] - s0.marks[b]);
  console.log(`  steps (median ms since navigation): ` +
              steps.map((k) => `${k} ${fmt(median(ms((s) => s.marks[k])))}`).join(', '));
  // The file input's transfer from this script into the page is the test
  // harness's cost, not the page's: the sum below leaves it out.
  const own = (s) => s.marks['model loaded'] +
    (s.marks['beats scored'] - Math.max(s.marks['beats read'], s.marks['model loaded']));
  console.log(`  page ready (wasm compiled, model fetched and loaded) + beats parsed and scored, ` +
              `without the file's transfer: best ${fmt(best(ms(own)))} ms, median ${fmt(median(ms(own)))} ms`);
  console.log(`  parse (beats read -> loaded): median ${fmt(median(ms((s) => s.marks['beats loaded'] -
              Math.max(s.marks['beats read'], s.marks['model loaded']))))} ms`);
  console.log(`  scoring (loaded -> scored): ${fmt(median(ms((s) => s.inPage)))} beats/s (median)`);
}

// Throughput on one page: both engines on the beats it scored.
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
const page = await context.newPage();
await page.goto(`${origin}/?model=${encodeURIComponent(MODEL)}`);
await page.setInputFiles('#data-file', BEATS);
await page.evaluate(async () => {
  await window.ecglens.ready;
  while (!window.ecglens.state().scored) await new Promise((resolve) => setTimeout(resolve, 5));
});
const peakBytes = fs.existsSync(PEAK) ? [...fs.readFileSync(PEAK)] : null;
const rounds = await page.evaluate(async ([model, rounds, batches, peakBytes]) => {
  const { runOrt } = await import('./ort_engine.mjs');
  const st = window.ecglens.state();
  const per = st.length * st.channels, count = st.beats;
  const view = (fn, n) => new Float32Array(Module.HEAPF32.buffer, Module.ccall(fn, 'number', [], []), n).slice();
  const beats = view('ecglens_normalized', count * per);
  const coreReconstruction = view('ecglens_reconstruction', count * per);
  const coreScores = view('ecglens_scores', count);
  const onnxUrl = 'models/' + encodeURIComponent(model.replace(/\.ecgw$/i, '.onnx'));
  const ort = (batch) => runOrt({ onnxUrl, beats, count, length: st.length, channels: st.channels,
                                  loss: st.loss, coreReconstruction, coreScores, batch });
  const core = () => Module.ccall('ecglens_time_scoring', 'number', [], []);
  // The kernel's inner loop alone: 512 four-lane multiply-adds a round.
  const peakRun = peakBytes &&
    (await WebAssembly.instantiate(new Uint8Array(peakBytes))).instance.exports.ecglens_simd_peak;
  // Best of three runs of ~0.1 s each (at ~18 G/s), so that one preemption
  // does not set a round's figure.
  const peak = () => {
    let fastest = Infinity;
    const n = 1000000;
    for (let i = 0; i < 3; ++i) {
      const t = performance.now();
      peakRun(n);
      fastest = Math.min(fastest, performance.now() - t);
    }
    return n * 512 * 4 / (fastest / 1000);  // lane multiply-adds per second
  };
  core();
  const warm = await ort(batches[0]);  // loads ORT Web and creates its session
  const out = { core: [], ort: Object.fromEntries(batches.map((b) => [b, []])), count,
                maxScoreDiff: warm.maxScoreDiff, length: st.length, peak: [] };
  for (let r = 0; r < rounds; ++r) {
    out.core.push(core());
    if (peakRun) out.peak.push(peak());
    for (const b of batches) out.ort[b].push((await ort(b)).ms);
  }
  return out;
}, [MODEL, ROUNDS, ORT_BATCHES, peakBytes]);
await context.close();
await browser.close();
server.close();

const rate = (msList) => rounds.count / (best(msList) / 1000);
const coreRate = rate(rounds.core);
console.log(`\nthroughput, ${rounds.count} beats, best of ${ROUNDS} alternating rounds (1 thread each):`);
console.log(`  wasm core (all beats in one call): ${fmt(coreRate)} beats/s`);
let bestOrt = 0;
for (const b of ORT_BATCHES) {
  const r = rate(rounds.ort[b]);
  bestOrt = Math.max(bestOrt, r);
  console.log(`  ONNX Runtime Web, batch ${b}: ${fmt(r)} beats/s`);
}
console.log(`  ratio core / best ORT Web: ${(coreRate / bestOrt).toFixed(2)}x` +
            `  (max |score difference| ${rounds.maxScoreDiff.toExponential(2)})`);

const perBeat = recurrentMadds(path.join(WEB, 'models', MODEL)) * rounds.length;
if (rounds.peak.length && perBeat === 0) {
  console.log(`\nceiling: not computed (${MODEL} has no recurrent layer)`);
} else if (rounds.peak.length) {
  const peak = Math.max(...rounds.peak);
  const ceiling = peak / perBeat;
  console.log(`\nceiling: the LSTM kernel's inner loop alone (${PEAK}), best of ${ROUNDS}:`);
  console.log(`  ${(peak / 1e9).toFixed(2)} G multiply-adds/s (4-lane f32x4.mul + f32x4.add)`);
  console.log(`  this model's recurrent products: ${fmt(perBeat)} multiply-adds per beat ` +
              `-> at most ${fmt(ceiling)} beats/s = ${(ceiling / bestOrt).toFixed(2)}x ORT Web; ` +
              `the core runs at ${(100 * coreRate / ceiling).toFixed(0)}% of that`);
} else {
  console.log(`\nceiling: not measured (no ${PEAK}; the wasm build makes it)`);
}

const files = ['app.wasm', 'app.js', 'ecglens.js', 'index.html', 'score_worker.js'];
const sizes = files.map((f) => fs.statSync(path.join(WEB, f)).size);
const gz = files.map((f) => zlib.gzipSync(fs.readFileSync(path.join(WEB, f)), { level: 9 }).length);
const total = sizes.reduce((a, b) => a + b, 0);
console.log(`\nsize: ${files.map((f, i) => `${f} ${fmt(sizes[i])}`).join(', ')}`);
console.log(`  total ${fmt(total)} bytes (${(total / 1e6).toFixed(3)} MB; ` +
            `gzip -9: ${(gz.reduce((a, b) => a + b, 0) / 1e6).toFixed(3)} MB)`);
