// rawgan spectrogram IN... -o OUT.png: log-magnitude spectrograms of several files stacked
// top to bottom (e.g. noisy / enhanced / clean) on one time axis, written with libpng.
//
// Layout, in pixels: a left margin of kLeft for frequency labels, then `--width` columns of
// plot and kRight on the right; from the top kTop, then per input a panel of `--height` rows
// followed by kGap, and finally kBottom rows for the time axis. So the image is
// (width + kLeft + kRight) x (n_inputs * (height + kGap) + kTop + kBottom).
// Frequency runs linearly from 0 (bottom of each panel) to that input's own Nyquist, each panel
// with its own labels, so inputs at different rates each fill their panel; time runs from 0 to
// the longest duration on one axis. Levels are dB below the loudest bin of all inputs, with the
// STFT normalised by its window's sum so that a tone reads the same at any rate.
// --width and --height are each 16 to kMaxSide pixels, which keeps one panel's image under
// 1 GB of memory.
#include <png.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/dsp/stft.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"
#include "rawgan/util/output_file.h"

namespace rawgan::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kLeft = 40;
constexpr int kRight = 8;
constexpr int kTop = 8;
constexpr int kGap = 8;
constexpr int kBottom = 24;
constexpr int kMinSide = 16;
constexpr int kMaxSide = 16384;

struct SpectrogramOptions {
  std::vector<std::string> inputs;
  std::string output;
  int width = 800;
  int height = 200;
  double range_db = 80;
  double frame_ms = 32;
};

using Rgb = std::array<uint8_t, 3>;

// An image of RGB pixels, row-major.
struct Image {
  int width;
  int height;
  std::vector<uint8_t> rgb;
  Image(int w, int h) : width(w), height(h), rgb(size_t(w) * h * 3, 255) {}
  void set(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    std::copy(c.begin(), c.end(), rgb.begin() + (size_t(y) * width + x) * 3);
  }
};

// 3x5 glyphs for axis labels: digits, '.', and the unit letters k, H, z, s. Each row is three
// bits, most significant on the left.
const std::string kGlyphChars = "0123456789.kHzs";
const std::array<std::array<uint8_t, 5>, 15> kGlyphs = {{
    {7, 5, 5, 5, 7},
    {2, 6, 2, 2, 7},
    {7, 1, 7, 4, 7},
    {7, 1, 7, 1, 7},
    {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7},
    {7, 4, 7, 5, 7},
    {7, 1, 1, 1, 1},
    {7, 5, 7, 5, 7},
    {7, 5, 7, 1, 7},
    {0, 0, 0, 0, 2},
    {4, 5, 6, 5, 5},
    {5, 5, 7, 5, 5},
    {0, 7, 1, 2, 7},
    {0, 3, 6, 1, 6},
}};

// Draws `text` with its top-left corner at (x, y), one pixel per glyph bit; unknown characters
// leave a blank. Returns the width drawn.
int draw_text(Image& image, int x, int y, const std::string& text, Rgb colour) {
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t g = kGlyphChars.find(text[i]);
    if (g == std::string::npos) continue;
    for (int row = 0; row < 5; ++row)
      for (int col = 0; col < 3; ++col)
        if (kGlyphs[g][row] & (4 >> col)) image.set(x + int(i) * 4 + col, y + row, colour);
  }
  return int(text.size()) * 4;
}

// Black -> purple -> orange -> pale yellow, a perceptually ordered ramp like "magma".
Rgb colour_map(double t) {
  static const std::array<std::array<double, 3>, 5> kStops = {
      {{0, 0, 4}, {80, 18, 123}, {182, 54, 121}, {251, 136, 97}, {252, 253, 191}}};
  t = std::clamp(t, 0.0, 1.0) * (kStops.size() - 1);
  const size_t i = std::min<size_t>(size_t(t), kStops.size() - 2);
  const double f = t - double(i);
  Rgb c;
  for (int k = 0; k < 3; ++k)
    c[k] = uint8_t(std::lround(kStops[i][k] * (1 - f) + kStops[i + 1][k] * f));
  return c;
}

struct Panel {
  std::vector<float> level_db;  // frame-major [frame][bin]
  int n_frames;
  int n_bins;
  double hop_s;
  double nyquist_hz;
};

