// Loading a trained SEGAN generator as an enhancement model.
#pragma once

#include <torch/torch.h>

#include <filesystem>

#include "rawgan/infer/enhancer.h"
#include "rawgan/models/precision.h"

namespace rawgan::infer {

/// Reads the generator of a checkpoint of kind "segan" (rawgan train) onto `device`, ready for
/// Enhancer: the model's rate, window and pre-emphasis come from the checkpoint's options
/// (header.config["model"]). z is drawn afresh for every window, as in the paper (sec. 3.2).
/// Throws InputError naming the file when it is missing, not a SEGAN checkpoint, or its weights
/// do not match its options. With bf16 or fp16 `precision` the generator runs under autocast
/// (models/precision.h; fp16 only on CUDA, else UsageError) and returns float32 windows.
EnhancementModel load_segan(const std::filesystem::path& checkpoint, torch::Device device,
                            models::Precision precision = models::Precision::kFloat32);

}  // namespace rawgan::infer
