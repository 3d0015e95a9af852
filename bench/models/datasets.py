"""Writes the benchmark data sets, generated or loaded with scikit-learn, to one folder that
both the Node harness and sklearn_baseline.py read, so every engine sees identical rows.

Layout: <out>/manifest.json lists the data sets; <out>/<name>.bin holds, little-endian and
back to back, X_train (float64, row-major), y_train (int32), X_test (float64), y_test (int32).
For anomaly sets y is 1 for a planted/minority anomaly and 0 otherwise.

Usage: python datasets.py --out DIR [--quick]
"""
import argparse
import json
import os

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_blobs, make_classification
from sklearn.model_selection import train_test_split

SEED = 20240601


def write(out, manifest, name, kind, description, x_train, y_train, x_test, y_test, n_classes):
    path = os.path.join(out, f"{name}.bin")
    with open(path, "wb") as f:
        for array, dtype in ((x_train, "<f8"), (y_train, "<i4"), (x_test, "<f8"), (y_test, "<i4")):
            f.write(np.ascontiguousarray(array, dtype=dtype).tobytes())
    manifest.append({
        "name": name, "kind": kind, "description": description, "file": f"{name}.bin",
        "nFeatures": int(x_train.shape[1]), "nClasses": int(n_classes),
        "trainRows": int(x_train.shape[0]), "testRows": int(x_test.shape[0]),
    })


def synthetic_classification(rows):
    # 8 classes x 20 features; the test split adds a quarter of the training rows.
    test = max(1000, rows // 4)
    x, y = make_classification(n_samples=rows + test, n_features=20, n_informative=10, n_redundant=4,
                               n_classes=8, n_clusters_per_class=2, class_sep=1.0, flip_y=0.01, random_state=SEED)
    return train_test_split(x, y, test_size=test, random_state=SEED, stratify=y)


def synthetic_anomalies(rows):
    # Inliers: 4 Gaussian clusters (std 2) in 10 dimensions. Anomalies (3%): scattered around
    # the same centres with twice the spread, so some overlap the clusters and ROC-AUC stays
    # below 1 (around 0.93): engines can be told apart.
    test = max(1000, rows // 4)
    total = rows + test
    n_out = int(round(total * 0.03))
    inliers, _, centers = make_blobs(n_samples=total - n_out, n_features=10, centers=4, cluster_std=2.0,
                                     random_state=SEED, return_centers=True)
    rng = np.random.default_rng(SEED)
    outliers = centers[rng.integers(0, len(centers), n_out)] + rng.normal(0, 4.0, size=(n_out, inliers.shape[1]))
    x = np.vstack([inliers, outliers])
    y = np.concatenate([np.zeros(len(inliers), dtype=np.int32), np.ones(n_out, dtype=np.int32)])
    return train_test_split(x, y, test_size=test, random_state=SEED, stratify=y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]

    for rows in sizes:
        x_tr, x_te, y_tr, y_te = synthetic_classification(rows)
        write(args.out, manifest, f"synthetic-{rows // 1000}k", "classification",
              f"make_classification, 8 classes x 20 features, {rows} train rows", x_tr, y_tr, x_te, y_te, 8)
    for name, loader in (("digits", load_digits), ("breast_cancer", load_breast_cancer), ("wine", load_wine)):
        data = loader()
        x_tr, x_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25, random_state=SEED, stratify=data.target)
        write(args.out, manifest, name, "classification", f"sklearn.datasets.load_{name}", x_tr, y_tr, x_te, y_te,
              len(np.unique(data.target)))

    for rows in sizes:
        x_tr, x_te, y_tr, y_te = synthetic_anomalies(rows)
        write(args.out, manifest, f"anomalies-{rows // 1000}k", "anomaly",
              f"4 Gaussian clusters x 10 features + 3% wider-spread outliers, {rows} train rows", x_tr, y_tr, x_te, y_te, 2)
    data = load_breast_cancer()
    # Malignant (target 0, the minority: 212 of 569) are the anomalies.
    y = (data.target == 0).astype(np.int32)
    x_tr, x_te, y_tr, y_te = train_test_split(data.data, y, test_size=0.25, random_state=SEED, stratify=y)
    write(args.out, manifest, "breast_cancer-anomaly", "anomaly", "load_breast_cancer, malignant (37%) as anomalies",
          x_tr, y_tr, x_te, y_te, 2)

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
