#include "rawgan/dist/launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>
#include <utility>

#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"

namespace rawgan::dist {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The environment of rank `rank`: this process's, with the torchrun variables replaced.
std::vector<std::string> rank_environment(int rank, int n_processes, int port) {
  const std::vector<std::pair<std::string, std::string>> variables{
      {"RANK", std::to_string(rank)},
      {"LOCAL_RANK", std::to_string(rank)},
      {"WORLD_SIZE", std::to_string(n_processes)},
      {"MASTER_ADDR", "127.0.0.1"},
      {"MASTER_PORT", std::to_string(port)}};
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    const std::string text = *entry;
    bool replaced = false;
    for (const auto& variable : variables)
      replaced = replaced || text.rfind(variable.first + "=", 0) == 0;
    if (!replaced) environment.push_back(text);
  }
  for (const auto& variable : variables)
    environment.push_back(variable.first + "=" + variable.second);
  return environment;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings)
    result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

/// In the child, between fork and exec: only async-signal-safe calls, because LibTorch's
/// threads in the parent may have held locks (malloc's among them) at the time of fork.
[[noreturn]] void exec_rank(char** argv, char** envp, pid_t group) {
  setpgid(0, group);
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // no orphaned ranks when the launcher itself is killed
  execve("/proc/self/exe", argv, envp);
  _exit(127);
}

RankExit decode(int rank, int status, double seconds) {
  RankExit result;
  result.rank = rank;
  result.seconds = seconds;
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace

std::string RankExit::describe() const {
  if (signal != 0) {
    return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(exit_code);
}

std::vector<std::string> current_arguments() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  if (!file) throw RuntimeError("cannot read /proc/self/cmdline: " + std::string(strerror(errno)));
  const std::string all{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  std::vector<std::string> arguments;
  size_t start = 0;
  while (start < all.size()) {
    const size_t end = all.find('\0', start);
    arguments.push_back(all.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return arguments;
}

std::vector<std::string> without_option(const std::vector<std::string>& arguments,
                                        const std::string& option) {
  std::vector<std::string> kept;
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i] == option) {
      ++i;  // its value
      continue;
    }
    if (arguments[i].rfind(option + "=", 0) == 0) continue;
    kept.push_back(arguments[i]);
  }
  return kept;
}

int find_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw RuntimeError("cannot open a socket: " + std::string(strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string reason = strerror(errno);
    close(fd);
    throw RuntimeError("cannot find a free TCP port on 127.0.0.1: " + reason);
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::vector<RankExit> run_local_processes(const LaunchOptions& options) {
  if (options.n_processes < 1) {
    throw UsageError("--nproc must be at least 1, got " + std::to_string(options.n_processes));
  }
  if (std::getenv("WORLD_SIZE")) {
    throw UsageError(
        "--nproc starts its own processes, but WORLD_SIZE is already set (this process is a "
        "rank of another launcher); drop --nproc or unset WORLD_SIZE");
  }
  if (options.arguments.empty()) throw UsageError("launch: no command line to run");
  const int port = options.master_port > 0 ? options.master_port : find_free_port();
  log::info("starting ", options.n_processes, " processes (store at 127.0.0.1:", port, ")");

  // All ranks share one process group, led by rank 0, so that signals reach all at once; the
  // terminal's Ctrl-C reaches only this launcher, which forwards it once.
  const auto start = Clock::now();
  std::vector<pid_t> pids(options.n_processes, -1);
  pid_t group = 0;
  std::vector<std::string> arguments = options.arguments;
  auto argv = pointers(arguments);
  for (int rank = 0; rank < options.n_processes; ++rank) {
    auto environment = rank_environment(rank, options.n_processes, port);
    auto envp = pointers(environment);
    const pid_t pid = fork();
    if (pid < 0) {
      if (group > 0) kill(-group, SIGKILL);
      throw RuntimeError("cannot start rank " + std::to_string(rank) + ": " + strerror(errno));
    }
    if (pid == 0) exec_rank(argv.data(), envp.data(), group);
    if (group == 0) group = pid;
    setpgid(pid, group);  // also here, in case the parent signals before the child ran
    pids[rank] = pid;
  }

  std::vector<RankExit> exits;
  bool forwarded_interrupt = false;
  bool failed = false;
  Clock::time_point failure_time;
  int escalation = 0;  // 0: waiting, 1: SIGTERM sent, 2: SIGKILL sent
  while (static_cast<int>(exits.size()) < options.n_processes) {
    for (int rank = 0; rank < options.n_processes; ++rank) {
      if (pids[rank] < 0) continue;
      int status = 0;
      if (waitpid(pids[rank], &status, WNOHANG) != pids[rank]) continue;
      pids[rank] = -1;
      RankExit exit = decode(rank, status, seconds_since(start));
      exit.terminated_by_launcher = escalation > 0;
      if (exit.exit_code != 0 && !failed) {
        failed = true;
        failure_time = Clock::now();
      }
      exits.push_back(exit);
    }
    if (interrupt_requested() && !forwarded_interrupt) {
      forwarded_interrupt = true;
      kill(-group, SIGINT);
    }
    if (failed && static_cast<int>(exits.size()) < options.n_processes) {
      const double waited_s = seconds_since(failure_time);
      if (escalation == 0 && waited_s > options.grace_s) {
        escalation = 1;
        kill(-group, SIGTERM);
      } else if (escalation == 1 && waited_s > 2 * options.grace_s) {
        escalation = 2;
        kill(-group, SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exits;
}

int launch_local(const LaunchOptions& options) {
  const auto exits = run_local_processes(options);
  const RankExit* first_failure = nullptr;
  bool all_interrupted = true;
  for (const auto& exit : exits) {
    if (exit.exit_code == 0) continue;
    if (!first_failure) first_failure = &exit;
    all_interrupted = all_interrupted && exit.exit_code == static_cast<int>(ExitCode::kInterrupted);
  }
  if (!first_failure) return 0;
  if (all_interrupted && interrupt_requested())
    throw Interrupted("interrupted: every rank stopped (rank 0 saved the checkpoint)");
  // Every rank refused the same options or inputs: that is the job's own failure class.
  bool all_same = true;
  for (const auto& exit : exits)
    all_same = all_same && exit.exit_code == first_failure->exit_code;
  const std::string all_refused = "every rank stopped with exit status " +
                                  std::to_string(first_failure->exit_code) +
                                  " (their messages above say why)";
  if (all_same && first_failure->exit_code == static_cast<int>(ExitCode::kUsage))
    throw UsageError(all_refused);
  if (all_same && first_failure->exit_code == static_cast<int>(ExitCode::kBadInput))
    throw InputError(all_refused);

  std::string message = "rank " + std::to_string(first_failure->rank) + " of " +
                        std::to_string(options.n_processes) + " " + first_failure->describe() +
                        " after " + std::to_string(static_cast<int>(first_failure->seconds)) +
                        " s; the job was ended";
  for (const auto& exit : exits) {
    if (&exit == first_failure) continue;
    message += "; rank " + std::to_string(exit.rank) + " " + exit.describe();
    if (exit.terminated_by_launcher) message += " (terminated by the launcher)";
  }
  throw RuntimeError(message);
}

}  // namespace rawgan::dist
