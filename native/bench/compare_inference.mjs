// Inference benchmark: the ecglens core against ONNX Runtime (onnxruntime-node,
// one thread) on the same LSTM autoencoder and the same beats, in one run.
//
//   node native/bench/compare_inference.mjs --ecglens build/native/bench/bench_inference \
//        [--beats ../shared/data/ecg5000/ECG5000_TEST_binary.csv] [--batches 1,256] [--rounds 3]
//
// Prints each engine's beats/s per batch size and the ratio ecglens / ORT.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const bin = args.ecglens ?? resolve(root, 'build/native/bench/bench_inference');
const beatsFile = args.beats ?? resolve(root, '../shared/data/ecg5000/ECG5000_TEST_binary.csv');
const batches = (args.batches ?? '1,256').split(',').map(Number);
const weights = resolve(root, 'tests/fixtures/golden/bench_lstm_ae.ecgw');
const onnxModel = resolve(root, 'tests/fixtures/golden/bench_lstm_ae.onnx');
if (!existsSync(beatsFile)) {
  console.error(`no beats file at ${beatsFile}: pass --beats FILE (ECG5000_TEST_binary.csv)`);
  process.exit(2);
}

// Label first, then 140 samples per row (the ECG5000 CSV).
function readBeats(path) {
  const rows = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const length = rows[0].split(',').length - 1;
  const values = new Float32Array(rows.length * length);
  rows.forEach((row, b) => row.split(',').slice(1).forEach((v, t) => { values[b * length + t] = Number(v); }));
  return { count: rows.length, length, values };
}

async function ortBeatsPerSecond(session, beats, batch, repeats = 3, minSeconds = 1.0) {
  const inputName = session.inputNames[0];
  let best = 0;
  for (let r = 0; r < repeats; ++r) {
    let done = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      for (let first = 0; first < beats.count; first += batch) {
        const n = Math.min(batch, beats.count - first);
        const data = beats.values.subarray(first * beats.length, (first + n) * beats.length);
        const feeds = { [inputName]: new ort.Tensor('float32', data, [n, beats.length, 1]) };
        await session.run(feeds);
        done += n;
      }
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < minSeconds);
    best = Math.max(best, done / elapsed);
  }
  return best;
}

// This machine's neighbours make single timings noisy, and noise only ever
// slows a run down: each engine is timed in alternation, several rounds,
// and its best round counts.
const rounds = Number(args.rounds ?? 3);
const beats = readBeats(beatsFile);
const session = await ort.InferenceSession.create(onnxModel, {
  intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
});
const oursBeatsPerSecond = (batch) => JSON.parse(
  execFileSync(bin, [weights, beatsFile, String(batch)], { encoding: 'utf8' }).trim()).beats_per_s;

console.log(`model: LSTM autoencoder 1->64 / 64->64 / 64->1, ${beats.length} steps; beats: ${beats.count} from ${beatsFile}`);
console.log(`one thread each; best of ${rounds} alternating rounds`);
console.log('batch   ecglens beats/s   ORT beats/s   ratio');
for (const batch of batches) {
  let mine = 0;
  let theirs = 0;
  for (let r = 0; r < rounds; ++r) {
    mine = Math.max(mine, oursBeatsPerSecond(batch));
    theirs = Math.max(theirs, await ortBeatsPerSecond(session, beats, batch));
  }
  console.log(`${String(batch).padStart(5)}   ${mine.toFixed(0).padStart(15)}   ${theirs.toFixed(0).padStart(11)}   ${(mine / theirs).toFixed(2)}x`);
}
