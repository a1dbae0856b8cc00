#!/usr/bin/env bash
# Installs every Debian package Kuzet needs, then configures and builds it (Release, warnings on).
# Safe to run again: apt-get skips what is installed and CMake rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  build-essential cmake pkg-config git ca-certificates
  libcurl4-openssl-dev libgumbo-dev libicu-dev librocksdb-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libpugixml-dev
  libstemmer-dev libcpp-httplib-dev libmicrohttpd-dev libexpat1-dev libuchardet-dev libcld2-dev
  libsqlite3-dev libjemalloc-dev zlib1g-dev libbrotli-dev python3
  python3-aiosmtpd openssl python3-feedparser prometheus chromium nginx-light
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
