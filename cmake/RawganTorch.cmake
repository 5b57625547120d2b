# LibTorch headers are heavy: every target that includes them reuses one precompiled header
# built by rawgan_torch_pch, so each further translation unit compiles in seconds.

set(RAWGAN_TORCH_HAS_CUDA OFF)
if(TARGET torch_cuda OR CUDA_FOUND OR TORCH_CUDA_LIBRARIES)
  set(RAWGAN_TORCH_HAS_CUDA ON)
endif()

add_library(rawgan_torch_pch STATIC ${PROJECT_SOURCE_DIR}/cmake/torch_pch.cpp)
target_link_libraries(rawgan_torch_pch PUBLIC ${TORCH_LIBRARIES})
target_compile_options(rawgan_torch_pch PUBLIC ${TORCH_CXX_FLAGS})
target_precompile_headers(rawgan_torch_pch PRIVATE <torch/torch.h>)

# rawgan_use_torch(target [PUBLIC|PRIVATE]): links LibTorch and reuses the precompiled header.
function(rawgan_use_torch target)
  set(scope PUBLIC)
  if(ARGC GREATER 1)
    set(scope ${ARGV1})
  endif()
  target_link_libraries(${target} ${scope} rawgan_torch_pch)
  target_precompile_headers(${target} REUSE_FROM rawgan_torch_pch)
endfunction()
