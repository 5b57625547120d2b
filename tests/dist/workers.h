// Runs worker tests of this executable as the ranks of a local job (see launcher.h).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "rawgan/dist/context.h"
#include "rawgan/dist/launcher.h"

namespace rawgan::test {

/// Starts `n_processes` copies of this test executable running only the disabled worker test
/// `worker` (e.g. "DistWorker.DISABLED_Train"), with RAWGAN_DIST_TEST_DIR set to `folder`.
inline std::vector<dist::RankExit> run_workers(const std::string& worker, int n_processes,
                                               const std::filesystem::path& folder,
                                               double grace_s = 5.0) {
  setenv("RAWGAN_DIST_TEST_DIR", folder.c_str(), 1);
  dist::LaunchOptions options;
  options.n_processes = n_processes;
  options.arguments = {dist::current_arguments().at(0), "--gtest_filter=" + worker,
                       "--gtest_also_run_disabled_tests", "--gtest_brief=1"};
  options.grace_s = grace_s;
  return dist::run_local_processes(options);
}

/// In a worker: the folder its parent test gave, or empty when run outside a job.
inline std::filesystem::path worker_folder() {
  const char* folder = std::getenv("RAWGAN_DIST_TEST_DIR");
  return folder ? std::filesystem::path(folder) : std::filesystem::path();
}

/// In a worker: true when started by run_workers (else the worker test skips itself).
inline bool in_worker() {
  return std::getenv("WORLD_SIZE") && !worker_folder().empty();
}

}  // namespace rawgan::test
