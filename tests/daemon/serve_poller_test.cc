// `carebridge serve` with [[pollers]]: the poller thread fetches from a local
// HTTP server and the message is delivered; a 404 source makes /readyz say
// why; SIGHUP picks up a changed poller URL; SIGTERM stops cleanly.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/daemon/tests/poller_test_server.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cb::daemon::testing::PollerTestServer;
using cb::daemon::testing::Reply;
using cb::daemon::testing::SeenRequest;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string item(const std::string& number) {
  return "{\"format\": \"carebridge-canonical\", \"version\": 1, \"documents\": [{\"kind\": "
         "\"item\", \"number\": \"" +
         number + "\", \"unit\": \"ST\"}]}\n";
}

std::string config_for(const fs::path& dir, const std::string& url) {
  return "workdir = \"" + dir.string() +
         "\"\n[store]\npath = \"cb.db\"\n[log]\nlevel = \"info\"\n[server]\nport = 0\n"
         "[[pollers]]\nname = \"web\"\nurl = \"" +
         url +
         "\"\ninterval_seconds = 3600\n"
         "[[pollers]]\nname = \"gone\"\nurl = \"" +
         url.substr(0, url.rfind('/')) +
         "/missing\"\ninterval_seconds = 3600\n"
         "[[routes]]\nname = \"web-in\"\nmatch = { poller = \"web\" }\n"
         "adapter = \"canonical-json\"\ncommand = \"import\"\n"
         "outputs = [ { adapter = \"canonical-json\", destination = \"outbox\" } ]\n"
         "[[routes]]\nname = \"gone-in\"\nmatch = { poller = \"gone\" }\n"
         "adapter = \"canonical-json\"\n";
}

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    n += it->path().filename().string().front() != '.' ? 1 : 0;
  }
  return n;
}

template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

/// GET on 127.0.0.1:port; the body.
std::string http_get(unsigned short port, const std::string& target) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(s, req, ec);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res, ec);
  return res.body();
}

TEST(ServePoller, PollsDeliversReportsReloadsAndStops) {
  const fs::path dir = fs::temp_directory_path() / ("cb-serve-poller-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  PollerTestServer server([](const SeenRequest& r) {
    if (r.target == "/next") return Reply{200, item("WEB-1")};
    if (r.target == "/next2") return Reply{200, item("WEB-2")};
    return Reply{404, ""};
  });
  const auto cfg = dir / "serve.toml";
  std::ofstream(cfg) << config_for(dir, server.url("/next"));
  const auto log = dir / "serve.log";

  pid_t pid = -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::string bin = CAREBRIDGE_BIN, cmd = "serve", opt = "--config", path = cfg.string();
  char* argv[] = {bin.data(), cmd.data(), opt.data(), path.data(), nullptr};
  ASSERT_EQ(posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);

  EXPECT_TRUE(wait_for([&] { return files_in(dir / "outbox") == 1; })) << slurp(log);
  unsigned short port = 0;
  ASSERT_TRUE(wait_for([&] {
    const auto text = slurp(log);
    const auto at = text.find("http://127.0.0.1:");
    if (at == std::string::npos) return false;
    port = static_cast<unsigned short>(std::stoi(text.substr(at + 17)));
    return true;
  }));
  const auto ready = http_get(port, "/readyz");
  EXPECT_NE(ready.find("poller gone"), std::string::npos) << ready;
  EXPECT_NE(ready.find("404"), std::string::npos) << ready;

  // SIGHUP with a changed URL: the changed poller is polled at once.
  std::ofstream(cfg) << config_for(dir, server.url("/next2"));
  ::kill(pid, SIGHUP);
  EXPECT_TRUE(wait_for([&] { return files_in(dir / "outbox") == 2; })) << slurp(log);

  const auto before = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  EXPECT_NE(slurp(log).find("2 poller(s)"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
