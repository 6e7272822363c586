// A shequn-server child process for the crash test and the benchmark: its
// first stdout line names the address it listens on.
#ifndef SHEQUN_TESTS_SERVER_SERVER_PROCESS_H_
#define SHEQUN_TESTS_SERVER_SERVER_PROCESS_H_

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

namespace shequn::testing {

class ServerProcess {
 public:
  // `args` follow --data DIR --config FILE --port 0.
  ServerProcess(std::string data, std::string config, std::vector<std::string> args)
      : data_(std::move(data)), config_(std::move(config)), args_(std::move(args)) {}
  ~ServerProcess() { Kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and returns its address, or "" if it did not start.
  std::string Start() {
    int fds[2];
    if (pipe(fds) != 0) return "";
    std::vector<std::string> argv = {SHEQUN_SERVER_BINARY, "--data", data_, "--config", config_,
                                     "--port", "0"};
    argv.insert(argv.end(), args_.begin(), args_.end());
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      std::vector<char*> c_argv;
      for (std::string& a : argv) c_argv.push_back(a.data());
      c_argv.push_back(nullptr);
      execv(SHEQUN_SERVER_BINARY, c_argv.data());
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char ch;
    while (read(fds[0], &ch, 1) == 1 && ch != '\n') line += ch;
    close(fds[0]);
    const std::string prefix = "listening on ";
    const size_t at = line.find(prefix);
    if (at == std::string::npos) return "";
    const size_t from = at + prefix.size();
    return line.substr(from, line.find(' ', from) - from);
  }

  // SIGKILL: the server gets no chance to flush or finish anything.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  std::string data_;
  std::string config_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
};

}  // namespace shequn::testing

#endif  // SHEQUN_TESTS_SERVER_SERVER_PROCESS_H_
