#!/usr/bin/env bash
# The main job on built-in demo data (Debian packages): installs what is missing, builds, then
#   1. builds a paired set: studio speech (asterisk-core-sounds-en-wav, 8 kHz) mixed with real
#      noise (sonic-pi-samples, alsa-utils) at several SNRs; every 10th recording and one noise
#      type (vinyl hiss) are held out for testing, so the test set is unseen speech in unseen noise;
#   2. trains segan-small for a bounded number of steps (RAWGAN_DEMO_STEPS; the default takes
#      under 10 minutes on 2 CPU cores);
#   3. enhances the held-out noisy files, and runs the classical Wiener baseline on them;
#   4. prints SNR and segmental SNR (and the other metrics) of noisy, enhanced and Wiener.
# Everything is written under demo-out/ (or $RAWGAN_DEMO_OUT), which is rebuilt on every run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RAWGAN_BUILD_DIR:-$root/build}
out=${RAWGAN_DEMO_OUT:-$root/demo-out}
steps=${RAWGAN_DEMO_STEPS:-3000}
threads=${RAWGAN_DEMO_THREADS:-$(nproc)}
speech_dir=/usr/share/asterisk/sounds/en_US_f_Allison
samples_dir=/usr/share/sonic-pi/samples
train_noises=(ambi_drone ambi_soft_buzz ambi_sauna ambi_haunted_hum ambi_glass_hum
  ambi_dark_woosh loop_3d_printer loop_industrial loop_electric vinyl_rewind)
test_noise=vinyl_hiss

"$root/tools/setup.sh"
"$root/tools/build.sh" --target rawgan
rawgan="$build/tools/rawgan"
start=$(date +%s)

echo "demo: preparing $out" >&2
rm -rf "$out"
mkdir -p "$out"/speech/{train,test} "$out"/noise/{train,test}
# Spoken prompts only: tones and beeps are not speech. Files are copied, not linked, so that
# every path the commands see lies inside $out.
n=0
for file in $(ls "$speech_dir"/*.wav | grep -vE 'tone|beep'); do
  if ((n % 10 == 0)); then split=test; else split=train; fi
  cp "$file" "$out/speech/$split/"
  n=$((n + 1))
done
for name in "${train_noises[@]}"; do
  cp "$samples_dir/$name.flac" "$out/noise/train/"
done
cp /usr/share/sounds/alsa/Noise.wav "$out/noise/train/alsa-noise.wav"
cp "$samples_dir/$test_noise.flac" "$out/noise/test/"

"$rawgan" mix --clean "$out/speech/train" --noise "$out/noise/train" --snr 0,5,10,15 \
  --seed 1 --out "$out/train"
"$rawgan" mix --clean "$out/speech/test" --noise "$out/noise/test" --snr 0,5,10 \
  --seed 2 --out "$out/test"

echo "demo: training segan-small for $steps steps on $threads thread(s)" >&2
"$rawgan" train --noisy "$out/train/noisy" --clean "$out/train/clean" --preset segan-small \
  --steps "$steps" --threads "$threads" --seed 1 --out "$out/run"
model="$out/run/best.pt"
[[ -f $model ]] || model="$out/run/last.pt"

"$rawgan" enhance --model "$model" "$out/test/noisy" -o "$out/enhanced" --threads "$threads"
"$rawgan" baseline --method wiener "$out/test/noisy" -o "$out/wiener"

n_test=$(ls "$out/test/noisy" | wc -l)
echo "demo: $n_test held-out recordings in held-out noise ($test_noise)" >&2
"$rawgan" eval --clean "$out/test/clean" --system noisy="$out/test/noisy" \
  --system segan="$out/enhanced" --system wiener="$out/wiener" --json "$out/metrics.json" |
  tee "$out/metrics.txt"
echo "demo: finished in $(($(date +%s) - start)) s; outputs in $out" >&2
