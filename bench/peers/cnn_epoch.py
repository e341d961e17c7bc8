#!/usr/bin/python3
"""Peer of `condense bench cnn`: one training epoch of the VGG-style network with BatchNorm on
Fashion-MNIST in PyTorch (Debian's python3-torch 1.13), the same architecture, initialisation
scheme (PyTorch defaults, as TorchSharp's), optimiser (Adam 1e-3), loss (NLL of log-softmax),
batch size and thread count as Condense's VggNet. Prints one JSON line.
"""
import argparse, gzip, json, os, struct, time
import torch
import torch.nn as nn
import torch.nn.functional as F

def idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)

class Vgg(nn.Module):
    def __init__(self, config, mean, std):
        super().__init__()
        layers, c = [], 1
        for t in config.split(","):
            if t == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                v = int(t)
                layers += [nn.Conv2d(c, v, 3, padding=1, bias=False), nn.BatchNorm2d(v), nn.ReLU()]
                c = v
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, 10)
        self.mean, self.std = mean, std

    def forward(self, x):
        x = (x.reshape(-1, 1, 28, 28) - self.mean) / self.std
        x = F.adaptive_avg_pool2d(self.features(x), 1).flatten(1)
        return F.log_softmax(self.fc(x), 1)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--samples", type=int, default=60000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--config", default="16,M,32,32,M,64,64,M")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    name = "train-images-idx3-ubyte"
    path = os.path.join(a.folder, name + ".gz")
    X = idx(path if os.path.exists(path) else os.path.join(a.folder, name))[:a.samples].reshape(-1, 784).float() / 255
    lpath = os.path.join(a.folder, "train-labels-idx1-ubyte.gz")
    y = idx(lpath if os.path.exists(lpath) else lpath[:-3])[:a.samples].long()
    model = Vgg(a.config, 0.2860, 0.3530)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    def step(idx_):
        opt.zero_grad()
        loss = F.nll_loss(model(X[idx_]), y[idx_])
        loss.backward()
        opt.step()
        return loss
    for i in range(3):  # warm-up, as the Condense side does
        step(torch.arange(i * a.batch, (i + 1) * a.batch) % len(X))
    g = torch.Generator().manual_seed(0)
    t = time.perf_counter()
    for idx_ in torch.randperm(len(X), generator=g).split(a.batch):
        loss = step(idx_)
    seconds = time.perf_counter() - t
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(), "samples": len(X),
                      "batch": a.batch, "config": a.config, "epoch_s": seconds, "last_loss": float(loss)}))

if __name__ == "__main__":
    main()
