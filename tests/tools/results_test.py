#!/usr/bin/env python3
"""tools/results.py end to end, with a stand-in for the ecglens CLI that
writes the files `train`, `eval` and `baseline` write (no training): the
table's rows, mean ± std over seeded splits, resuming (and training again
when the options changed), keeping the other split group's table, and the
refusal of bad split names.

    python3 tests/tools/results_test.py   (ctest runs it as results_py_tests)"""
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS_PY = os.path.join(ROOT, "tools", "results.py")

# The stand-in: metrics depend on the model and the split's seed, so that
# rows and seeds differ; every call is logged to calls.log.
FAKE_ECGLENS = textwrap.dedent('''\
    #!/usr/bin/env python3
    import json, os, sys
    args = sys.argv[1:]
    opt = lambda name: args[args.index(name) + 1]
    with open(os.path.join(os.environ["FAKE_LOG_DIR"], "calls.log"), "a") as f:
        f.write(" ".join(args) + "\\n")
    def evaluation(base):
        return {"roc_auc": base, "pr_auc": base - 0.01,
                "at_threshold": {"accuracy": base - 0.02},
                "tuned_on_test_labels": {"best_accuracy": {"accuracy": base - 0.03}}}
    def seed(split):
        return 0 if split == "fixed" else int(split.split(":")[1]) + 1
    if args[0] == "train":
        out, split = opt("--out"), opt("--split")
        base = {"lstm_ae": 0.90, "srl_ae": 0.95}.get(opt("--arch"), 0.80) + 0.001 * seed(split)
        with open(out, "w") as f:
            json.dump({"base": base}, f)
        with open(out + ".curve.csv", "w") as f:
            f.write("epoch,seconds\\n1,10\\n2,%d\\n" % (10 + seed(split)))
        open(opt("--export-test"), "w").close()
    elif args[0] == "eval":
        base = json.load(open(opt("-m")))["base"]
        json.dump({"evaluation": evaluation(base)}, open(opt("--json"), "w"))
    elif args[0] == "baseline":
        s = seed(opt("--split"))
        rows = [{"method": m, "label": m + " label", "evaluation": evaluation(0.5 + 0.01 * i + 0.001 * s)}
                for i, m in enumerate(["mean", "pca", "1nn", "knn"])]
        json.dump({"baselines": rows}, open(opt("--json"), "w"))
''')


