// The page's second engine: ONNX Runtime Web (npm onnxruntime-web, its
// CPU-only wasm build, one thread) running the model's exported .onnx on the
// same normalised beats the C++ core scored. Imported only when the user
// asks for it, so the page never loads ORT's 14 MB otherwise; its files are
// served from ./ort/ (copied there by the build), never from elsewhere.
//
// runOrt() returns ORT's reconstructions and scores, how far they are from
// the core's, and the time ORT took.
let ortModule = null;
const sessions = new Map();

async function session(onnxUrl) {
  if (!ortModule) {
    ortModule = await import('./ort/ort.wasm.min.mjs');
    ortModule.env.wasm.numThreads = 1;  // no SharedArrayBuffer: no special headers needed
    ortModule.env.wasm.wasmPaths = new URL('./ort/', document.baseURI).href;
  }
  if (!sessions.has(onnxUrl)) sessions.set(onnxUrl, await ortModule.InferenceSession.create(onnxUrl));
  return sessions.get(onnxUrl);
}

// The per-beat loss of the core (eval/loss.h): mse, mae or sae over the
// beat's length*channels values, summed in double.
function beatLoss(x, y, loss) {
  let sum = 0;
  for (let i = 0; i < x.length; ++i) {
    const d = x[i] - y[i];
    sum += loss === 'mse' ? d * d : Math.abs(d);
  }
  return Math.fround(loss === 'sae' ? sum : sum / x.length);
}

// beats: Float32Array [count][length][channels] (normalised, as the core
// saw them); core: the core's reconstruction (same shape) and scores.
export async function runOrt({ onnxUrl, beats, count, length, channels, loss, coreReconstruction, coreScores, batch = 256 }) {
  const s = await session(onnxUrl);
  const per = length * channels;
  const scores = new Float32Array(count);
  let maxRecon = 0, maxScore = 0;
  const start = performance.now();
  const reconstruction = new Float32Array(count * per);
  for (let b = 0; b < count; b += batch) {
    const n = Math.min(batch, count - b);
    const input = new ortModule.Tensor('float32', beats.slice(b * per, (b + n) * per), [n, length, channels]);
    const out = await s.run({ [s.inputNames[0]]: input });
    reconstruction.set(out[s.outputNames[0]].data, b * per);
  }
  const ms = performance.now() - start;
  for (let i = 0; i < count; ++i) {
    const x = beats.subarray(i * per, (i + 1) * per), y = reconstruction.subarray(i * per, (i + 1) * per);
    scores[i] = beatLoss(x, y, loss);
    maxScore = Math.max(maxScore, Math.abs(scores[i] - coreScores[i]));
    for (let j = 0; j < per; ++j)
      maxRecon = Math.max(maxRecon, Math.abs(y[j] - coreReconstruction[i * per + j]));
  }
  return { reconstruction, scores, ms, beatsPerSecond: count / (ms / 1000), maxReconstructionDiff: maxRecon, maxScoreDiff: maxScore };
}
