#!/usr/bin/python3
"""Writes the golden forward-pass fixtures under tests/fixtures/golden/.

For every case: a seeded model of one architecture (models.py), three beats
(two ECG-like shapes and one of pure noise, float32), and PyTorch's
reconstruction and latent. The C++ core must reproduce them to 1e-5.

Before writing anything, every case is recomputed by an independent numpy
implementation (float64, from the exported tensors and ARCHITECTURES.md's
equations, sharing no code with models.py) and must agree with PyTorch; the
written weights file is read back and compared tensor by tensor.

Run: /usr/bin/python3 tests/reference/make_goldens.py
"""

import json
import os
import struct
import sys
import warnings
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import models  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "tests", "fixtures", "golden")
GENERATOR = "tests/reference/make_goldens.py"
BATCH = 3
TOLERANCE = 1e-5          # float32 tolerance the C++ core is held to
CHECK_TOLERANCE = 3e-6    # PyTorch float32 vs numpy float64: float32 rounding alone
                          # stays well inside the C++ tolerance


# ---------------------------------------------------------------- cases ---

def rnn_ae(kind, input_dim, seq_len, enc, dec, cell="lstm", res_enc=False, res_dec=False):
    return {"kind": kind, "input_dim": input_dim, "seq_len": seq_len,
            "encoder_hidden": enc, "decoder_hidden": dec, "cell": cell,
            "residual_encoder": res_enc, "residual_decoder": res_dec}


def recae(input_dim, seq_len, hidden, cell="lstm"):
    return {"kind": "recae", "input_dim": input_dim, "seq_len": seq_len,
            "hidden": hidden, "cell": cell}


SMALL = rnn_ae("lstm_ae", 1, 24, [8, 4], [4, 8])
VAE = dict(rnn_ae("lstm_vae", 1, 24, [8], [8]), latent_dim=3)

# (case name, architecture, length run at (None: seq_len), case whose weights it reuses)
CASES = [
    ("lstm_ae_small", SMALL, None, None),
    ("lstm_ae_small_T30", SMALL, 30, "lstm_ae_small"),
    ("lstm_ae_gru", rnn_ae("lstm_ae", 1, 24, [8, 4], [4, 8], cell="gru"), None, None),
    ("lstm_ae_multivariate", rnn_ae("lstm_ae", 3, 16, [6], [6]), None, None),
    ("residual_lstm_ae", rnn_ae("residual_lstm_ae", 1, 24, [8, 8], [8, 8, 6],
                                res_dec=True), None, None),
    ("residual_lstm_ae_both", rnn_ae("residual_lstm_ae", 1, 24, [8, 8], [8, 8, 6],
                                     res_enc=True, res_dec=True), None, None),
    ("sparse_lstm_ae", dict(SMALL, kind="sparse_lstm_ae"), None, None),
    ("srl_ae", rnn_ae("srl_ae", 1, 140, [128, 64, 32, 16, 8], [16, 32, 64, 128],
                      res_dec=True), None, None),
    ("recae_lstm", recae(1, 20, [8]), None, None),
    ("recae_gru", recae(1, 20, [8], cell="gru"), None, None),
    ("recae_gru_T11", recae(1, 20, [8], cell="gru"), 11, "recae_gru"),
    ("recae_stacked", recae(1, 20, [8, 6]), None, None),
    ("recae_multivariate", recae(2, 20, [8]), None, None),
    ("lstm_vae", VAE, None, None),
    ("mlp_ae", {"kind": "mlp_ae", "input_dim": 1, "seq_len": 140,
                "hidden": [500, 100, 32]}, None, None),
    ("mlp_ae_multivariate", {"kind": "mlp_ae", "input_dim": 2, "seq_len": 10,
                             "hidden": [12, 4]}, None, None),
    ("conv1d_ae", {"kind": "conv1d_ae", "input_dim": 1, "seq_len": 140,
                   "channels": [32, 16], "kernel": 7, "stride": 2}, None, None),
    ("conv1d_ae_multivariate", {"kind": "conv1d_ae", "input_dim": 2, "seq_len": 16,
                                "channels": [4, 3], "kernel": 3, "stride": 2}, None, None),
    ("bench_lstm_ae", rnn_ae("lstm_ae", 1, 140, [64], [64]), None, None),
]
ONNX_CASE = "bench_lstm_ae"


