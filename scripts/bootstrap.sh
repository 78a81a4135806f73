#!/usr/bin/env bash
# Installs everything Shared Hosting Deploy needs on a fresh Debian machine, then its dependencies:
#   - Debian packages: docker-registry (the local OCI registry of the sandbox and tests), the three image
#     builders the tests, the benchmark and `pnpm demo --builder` use: buildah (no daemon), docker.io (dockerd
#     and its 20.10 client; the tests start their own daemons, never the system's) and podman (rootful, private
#     storage), busybox-static (the RUN steps of FROM-scratch images), chromium (the docs site's browser
#     tests), git
#   - pnpm 12.4.2 (the version pinned in package.json "packageManager")
# Idempotent: what is already there is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pair in docker-registry:docker-registry buildah:buildah podman:podman chromium:chromium git:git; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
# A statically linked /bin/busybox (the dynamic "busybox" package cannot run in a FROM-scratch image).
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
# Debian's Docker (dockerd in /usr/sbin, client 20.10 in /usr/bin/docker): the tests need this very client.
dpkg -s docker.io >/dev/null 2>&1 || missing+=(docker.io)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "12.4.2" ]; then
  echo "Installing pnpm 12.4.2"
  npm install -g pnpm@12.4.2 >/dev/null
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
