#!/bin/sh
# bench/mcp/run.sh BUILD_DIR [mcp_read.mjs options: --rounds N --calls N --warmup N --list-calls N --keep --inherit-path --no-lazy]
#
# Installs the pinned MCP packages (package.json, package-lock.json) into BUILD_DIR/bench-mcp
# when they are missing, copies mcp_read.mjs there (ES modules resolve their imports from the
# file's own directory and ignore NODE_PATH) and runs it against BUILD_DIR/bin/runtimo.
#
# The install runs no package scripts (--ignore-scripts): Desktop Commander's postinstall
# reports the installation to its telemetry, and Puppeteer's (a dependency of Desktop
# Commander, for PDF output) downloads Chrome. Neither is needed to read a text file.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [--rounds N] [--calls N] [--warmup N] [--list-calls N] [--keep] [--inherit-path] [--no-lazy]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift
prefix="$build/bench-mcp"

[ -x "$build/bin/runtimo" ] || { echo "$0: no $build/bin/runtimo (build the runtimo target first)" >&2; exit 1; }
command -v node >/dev/null || { echo "$0: node (v18 or later) is needed" >&2; exit 1; }

mkdir -p "$prefix"
# Reinstall when the pins changed since the last install.
if [ ! -d "$prefix/node_modules" ] || ! cmp -s "$here/package.json" "$prefix/package.json"; then
  cp "$here/package.json" "$prefix/package.json"
  if [ -f "$here/package-lock.json" ]; then cp "$here/package-lock.json" "$prefix/package-lock.json"; fi
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --ignore-scripts --prefix "$prefix"
fi
cp "$here/mcp_read.mjs" "$prefix/mcp_read.mjs"
exec node "$prefix/mcp_read.mjs" --build-dir "$build" "$@"
