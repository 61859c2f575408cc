"""Training speed of PyTorch on the epoch bench_train.cpp runs: the ECG5000
fixed split's 1,900 normal training beats, batch 64, Adam (lr 1e-3), MSE,
LSTM autoencoder 1->64 encoder / 64->64 decoder fed the repeated latent /
linear 64->1, one thread. Prints "pytorch epoch_seconds S loss L" per timed
epoch. Run with Debian's /usr/bin/python3 (python3-torch); compare_train.sh
sets the tuned environment (OpenBLAS core type, malloc threshold)."""
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default="../shared/data/ecg5000")
    p.add_argument("--epochs", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    beats = torch.from_numpy(load_fixed_train(a.data_dir)).unsqueeze(-1)
    model = LstmAe()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    n = beats.shape[0]
    for e in range(a.epochs + 1):  # one warm-up epoch
        order = torch.randperm(n)
        start = time.perf_counter()
        total = 0.0
        for first in range(0, n, 64):
            x = beats[order[first:first + 64]]
            opt.zero_grad()
            loss = loss_fn(model(x), x)
            loss.backward()
            opt.step()
            total += loss.item() * x.shape[0]
        s = time.perf_counter() - start
        if e > 0:
            print(f"pytorch epoch_seconds {s:.4f} loss {total / n:.6f}", flush=True)


if __name__ == "__main__":
    main()
