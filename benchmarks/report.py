#!/usr/bin/env python3
"""Turns JMH's JSON result into BENCHMARKS.md: ours, the baseline, the ratio, the target and whether
it holds, for every benchmark of issue 7. Usage: report.py RESULT.json OUT.md PROFILE SECONDS JMH_OPTS"""
import datetime
import json
import math
import os
import platform
import subprocess
import sys

PKG = "dev.llmcache.benchmarks."

result_path, out_path, profile, elapsed, jmh_opts = sys.argv[1:6]
try:
    with open(result_path) as f:
        results = json.load(f)
except (OSError, ValueError):
    results = []


def key(r):
    name = r["benchmark"][len(PKG):] if r["benchmark"].startswith(PKG) else r["benchmark"]
    params = r.get("params") or {}
    return name + "".join("[%s=%s]" % (k, v) for k, v in sorted(params.items()))


by_name = {key(r): r for r in results}


def find(name):
    return by_name.get(name)


def score(r):
    return r["primaryMetric"]["score"]


def unit(r):
    return r["primaryMetric"]["scoreUnit"]


def alloc(r):
    m = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
    return None if m is None else m["score"]


def fmt(value, digits=None):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if digits is None:
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    return "{:,.{}f}".format(value, digits)


def measured(r):
    err = r["primaryMetric"].get("scoreError")
    text = fmt(score(r)) + " " + unit(r)
    if err is not None and not math.isnan(err):
        text += " ± " + fmt(err)
    return text


def noisy(r):
    """Whether JMH's 99.9% error exceeds half the score: then the verdict says so."""
    err = r["primaryMetric"].get("scoreError")
    return err is not None and not math.isnan(err) and err > 0.5 * abs(score(r))


def alloc_text(r):
    a = alloc(r)
    return "n/a" if a is None else fmt(a, 0) + " B"


rows = []


def row(section, what, ours, base, baseline_name, target, higher_is_better=False, note=""):
    """One comparison. target is the highest acceptable cost ratio (ours / baseline), or None to report only."""
    o, b = find(ours), find(base)
    if o is None or b is None:
        rows.append((section, what, "not run" if o is None else measured(o), "not run" if b is None else measured(b),
                     baseline_name, "n/a", "n/a", fmt_target(target), "no (not run)" if target else "n/a", note))
        return
    ratio = (score(b) / score(o)) if higher_is_better else (score(o) / score(b))
    holds = "n/a" if target is None else ("yes" if ratio <= target else "**no**")
    if target is not None and (noisy(o) or noisy(b)):
        holds += " (noisy)"
    rows.append((section, what, measured(o), measured(b), baseline_name, fmt(ratio, 2) + "x",
                 alloc_text(o) + " / " + alloc_text(b), fmt_target(target), holds, note))


def fmt_target(target):
    return "report" if target is None else "<= " + fmt(target, 1) + "x"


for arg, label in (("string", "1 KB String"), ("prompt", "Prompt (system + 1 KB user message)")):
    row("L1 hit", label + " vs @Cacheable", "L1HitBenchmark.%sLlmCached" % arg, "L1HitBenchmark.%sCacheable" % arg,
        "@Cacheable + CaffeineCacheManager", 1.2)
    row("L1 hit", label + " vs direct call", "L1HitBenchmark.%sLlmCached" % arg, "L1HitBenchmark.%sDirect" % arg,
        "method returning a constant", None, note="the price of any proxy + cache")
row("L2 hit", "1 KB String prompt, L1 off", "L2HitBenchmark.llmCached", "L2HitBenchmark.lettuceGet",
    "raw Lettuce GET of the same bytes", 1.3)
for n in ("100", "1024", "32768"):
    row("Key building", "%s-char prompt: normalize + canonical form + SHA-256" % n,
        "KeyBuildingBenchmark.canonicalKey[promptLength=%s]" % n, "KeyBuildingBenchmark.sha256Only[promptLength=%s]" % n,
        "SHA-256 of the UTF-8 bytes alone", None)
    row("Key building", "%s-char prompt repeated: key remembered by the raw prompt" % n,
        "KeyBuildingBenchmark.rememberedKey[promptLength=%s]" % n,
        "KeyBuildingBenchmark.canonicalKey[promptLength=%s]" % n, "building the key from scratch", None,
        note="what a hit pays for its key")
