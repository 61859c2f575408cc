"""PyTorch definitions of every ecglens architecture.

Each class follows native/core/ecglens/model/ARCHITECTURES.md to the letter
and is built from `architecture`, the same JSON object a weights file holds.
`export_tensors(model)` gives the tensors under the names that document
fixes (`encoder.0.weight_ih`, `decoder.1.residual_proj`, `output.weight`,
...), in PyTorch layouts.

Every model's `forward(x)` takes beats `x [B, T, C]` (beat-major: sample t,
channel c) and returns `(reconstruction [B, T, C], latent [B, Z])`.
"""

import math
import re

import torch
from torch import nn


class RecurrentLayer(nn.Module):
    """One nn.LSTM / nn.GRU layer (batch_first), optionally residual.

    Residual: y_t = h_t + x_t when input size == hidden size, otherwise
    y_t = h_t + P x_t with P = residual_proj [H, I] (no bias).
    """

    def __init__(self, input_size, hidden_size, cell, residual):
        super().__init__()
        if cell == "lstm":
            self.rnn = nn.LSTM(input_size, hidden_size, batch_first=True)
        elif cell == "gru":
            self.rnn = nn.GRU(input_size, hidden_size, batch_first=True)
        else:
            raise ValueError(f"unknown cell {cell!r}")
        self.cell = cell
        self.residual = residual
        self.residual_proj = None
        if residual and input_size != hidden_size:
            # Same default init as an nn.Linear without bias: U(-1/sqrt(I), 1/sqrt(I)).
            bound = 1.0 / math.sqrt(input_size)
            self.residual_proj = nn.Parameter(
                torch.empty(hidden_size, input_size).uniform_(-bound, bound))

    def forward(self, x, state=None):
        """x [B, T, I] -> (y [B, T, H], final state). state as nn.LSTM / nn.GRU."""
        h, final = self.rnn(x, state)
        if self.residual:
            h = h + (x if self.residual_proj is None else x @ self.residual_proj.t())
        return h, final


def recurrent_stack(input_size, hidden_sizes, cell, residual):
    layers = []
    for hidden in hidden_sizes:
        layers.append(RecurrentLayer(input_size, hidden, cell, residual))
        input_size = hidden
    return nn.ModuleList(layers)


def run_stack(stack, x):
    """Runs every layer over the whole sequence; returns the last layer's output."""
    for layer in stack:
        x, _ = layer(x)
    return x


class LstmAE(nn.Module):
    """lstm_ae, residual_lstm_ae, sparse_lstm_ae and srl_ae (one forward pass).

    Latent z = last encoder layer's output at the last step; z repeated T
    times feeds the decoder stack; `output` Dense maps every step to C.
    """

    def __init__(self, arch):
        super().__init__()
        cell = arch.get("cell", "lstm")
        self.encoder = recurrent_stack(arch["input_dim"], arch["encoder_hidden"], cell,
                                       arch.get("residual_encoder", False))
        latent = self.latent_size(arch)
        self.decoder = recurrent_stack(latent, arch["decoder_hidden"], cell,
                                       arch.get("residual_decoder", False))
        self.output = nn.Linear(arch["decoder_hidden"][-1], arch["input_dim"])

    @staticmethod
    def latent_size(arch):
        return arch["encoder_hidden"][-1]

    def encode(self, x):
        return run_stack(self.encoder, x)[:, -1, :]

    def decode(self, z, steps):
        repeated = z.unsqueeze(1).expand(-1, steps, -1)
        return self.output(run_stack(self.decoder, repeated))

    def forward(self, x):
        z = self.encode(x)
        return self.decode(z, x.shape[1]), z


class LstmVAE(LstmAE):
    """lstm_vae: mu / logvar Dense on the encoder's final h; scores with z = mu."""

    def __init__(self, arch):
        super().__init__(arch)
        self.mu = nn.Linear(arch["encoder_hidden"][-1], arch["latent_dim"])
        self.logvar = nn.Linear(arch["encoder_hidden"][-1], arch["latent_dim"])

    @staticmethod
    def latent_size(arch):
        return arch["latent_dim"]

    def encode(self, x):
        return self.mu(run_stack(self.encoder, x)[:, -1, :])


