#!/usr/bin/env bash
# The README's demo: runs ugoki on a bundled sample (samples/), or, before samples exist, on the
# first clip found in ../shared/videos.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clip="samples/hinge_lumbar_dominant_side.mp4"
[[ -f "$clip" ]] || clip="$(ls samples/*.mp4 2>/dev/null | head -n 1 || true)"
[[ -n "$clip" ]] || clip="$(ls ../shared/videos/*.mp4 2>/dev/null | head -n 1 || true)"
if [[ -z "$clip" ]]; then
  echo "demo: no clip in samples/ or ../shared/videos/" >&2
  exit 2
fi
out="out/demo/$(basename "${clip%.*}")"
echo "demo: ugoki pose $clip -o $out --overlay $out/overlay.mp4"
./target/release/ugoki pose "$clip" -o "$out" --overlay "$out/overlay.mp4"
echo "demo: open $out/overlay.mp4 to see the tracked skeleton; keypoints are in $out/keypoints.csv"
