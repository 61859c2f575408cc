// ONNX parity: every golden case's exported model, run by ONNX Runtime
// (onnxruntime-node), must reproduce the core's reconstruction and the
// PyTorch golden output within 1e-5 (max abs difference, float32).
//
//   node tests/export/onnx_parity.mjs --exported DIR [--golden tests/fixtures/golden]
//
// DIR holds CASE.onnx and CASE.core.f32, written by export_goldens. When
// export_goldens also found ECG5000 (DIR/real.json), every model listed there
// runs on 500 real beats of 140 samples too, within realTolerance: over
// real beats float32 rounding grows in deep residual stacks (srl_ae: PyTorch
// float32 differs from PyTorch float64 by 1.8e-4 there, the core by 6.5e-5),
// so the bound is float32's spread there, far below what a wrong gate order
// or weight layout gives (> 0.1).
// Exits 1 naming every case that fails.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const exported = option('--exported', null);
const golden = resolve(option('--golden', join(here, '../fixtures/golden')));
if (!exported) {
  console.error('usage: node onnx_parity.mjs --exported DIR [--golden DIR]');
  process.exit(2);
}
const tolerance = 1e-5;
const realTolerance = 2e-4;

const maxAbsDiff = (a, b) => {
  let worst = 0;
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const readFloats = (path) => {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};

const index = JSON.parse(readFileSync(join(golden, 'index.json'), 'utf8'));
const failures = [];
for (const c of index.cases) {
  const name = c.case;
  const fixture = JSON.parse(readFileSync(join(golden, c.fixture), 'utf8'));
  const onnxPath = join(exported, `${name}.onnx`);
  const corePath = join(exported, `${name}.core.f32`);
  if (!existsSync(onnxPath) || !existsSync(corePath)) {
    failures.push(`${name}: ${onnxPath} or ${corePath} is missing (run export_goldens first)`);
    continue;
  }
  try {
    const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: 1 });
    if (session.inputNames[0] !== 'beats' || session.outputNames[0] !== 'reconstruction')
      throw new Error(`graph names are ${session.inputNames} -> ${session.outputNames}`);
    const shape = [fixture.batch, fixture.length, fixture.channels];
    const input = new ort.Tensor('float32', Float32Array.from(fixture.input), shape);
    const result = await session.run({ beats: input });
    const y = result.reconstruction;
    if (JSON.stringify(y.dims) !== JSON.stringify(shape))
      throw new Error(`output shape [${y.dims}], expected [${shape}]`);
    const core = readFloats(corePath);
    if (core.length !== y.data.length) throw new Error(`core output has ${core.length} values, ORT ${y.data.length}`);
    const vsCore = maxAbsDiff(y.data, core);
    const vsTorch = maxAbsDiff(y.data, fixture.output);
    const ok = vsCore <= tolerance && vsTorch <= tolerance;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(24)} ${c.kind.padEnd(18)} ` +
                `max|ORT-core| ${vsCore.toExponential(2)}  max|ORT-PyTorch| ${vsTorch.toExponential(2)}`);
    if (!ok) failures.push(`${name}: ORT differs from the core by ${vsCore} and from PyTorch by ${vsTorch} (tolerance ${tolerance})`);
  } catch (e) {
    failures.push(`${name}: ${e.message}`);
    console.log(`FAIL ${name}: ${e.message}`);
  }
}
const realManifest = join(exported, 'real.json');
if (existsSync(realManifest)) {
  const real = JSON.parse(readFileSync(realManifest, 'utf8'));
  const input = readFloats(join(exported, 'real_input.f32'));
  const shape = [real.batch, real.length, real.channels];
  for (const c of real.cases) {
    const name = `real_${c.case}`;
    try {
      const session = await ort.InferenceSession.create(join(exported, `${name}.onnx`), { intraOpNumThreads: 1 });
      const result = await session.run({ beats: new ort.Tensor('float32', input, shape) });
      const vsCore = maxAbsDiff(result.reconstruction.data, readFloats(join(exported, `${name}.core.f32`)));
      const ok = vsCore <= realTolerance;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${c.case.padEnd(24)} ${c.kind.padEnd(18)} ` +
                  `${real.batch} ECG5000 beats x ${real.length}: max|ORT-core| ${vsCore.toExponential(2)}`);
      if (!ok) failures.push(`${c.case} on ECG5000 beats: ORT differs from the core by ${vsCore} (tolerance ${realTolerance})`);
    } catch (e) {
      failures.push(`${c.case} on ECG5000 beats: ${e.message}`);
      console.log(`FAIL ${c.case} on ECG5000 beats: ${e.message}`);
    }
  }
} else {
  console.log('ECG5000 not found by export_goldens: the real-beat comparison is skipped');
}

if (failures.length) {
  console.error(`ONNX parity failed for ${failures.length} model(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`ONNX parity: all ${index.cases.length} golden models match within ${tolerance}` +
            (existsSync(realManifest) ? ` and on ECG5000 beats within ${realTolerance}` : ''));
