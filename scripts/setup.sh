#!/usr/bin/env bash
# One-time, idempotent set-up for building and running ugoki on Debian/Ubuntu.
#  1. system packages (OpenCV 4.6 dev files, clang for the opencv crate's binding generator, ffmpeg;
#     chromium and fonts-noto-cjk for the HTML report's render test; xvfb for the live window's test);
#  2. ONNX Runtime 1.31.1, taken from the PyPI wheel and checksum-verified, unpacked into .runtime/;
#  3. the pose models: linked from ../shared/models when that folder exists, otherwise
#     `ugoki models fetch` downloads them from a mirror (UGOKI_MODEL_URL).
# Re-running it does nothing that is already done.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ORT_VERSION="1.31.1"
# The wheel is pinned exactly (interpreter tag and platform), so that its checksum is stable
# whatever Python runs pip.
ORT_WHEEL="onnxruntime-${ORT_VERSION}-cp311-cp311-manylinux_2_28_x86_64.whl"
ORT_WHEEL_SHA256="5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f"
ORT_LIB="libonnxruntime.so.${ORT_VERSION}"
RUNTIME_DIR="$root/.runtime"

say() { printf 'setup: %s\n' "$*"; }

# --- 1. system packages -----------------------------------------------------------------------
apt_packages=(libopencv-dev clang libclang-dev ffmpeg pkg-config chromium fonts-noto-cjk fontconfig xvfb)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing system packages; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# --- 2. ONNX Runtime ---------------------------------------------------------------------------
if [[ ! -f "$RUNTIME_DIR/$ORT_LIB" ]]; then
  mkdir -p "$RUNTIME_DIR/download"
  wheel="$RUNTIME_DIR/download/$ORT_WHEEL"
  if [[ ! -f "$wheel" ]]; then
    say "downloading onnxruntime==$ORT_VERSION wheel"
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --python-version 3.11 --implementation cp --abi cp311 --platform manylinux_2_28_x86_64 \
      -d "$RUNTIME_DIR/download" "onnxruntime==$ORT_VERSION"
  fi
  got="$(sha256sum "$wheel" | cut -d' ' -f1)"
  if [[ "$got" != "$ORT_WHEEL_SHA256" ]]; then
    rm -f "$wheel"
    say "checksum mismatch for $ORT_WHEEL (got $got, want $ORT_WHEEL_SHA256); removed it, run again"
    exit 1
  fi
  python3 - "$wheel" "$RUNTIME_DIR" "$ORT_LIB" <<'PY'
import sys, zipfile, os
wheel, dest, lib = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    data = z.read(f"onnxruntime/capi/{lib}")
tmp = os.path.join(dest, lib + ".part")
with open(tmp, "wb") as f:
    f.write(data)
os.replace(tmp, os.path.join(dest, lib))
PY
  say "ONNX Runtime unpacked to .runtime/$ORT_LIB"
fi

# --- 3. models ---------------------------------------------------------------------------------
mkdir -p "$root/models"
shared_models="$root/../shared/models"
if [[ -d "$shared_models" ]]; then
  for f in "$shared_models"/*.onnx; do
    [[ -e "$f" ]] || continue
    ln -sfn "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "models/$(basename "$f")"
  done
  say "models linked from ../shared/models"
elif [[ -n "${UGOKI_MODEL_URL:-}" ]]; then
  say "models will be fetched from \$UGOKI_MODEL_URL by 'ugoki models fetch'"
else
  say "no ../shared/models here; set UGOKI_MODEL_URL to a mirror and run 'ugoki models fetch' (see models/README.md)"
fi
