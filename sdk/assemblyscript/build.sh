#!/usr/bin/env bash
# Builds every AssemblyScript plugin under examples/ to OUTDIR/NAME.wasm
# with the compiler npm ci installed from package-lock.json. Used by
# `make as` and by the Go test that loads the result into the real host.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:?usage: build.sh OUTDIR}" && cd "$1" && pwd)"
asc="$here/node_modules/.bin/asc"
if [ ! -x "$asc" ]; then
  echo "build.sh: $asc missing; run 'make as-deps' (npm ci in $here)" >&2
  exit 1
fi
cd "$here"
for dir in examples/*/; do
  name="$(basename "$dir")"
  "$asc" "$dir/index.ts" --config asconfig.json -o "$out/$name.wasm"
done