for tier, base, base_name, target in (("l1", "l1Cacheable", "@Cacheable + Caffeine", 1.2),
                                      ("l2", "l2Lettuce", "raw Lettuce GET", 1.3)):
    for t in ("1", "2", "8", "64"):
        row("Throughput", "%s hits, %s thread%s, hot set of 1,000" % (tier.upper(), t, "" if t == "1" else "s"),
            "ThroughputBenchmark.%sLlmCached_t%s" % (tier, t), "ThroughputBenchmark.%s_t%s" % (base, t),
            base_name, target, higher_is_better=True, note="ratio = baseline ops/s / ours")


def model_calls(r):
    m = (r.get("secondaryMetrics") or {}).get("modelCalls")
    if m is None:
        return None
    raw = [v for fork in m.get("rawData") or [] for v in fork]
    return sum(raw) / len(raw) if raw else m["score"]


row("Single-flight", "64 identical misses, model takes 200 ms: wall time", "SingleFlightBenchmark.llmCached",
    "SingleFlightBenchmark.cacheableSync", "@Cacheable(sync = true)", 1.2)
row("Single-flight", "same, wall time", "SingleFlightBenchmark.llmCached", "SingleFlightBenchmark.cacheable",
    "@Cacheable (default)", None)
flight = [(n, find("SingleFlightBenchmark." + n)) for n in ("llmCached", "cacheableSync", "cacheable")]
calls = {n: (model_calls(r) if r else None) for n, r in flight}

known = ("L1HitBenchmark", "L2HitBenchmark", "KeyBuildingBenchmark", "ThroughputBenchmark", "SingleFlightBenchmark",
         "SemanticLookupBenchmark")
others = [r for r in results if not key(r).startswith(known)]

failed = []
if os.path.exists(os.path.join(os.path.dirname(result_path), "jmh.log")):
    with open(os.path.join(os.path.dirname(result_path), "jmh.log"), errors="replace") as f:
        current = None
        for line in f:
            if line.startswith("# Benchmark: "):
                current = line[len("# Benchmark: "):].strip()
            elif line.startswith("<failure>") and current:
                failed.append(current)


def java_version():
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
        return " / ".join(l.strip() for l in out[:2])
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


SEMANTIC_SIZES = ("1000", "10000", "100000")
SEMANTIC_P99_TARGET_US = 2000.0
SEMANTIC_RECALL_TARGET = 0.99


def semantic(name, size, distribution="clustered"):
    return find("SemanticLookupBenchmark.%s[distribution=%s][size=%s]" % (name, distribution, size))


def percentile(r, p):
    """A percentile of a SampleTime result, in microseconds (None if absent)."""
    value = (r["primaryMetric"].get("scorePercentiles") or {}).get(p)
    if value is None:
        return None
    return value * {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3, "s/op": 1e6}.get(unit(r), float("nan"))


def mean_us(r):
    return score(r) * {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3, "s/op": 1e6}.get(unit(r), float("nan"))


def latency(r):
    return "p50 %s / p99 %s / mean %s us" % (fmt(percentile(r, "50.0")), fmt(percentile(r, "99.0")), fmt(mean_us(r)))


def recall_of(size, distribution="clustered"):
    """recall@1 written by the benchmark's setup next to the JMH result (None when it did not run)."""
    path = os.path.join(os.path.dirname(result_path), "semantic-recall-%s-%s.json" % (distribution, size))
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def semantic_distributions():
    """clustered always (a row says "not run" if it did not); uniform too when it was measured."""
    measured_ = {(r.get("params") or {}).get("distribution") for r in results
                 if r["benchmark"].startswith(PKG + "SemanticLookupBenchmark")}
    return ["clustered"] + sorted(d for d in measured_ if d and d != "clustered")


