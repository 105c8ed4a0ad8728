#!/usr/bin/env bash
# The README's demo: analyses a bundled sample (samples/), or, without samples, the first clip
# found in ../shared/videos.
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
# The main job: recognise the movement, score it against the documents' criteria, and write the
# report (with the annotated clip); then the same analysis as a Japanese page.
echo "demo: ugoki analyze $clip -o $out --report --overlay $out/annotated.mp4"
./target/release/ugoki analyze "$clip" -o "$out" --report --overlay "$out/annotated.mp4"
./target/release/ugoki report "$out" -o "$out/report_ja.html" --lang ja
echo "demo: open $out/report.html (日本語: $out/report_ja.html) and $out/annotated.mp4"
