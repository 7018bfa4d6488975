#!/usr/bin/env python3
"""Peer of benchmarks/q_learning.cpp: footprint's double DQN written in PyTorch.

Usage: dqn_peer.py <episodes> <seed>

The same agent as footprint::double_dqn with its defaults, in the same Almgren-Chriss world
(the paper's example: X = 10^6 shares at 50, T = 5 days, N = 5 decisions, sigma 0.95,
eta 2.5e-6, gamma 2.5e-7, epsilon 0.0625, lambda 2e-6; a sell): features (k/N, x/X, 0, 0);
21 child sizes (0, 0.05, ..., 1 of what is left), everything left at the last decision; the
marked step cost plus lambda sigma^2 tau x_k^2; a 4 -> 32 -> 32 -> 21 tanh network (Glorot
uniform weights, zero biases) estimating the cost to go per unit of inventory left; 1,000
random warm-up episodes whose mean absolute cost is the unit; a replay memory of 100,000
transitions; a mini-batch of 32 every 4 decisions; the double-DQN target with a target
network copied every 500 steps; Adam (betas 0.9/0.999, eps 1e-8), its rate falling linearly
from 1e-3 to 1e-5; epsilon from 1 to 0.02. One thread, float32 (PyTorch's default). The world's
noise is numpy's (another generator than footprint's), and there are no stability checks.

Prints "key value" lines: torch_version, episodes, seconds, episodes_per_second and ratio,
the greedy trajectory's E + lambda V over the closed-form optimum's (1,544,577.74 USD).
A peer that cannot import torch prints "torch_skipped <reason>".
"""
import math
import os
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

try:
    import torch
except Exception as e:  # noqa: BLE001
    print("torch_skipped", repr(str(e)).replace(" ", "_"))
    sys.exit(0)

episodes, seed = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(1)
torch.manual_seed(seed)
rng = np.random.default_rng(seed)

GAMMA, ETA, EPS, SIGMA, LAM = 2.5e-7, 2.5e-6, 0.0625, 0.95, 2e-6
X, T, N, S0 = 1e6, 5.0, 5, 50.0
TAU = T / N
FRACTIONS = [0.05 * i for i in range(21)]
A = len(FRACTIONS)
WARMUP, CAPACITY, BATCH, EVERY, TARGET = 1000, 100_000, 32, 4, 500
LR0, LR1, EPS0, EPS1 = 1e-3, 1e-5, 1.0, 0.02


class World:
    """The Almgren-Chriss world of execution/almgren_chriss_world.hpp, selling."""

    def reset(self):
        self.k, self.x, self.price = 0, X, S0

    def step(self, n):
        n = min(max(n, 0.0), self.x)
        temporary = EPS + ETA * n / TAU if n > 0 else 0.0
        cost = -n * (self.price - temporary - S0)
        before = self.price
        self.x -= n
        self.price += SIGMA * math.sqrt(TAU) * rng.standard_normal() - GAMMA * n
        self.k += 1
        if self.k >= N and self.x > 0:
            cost += -self.x * (self.price - S0)
        return cost, before


def features(k, x):
    return [k / N, x / X, 0.0, 0.0]


def marked_cost(x_before, mid_before, x_after, mid_after, shortfall, last):
    # c_k = shortfall - s x_{k-1} (S_{k-1} - S_0) + s x_k (S_k - S_0) + lambda sigma^2 tau x_k^2, s = -1
    c = shortfall + x_before * (mid_before - S0) + LAM * SIGMA ** 2 * TAU * x_after ** 2
    if not last:
        c -= x_after * (mid_after - S0)
    return c