def semantic_row(size, distribution):
    entries = "{:,}".format(int(size))
    what = "%s entries in one bucket, 384-d %s vectors: nearest 5 at >= 0.85" % (entries, distribution)
    # The targets are for realistic (clustered) vectors; uniform ones are HNSW's worst case, reported only.
    targeted = distribution == "clustered"
    at_target = targeted and size == SEMANTIC_SIZES[-1]
    target = (("p99 < 2 ms; " if at_target else "") + "recall@1 >= 0.99") if targeted else "report (worst case)"
    o, b = semantic("nearest", size, distribution), semantic("exactScan", size, distribution)
    rec = recall_of(size, distribution)
    mode = "exact scan (below approximateAbove)" if int(size) <= 2000 else "HNSW"
    notes = ["index: " + mode]
    verdicts = []
    if rec is not None:
        notes.append("recall@1 %s (paraphrases %s, fresh %s, %d queries)" % (
            fmt(rec["recallAt1"], 3), fmt(rec["recallAt1Perturbed"], 3), fmt(rec["recallAt1Fresh"], 3),
            rec["queries"]))
        notes.append("built in %s s" % fmt(rec["buildSeconds"], 1))
        if targeted:
            verdicts.append("recall " + ("yes" if rec["recallAt1"] >= SEMANTIC_RECALL_TARGET else "**no**"))
    else:
        notes.append("recall@1 not measured")
        if targeted:
            verdicts.append("recall no (not run)")
    if o is not None:
        p99 = percentile(o, "99.0")
        if at_target:
            ok = p99 is not None and p99 < SEMANTIC_P99_TARGET_US
            verdicts.append("p99 " + ("yes" if ok else "**no**") + (" (noisy)" if noisy(o) else ""))
    elif at_target:
        verdicts.append("p99 no (not run)")
    ratio = "n/a"
    if o is not None and b is not None:
        po, pb = percentile(o, "99.0"), percentile(b, "99.0")
        ratio = "%sx p99, %sx mean" % (fmt(po / pb, 2) if po and pb else "n/a", fmt(mean_us(o) / mean_us(b), 2))
    return ("Semantic lookup", what, "not run" if o is None else latency(o), "not run" if b is None else latency(b),
            "brute-force scan of the same vectors", ratio,
            ("n/a" if o is None else alloc_text(o)) + " / " + ("n/a" if b is None else alloc_text(b)),
            target, ", ".join(verdicts) or "n/a", "; ".join(notes))


def semantic_evaluation():
    """The semantic evaluation's Markdown, written by eval/evaluate.sh when run.sh ran it."""
    path = os.path.join(os.path.dirname(result_path), "semantic-eval.md")
    try:
        with open(path, errors="replace") as f:
            return f.read().strip()
    except OSError:
        return None


lines = []
w = lines.append
w("# Benchmarks")
w("")
w("Generated by `benchmarks/run.sh%s` — do not edit by hand. JMH 1.37; every figure is compared with a baseline "
  "measured in the same run on the same machine, because absolute numbers on a shared machine mean little." %
  (" --long" if profile == "long" else ""))
