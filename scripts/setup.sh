#!/usr/bin/env bash
# Installs the Debian packages Condense builds and tests with; does nothing when all are present.
#   patchelf, gcc, binutils  adapt TorchSharp's native bridge to Debian 12 (docs/torchsharp-on-debian12.md)
#   libonnx-dev              the official onnx.proto the ONNX classes are generated from
#   libonnx-testdata         the ONNX project's backend test models, which the tests run
#   dataset-fashion-mnist    the second data set (optional for users, used by tests when present)
#   chromium                 the real browser the Studio's tests drive
#   python3-skimage          CC0/public-domain sample photos (skimage/data) for calibration tests
#                            and benchmarks (credits in docs/data.md); pulls in python3-numpy,
#                            which the .npy tests use to write files independently of Condense
set -euo pipefail
packages=(patchelf gcc binutils python3 libonnx-dev libonnx-testdata dataset-fashion-mnist chromium python3-skimage)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
#   nodejs, npm              build the Studio's front end (Vite); skipped when npm is already on PATH
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
