#!/usr/bin/env bash
# Regenerates samples/: the bundled synthetic clips and their ground truth (`ugoki synth`).
# Deterministic: the same binary writes byte-identical ground truth every time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=target/release/ugoki
mkdir -p samples
common=(--resolution 1280x720 --fps 15 --background textured)
make_one() { local name=$1; shift; "$bin" synth "$@" "${common[@]}" -o "samples/$name.mp4"; }
make_one hinge_good_side              --movement hinge --fault good --view side --reps 2 --seed 1
make_one hinge_lumbar_dominant_side   --movement hinge --fault lumbar-dominant --view side --reps 2 --seed 1
make_one sts_good_side                --movement sts --fault good --view side --reps 2 --seed 2
make_one sts_rounding_side            --movement sts --fault rounding --view side --reps 2 --seed 2
make_one gait_normal_side             --movement gait --fault good --view side --reps 4 --seed 3
make_one gait_lateral_sway_front      --movement gait --fault lateral-sway --view front --reps 4 --seed 3
make_one rotation_good_side_on        --movement rotation --fault good --view side-on --reps 1 --seed 4
make_one rotation_pelvis_driven_side_on --movement rotation --fault pelvis-driven --view side-on --reps 1 --seed 4
du -ch samples/* | tail -1
