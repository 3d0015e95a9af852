"""Trains and scores one scikit-learn model on one benchmark data set (written by datasets.py)
and prints one JSON object: timings, peak memory, pickled model size and test-set outputs.
The Node harness (run.ts) computes the quality metrics from those outputs, the same way
for every engine.

Usage: python sklearn_baseline.py --data DIR --dataset NAME --model rf|iforest --trees N
         [--max-depth D|none] [--seed S] [--contamination C] [--sample-size 256]
"""
import argparse
import json
import os
import pickle
import time

import numpy as np


def status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def reset_peak_rss():
    """Resets the kernel's RSS high-water mark (Linux >= 4.0), as engine-runner.ts does; returns current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return status_bytes("VmRSS")


def load(data_dir, name):
    with open(os.path.join(data_dir, "manifest.json")) as f:
        meta = next(d for d in json.load(f) if d["name"] == name)
    raw = np.fromfile(os.path.join(data_dir, meta["file"]), dtype=np.uint8)
    nf, ntr, nte = meta["nFeatures"], meta["trainRows"], meta["testRows"]
    offset = 0

    def take(count, dtype):
        nonlocal offset
        size = count * np.dtype(dtype).itemsize
        out = raw[offset:offset + size].view(dtype)
        offset += size
        return out

    x_train = take(ntr * nf, "<f8").reshape(ntr, nf)
    y_train = take(ntr, "<i4")
    x_test = take(nte * nf, "<f8").reshape(nte, nf)
    y_test = take(nte, "<i4")
    return meta, x_train, y_train, x_test, y_test


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--model", choices=["rf", "iforest"], required=True)
    parser.add_argument("--trees", type=int, required=True)
    parser.add_argument("--max-depth", default="none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contamination", type=float, default=0.05)
    parser.add_argument("--sample-size", type=int, default=256)
    args = parser.parse_args()

    meta, x_train, y_train, x_test, y_test = load(args.data, args.dataset)
    x_train, x_test = np.ascontiguousarray(x_train), np.ascontiguousarray(x_test)

    if args.model == "rf":
        from sklearn.ensemble import RandomForestClassifier
        max_depth = None if args.max_depth == "none" else int(args.max_depth)
        model = RandomForestClassifier(n_estimators=args.trees, max_features="sqrt", max_depth=max_depth,
                                       bootstrap=True, n_jobs=1, random_state=args.seed)
    else:
        from sklearn.ensemble import IsolationForest
        model = IsolationForest(n_estimators=args.trees, max_samples=min(args.sample_size, len(x_train)),
                                contamination=args.contamination, n_jobs=1, random_state=args.seed)

    rss_before = reset_peak_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x_train, y_train if args.model == "rf" else None)
    train_wall, train_cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_delta = status_bytes("VmHWM") - rss_before

    wall, cpu = time.perf_counter(), time.process_time()
    if args.model == "rf":
        proba = model.predict_proba(x_test)
        predicted = model.classes_[np.argmax(proba, axis=1)]
        outputs = {"predicted": predicted.astype(int).tolist()}
    else:
        scores = -model.score_samples(x_test)  # higher = more anomalous, like s(x, n)
        flagged = (model.predict(x_test) == -1).astype(int)
        outputs = {"scores": scores.tolist(), "flagged": flagged.tolist()}
    predict_wall, predict_cpu = time.perf_counter() - wall, time.process_time() - cpu

    import sklearn
    print(json.dumps({
        "engine": "scikit-learn " + sklearn.__version__,
        "trainWallMs": train_wall * 1000, "trainCpuMs": train_cpu * 1000,
        "predictWallMs": predict_wall * 1000, "predictCpuMs": predict_cpu * 1000,
        "peakMemoryBytes": max(0, peak_delta),
        "modelBytes": len(pickle.dumps(model)),
        **outputs,
    }))


if __name__ == "__main__":
    main()
