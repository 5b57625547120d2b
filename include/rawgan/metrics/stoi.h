// Short-time objective intelligibility: STOI (Taal, Hendriks, Heusdens & Jensen, IEEE TASLP
// 2011) and extended STOI (Jensen & Taal, IEEE TASLP 2016), following pystoi 0.4.
//
// Both signals are resampled to 10 kHz (libsoxr via audio::resample; the reference uses a
// MATLAB-style polyphase resampler, see the tests for the effect), frames whose clean energy is
// more than 40 dB below the loudest clean frame, and frames of digital silence (all-zero clean
// samples; pystoi keeps them when the whole reference is silent), are removed (256-sample
// MATLAB-Hann frames, hop 128, overlap-added back), then 512-point spectra of 256-sample
// frames are grouped into 15 one-third octave bands from 150 Hz and compared over 30-frame
// (384 ms) segments.
// Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace rawgan::metrics {

/// Envelope frames STOI and ESTOI need: one 30-frame segment (384 ms at 10 kHz).
constexpr int64_t kStoiMinFrames = 30;

/// STOI in about [0, 1] (Taal et al. 2011, eq. 5-7: per-band envelope correlation after
/// normalising and clipping the processed envelope at beta = -15 dB). Signals of equal length
/// (InputError otherwise). Like pystoi, returns 1e-5 when fewer than 30 frames remain after
/// silent-frame removal.
double stoi(const std::vector<float>& clean, const std::vector<float>& processed,
            int sample_rate_hz);

/// Envelope frames STOI and ESTOI compare for `clean` (256-sample frames at 10 kHz, hop 128,
/// after silent-frame removal, which depends on the clean signal only). Below kStoiMinFrames
/// both are undefined (and return 1e-5).
int64_t stoi_frames(const std::vector<float>& clean, int sample_rate_hz);

/// The shortest signal at `sample_rate_hz` that gives kStoiMinFrames frames when none of
/// them is silent (about 410 ms).
int64_t stoi_min_samples(int sample_rate_hz);

/// Extended STOI (Jensen & Taal 2016, sec. III): segments normalised by rows (bands) then by
/// columns (frames), no clipping; the mean of the column correlations.
double estoi(const std::vector<float>& clean, const std::vector<float>& processed,
             int sample_rate_hz);

}  // namespace rawgan::metrics
