"""Paired per-example NLL differences of evaluated runs, for the study scripts under jobs/.

Usage: python3 jobs/paired_nll.py OUT_DIR RUN:CONTROL ...
Reads OUT_DIR/RUN/eval/per_example.tsv ("index TAB value TAB nfe", from jobs/PerExampleTsv.java) for
each run and its control, pairs their values by example index, and writes OUT_DIR/paired.tsv: the mean
difference RUN - CONTROL over the shared examples, its normal 95% interval and the standard deviation.
Pairing removes the spread between examples, which dominates an unpaired comparison of two means.
"""
import math
import sys


def per_example(out, run):
    values = {}
    for line in open("%s/%s/eval/per_example.tsv" % (out, run)):
        index, value, _ = line.split("\t")
        values[int(index)] = float(value)
    return values


def main(out, pairs):
    with open(out + "/paired.tsv", "w") as f:
        f.write("run\tminus\tn\tmean_difference_bits_per_dim\tci95_lo\tci95_hi\tstd\n")
        for pair in pairs:
            run, control = pair.split(":")
            c, r = per_example(out, control), per_example(out, run)
            keys = sorted(set(c) & set(r))
            d = [r[k] - c[k] for k in keys]
            n = len(d)
            m = sum(d) / n
            sd = math.sqrt(sum((x - m) ** 2 for x in d) / (n - 1)) if n > 1 else float("nan")
            half = 1.96 * sd / math.sqrt(n)
            f.write("\t".join(str(v) for v in [run, control, n, m, m - half, m + half, sd]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