def seed_of(name):
    """A stable per-case seed, so adding a case never changes another one."""
    return zlib.crc32(name.encode()) % 100000


# --------------------------------------------------------------- inputs ---

def ecg_like(rng, steps):
    """An ECG-like beat: P, Q, R, S, T Gaussian bumps, jittered, plus noise."""
    t = np.linspace(0.0, 1.0, steps)
    bumps = [(0.20, 0.030, 0.15), (0.37, 0.010, -0.15), (0.40, 0.012, 1.0),
             (0.43, 0.012, -0.25), (0.65, 0.050, 0.30)]
    y = np.zeros(steps)
    for centre, width, amp in bumps:
        centre += 0.02 * rng.standard_normal()
        amp *= 1.0 + 0.2 * rng.standard_normal()
        y += amp * np.exp(-0.5 * ((t - centre) / width) ** 2)
    y *= rng.choice([-1.0, 1.0]) if rng.random() < 0.3 else 1.0
    return y + 0.03 * rng.standard_normal(steps)


def make_beats(seed, steps, channels):
    """[BATCH, T, C] float32: beats 0 .. BATCH-2 ECG-like, the last pure noise."""
    rng = np.random.default_rng(seed)
    x = np.empty((BATCH, steps, channels))
    for b in range(BATCH):
        for c in range(channels):
            y = ecg_like(rng, steps) if b < BATCH - 1 else rng.standard_normal(steps)
            x[b, :, c] = (y - y.mean()) / y.std()
    return x.astype(np.float32)


def make_model(arch, seed):
    """PyTorch's default init, then scaled and perturbed so that the goldens
    tell beats apart: default weights (U(+-1/sqrt(fan_in))) keep every gate
    near 0.5 and give nearly the same output for every beat. Recurrent weight
    matrices x2.5, every other weight x2; recurrent biases + N(0, 0.3), and +1
    on the LSTM forget gate."""
    torch.manual_seed(seed)
    model = models.build(arch)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if ".rnn.weight_" in name:
                p.mul_(2.5)
            elif ".rnn.bias_" in name:
                p.add_(0.3 * torch.randn_like(p))
                if name.endswith("bias_hh_l0") and arch.get("cell", "lstm") == "lstm":
                    h = p.shape[0] // 4
                    p[h:2 * h] += 1.0                # forget gate (order i, f, g, o)
            elif not name.endswith("bias"):
                p.mul_(2.0)                          # Dense, conv, residual_proj
    return model.eval()


# ------------------------------------- independent numpy implementation ---

def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def lstm_step(w, x, h, c):
    """Gate order i, f, g, o; x [B, I], h, c [B, H]."""
    g = x @ w["weight_ih"].T + w["bias_ih"] + h @ w["weight_hh"].T + w["bias_hh"]
    n = h.shape[1]
    i, f = sigmoid(g[:, :n]), sigmoid(g[:, n:2 * n])
    cand, o = np.tanh(g[:, 2 * n:3 * n]), sigmoid(g[:, 3 * n:])
    c = f * c + i * cand
    return o * np.tanh(c), c


def gru_step(w, x, h):
    """Gate order r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))."""
    gi = x @ w["weight_ih"].T + w["bias_ih"]
    gh = h @ w["weight_hh"].T + w["bias_hh"]
    n = h.shape[1]
    r = sigmoid(gi[:, :n] + gh[:, :n])
    z = sigmoid(gi[:, n:2 * n] + gh[:, n:2 * n])
    cand = np.tanh(gi[:, 2 * n:] + r * gh[:, 2 * n:])
    return (1.0 - z) * cand + z * h


def layer_weights(t, prefix):
    return {k[len(prefix):]: v for k, v in t.items() if k.startswith(prefix)}


def cell_step(cell, w, x, state):
    """One step of one layer; state is (h, c) for LSTM, (h,) for GRU."""
    if cell == "lstm":
        return lstm_step(w, x, *state)
    return (gru_step(w, x, state[0]),)


