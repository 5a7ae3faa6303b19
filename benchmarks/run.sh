#!/usr/bin/env bash
# Builds the benchmarks through the reactor (never installs), runs them and writes BENCHMARKS.md at
# the repository root.
#
#   benchmarks/run.sh              quick profile: 1 fork, short iterations; under 10 minutes on 2 cores
#   benchmarks/run.sh --long       real measurements: 2 forks, longer and more iterations
#   benchmarks/run.sh [--long] REGEX...   only the matching benchmarks (the table marks the rest "not run")
#
# The semantic evaluation (eval/evaluate.sh on eval/dev.jsonl and eval/test.jsonl) runs first; its Markdown tables are
# appended to BENCHMARKS.md after the benchmark table.
#
# Every benchmark class in benchmarks/src/main/java is run, including ones added later. Figures are
# ratios against a baseline measured in the same run, because the machines here are noisy.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

profile=quick
if [[ "${1:-}" == "--long" ]]; then
	profile=long
	shift
fi

case "$profile" in
	quick) jmh_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
	long) jmh_opts=(-f 2 -wi 5 -w 2s -i 10 -r 2s) ;;
esac

command -v redis-server >/dev/null || { echo "redis-server must be on the PATH (the L2 benchmarks start their own)" >&2; exit 1; }

echo "Building benchmarks/target/benchmarks.jar ..."
mvn -B -q -pl benchmarks -am package -DskipTests

out="$root/benchmarks/target"
result="$out/jmh-result.json"
log="$out/jmh.log"
evaluation="$out/semantic-eval.md"
# Left by an earlier run, they would be reported as this run's: the semantic benchmark writes its
# recall@1 per size next to the JMH result, the evaluation its Markdown table.
rm -f "$result" "$out"/semantic-recall-*.json "$evaluation" "$out"/semantic-eval-*.md

# The semantic evaluation (precision and recall of the semantic tier on labelled pairs), before JMH
# so that it does not share the machine with a measurement. A failure or an evaluation runner that
# does not write EVAL_MARKDOWN yet leaves a line saying so, not a broken run.
echo "Running the semantic evaluation (eval/evaluate.sh; log: $out/semantic-eval.log) ..."
# Relative to the repository root (the working directory here), so that the report names no local path.
# Both the development set and the frozen test set (eval/README.md): a change that raises the first
# and lowers the second is a tuning artefact, so both are reported.
: >"$out/semantic-eval.log"
for set in dev test; do
	EVAL_MARKDOWN="$out/semantic-eval-$set.md" eval/evaluate.sh "eval/$set.jsonl" >>"$out/semantic-eval.log" 2>&1 \
		|| echo "The semantic evaluation of eval/$set.jsonl failed (see $out/semantic-eval.log)." >&2
	[[ -s "$out/semantic-eval-$set.md" ]] && { cat "$out/semantic-eval-$set.md"; echo; } >>"$evaluation"
done
if [[ ! -s "$evaluation" ]]; then
	echo "The semantic evaluation did not produce a table (\`eval/evaluate.sh\` wrote no \`EVAL_MARKDOWN\` file; its output is in \`benchmarks/target/semantic-eval.log\`)." >"$evaluation"
fi

echo "Running the $profile profile (log: $log) ..."
started=$(date +%s)
java -Dllmcache.bench.out="$out" -jar "$out/benchmarks.jar" "${jmh_opts[@]}" -prof gc -rf json -rff "$result" "$@" 2>&1 \
	| tee "$log" | grep --line-buffered -E '^(# Benchmark:|# Parameters:|# Semantic recall|Iteration|# Run complete|<failure>)' \
	|| true
elapsed=$(( $(date +%s) - started ))

# The memory and replay section is measured apart (MemoryReport, ReplayReport, the JOL tests): kept as it is.
memory_section="$out/memory-section.md"
sed -n '/^## Memory and replay/,$p' "$root/BENCHMARKS.md" >"$memory_section" 2>/dev/null || : >"$memory_section"
python3 "$root/benchmarks/report.py" "$result" "$root/BENCHMARKS.md" "$profile" "$elapsed" "${jmh_opts[*]} -prof gc"
if [[ -s "$memory_section" ]]; then
	{ echo; cat "$memory_section"; } >>"$root/BENCHMARKS.md"
fi
echo "Wrote $root/BENCHMARKS.md"
