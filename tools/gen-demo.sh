#!/usr/bin/env bash
# Generation demo on built-in data: trains a small WaveGAN on the CC0 drum one-shots of Debian's
# sonic-pi-samples for a bounded time on the CPU, generates clips, and compares them with the
# real drums (diversity of each set, Frechet distance of their log-mel statistics).
#
# Environment: GEN_DEMO_MINUTES (training time, default 4), GEN_DEMO_THREADS (default 2),
# GEN_DEMO_LOSS (default wgan-gp), GEN_DEMO_DIR (work folder, default build/gen-demo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RAWGAN_BUILD_DIR:-$root/build}
minutes=${GEN_DEMO_MINUTES:-4}
threads=${GEN_DEMO_THREADS:-2}
loss=${GEN_DEMO_LOSS:-wgan-gp}
work=${GEN_DEMO_DIR:-$build/gen-demo}
samples=/usr/share/sonic-pi/samples

# Builds log to stderr: stdout carries only the figures.
"$root/tools/setup.sh" >&2
"$root/tools/build.sh" --target rawgan >&2
rawgan="$build/tools/rawgan"

# The drum one-shots: kicks, snares, toms, cymbals and electronic drums (46 files).
rm -rf "$work"
mkdir -p "$work/drums"
for pattern in 'drum_*' 'bd_*' 'sn_*' 'elec_*kick*' 'elec_*snare*' 'elec_*tom*' 'elec_cymbal*'; do
  find "$samples" -maxdepth 1 -name "$pattern.flac" -exec cp {} "$work/drums/" \;
done
echo "gen-demo: $(ls "$work/drums" | wc -l) drum one-shots from $samples" >&2

"$rawgan" train-gen --clips "$work/drums" --preset wavegan-small --loss "$loss" \
  --out "$work/run" --steps 3000 --minutes "$minutes" --threads "$threads" \
  --diversity-every 25 --seed 1
"$rawgan" generate --model "$work/run/last.pt" -n 32 -o "$work/generated" --seed 7 >/dev/null
"$rawgan" generate --model "$work/run/last.pt" -n 1 --interpolate 8 -o "$work/interpolated" \
  --seed 8 >/dev/null
echo "gen-demo: real drums versus $(ls "$work/generated" | wc -l) generated clips:" >&2
"$rawgan" eval-gen --real "$work/drums" --generated "$work/generated" --threads "$threads"
echo "gen-demo: clips in $work/generated, an interpolation in $work/interpolated," \
  "training figures in $work/run/metrics.csv" >&2
