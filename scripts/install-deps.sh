#!/usr/bin/env bash
# Installs what Drover needs to build and test, from Debian's packages only,
# and only what is missing (a no-op on a machine that has everything).
# Extra package names given as arguments are installed too (make bench).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-tidy
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libpq-dev postgresql-15 libicu-dev libssl-dev libroaring-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  bubblewrap libpugixml-dev libyaml-cpp-dev libmagic-dev tmux zsh chromium firefox-esr
  slurmctld slurmd slurm-client munge
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js may come from elsewhere (with npm bundled); only the commands matter.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
