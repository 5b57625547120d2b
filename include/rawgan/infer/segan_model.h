// Loading a trained SEGAN generator as an enhancement model.
#pragma once

#include <torch/torch.h>

#include <filesystem>

#include "rawgan/infer/enhancer.h"
#include "rawgan/models/precision.h"
#include "rawgan/models/segan.h"

namespace rawgan::infer {

/// Wraps `generator` (built from `options`) as an enhancement model on `device`, in eval mode,
/// under autocast for bf16/fp16 `precision` (float32 windows out either way).
EnhancementModel segan_enhancement_model(models::SeganGenerator generator,
                                         const models::SeganOptions& options, torch::Device device,
                                         models::Precision precision = models::Precision::kFloat32);

/// Reads the generator of a checkpoint of kind "segan" (rawgan train) onto `device`, ready for
/// Enhancer: the model's rate, window and pre-emphasis come from the checkpoint's options
/// (header.config["model"]). z is drawn afresh for every window, as in the paper (sec. 3.2).
/// Throws InputError naming the file when it is missing, not a SEGAN checkpoint, or its weights
/// do not match its options. With bf16 or fp16 `precision` the generator runs under autocast
/// (models/precision.h; fp16 only on CUDA, else UsageError) and returns float32 windows.
EnhancementModel load_segan(const std::filesystem::path& checkpoint, torch::Device device,
                            models::Precision precision = models::Precision::kFloat32);

}  // namespace rawgan::infer
