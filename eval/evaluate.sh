#!/usr/bin/env bash
# Evaluates the semantic tier (normalization, offline all-MiniLM-L6-v2 embeddings, threshold,
# guards) on a JSON-lines file of labelled pairs and prints precision and recall per threshold and
# per kind. Usage, from the repository root:
#
#   eval/evaluate.sh eval/pairs.jsonl [threshold]
#
# Set EVAL_VERBOSE=1 to list the pairs decided wrongly at the threshold.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: eval/evaluate.sh <pairs.jsonl> [threshold]" >&2
  exit 2
fi
pairs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
mvn -B -q -o -pl llmcache-embedding-onnx -am process-test-classes -DskipTests >&2 \
  || mvn -B -q -pl llmcache-embedding-onnx -am process-test-classes -DskipTests >&2
module=llmcache-embedding-onnx
exec java ${EVAL_VERBOSE:+-Deval.verbose=true} \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/test-classpath.txt")" \
  dev.llmcache.embedding.onnx.SemanticEvaluation "$pairs" "$@"
