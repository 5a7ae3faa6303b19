#!/usr/bin/env bash
# Evaluates the semantic tier (normalization, offline all-MiniLM-L6-v2 embeddings, threshold,
# guards) on a JSON-lines file of labelled pairs and prints precision and recall per threshold and
# per kind, with and without the guards; the last line is "defaults: precision=P recall=R" (the
# default threshold, guards on). Usage, from the repository root:
#
#   eval/evaluate.sh eval/pairs.jsonl [threshold]
#
# Set EVAL_VERBOSE=1 to list the pairs decided wrongly at the threshold.
# Set EVAL_MARKDOWN=<path> to also write the report there as a Markdown section
# ("## Semantic tier: evaluation"), as benchmarks/run.sh does for BENCHMARKS.md.
# Relative paths are taken from the directory the script is called from.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: eval/evaluate.sh <pairs.jsonl> [threshold]" >&2
  exit 2
fi
command="eval/evaluate.sh $*"
pairs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
if [ -n "${EVAL_MARKDOWN:-}" ]; then
  case "$EVAL_MARKDOWN" in
    /*) ;;
    *) EVAL_MARKDOWN="$PWD/$EVAL_MARKDOWN" ;;
  esac
  export EVAL_MARKDOWN
fi
cd "$(dirname "$0")/.."
mvn -B -q -o -pl llmcache-embedding-onnx -am process-test-classes -DskipTests >&2 \
  || mvn -B -q -pl llmcache-embedding-onnx -am process-test-classes -DskipTests >&2
module=llmcache-embedding-onnx
exec java ${EVAL_VERBOSE:+-Deval.verbose=true} "-Deval.command=$command" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/test-classpath.txt")" \
  dev.llmcache.embedding.onnx.SemanticEvaluation "$pairs" "$@"