class ResultsPy(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = self.dir.name
        self.cli = os.path.join(self.root, "ecglens")
        with open(self.cli, "w") as f:
            f.write(FAKE_ECGLENS)
        os.chmod(self.cli, 0o755)
        self.out = os.path.join(self.root, "RESULTS.md")

    def tearDown(self):
        self.dir.cleanup()

    def run_results(self, *extra, check=True):
        cmd = [sys.executable, RESULTS_PY, "--ecglens", self.cli, "--data-dir", self.root,
               "--results", os.path.join(self.root, "results"), "--out", self.out, *extra]
        p = subprocess.run(cmd, capture_output=True, text=True,
                           env=dict(os.environ, FAKE_LOG_DIR=self.root))
        if check:
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p

    def table(self):
        with open(self.out, encoding="utf-8") as f:
            return f.read()

    def calls(self, verb):
        with open(os.path.join(self.root, "calls.log")) as f:
            return [line for line in f if line.startswith(verb + " ")]

    def test_fixed_split_rows_hold_each_models_metrics_and_training_seconds(self):
        self.run_results("--models", "lstm_ae,srl_ae", "--splits", "fixed")
        text = self.table()
        self.assertIn("| LSTM-AE 64/64 | 0.9000 | 0.8900 | 0.880 | 0.870 | 20 |", text)
        self.assertIn("| SRL-AE 64-32-16 / 32-64 | 0.9500 | 0.9400 | 0.930 | 0.920 | 20 |", text)
        self.assertIn("| knn label (baseline) | 0.5300 | 0.5200 | 0.510 | 0.500 | – |", text)
        self.assertIn("The seeded splits were not run", text)

    def test_seeded_rows_are_mean_and_sample_std_over_the_splits(self):
        self.run_results("--models", "srl_ae", "--splits", "seeded:0,seeded:1,seeded:2")
        text = self.table()
        # ROC-AUC 0.951, 0.952, 0.953: mean 0.952, sample std 0.001; seconds 21, 22, 23.
        self.assertIn("## Split seeded:0-4 (seeded:0, seeded:1, seeded:2)", text)
        self.assertIn("| SRL-AE 64-32-16 / 32-64 | 0.9520 ± 0.0010 | 0.9420 ± 0.0010 | "
                      "0.932 ± 0.001 | 0.922 ± 0.001 | 22 ± 1 |", text)
        self.assertIn("Not run on the seeded splits for this file: LSTM-AE 64/64;", text)

    def test_a_second_run_reuses_finished_runs_instead_of_training_again(self):
        self.run_results("--models", "srl_ae", "--splits", "fixed")
        first = self.table()
        self.run_results("--models", "srl_ae", "--splits", "fixed")
        self.assertEqual(len(self.calls("train")), 1)
        self.assertEqual(len(self.calls("baseline")), 1)
        self.assertEqual(self.table(), first)

    def test_a_finished_run_made_with_other_options_is_trained_again(self):
        self.run_results("--models", "srl_ae", "--splits", "fixed")
        options = os.path.join(self.root, "results", "srl_ae", "fixed", "options.txt")
        with open(options) as f:
            self.assertIn("--arch srl_ae", f.read())
        with open(options, "w") as f:
            f.write("--arch srl_ae --epochs 1\n")
        p = self.run_results("--models", "srl_ae", "--splits", "fixed")
        self.assertIn("trained with other options", p.stdout)
        self.assertEqual(len(self.calls("train")), 2)
        # A run with no recorded options (made before they were kept) is trained again too.
        os.remove(options)
        self.run_results("--models", "srl_ae", "--splits", "fixed")
        self.assertEqual(len(self.calls("train")), 3)
        self.run_results("--models", "srl_ae", "--splits", "fixed")
        self.assertEqual(len(self.calls("train")), 3)

    def test_a_run_of_one_split_group_keeps_the_other_groups_table(self):
        self.run_results("--models", "lstm_ae,srl_ae", "--splits", "fixed")
        fixed_rows = [l for l in self.table().splitlines() if l.startswith("| ")]
        self.run_results("--models", "srl_ae", "--splits", "seeded:0,seeded:1")
        text = self.table()
        for row in fixed_rows:
            self.assertIn(row, text)
        self.assertIn("Kept from the earlier RESULTS.md", text)
        self.assertIn("## Split seeded:0-4 (seeded:0, seeded:1)", text)
        self.assertNotIn("The seeded splits were not run", text)
        self.assertIn("Not run on the seeded splits for this file: LSTM-AE 64/64;", text)
        self.assertLess(text.index("## Split fixed"), text.index("## Split seeded"))
        # Running the fixed split again replaces the kept table, keeps the seeded one.
        self.run_results("--models", "srl_ae", "--splits", "fixed")
        text = self.table()
        self.assertNotIn("LSTM-AE 64/64 | 0.9000", text)
        self.assertEqual(len(re.findall(r"Kept from the earlier", text)), 1)
        self.assertIn("## Split seeded:0-4 (seeded:0, seeded:1)", text)
        # The kept seeded table still says which main model has no seeded rows.
        self.assertIn("Not run on the seeded splits for this file: LSTM-AE 64/64;", text)
        self.assertNotIn("The seeded splits were not run", text)

    def test_bad_split_names_and_models_are_refused_before_any_training(self):
        for extra, message in [(["--splits", "seeded:0-4"], "unknown split 'seeded:0-4'"),
                               (["--models", "lstm"], "unknown model 'lstm'"),
                               (["--models", "srl_ae", "--seeded-models", "mlp_ae"],
                                "--seeded-models takes main models")]:
            p = self.run_results(*extra, check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(message, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.root, "calls.log")))
        self.assertFalse(os.path.exists(self.out))


if __name__ == "__main__":
    unittest.main()