Panel analyse(const std::string& path, double frame_ms) {
  const audio::Audio mono = audio::to_mono(audio::read(path));
  dsp::StftOptions options;
  options.window_samples = std::max(16, int(std::lround(frame_ms / 1000.0 * mono.sample_rate_hz)));
  options.hop_samples = std::max(1, options.window_samples / 4);
  const dsp::Stft stft(options);
  const dsp::Spectrogram s = stft.forward(mono.samples);
  Panel panel{std::vector<float>(s.values.size()), s.n_frames, s.n_bins,
              double(options.hop_samples) / mono.sample_rate_hz, mono.sample_rate_hz / 2.0};
  // The window's sum grows with the frame length in samples, that is with the rate; dividing
  // by it keeps a tone's level independent of the rate.
  float window_sum = 0;
  for (float w : stft.window())
    window_sum += w;
  const float gain = 1.0f / (window_sum * window_sum);
  for (size_t i = 0; i < s.values.size(); ++i)
    panel.level_db[i] = 10.0f * std::log10(std::norm(s.values[i]) * gain + 1e-12f);
  return panel;
}

// Tick spacing of 1, 2 or 5 times a power of ten giving about `target` ticks over `span`.
double tick_step(double span, int target) {
  const double raw = span / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

std::string format_tick(double value, double step) {
  char text[32];
  std::snprintf(text, sizeof text, step < 1 ? "%.1f" : "%.0f", value);
  return text;
}

// libpng's reason for a failure, and the warning that often says more ("Invalid IHDR data"
// follows "Image height exceeds user limit in IHDR"), kept for rawgan's error line instead of
// printed by libpng.
struct PngMessages {
  std::string error = "out of memory";
  std::string warning;
};

void keep_png_error(png_structp png, png_const_charp message) {
  static_cast<PngMessages*>(png_get_error_ptr(png))->error = message;
  png_longjmp(png, 1);
}

void keep_png_warning(png_structp png, png_const_charp message) {
  static_cast<PngMessages*>(png_get_error_ptr(png))->warning = message;
}

void write_png(const fs::path& path, const Image& image) {
  const fs::path temp = temporary_path_beside(path);
  FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) {
    throw RuntimeError(path.string() + ": cannot create the image file (" + std::strerror(errno) +
                       ")");
  }
  PngMessages messages;
  errno = 0;
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, &messages, keep_png_error, keep_png_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    std::string reason = messages.error;
    // A failed write (a full disk) leaves its reason in errno; libpng says only "Write Error".
    if (errno != 0) reason += std::string(": ") + std::strerror(errno);
    if (!messages.warning.empty()) reason += ": " + messages.warning;
    png_destroy_write_struct(&png, &info);
    std::fclose(file);
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw RuntimeError(path.string() + ": libpng failed to write the image (" + reason + ")");
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, image.width, image.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y)
    png_write_row(png, image.rgb.data() + size_t(y) * image.width * 3);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  // The image reaches `path` whole or not at all, and a failure leaves no temporary file behind.
  std::string reason;
  if (std::fclose(file) != 0) {
    reason = std::strerror(errno);
    std::error_code ignored;
    fs::remove(temp, ignored);
  } else {
    reason = move_into_place(temp, path);
  }
  if (!reason.empty()) throw RuntimeError(path.string() + ": cannot write the image: " + reason);
}

void draw_panel(Image& image, const Panel& panel, int top, const SpectrogramOptions& options,
                double max_db, double duration_s) {
  const double max_hz = panel.nyquist_hz;
  for (int x = 0; x < options.width; ++x) {
    const double time_s = (x + 0.5) / options.width * duration_s;
    const int frame = int(std::lround(time_s / panel.hop_s));
    for (int y = 0; y < options.height; ++y) {
      const double hz = (options.height - y - 0.5) / options.height * max_hz;
      const int bin = int(std::lround(hz / panel.nyquist_hz * (panel.n_bins - 1)));
      Rgb colour = {255, 255, 255};  // beyond this file's length
      if (frame < panel.n_frames && bin < panel.n_bins) {
        const double db = panel.level_db[size_t(frame) * panel.n_bins + bin];
        colour = colour_map(1.0 + (db - max_db) / options.range_db);
      }
      image.set(kLeft + x, top + y, colour);
    }
  }
  // Frequency ticks (kHz) on the left edge.
  const Rgb kInk = {0, 0, 0};
  const double step_khz = tick_step(max_hz / 1000.0, 4);
  for (double khz = 0; khz <= max_hz / 1000.0 + 1e-9; khz += step_khz) {
    const int y =
        top + options.height - 1 - int(std::lround(khz * 1000 / max_hz * (options.height - 1)));
    for (int dx = 1; dx <= 3; ++dx)
      image.set(kLeft - dx, y, kInk);
    const std::string label = format_tick(khz, step_khz);
    draw_text(image, kLeft - 5 - int(label.size()) * 4,
              std::clamp(y - 2, top, top + options.height - 5), label, kInk);
  }
  draw_text(image, 2, top, "kHz", kInk);
}

void check_side(const std::string& option, int pixels) {
  if (pixels < kMinSide || pixels > kMaxSide)
    throw UsageError(option + ": expected " + std::to_string(kMinSide) + " to " +
                     std::to_string(kMaxSide) + " pixels, got " + std::to_string(pixels));
}