def np_layer(t, prefix, cell, residual, xs, state=None):
    """A recurrent layer over xs [B, T, I]; returns (ys [B, T, H], final state)."""
    w = layer_weights(t, prefix)
    hidden = w["weight_hh"].shape[1]
    batch = xs.shape[0]
    if state is None:
        zero = np.zeros((batch, hidden))
        state = (zero, zero) if cell == "lstm" else (zero,)
    ys = []
    for step in range(xs.shape[1]):
        state = cell_step(cell, w, xs[:, step], state)
        y = state[0]
        if residual:
            y = y + (xs[:, step] @ w["residual_proj"].T if "residual_proj" in w
                     else xs[:, step])
        ys.append(y)
    return np.stack(ys, axis=1), state


def np_stack(t, prefix, sizes, cell, residual, xs):
    for l in range(len(sizes)):
        xs, _ = np_layer(t, f"{prefix}.{l}.", cell, residual, xs)
    return xs


def dense(t, prefix, x):
    return x @ t[prefix + "weight"].T + t[prefix + "bias"]


def np_rnn_ae(a, t, x):
    cell = a["cell"]
    enc = np_stack(t, "encoder", a["encoder_hidden"], cell, a["residual_encoder"], x)
    z = enc[:, -1]
    if a["kind"] == "lstm_vae":
        z = dense(t, "mu.", z)
    rep = np.repeat(z[:, None, :], x.shape[1], axis=1)
    dec = np_stack(t, "decoder", a["decoder_hidden"], cell, a["residual_decoder"], rep)
    return dense(t, "output.", dec), z


def np_recae(a, t, x):
    cell, layers = a["cell"], len(a["hidden"])
    states, seq = [], x
    for l in range(layers):
        seq, final = np_layer(t, f"encoder.{l}.", cell, False, seq)
        states.append(final)
    latent = seq[:, -1]
    out = [None] * x.shape[1]
    out[-1] = dense(t, "output.", states[-1][0])          # x'_T from h^D_T
    for step in range(x.shape[1] - 2, -1, -1):            # t = T-1 .. 1
        inp = out[step + 1]                               # feeds back x'_{t+1}
        for l in range(layers):
            states[l] = cell_step(cell, layer_weights(t, f"decoder.{l}."), inp, states[l])
            inp = states[l][0]
        out[step] = dense(t, "output.", inp)
    return np.stack(out, axis=1), latent


def np_mlp(a, t, x):
    b, steps, ch = x.shape
    h = x.reshape(b, steps * ch)
    for l in range(len(a["hidden"])):
        h = np.maximum(dense(t, f"encoder.{l}.", h), 0.0)
    latent = h
    for l in range(len(a["hidden"])):
        h = dense(t, f"decoder.{l}.", h)
        if l + 1 < len(a["hidden"]):
            h = np.maximum(h, 0.0)
    assert h.shape == (b, steps * ch)
    return h.reshape(b, steps, ch), latent


def conv1d(x, w, bias, stride, pad):
    """x [B, I, L], w [O, I, K] -> [B, O, floor((L + 2p - K) / s) + 1]."""
    k = w.shape[2]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    length = (x.shape[2] + 2 * pad - k) // stride + 1
    y = np.empty((x.shape[0], w.shape[0], length))
    for j in range(length):
        window = xp[:, :, j * stride:j * stride + k]       # [B, I, K]
        y[:, :, j] = np.einsum("bik,oik->bo", window, w)
    return y + bias[None, :, None]


def conv_transpose1d(x, w, bias, stride, pad, out_pad):
    """x [B, I, L], w [I, O, K]: input j adds w[:, :, k] x_j at output j*s - p + k.
    Output length (L - 1) s - 2p + K + output_padding."""
    k = w.shape[2]
    length = (x.shape[2] - 1) * stride - 2 * pad + k + out_pad
    y = np.zeros((x.shape[0], w.shape[1], length))
    for j in range(x.shape[2]):
        for kk in range(k):
            pos = j * stride - pad + kk
            if 0 <= pos < length:
                y[:, :, pos] += x[:, :, j] @ w[:, :, kk]
    return y + bias[None, :, None]


