#!/usr/bin/env python3
"""Regenerates models/RESULTS.md: every model below trained and evaluated on
ECG5000 under the evaluation protocol (PROTOCOL.md), with the protocol's
baselines computed by the same evaluation code beside them.

For each model and split it runs, from the repository root,
    ecglens train <the model's options> --split S --out R/model.ecgw --export-test R/test.csv
    ecglens eval -m R/model.ecgw -i R/test.csv --json R/eval.json
and for each split `ecglens baseline --method all --split S --json R/baselines.json`,
where R is results/<model>/<split>/ (not committed). A run whose eval.json
exists is not run again, so an interrupted `make results` continues where it
stopped; delete results/ to start over. A split group (fixed, or the seeded
splits) that this run leaves out keeps its table from the --out file already
there, marked as kept, so the seeded splits can be run without the fixed
split's hours again and the other way round. Splits: `fixed` for every model, and
seeded:0-4 (reported as mean ± sample std) for the main models. Thresholds:
leak-free = the model's default preset (p99 of the validation normals);
tuned = best accuracy on the test labels, for comparison only.

    tools/results.py [--ecglens build/native/cli/ecglens] [--data-dir DIR]
                     [--models lstm_ae,srl_ae] [--splits fixed] [--seeded-models srl_ae]
                     [--device cpu]
                     [--out models/RESULTS.md]

Uses only the standard library."""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time

# name: (what the table calls it, main model?, `ecglens train` options).
# The main models' options are those of the bundled models (models/*.md),
# chosen on the validation split.
MODELS = {
    "lstm_ae": ("LSTM-AE 64/64", True,
                "--arch lstm_ae --encoder 64 --decoder 64 --epochs 500 --batch 64 --lr 0.003 "
                "--clip 1.0 --patience 60 --lr-patience 15 --lr-factor 0.5 --seed 0"),
    "srl_ae": ("SRL-AE 64-32-16 / 32-64", True,
               "--arch srl_ae --encoder 64 32 16 --decoder 32 64 --epochs 500 --batch 64 "
               "--lr 0.003 --clip 1.0 --patience 60 --lr-patience 15 --lr-factor 0.5 "
               "--sparsity-rho 0.05 --sparsity-beta 0.001 --seed 0"),
    # First, untuned settings of the other kinds (fixed split only).
    "lstm_vae": ("LSTM-VAE 32/32, latent 8", False,
                 "--arch lstm_vae --encoder 32 --decoder 32 --latent 8 --sparsity-beta 1e-3 "
                 "--epochs 150 --batch 32 --lr 2e-3 --clip 1 --patience 20 --seed 0"),
    "mlp_ae": ("MLP-AE 64-16", False,
               "--arch mlp_ae --hidden 64 16 --epochs 300 --batch 32 --lr 1e-3 --patience 30 "
               "--seed 0"),
    "conv1d_ae": ("Conv1D-AE 32-16, kernel 7, stride 2", False,
                  "--arch conv1d_ae --channels 32 16 --kernel 7 --stride 2 --epochs 300 --lr 2e-3 "
                  "--patience 30 --seed 0"),
    "recae": ("RecAE 32", False,
              "--arch recae --hidden 32 --epochs 150 --batch 32 --lr 2e-3 --clip 1 --patience 20 "
              "--seed 0"),
}
BASELINES = ["mean", "pca", "1nn", "knn"]
SEEDED = [f"seeded:{s}" for s in range(5)]


def run(cmd, log):
    print("$ " + " ".join(cmd), flush=True)
    with open(log, "w") as f:
        subprocess.run(cmd, check=True, stdout=f, stderr=subprocess.STDOUT)


def metrics(evaluation):
    return {
        "roc_auc": evaluation["roc_auc"],
        "pr_auc": evaluation["pr_auc"],
        "leak_free_acc": evaluation["at_threshold"]["accuracy"],
        "tuned_acc": evaluation["tuned_on_test_labels"]["best_accuracy"]["accuracy"],
    }