int run_spectrogram(const SpectrogramOptions& options) {
  check_side("--width", options.width);
  check_side("--height", options.height);
  if (!(options.range_db > 0)) throw UsageError("--range-db must be positive");
  std::vector<fs::path> inputs(options.inputs.begin(), options.inputs.end());
  audio::ensure_not_an_input(options.output, inputs);
  if (fs::is_directory(options.output))
    throw UsageError("-o " + options.output + ": is a folder; expected the path of a .png file");
  std::string extension = fs::path(options.output).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension != ".png") {
    throw UsageError("-o " + options.output + ": the picture is written as PNG; name it .png");
  }
  // Before the work, so that a folder that cannot be made does not waste it.
  create_parent_folders(options.output);

  std::vector<Panel> panels;
  double max_db = -INFINITY;
  double duration_s = 0;
  for (const std::string& input : options.inputs) {
    panels.push_back(analyse(input, options.frame_ms));
    const Panel& p = panels.back();
    max_db = std::max(max_db, double(*std::max_element(p.level_db.begin(), p.level_db.end())));
    duration_s = std::max(duration_s, (p.n_frames - 1) * p.hop_s);
  }
  duration_s = std::max(duration_s, 1e-3);
  const auto [lowest, highest] = std::minmax_element(
      panels.begin(), panels.end(),
      [](const Panel& a, const Panel& b) { return a.nyquist_hz < b.nyquist_hz; });
  if (lowest->nyquist_hz != highest->nyquist_hz)
    log::info(
        "inputs have different sample rates: each panel's frequency axis runs from 0 to its "
        "own Nyquist frequency (between ",
        lowest->nyquist_hz / 1000, " and ", highest->nyquist_hz / 1000, " kHz)");

  const int n = int(panels.size());
  Image image(options.width + kLeft + kRight, n * (options.height + kGap) + kTop + kBottom);
  for (int i = 0; i < n; ++i) {
    draw_panel(image, panels[i], kTop + i * (options.height + kGap), options, max_db, duration_s);
    std::cout << "panel " << i + 1 << " (from the top): " << options.inputs[i] << ", 0 to "
              << panels[i].nyquist_hz / 1000 << " kHz\n";
  }

  // Time axis (seconds) under the last panel.
  const Rgb kInk = {0, 0, 0};
  const int axis_y = kTop + n * (options.height + kGap) - kGap;
  for (int x = 0; x < options.width; ++x)
    image.set(kLeft + x, axis_y, kInk);
  const double step_s = tick_step(duration_s, 8);
  for (double t = 0; t <= duration_s + 1e-9; t += step_s) {
    const int x = kLeft + int(std::lround(t / duration_s * (options.width - 1)));
    for (int dy = 1; dy <= 3; ++dy)
      image.set(x, axis_y + dy, kInk);
    const std::string label = format_tick(t, step_s);
    draw_text(image, x - int(label.size()) * 2, axis_y + 6, label, kInk);
  }
  draw_text(image, kLeft + options.width - 4, axis_y + 14, "s", kInk);

  write_png(options.output, image);
  log::info("wrote ", options.output, " (", image.width, " x ", image.height, " pixels, ", n,
            " panel(s), ", options.range_db, " dB range)");
  return 0;
}

void add_spectrogram_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<SpectrogramOptions>();
  CLI::App* sub = root.add_subcommand(
      "spectrogram", "Draw log-magnitude spectrograms of files, stacked, into a PNG image");
  sub->add_option("inputs", options->inputs, "Audio files, drawn top to bottom")->required();
  sub->add_option("-o,--output,--out", options->output, "PNG file to write")->required();
  sub->add_option("--width", options->width, "Plot width in pixels, 16 to 16384 (image adds 48)")
      ->capture_default_str();
  sub->add_option("--height", options->height,
                  "Height of each panel in pixels, 16 to 16384 (image adds 8 per panel and 32)")
      ->capture_default_str();
  sub->add_option("--range-db", options->range_db, "Levels shown below the loudest bin, in dB")
      ->capture_default_str();
  // As the baselines allow: below 4 ms a frame holds too few samples for a spectrum, above 256
  // ms the time axis no longer follows speech (100000 ms once drew a 50 s axis for a 2 s file).
  sub->add_option("--frame-ms", options->frame_ms,
                  "STFT frame length in ms, 4 to 256 (hop: a quarter)")
      ->check(number_from_to(4, 256))
      ->capture_default_str();
  sub->callback([options, &action] { action = [options] { return run_spectrogram(*options); }; });
}

const CommandRegistration kRegistration{70, add_spectrogram_command};

}  // namespace
}  // namespace rawgan::cli
