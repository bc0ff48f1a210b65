"""One line per trained and evaluated run, for the study scripts under jobs/.

Usage: python3 jobs/results_tsv.py OUT_DIR TABLE RUN ...
Reads, for each RUN, the last line of OUT_DIR/RUN/metrics.jsonl (train's progress record),
OUT_DIR/RUN/eval/nll.json (evaluate's summary) and, when sampled, OUT_DIR/RUN/samples/sample.json,
and writes OUT_DIR/TABLE with the same columns for every study; a field a run lacks (no
Fokker-Planck penalty, no samples) is left empty.
"""
import json
import os
import sys

COLUMNS = ["run", "rounds", "examples_seen", "train_seconds", "last_loss", "last_fp_penalty",
           "bits_per_dim", "ci95_lo", "ci95_hi", "n", "nfe_mean", "eval_seconds", "frechet_distance"]


def row(out, run):
    lines = [json.loads(line) for line in open("%s/%s/metrics.jsonl" % (out, run)) if line.strip()]
    last = lines[-1]
    nll = json.load(open("%s/%s/eval/nll.json" % (out, run)))
    samples = "%s/%s/samples/sample.json" % (out, run)
    fd = json.load(open(samples)).get("frechet_distance", {}).get("value", "") if os.path.exists(samples) else ""
    penalty = last.get("fp_penalty", "")
    return [run, len(lines), last.get("examples", ""), round(last["seconds"], 1), round(last["loss"], 3),
            penalty if penalty == "" else round(penalty, 4), nll["bits_per_dim"], nll["ci95"][0], nll["ci95"][1],
            nll["n"], round(nll["nfe_mean"], 1), round(nll["seconds"], 1), fd]


def main(out, table, runs):
    with open(os.path.join(out, table), "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for run in runs:
            f.write("\t".join(str(v) for v in row(out, run)) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: results_tsv.py OUT_DIR TABLE RUN ...")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