def write_atomically(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def read_text(path):
    """The file's text without surrounding white space, or None if it is missing."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read().strip()


def train_seconds(curve):
    with open(curve) as f:
        return sum(float(row["seconds"]) for row in csv.DictReader(f))


def model_run(args, name, split):
    folder = os.path.join(args.results, name, split.replace(":", "_"))
    result = os.path.join(folder, "eval.json")
    # A finished run is reused only if it was trained with the current options:
    # the options are written beside its result, and a run made with other
    # options (or before they were recorded) is trained again.
    options = f"{MODELS[name][2]} --device {args.device}"
    options_file = os.path.join(folder, "options.txt")
    recorded = read_text(options_file)
    if os.path.exists(result) and recorded != options:
        print(f"{folder}: trained with other options ({recorded or 'not recorded'}); "
              "training again", flush=True)
        os.remove(result)
    if not os.path.exists(result):
        os.makedirs(folder, exist_ok=True)
        model = os.path.join(folder, "model.ecgw")
        run([args.ecglens, "train", *options.split(),
             "--data-dir", args.data_dir, "--split", split, "--out", model,
             "--export-test", os.path.join(folder, "test.csv"), "--quiet"],
            os.path.join(folder, "train.log"))
        run([args.ecglens, "eval", "-m", model, "-i", os.path.join(folder, "test.csv"),
             "--json", result + ".tmp"], os.path.join(folder, "eval.log"))
        write_atomically(options_file, options + "\n")
        os.replace(result + ".tmp", result)
    with open(result) as f:
        m = metrics(json.load(f)["evaluation"])
    m["seconds"] = train_seconds(os.path.join(folder, "model.ecgw.curve.csv"))
    return m


def baseline_runs(args, split):
    folder = os.path.join(args.results, "baselines", split.replace(":", "_"))
    result = os.path.join(folder, "baselines.json")
    if not os.path.exists(result):
        os.makedirs(folder, exist_ok=True)
        run([args.ecglens, "baseline", "--method", "all", "--data-dir", args.data_dir,
             "--split", split, "--json", result + ".tmp"], os.path.join(folder, "baseline.log"))
        os.replace(result + ".tmp", result)
    with open(result) as f:
        rows = json.load(f)["baselines"]
    return {r["method"]: (r["label"], metrics(r["evaluation"])) for r in rows}


def cell(values, key, digits=4):
    xs = [v[key] for v in values]
    if len(xs) == 1:
        return f"{xs[0]:.{digits}f}"
    return f"{statistics.mean(xs):.{digits}f} ± {statistics.stdev(xs):.{digits}f}"


def kept_tables(path, labels_run):
    """The tables of an earlier results file for the split groups this run
    does not produce, verbatim: {label: lines from its '## Split' title to
    its last row}."""
    if not os.path.exists(path):
        return {}
    kept = {}
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("## Split "):
            continue
        label = "fixed" if line == "## Split fixed" else "seeded:0-4"
        if label in labels_run:
            continue
        end = i + 2  # the title, a blank line, then the table's rows
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        kept[label] = lines[i:end]
    return kept


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ecglens", default="build/native/cli/ecglens")
    p.add_argument("--data-dir", default="../shared/data/ecg5000")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--splits", default="fixed," + ",".join(SEEDED),
                   help="fixed and/or seeded:S, comma-separated (seeded splits: main models only)")
    p.add_argument("--seeded-models", default=None,
                   help="the main models run on the seeded splits (default: those in --models)")
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto (ecglens train --device)")
    p.add_argument("--results", default="results")
    p.add_argument("--out", default="models/RESULTS.md")
    args = p.parse_args()
    models = [m for m in args.models.split(",") if m]
    splits = [s for s in args.splits.split(",") if s]
    main_models = [m for m in models if MODELS.get(m, ("", False))[1]]
    seeded_models = (main_models if args.seeded_models is None
                     else [m for m in args.seeded_models.split(",") if m])
    for m in seeded_models:
        if m not in main_models:
            sys.exit(f"results.py: --seeded-models takes main models of --models "
                     f"({', '.join(main_models)}), not '{m}'")
    for m in models:
        if m not in MODELS:
            sys.exit(f"results.py: unknown model '{m}' (known: {', '.join(MODELS)})")
    for s in splits:
        if s != "fixed" and not re.fullmatch(r"seeded:\d+", s):
            sys.exit(f"results.py: unknown split '{s}' (fixed or seeded:S, one seed each: "
                     "seeded:0,seeded:1,...)")
    start = time.time()

    tables = []
    for label, group in [("fixed", [s for s in splits if s == "fixed"]),
                         ("seeded:0-4", [s for s in splits if s.startswith("seeded:")])]:
        if not group:
            continue
        rows = []
        for m in models:
            if label != "fixed" and m not in seeded_models:
                continue
            runs = [model_run(args, m, s) for s in group]
            rows.append((MODELS[m][0], runs))
        per_split = [baseline_runs(args, s) for s in group]
        for method in BASELINES:
            runs = [b[method][1] for b in per_split if method in b]
            if runs:
                rows.append((per_split[0][method][0] + " (baseline)", runs))
        tables.append((label, group, rows))

    lines = ["# Results on ECG5000", "",
             "Written by `tools/results.py` (`make results`); do not edit by hand. Protocol:",
             "[PROTOCOL.md](../../shared/docs/PROTOCOL.md). Leak-free accuracy uses the",
             "model's default threshold, the 99th percentile of the validation normals'",
             "scores; tuned accuracy picks the best threshold on the test labels and is",
             "for comparison only. Seeded rows are mean ± sample standard deviation over",
             "the splits; training time is the sum of the epoch times in seconds, wall",
             "clock on whatever else the machine was running (one CPU thread unless the",
             f"device says otherwise: `--device {args.device}`).", ""]
    kept = kept_tables(args.out, {label for label, _, _ in tables})
    seeded_rows = None  # the names in the seeded table, produced or kept
    for label in ["fixed", "seeded:0-4"]:
        produced = [t for t in tables if t[0] == label]
        if label in kept and not produced:
            lines += kept[label] + ["", f"(Kept from the earlier {os.path.basename(args.out)}: "
                                        "this run did not train on these splits.)", ""]
            if label != "fixed":
                seeded_rows = {l.split(" | ")[0][2:] for l in kept[label][4:]}
            continue
        if not produced:
            continue
        _, group, rows = produced[0]
        if label != "fixed":
            seeded_rows = {name for name, _ in rows}
        lines += [f"## Split {label} ({', '.join(group)})" if label != "fixed" else "## Split fixed",
                  "", "| model | ROC-AUC | PR-AUC | leak-free acc | tuned acc | train s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, runs in rows:
            secs = cell(runs, "seconds", 0) if "seconds" in runs[0] else "–"
            lines.append(f"| {name} | {cell(runs, 'roc_auc')} | {cell(runs, 'pr_auc')} | "
                         f"{cell(runs, 'leak_free_acc', 3)} | {cell(runs, 'tuned_acc', 3)} | {secs} |")
        lines.append("")
    # Every main model without a row in the seeded table is named.
    left_out = [name for name, main, _ in MODELS.values() if main and name not in (seeded_rows or ())]
    if seeded_rows is not None and left_out:
        lines += ["Not run on the seeded splits for this file: " + ", ".join(left_out) +
                  "; `make results` runs them.", ""]
    if seeded_rows is None:
        lines += ["The seeded splits were not run for this file (`--splits " + args.splits + "`);",
                  "`make results` runs them.", ""]
    write_atomically(args.out, "\n".join(lines))
    print(f"wrote {args.out} ({time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