def np_conv(a, t, x):
    k, s = a["kernel"], a["stride"]
    h = x.transpose(0, 2, 1)
    for l in range(len(a["channels"])):
        length = h.shape[2]
        h = np.maximum(conv1d(h, t[f"encoder.{l}.weight"], t[f"encoder.{l}.bias"], s, k // 2), 0)
        assert h.shape[2] == -(-length // s), "Conv1d must give ceil(L / stride) steps"
    latent = h.reshape(h.shape[0], -1)
    for l in range(len(a["channels"])):
        length = h.shape[2]
        h = np.maximum(conv_transpose1d(h, t[f"decoder.{l}.weight"], t[f"decoder.{l}.bias"],
                                        s, k // 2, s - 1), 0)
        assert h.shape[2] == length * s, "ConvTranspose1d must give L * stride steps"
    y = conv1d(h, t["output.weight"], t["output.bias"], 1, k // 2)
    assert y.shape[2] == x.shape[1], "the decoder must give back T steps"
    return y.transpose(0, 2, 1), latent


def numpy_forward(arch, tensors, x):
    t = {name: value.astype(np.float64) for name, value in tensors}
    x = x.astype(np.float64)
    kind = arch["kind"]
    if kind == "recae":
        return np_recae(arch, t, x)
    if kind == "mlp_ae":
        return np_mlp(arch, t, x)
    if kind == "conv1d_ae":
        return np_conv(arch, t, x)
    return np_rnn_ae(arch, t, x)


def check_close(case, what, ref, got):
    ref, got = np.asarray(ref), np.asarray(got, np.float64)
    assert ref.shape == got.shape, f"{case} {what}: shape {got.shape} != {ref.shape}"
    err = float(np.max(np.abs(ref - got)))       # absolute, as the C++ tests measure
    assert err <= CHECK_TOLERANCE, f"{case} {what}: numpy and PyTorch differ by {err:.3g}"
    return err


def check_cells():
    """Single steps of nn.LSTMCell / nn.GRUCell against lstm_step / gru_step,
    with non-zero incoming state (the full forward passes start from zero)."""
    torch.manual_seed(7)
    x, h, c = torch.randn(4, 5), torch.randn(4, 3), torch.randn(4, 3)
    for cls in (torch.nn.LSTMCell, torch.nn.GRUCell):
        cell = cls(5, 3)
        w = {k: v.detach().double().numpy() for k, v in cell.state_dict().items()}
        args = (x.double().numpy(), h.double().numpy())
        with torch.no_grad():
            if cls is torch.nn.LSTMCell:
                th, tc = cell(x, (h, c))
                nh, nc = lstm_step(w, *args, c.double().numpy())
                check_close("LSTMCell", "c", nc, tc.numpy())
            else:
                th, nh = cell(x, h), gru_step(w, *args)
        check_close(cls.__name__, "h", nh, th.numpy())


# ------------------------------------------------------- weights files ---

def load_writer():
    """ecgw.py beside this script is the project's writer of FORMAT.md."""
    from ecgw import write_ecgw
    return write_ecgw


def read_ecgw_tensors(path):
    """Reads back what a writer produced (FORMAT.md), to check it."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:8] == b"ECGLENSW", path
    version, reserved, header_len = struct.unpack_from("<IIQ", blob, 8)
    assert version == 1 and reserved == 0, path
    header = json.loads(blob[24:24 + header_len].decode("utf-8"))
    data = 24 + header_len
    data += (-data) % 64
    out = {}
    end = data
    for entry in header["tensors"]:
        count = int(np.prod(entry["shape"]))
        start = data + entry["offset"]
        out[entry["name"]] = np.frombuffer(blob, "<f4", count, start).reshape(entry["shape"])
        end = max(end, start + 4 * count)
    assert end == len(blob), f"{path}: {len(blob) - end} bytes after the last tensor"
    return header, out


# -------------------------------------------------------------- writing ---

def floats(values):
    """float32 values as JSON numbers with 9 significant digits (round-trip exact)."""
    return [float("%.9g" % v) for v in np.asarray(values, np.float32).ravel()]


def write_json(path, obj):
    """One key per line, arrays of numbers on one line (small files); a list
    of objects gets one object per line."""
    def value(v):
        if isinstance(v, list) and v and isinstance(v[0], dict):
            return "[\n    " + ",\n    ".join(json.dumps(e) for e in v) + "\n  ]"
        return json.dumps(v)
    lines = [f"  {json.dumps(k)}: {value(v)}" for k, v in obj.items()]
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


class Reconstruction(torch.nn.Module):
    """The model with only the reconstruction as output, for ONNX."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, beats):
        return self.model(beats)[0]


def export_onnx(model, x, path):
    """Opset 13, input "beats" [batch, T, C], output "reconstruction", the
    batch axis dynamic. The exporter warns that an LSTM exported with batch
    size != 1 may fail at other batch sizes; this file does not (onnxruntime-node
    1.30 gives the golden output to 7e-7 at batch sizes 1, 2, 3 and 5), so
    that warning and the exporter's shape-inference notes are silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(Reconstruction(model), torch.from_numpy(x), path,
                          input_names=["beats"], output_names=["reconstruction"],
                          dynamic_axes={"beats": {0: "batch"}, "reconstruction": {0: "batch"}},
                          opset_version=13, do_constant_folding=True)


def run_case(name, arch, length, weights_from, write_ecgw):
    seed = seed_of(weights_from or name)
    model = make_model(arch, seed)
    steps = length or arch["seq_len"]
    x = make_beats(seed_of(name) + 1, steps, arch["input_dim"])
    with torch.no_grad():
        recon, latent = model(torch.from_numpy(x))
    recon, latent = recon.numpy(), latent.numpy()
    tensors = models.export_tensors(model)

    ref_recon, ref_latent = numpy_forward(arch, tensors, x)
    err = max(check_close(name, "reconstruction", ref_recon, recon),
              check_close(name, "latent", ref_latent, latent))

    ecgw_path = os.path.join(OUT, name + ".ecgw")
    write_ecgw(ecgw_path, arch, tensors, normalization={"per_beat": "none"}, loss="mse",
               provenance={"generator": GENERATOR, "torch": torch.__version__, "seed": seed})
    header, back = read_ecgw_tensors(ecgw_path)
    assert header["architecture"] == arch, name
    assert [n for n, _ in tensors] == list(back), name
    for tname, value in tensors:
        assert np.array_equal(back[tname], value), f"{name}: {tname} changed on write"

    write_json(os.path.join(OUT, name + ".json"), {
        "case": name, "batch": BATCH, "length": steps, "channels": arch["input_dim"],
        "input": floats(x), "output": floats(recon), "latent": floats(latent),
        "latent_dim": int(latent.shape[1]),
    })
    if name == ONNX_CASE:
        export_onnx(model, x, os.path.join(OUT, name + ".onnx"))
    print(f"{name:24s} kind {arch['kind']:16s} T {steps:3d} C {arch['input_dim']} "
          f"Z {latent.shape[1]:3d}  numpy vs torch {err:.1e}")
    return {"case": name, "kind": arch["kind"], "length": steps,
            "channels": arch["input_dim"], "latent_dim": int(latent.shape[1]),
            "weights": name + ".ecgw", "fixture": name + ".json"}


def main():
    torch.set_num_threads(1)          # one summation order: byte-identical reruns
    write_ecgw = load_writer()
    os.makedirs(OUT, exist_ok=True)
    check_cells()
    index = [run_case(*case, write_ecgw) for case in CASES]
    write_json(os.path.join(OUT, "index.json"), {
        "generator": GENERATOR, "torch": torch.__version__, "tolerance": TOLERANCE,
        "batch": BATCH, "onnx": {ONNX_CASE: ONNX_CASE + ".onnx"}, "cases": index,
    })
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{len(index)} cases, {total / 1e6:.2f} MB in {os.path.relpath(OUT, REPO)}")


if __name__ == "__main__":
    main()
