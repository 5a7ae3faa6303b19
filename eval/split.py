#!/usr/bin/env python3
"""Splits newly written labelled pairs into the development set and the frozen test set.

Run once, when new pairs are added, before any rule, threshold or word list is tuned on them:

    eval/split.py new-pairs.jsonl

Within each kind, pairs are shuffled with a fixed seed and every second one goes to
eval/test.jsonl, the rest to eval/dev.jsonl (appended to both). The seed is fixed so the split is
reproducible; the test set is never looked at while tuning (see eval/README.md).
"""
import collections
import json
import random
import sys

SEED = 15


def main(path):
    by_kind = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                pair = json.loads(line)
                by_kind[pair["kind"]].append(line.rstrip("\n"))
    rng = random.Random(SEED)
    dev, test = [], []
    for kind in sorted(by_kind):
        lines = by_kind[kind]
        rng.shuffle(lines)
        for i, line in enumerate(lines):
            (test if i % 2 == 0 else dev).append(line)
    for target, lines in (("eval/dev.jsonl", dev), ("eval/test.jsonl", test)):
        with open(target, "a", encoding="utf-8") as f:
            for line in lines:
                f.write(line + "\n")
    print(f"dev +{len(dev)}, test +{len(test)}")


if __name__ == "__main__":
    main(sys.argv[1])