w("")
w("- Date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
w("- Machine: %d cores (%s), %s, %s" % (os.cpu_count() or 0, cpu_model(), platform.system(), platform.release()))
w("- JDK: %s" % java_version())
try:
    w("- Load average when the report was written: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
except OSError:
    pass
w("- Profile: `%s` (JMH options `%s`), %s s in all" % (profile, jmh_opts, elapsed))
w("")
w("Ratio is the cost of llmcache divided by the cost of the baseline (for throughput: the baseline's "
  "operations per second divided by ours), so lower is better and 1.00x means equal. A target holds when "
  "the ratio is at most the target. Alloc is `gc.alloc.rate.norm` per operation (ours / baseline). "
  "\"(noisy)\" marks a verdict where JMH's 99.9% error of either side exceeds half its score: the machine "
  "was busy, and the verdict needs a `--long` run on a quiet machine to be trusted.")
w("")
w("| area | benchmark | llmcache | baseline | baseline is | ratio | alloc/op | target | holds | note |")
w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    w("| " + " | ".join(r) + " |")
ours_calls = calls.get("llmCached")
w("| Single-flight | 64 identical misses: model calls per burst | %s | %s (sync) / %s (default) | @Cacheable | "
  "n/a | n/a | 1 call | %s | |" % (fmt(ours_calls), fmt(calls.get("cacheableSync")), fmt(calls.get("cacheable")),
                                  "n/a" if ours_calls is None else ("yes" if ours_calls <= 1.0 else "**no**")))
for distribution in semantic_distributions():
    for size in SEMANTIC_SIZES:
        w("| " + " | ".join(semantic_row(size, distribution)) + " |")
for r in others:
    w("| Other | %s | %s | n/a | n/a | n/a | %s | report | n/a | |" % (key(r), measured(r), alloc_text(r) + " / n/a"))
w("")
if failed:
    w("Benchmarks that failed in this run (see `benchmarks/target/jmh.log`): " + ", ".join(sorted(set(failed))))
    w("")
evaluation = semantic_evaluation()
if evaluation and evaluation.lstrip().startswith("## "):
    w(evaluation)  # it brings its own heading
else:
    w("## Semantic tier: evaluation")
    w("")
    w(evaluation if evaluation else "The semantic evaluation was not run with this report (`eval/evaluate.sh`, run by "
      "`benchmarks/run.sh`, writes `benchmarks/target/semantic-eval.md`).")
w("")
w("## What is measured")
w("")
w("- **L1 hit**: a call of an `@LlmCached` method answered from the in-process tier, through the CGLIB proxy of a "
  "real Spring Boot context with llmcache's auto-configuration, against Spring's `@Cacheable` over a "
  "`CaffeineCacheManager` (`@EnableCaching`) with the same argument, and against a plain method returning a "
  "constant. The argument is the same instance on every call, which favours `@Cacheable` (a String caches its hash "
  "code).")
w("- **L2 hit**: L1 switched off; the entry is read from a `redis-server` started for the benchmark, against a raw "
  "Lettuce `GET` of the very bytes llmcache stored.")
w("- **Key building**: `DefaultLlmCacheKeyGenerator` with the default normalizer on a `String` argument, against a "
  "SHA-256 of the prompt bytes alone (the floor of any content-addressed key).")
w("- **Throughput**: 1,000 hot 1 KB prompts, each JMH thread walking them from its own offset, 2 cores.")
w("- **Single-flight**: 64 threads released at once on the same new 256-character question; the model sleeps "
  "200 ms; L1-only context. `modelCalls` counts calls that reached the model per burst.")
w("- **Semantic lookup**: `InMemorySemanticIndex.nearest` as the semantic tier calls it (5 candidates, similarity "
  ">= 0.85), without the embedding, in one bucket of 1k, 10k or 100k entries of 384 dimensions (all-MiniLM-L6-v2's "
  "size); JMH `SampleTime`, so p50 and p99 are real percentiles of single lookups. The baseline is a brute-force "
  "scan of the same vectors in the same run. With the default `approximateAbove` (2,000) the 1k bucket is itself an "
  "exact scan; larger ones are searched in an HNSW graph. The vectors are synthetic but clustered in topics (one per "
  "50 entries; same-topic similarity about 0.6, cross-topic about 0), as real prompt embeddings are; uniform random "
  "vectors, HNSW's worst case, can be measured with `-p distribution=uniform`. Queries alternate paraphrases "
  "(perturbed copies of stored entries, similarity about 0.95: the lookups that hit) and fresh requests of the same "
  "topics (the lookups that miss). recall@1 is the share of 500 such queries whose top-1 from the index is as "
  "similar as the exact nearest, measured once per trial.")
w("")
with open(out_path, "w") as f:
    f.write("\n".join(lines))