def network():
    net = torch.nn.Sequential(torch.nn.Linear(4, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
                              torch.nn.Linear(32, A))
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    return net


online, target = network(), network()
target.load_state_dict(online.state_dict())
opt = torch.optim.Adam(online.parameters(), lr=LR0, betas=(0.9, 0.999), eps=1e-8)
S = np.zeros((CAPACITY, 4), np.float32)
S2 = np.zeros((CAPACITY, 4), np.float32)
ACT = np.zeros(CAPACITY, np.int64)
COST = np.zeros(CAPACITY, np.float64)
DONE = np.zeros(CAPACITY, bool)
FORCED = np.zeros(CAPACITY, bool)
size, nxt, steps, env_steps = 0, 0, 0, 0
total_steps = (episodes - WARMUP) * N // EVERY
unit = 0.0


def greedy(k, x):
    with torch.no_grad():
        return int(torch.argmin(online(torch.tensor([features(k, x)], dtype=torch.float32))[0]))


def learn():
    global steps
    rows = rng.integers(0, size, BATCH)
    s, s2 = torch.from_numpy(S[rows]), torch.from_numpy(S2[rows])
    with torch.no_grad():
        a_next = torch.argmin(online(s2), dim=1)
        a_next[torch.from_numpy(FORCED[rows])] = 0
        value = target(s2).gather(1, a_next.unsqueeze(1)).squeeze(1)
        value[torch.from_numpy(DONE[rows])] = 0.0
        y = (torch.from_numpy(COST[rows] / unit).float() + s2[:, 1] * value) / torch.clamp(s[:, 1], min=1e-6)
    q = online(s).gather(1, torch.from_numpy(ACT[rows]).unsqueeze(1)).squeeze(1)
    loss = torch.mean((q - y) ** 2)
    for g in opt.param_groups:
        g["lr"] = LR0 + (LR1 - LR0) * min(1.0, steps / max(total_steps - 1, 1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    steps += 1
    if steps % TARGET == 0:
        target.load_state_dict(online.state_dict())


world = World()
start = time.perf_counter()
warm_total = 0.0
for e in range(episodes):
    warming = e < WARMUP
    progress = 0.0 if warming else (e - WARMUP) / max(episodes - WARMUP - 1, 1)
    epsilon = 1.0 if warming else EPS0 + (EPS1 - EPS0) * progress
    world.reset()
    episode_cost = 0.0
    while world.k < N:
        k, x, mid = world.k, world.x, world.price
        forced = k + 1 >= N
        a = 0 if forced else (int(rng.integers(0, A)) if rng.random() < epsilon else greedy(k, x))
        n = x if forced else FRACTIONS[a] * x
        shortfall, _ = world.step(n)
        last = world.k >= N
        c = marked_cost(x, mid, world.x, world.price, shortfall, last)
        episode_cost += c
        S[nxt], S2[nxt] = features(k, x), features(world.k, world.x)
        ACT[nxt], COST[nxt], DONE[nxt], FORCED[nxt] = a, c, last, world.k + 1 >= N
        nxt = (nxt + 1) % CAPACITY
        size = min(size + 1, CAPACITY)
        if not warming:
            env_steps += 1
            if env_steps % EVERY == 0:
                learn()
    if warming:
        warm_total += abs(episode_cost)
        if e + 1 == WARMUP:
            unit = warm_total / WARMUP or 1.0
seconds = time.perf_counter() - start

# The greedy trajectory, evaluated by the closed forms (Almgren and Chriss 2000, eq. 5 and 8).
x, holdings = X, [X]
for k in range(N):
    n = x if k + 1 >= N else FRACTIONS[greedy(k, x)] * x
    x -= n
    holdings.append(x)
trades = [holdings[i] - holdings[i + 1] for i in range(N)]
eta_tilde = ETA - GAMMA * TAU / 2
E = GAMMA * X ** 2 / 2 + EPS * sum(trades) + eta_tilde / TAU * sum(n * n for n in trades)
V = SIGMA ** 2 * TAU * sum(h * h for h in holdings[1:])
print("torch_version", torch.__version__)
print("episodes", episodes)
print("seconds", seconds)
print("episodes_per_second", episodes / seconds)
print("ratio", (E + LAM * V) / 1544577.74)
print("gradient_steps", steps)