class RecAE(nn.Module):
    """recae (Malhotra et al. 2016): the decoder reconstructs in reverse order.

    The encoder's final state of every layer initialises the same decoder
    layer. x'_T = output(h^D_T); for t = T-1 .. 1 the decoder stack takes one
    step on x'_{t+1} and x'_t = output(h^D_t).
    """

    def __init__(self, arch):
        super().__init__()
        cell = arch.get("cell", "lstm")
        self.encoder = recurrent_stack(arch["input_dim"], arch["hidden"], cell, False)
        self.decoder = recurrent_stack(arch["input_dim"], arch["hidden"], cell, False)
        self.output = nn.Linear(arch["hidden"][-1], arch["input_dim"])

    def forward(self, x):
        steps = x.shape[1]
        states = []
        seq = x
        for layer in self.encoder:
            seq, final = layer(seq)
            states.append(final)
        latent = seq[:, -1, :]
        # nn.LSTM's final state is (h [1, B, H], c [1, B, H]); nn.GRU's is h.
        top_h = states[-1][0] if isinstance(states[-1], tuple) else states[-1]
        x_prev = self.output(top_h[0])                  # x'_T
        outputs = [x_prev]
        for _ in range(steps - 1):
            inp = x_prev.unsqueeze(1)                   # [B, 1, C]
            for l, layer in enumerate(self.decoder):
                inp, states[l] = layer(inp, states[l])
            x_prev = self.output(inp[:, 0, :])
            outputs.append(x_prev)
        outputs.reverse()                               # x'_1 .. x'_T
        return torch.stack(outputs, dim=1), latent


class MlpAE(nn.Module):
    """mlp_ae: Dense stack over the flattened beat (T*C values, beat-major).

    Encoder sizes `hidden` with ReLU after each; decoder sizes hidden[-2] ..
    hidden[0], then T*C, ReLU after each but the last.
    """

    def __init__(self, arch):
        super().__init__()
        flat = arch["seq_len"] * arch["input_dim"]
        hidden = arch["hidden"]
        sizes = [flat] + hidden
        self.encoder = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        dec = hidden[::-1] + [flat]
        self.decoder = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dec[:-1], dec[1:]))

    def forward(self, x):
        b, t, c = x.shape
        h = x.reshape(b, t * c)
        for layer in self.encoder:
            h = torch.relu(layer(h))
        latent = h
        for i, layer in enumerate(self.decoder):
            h = layer(h)
            if i + 1 < len(self.decoder):
                h = torch.relu(h)
        return h.reshape(b, t, c), latent


class Conv1dAE(nn.Module):
    """conv1d_ae: Conv1d stack down, ConvTranspose1d stack up, Conv1d output.

    Padding k//2 everywhere; ConvTranspose1d output_padding stride-1, so each
    encoder layer maps length L to ceil(L/s) and each decoder layer L to L*s.
    """

    def __init__(self, arch):
        super().__init__()
        k, s = arch["kernel"], arch["stride"]
        chans = arch["channels"]
        enc = [arch["input_dim"]] + chans
        self.encoder = nn.ModuleList(
            nn.Conv1d(a, b, k, stride=s, padding=k // 2) for a, b in zip(enc[:-1], enc[1:]))
        dec = [chans[-1]] + chans[::-1]
        self.decoder = nn.ModuleList(
            nn.ConvTranspose1d(a, b, k, stride=s, padding=k // 2, output_padding=s - 1)
            for a, b in zip(dec[:-1], dec[1:]))
        self.output = nn.Conv1d(chans[0], arch["input_dim"], k, stride=1, padding=k // 2)

    def forward(self, x):
        h = x.transpose(1, 2)                           # [B, C, T]
        for layer in self.encoder:
            h = torch.relu(layer(h))
        latent = h.reshape(h.shape[0], -1)              # channel-major flatten
        for layer in self.decoder:
            h = torch.relu(layer(h))
        return self.output(h).transpose(1, 2), latent


KINDS = {
    "lstm_ae": LstmAE,
    "residual_lstm_ae": LstmAE,
    "sparse_lstm_ae": LstmAE,
    "srl_ae": LstmAE,
    "lstm_vae": LstmVAE,
    "recae": RecAE,
    "mlp_ae": MlpAE,
    "conv1d_ae": Conv1dAE,
}


def build(arch):
    return KINDS[arch["kind"]](arch)


_RNN_NAME = re.compile(r"^(.*)\.rnn\.(weight_ih|weight_hh|bias_ih|bias_hh)_l0$")


def export_tensors(model):
    """[(name, float32 numpy array)] under ARCHITECTURES.md's names.

    nn.LSTM's `weight_ih_l0` inside layer `encoder.0` becomes
    `encoder.0.weight_ih`; every other parameter keeps its state_dict name.
    """
    out = []
    for name, tensor in model.state_dict().items():
        m = _RNN_NAME.match(name)
        if m:
            name = f"{m.group(1)}.{m.group(2)}"
        elif ".rnn." in name:
            raise ValueError(f"unexpected recurrent parameter {name}")
        out.append((name, tensor.detach().cpu().numpy().astype("float32")))
    return out
