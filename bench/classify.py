"""Households per second of the poverty engine: scalar path, bulk (numpy) path, and a raw numpy kernel.

Synthetic households under ND07-2021: incomes around the lines, 12 deprivation flags each with a
realistic probability. Goals (issue 3): bulk ≥ half the raw kernel's speed; scalar ≥ 200,000/s;
memory for 10 million households under 2 GB.
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from giamngheo.poverty.bulk import classify_bulk
from giamngheo.poverty.classify import classify_flags
from giamngheo.poverty.standard import standard_for

STANDARD = standard_for(2026)
KEYS = STANDARD.indicator_keys
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000,10000000").split(",")]
SCALAR_CHUNK = 100_000


def synthetic(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    area = (rng.random(n) < 0.35).astype(np.int8)
    income = rng.integers(500_000, 4_000_000, size=n, dtype=np.int64)
    # Put a good share exactly on the boundaries.
    income[rng.random(n) < 0.05] = 1_500_000
    deprivations = (rng.random((n, len(KEYS)), dtype=np.float32) < 0.15).astype(np.uint8)
    return area, income, deprivations


def raw_kernel(area: np.ndarray, income: np.ndarray, deprivations: np.ndarray) -> np.ndarray:
    urban = area == 1
    line = np.where(urban, 2_000_000, 1_500_000)
    middle = np.where(urban, 3_000_000, 2_250_000)
    count = np.count_nonzero(deprivations, axis=1)
    below = income <= line
    return np.where(below, np.where(count >= 3, 0, 1), np.where(income <= middle, 2, 3)).astype(np.int8)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>14,.0f} households/s"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


print(f"   standard {STANDARD.code}, {len(KEYS)} indicators; numpy {np.__version__}")
for n in SIZES:
    area, income, deprivations = synthetic(n, seed=n)
    started = time.perf_counter()
    raw = raw_kernel(area, income, deprivations)
    raw_s = time.perf_counter() - started
    started = time.perf_counter()
    bulk = classify_bulk(
        area=area, income=income, deprivations=deprivations, indicators=KEYS, standard=STANDARD
    )
    bulk_s = time.perf_counter() - started
    assert np.array_equal(raw, bulk.category), "bulk path and raw kernel disagree"
    print(f"   n={n:>11,}  raw numpy kernel {rate(n, raw_s)}")
    print(f"   n={n:>11,}  bulk path        {rate(n, bulk_s)}   ({raw_s / bulk_s:.0%} of raw)")
    print(f"   peak memory so far {peak_rss_mb():,.0f} MB")
    # Scalar path: classify_flags per household, on pre-built Python inputs (building them is not timed).
    area_s = ["urban" if a else "rural" for a in area[:SCALAR_CHUNK].tolist()]
    income_s = income[:SCALAR_CHUNK].tolist()
    flags = [tuple(KEYS[j] for j in np.flatnonzero(row)) for row in deprivations[:SCALAR_CHUNK]]
    del raw, bulk
    gc.collect()
    started = time.perf_counter()
    done = 0
    while done < n:
        for a, i, f in zip(area_s, income_s, flags, strict=True):
            classify_flags(a, i, f, STANDARD)
        done += SCALAR_CHUNK
    scalar_s = time.perf_counter() - started
    print(f"   n={n:>11,}  scalar path      {rate(done, scalar_s)}")
    del area, income, deprivations
    gc.collect()
print(f"   peak memory {peak_rss_mb():,.0f} MB (resident, whole run)")
