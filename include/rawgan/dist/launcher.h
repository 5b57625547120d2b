// Starting a data-parallel job on one machine: `rawgan train --nproc N` runs N copies of the
// same executable with the same arguments (minus --nproc), each with the torchrun environment
// (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1, MASTER_PORT=<a free port>), and
// supervises them: Ctrl-C is forwarded once, and when one rank fails the others are given a
// short grace period to notice (their collectives fail) and are then terminated.
//
// POSIX (fork/exec of /proc/self/exe); call from the main thread before LibTorch starts
// worker threads that the children would otherwise inherit half-initialised.
#pragma once

#include <string>
#include <vector>

namespace rawgan::dist {

/// This process's command line (argv[0] included), read from /proc/self/cmdline.
std::vector<std::string> current_arguments();

/// `arguments` without `option` and its value, in both forms "--nproc 2" and "--nproc=2".
std::vector<std::string> without_option(const std::vector<std::string>& arguments,
                                        const std::string& option);

/// A TCP port on 127.0.0.1 that was free when asked (the kernel's choice of an ephemeral port).
int find_free_port();

struct LaunchOptions {
  int n_processes = 2;
  /// The full command line of every child, argv[0] first; the executable run is always
  /// /proc/self/exe (this very program), argv[0] only names it in messages.
  std::vector<std::string> arguments;
  int master_port = 0;  ///< 0: find_free_port()
  /// After a rank failed, how long the others may take to end on their own (their next
  /// collective fails) before they get SIGTERM, and then as long again before SIGKILL.
  double grace_s = 5.0;
};

/// How one rank ended.
struct RankExit {
  int rank = 0;
  int exit_code = 0;  ///< when it exited normally
  int signal = 0;     ///< when a signal killed it (exit_code is then 128 + signal)
  bool terminated_by_launcher = false;  ///< it got SIGTERM/SIGKILL after another rank failed
  double seconds = 0.0;                 ///< from the start of the job until it ended
  /// "exited with status 4" or "was killed by signal 9 (Killed)".
  std::string describe() const;
};

/// Starts the processes and returns when all have ended, in the order they ended. Forwards a
/// Ctrl-C (rawgan::interrupt_requested()) to all of them once. Throws UsageError when
/// n_processes < 1 or WORLD_SIZE is already set (the job is started by another launcher) and
/// RuntimeError when a process cannot be started.
std::vector<RankExit> run_local_processes(const LaunchOptions& options);

/// run_local_processes for the CLI: returns 0 when every rank exited 0; throws Interrupted
/// when the job was stopped by Ctrl-C, else RuntimeError naming the rank that failed first,
/// its exit status, and what became of the others.
int launch_local(const LaunchOptions& options);

}  // namespace rawgan::dist
