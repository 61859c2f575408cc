#!/usr/bin/python3
"""Writes tests/fixtures/eval/metrics_cases.json, the expected values that
tests/core/eval/ compares the evaluation code against.

Regenerate (from the repository root, with Debian's Python, which has numpy
and scikit-learn):

    /usr/bin/python3 tests/reference/make_metric_fixtures.py

The output is deterministic (seeded numpy). Every score and loss is a float32
value stored as the double it converts to exactly, so the C++ code, which
reads them as float, sees the very numbers scikit-learn saw. Expected values
are computed in float64.

Conventions, as in ecglens/eval: labels 0 = normal, 1 = anomaly (the positive
class); a beat is flagged when its score is strictly greater than the
threshold; metrics with a zero denominator are 0.
"""
import json
import os
from fractions import Fraction

import numpy as np
from sklearn.metrics import (accuracy_score, average_precision_score,
                             confusion_matrix, f1_score, precision_recall_curve,
                             precision_score, recall_score, roc_auc_score,
                             roc_curve)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                   "eval", "metrics_cases.json")


def f32(values):
    """float32 values, returned as float64 (exact) for every computation."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def at_threshold(scores, labels, threshold):
    pred = (scores > threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(labels, pred, labels=[0, 1]).ravel()
    return {
        "threshold": float(threshold),
        "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
        "accuracy": float(accuracy_score(labels, pred)),
        "precision": float(precision_score(labels, pred, zero_division=0)),
        "recall": float(recall_score(labels, pred, zero_division=0)),
        "f1": float(f1_score(labels, pred, zero_division=0)),
        "f1_normal_positive": float(f1_score(labels, pred, pos_label=0, zero_division=0)),
        "specificity": float(recall_score(labels, pred, pos_label=0, zero_division=0)),
    }


def brute_force_tuned(scores, labels):
    """Best accuracy and best F1 over every threshold, lowest threshold on ties.

    Flagging depends only on which scores lie above the threshold, so trying
    -inf and every score value covers every possible outcome. Metrics are
    compared as exact fractions, so equal values tie exactly."""
    candidates = [-np.inf] + sorted(set(scores.tolist()))
    best = {}
    for name in ("accuracy", "f1"):
        best_key, best_t = None, None
        for t in candidates:
            pred = scores > t
            tp = int(np.sum(pred & (labels == 1)))
            fp = int(np.sum(pred & (labels == 0)))
            fn = int(np.sum(~pred & (labels == 1)))
            tn = int(np.sum(~pred & (labels == 0)))
            if name == "accuracy":
                key = Fraction(tp + tn, len(labels))
            else:
                key = Fraction(2 * tp, 2 * tp + fp + fn) if tp else Fraction(0)
            if best_key is None or key > best_key:
                best_key, best_t = key, t
        row = at_threshold(scores, labels, best_t)
        # The exact optimum agrees with scikit-learn's own metric.
        assert abs(row[name] - float(best_key)) < 1e-15, (name, row, best_key)
        best[name] = {"value": float(best_key),
                      **{k: row[k] for k in ("tp", "fp", "tn", "fn")}}
    return best


def make_case(name, scores, labels, thresholds, curves=True):
    scores = f32(scores)
    labels = np.asarray(labels, dtype=int)
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    precision, recall, _ = precision_recall_curve(labels, scores)
    tuned = brute_force_tuned(scores, labels)
    normal_mean = float(np.mean(scores[labels == 0]))
    anomaly_mean = float(np.mean(scores[labels == 1]))
    case = {
        "name": name,
        "scores": scores.tolist(),
        "labels": labels.tolist(),
        "roc_auc": float(roc_auc_score(labels, scores)),
        "pr_auc": float(average_precision_score(labels, scores)),
        "normal_loss_mean": normal_mean,
        "anomaly_loss_mean": anomaly_mean,
        "loss_gap": anomaly_mean - normal_mean,
        # scikit-learn's points in order of decreasing threshold, starting at
        # "nothing flagged". Its PR curve stops at the first point of full
        # recall, so it is a prefix of ecglens's.
        "roc_curve": {"fpr": fpr.tolist(), "tpr": tpr.tolist()},
        "pr_curve": {"recall": recall[::-1].tolist(), "precision": precision[::-1].tolist()},
        "at_thresholds": [at_threshold(scores, labels, t) for t in f32(thresholds)],
        "tuned_accuracy": tuned["accuracy"],
        "tuned_f1": tuned["f1"],
    }
    if not curves:  # keeps the file small; the smaller cases check the curves
        del case["roc_curve"], case["pr_curve"]
    return case


def presets(losses):
    v = f32(losses)
    mean, std = np.mean(v), np.std(v)  # population standard deviation (ddof=0)
    return {
        "validation_losses": v.tolist(),
        "expected": {
            "mean+1sd": float(mean + 1 * std),
            "mean+2sd": float(mean + 2 * std),
            "mean+3sd": float(mean + 3 * std),
            "p95": float(np.percentile(v, 95)),  # numpy's default: linear
            "p99": float(np.percentile(v, 99)),
            "max": float(np.max(v)),
        },
    }


def losses(rng, length, channels):
    x = f32(rng.normal(0.0, 1.0, (length, channels)))
    y = f32(x + rng.normal(0.0, 0.2, (length, channels)))
    d = x - y
    return {
        "length": length, "channels": channels,
        "x": x.ravel().tolist(), "y": y.ravel().tolist(),  # [step][channel]
        "mse": float(np.mean(d ** 2)),
        "mae": float(np.mean(np.abs(d))),
        "sae": float(np.sum(np.abs(d))),
        "timestep_error": np.mean(d ** 2, axis=1).tolist(),
    }


def main():
    rng = np.random.default_rng(20240611)
    cases = []

    # Random, overlapping classes: 140 normal, 60 anomalous.
    normal = rng.gamma(4.0, 0.5, 140)
    anomaly = rng.gamma(4.0, 0.5, 60) + 1.5
    s = np.concatenate([normal, anomaly])
    y = np.r_[np.zeros(140, int), np.ones(60, int)]
    order = rng.permutation(len(s))
    s, y = s[order], y[order]
    cases.append(make_case("random", s, y, [np.median(s), np.percentile(s, 80), s[3], 0.0, 100.0]))

    # Heavy ties: the same kind of scores rounded to one decimal. Thresholds
    # equal to tied score values check the strict "score > threshold" rule.
    t = np.round(np.concatenate([rng.normal(1.0, 0.3, 90), rng.normal(1.4, 0.3, 60)]), 1)
    y = np.r_[np.zeros(90, int), np.ones(60, int)]
    order = rng.permutation(len(t))
    t, y = t[order], y[order]
    cases.append(make_case("heavy_ties", t, y, [1.0, 1.2, 1.3, 0.95]))

    # Every score identical: no threshold separates anything.
    y = np.r_[np.zeros(7, int), np.ones(5, int)]
    cases.append(make_case("all_identical", np.full(12, 0.75), rng.permutation(y),
                           [0.75, 0.5, 1.0]))

    # Perfectly separated.
    s = np.r_[rng.uniform(0.0, 1.0, 30), rng.uniform(2.0, 3.0, 20)]
    y = np.r_[np.zeros(30, int), np.ones(20, int)]
    order = rng.permutation(len(s))
    cases.append(make_case("separated", s[order], y[order], [1.5, 0.5, 2.5]))

    # Inverted: anomalies score lower than every normal beat.
    cases.append(make_case("inverted", s[order], 1 - y[order], [1.5, 0.5, 2.5]))

    # Small and imbalanced: 9 normal, 2 anomalous, one anomaly hidden among
    # the normals and one tie across classes.
    s = [0.1, 0.2, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.9, 0.35, 1.2]
    y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    cases.append(make_case("small_imbalanced", s, y, [0.35, 0.3, 0.6, 1.0]))

    # Larger random case with many near-ties, as float32 model losses are.
    s = np.r_[rng.lognormal(0.0, 0.5, 919), rng.lognormal(1.2, 0.6, 2081)]
    y = np.r_[np.zeros(919, int), np.ones(2081, int)]
    order = rng.permutation(len(s))
    s, y = s[order], y[order]
    cases.append(make_case("ecg_sized", s, y, [np.percentile(s[y == 0], 99), 2.0],
                           curves=False))

    fixture = {
        "cases": cases,
        "presets": [
            presets(rng.gamma(3.0, 0.1, 100)),   # the protocol's 100 validation beats
            presets(rng.gamma(3.0, 0.1, 7)),     # few beats: the interpolation matters
            presets([0.25]),                     # one beat: every preset is that value
        ],
        "losses": losses(rng, 140, 2),
    }

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
