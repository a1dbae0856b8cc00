#!/usr/bin/env bash
# Installs the Debian 12 packages Kuzet needs, then configures and builds it (Release, warnings on).
#
#   ./setup.sh          what building and running the daemon needs; builds `build/kuzet`
#   ./setup.sh --test   also the tools the tests drive (browser, Prometheus, nginx, an SMTP
#                       server, lintian, ...); builds every test and benchmark
#
# Safe to run again: apt-get skips what is installed and CMake rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

with_tests=0
case "${1:-}" in
  "") ;;
  --test) with_tests=1 ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

# To build and run: the compiler, CMake, and the libraries' development packages (their runtime
# libraries come with them). One package a line, sorted, so additions merge cleanly.
packages=(
  build-essential
  ca-certificates
  cmake
  git
  libbrotli-dev
  libcld2-dev
  libcli11-dev
  libcpp-httplib-dev
  libcurl4-openssl-dev
  libdeflate-dev
  libexpat1-dev
  libfmt-dev
  libgmock-dev
  libgtest-dev
  libgumbo-dev
  libicu-dev
  libjemalloc-dev
  libmicrohttpd-dev
  libpugixml-dev
  librocksdb-dev
  libsodium-dev
  libspdlog-dev
  libsqlite3-dev
  libssl-dev
  libtomlplusplus-dev
  libuchardet-dev
  nlohmann-json3-dev
  pkg-config
  zlib1g-dev
)

# What the tests drive or inspect, never the daemon.
test_packages=(
  bash-completion
  chromium
  dpkg-dev
  lintian
  man-db
  nginx-light
  nodejs
  openssl
  prometheus
  python3
  python3-aiosmtpd
  python3-feedparser
  systemd
)

[ "$with_tests" = 1 ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# webrecorder's warcio (npm), the independent WARC reader of tests/storage/warc, goes into the
# git-ignored build tree, never beside the daemon. Some nodejs packages bring npm, Debian's does not.
warcio_version=2.4.11
if [ "$with_tests" = 1 ] &&
  ! grep -qs "\"version\": \"$warcio_version\"" build/node-tools/node_modules/warcio/package.json; then
  command -v npm >/dev/null ||
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
  mkdir -p build/node-tools
  npm install --prefix build/node-tools --no-audit --no-fund --no-save "warcio@$warcio_version"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
if [ "$with_tests" = 1 ]; then
  cmake --build build -j "$(nproc)"
else
  cmake --build build --target kuzet -j "$(nproc)"
fi
