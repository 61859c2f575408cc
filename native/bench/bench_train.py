"""Training speed of PyTorch on the epoch bench_train.cpp runs: the ECG5000
fixed split's 1,900 normal training beats, batch 64, Adam (lr 1e-3), MSE, on
one CPU thread or on a GPU (nn.LSTM runs cuDNN there). Models (--model):
  lstm: LSTM autoencoder 1->64 encoder / 64->64 decoder fed the repeated
        latent / linear 64->1
  srl:  sparse encoder 1->64->32->16 (KL penalty on the latent, rho 0.05,
        weight 1e-3), residual decoder 16->32->64 (y = h + P x), linear 64->1
Prints "pytorch epoch_seconds S loss L" per timed epoch. On the CPU run it
with Debian's /usr/bin/python3 (python3-torch); compare_train.sh sets the
tuned environment (OpenBLAS core type, malloc threshold). On a GPU the beats
live on the device, the loss is summed there and read once per epoch, and
the clock stops after torch.cuda.synchronize()."""
import argparse
import os
import time

import numpy as np
import torch
from torch import nn


def load_fixed_train(data_dir):
    train = np.loadtxt(os.path.join(data_dir, "ECG5000_TRAIN.txt"))
    test = np.loadtxt(os.path.join(data_dir, "ECG5000_TEST_binary.csv"), delimiter=",")
    normal = np.concatenate([train[train[:, 0] == 1, 1:], test[test[:, 0] == 0, 1:]])
    return normal[:1900].astype(np.float32)


class LstmAe(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(1, 64, batch_first=True)
        self.decoder = nn.LSTM(64, 64, batch_first=True)
        self.output = nn.Linear(64, 1)

    def forward(self, x):
        h, _ = self.encoder(x)
        z = h[:, -1:, :].repeat(1, x.shape[1], 1)
        d, _ = self.decoder(z)
        return self.output(d)


class SrlAe(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.ModuleList([nn.LSTM(i, h, batch_first=True)
                                      for i, h in [(1, 64), (64, 32), (32, 16)]])
        self.decoder = nn.ModuleList([nn.LSTM(i, h, batch_first=True)
                                      for i, h in [(16, 32), (32, 64)]])
        self.residual = nn.ModuleList([nn.Linear(i, h, bias=False)
                                       for i, h in [(16, 32), (32, 64)]])
        self.output = nn.Linear(64, 1)
        self.z = None

    def forward(self, x):
        h = x
        for layer in self.encoder:
            h, _ = layer(h)
        self.z = h[:, -1, :]
        d = self.z.unsqueeze(1).repeat(1, x.shape[1], 1)
        for layer, proj in zip(self.decoder, self.residual):
            out, _ = layer(d)
            d = out + proj(d)
        return self.output(d)

    def penalty(self, rho=0.05, beta=1e-3):
        r = ((self.z + 1) / 2).mean(0).clamp(1e-6, 1 - 1e-6)
        return beta * (rho * torch.log(rho / r) + (1 - rho) * torch.log((1 - rho) / (1 - r))).sum()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default="../shared/data/ecg5000")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--model", default="lstm", choices=["lstm", "srl"])
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    gpu = a.device == "cuda"
    if gpu:
        torch.backends.cudnn.benchmark = True
    beats = torch.from_numpy(load_fixed_train(a.data_dir)).unsqueeze(-1).to(a.device)
    model = (SrlAe() if a.model == "srl" else LstmAe()).to(a.device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    n = beats.shape[0]
    for e in range(a.epochs + 1):  # one warm-up epoch
        order = torch.randperm(n, device=a.device)
        if gpu:
            torch.cuda.synchronize()
        start = time.perf_counter()
        total = torch.zeros((), device=a.device) if gpu else 0.0
        for first in range(0, n, 64):
            x = beats[order[first:first + 64]]
            opt.zero_grad()
            loss = loss_fn(model(x), x)
            if a.model == "srl":
                loss = loss + model.penalty()
            loss.backward()
            opt.step()
            if gpu:
                total += loss.detach() * x.shape[0]
            else:
                total += loss.item() * x.shape[0]
        if gpu:
            torch.cuda.synchronize()
            total = total.item()
        s = time.perf_counter() - start
        if e > 0:
            print(f"pytorch epoch_seconds {s:.4f} loss {total / n:.6f}", flush=True)


if __name__ == "__main__":
    main()
