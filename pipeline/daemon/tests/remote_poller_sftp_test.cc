// The remote poller over SFTP against a private OpenSSH server started by the
// test (`sshd -D -f <temp config>` on a free high port, temp host key,
// authorized temp client key): files are fetched, stored on the poller's
// route, and removed or moved remotely only afterwards; a wrong host key is
// refused. Needs /usr/sbin/sshd (openssh-server, installed by
// scripts/bootstrap); label "integration".

#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "pipeline/daemon/remote_poller.h"
#include "pipeline/daemon/tests/daemon_test_util.h"

namespace cb::daemon {
namespace {

using namespace cb::daemon::testing;
using namespace std::chrono_literals;

constexpr const char* kSshd = "/usr/sbin/sshd";

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

int run(const std::string& cmd) { return std::system(cmd.c_str()); }

/// A private sshd serving SFTP on 127.0.0.1 for the current user.
class TestSshd {
 public:
  explicit TestSshd(const fs::path& dir) : dir_(dir) {
    port_ = free_port();
    const auto keys = dir / "keys";
    fs::create_directories(keys);
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    ok_ = run("ssh-keygen -q -t ed25519 -N '' -f " + (keys / "host_key").string()) == 0 &&
          run("ssh-keygen -q -t ed25519 -N '' -f " + (keys / "client_key").string()) == 0;
    if (!ok_) return;
    fs::copy_file(keys / "client_key.pub", keys / "authorized_keys");
    const std::string host_pub = slurp(keys / "host_key.pub");
    {
      std::ofstream kh(keys / "known_hosts");
      kh << "[127.0.0.1]:" << port_ << " " << host_pub;
    }
    const passwd* pw = ::getpwuid(::getuid());
    user_ = pw != nullptr ? pw->pw_name : "root";
    {
      std::ofstream c(dir / "sshd_config");
      c << "Port " << port_ << "\nListenAddress 127.0.0.1\n"
        << "HostKey " << (keys / "host_key").string() << "\n"
        << "PidFile " << (dir / "sshd.pid").string() << "\n"
        << "AuthorizedKeysFile " << (keys / "authorized_keys").string() << "\n"
        << "StrictModes no\nUsePAM no\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
        << "KbdInteractiveAuthentication no\nPermitRootLogin yes\n"
        << "Subsystem sftp internal-sftp\nLogLevel ERROR\n";
    }
    std::error_code ec;
    fs::create_directories("/run/sshd", ec);  // privilege separation folder
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string cfg = (dir / "sshd_config").string();
      const std::string log = (dir / "sshd.log").string();
      ::execl(kSshd, kSshd, "-D", "-f", cfg.c_str(), "-E", log.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!port_open(port_) && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    ok_ = pid_ > 0 && port_open(port_);
  }
  ~TestSshd() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  TestSshd(const TestSshd&) = delete;
  TestSshd& operator=(const TestSshd&) = delete;

  bool ok() const { return ok_; }
  std::string log() const { return slurp(dir_ / "sshd.log"); }
  std::string url(const fs::path& folder) const {
    return "sftp://127.0.0.1:" + std::to_string(port_) + folder.string() + "/";
  }
  const std::string& user() const { return user_; }
  fs::path keys() const { return dir_ / "keys"; }
  std::string host_fingerprint() const {
    const auto out = dir_ / "fp.txt";
    run("ssh-keygen -l -E sha256 -f " + (keys() / "host_key.pub").string() + " > " + out.string());
    const std::string line = slurp(out);  // "256 SHA256:xxxx comment (ED25519)"
    const auto start = line.find("SHA256:");
    return line.substr(start, line.find(' ', start) - start);
  }

 private:
  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool ok_ = false;
  std::string user_;
};

std::string sftp_config(const fs::path& workdir, const TestSshd& sshd, const fs::path& remote,
                        const std::string& extra) {
  return "workdir = \"" + workdir.string() +
         "\"\n"
         "[store]\npath = \"cb.db\"\nsynchronous = \"normal\"\n"
         "[[tenants]]\nid = \"t1\"\n"
         "[[pollers]]\nname = \"insurer\"\nurl = \"" +
         sshd.url(remote) + "\"\ninterval_seconds = 300\nusername = \"" + sshd.user() +
         "\"\nprivate_key_file = \"" + (sshd.keys() / "client_key").string() + "\"\n" + extra +
         "\n[[routes]]\nname = \"replies\"\ntenant = \"t1\"\n"
         "match = { poller = \"insurer\" }\nadapter = \"canonical-json\"\ncommand = \"import\"\n"
         "outputs = [ { adapter = \"canonical-json\", destination = \"outbox\" } ]\n";
}

struct Rig {
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<RemotePoller> poller;
  explicit Rig(const std::string& text) {
    DaemonOptions o;
    o.config = parse_config(text);
    auto d = Daemon::open(std::move(o));
    if (!d) {
      ADD_FAILURE() << config::format_diagnostics(d.error());
      return;
    }
    daemon = std::move(*d);
    poller = std::make_unique<RemotePoller>(
        daemon->config(), [this] { return daemon->routes(); },
        [this](const InboundMessage& m) { return daemon->receive(m); });
  }
};

#define REQUIRE_SSHD(sshd)                                                        \
  if (!fs::exists(kSshd)) GTEST_SKIP() << kSshd << " is missing (scripts/bootstrap)"; \
  ASSERT_TRUE((sshd).ok()) << "sshd did not start: " << (sshd).log()

TEST(RemotePollerSftp, FilesAreStoredThenRemovedRemotely) {
  const auto dir = scratch_dir("sftp");
  TestSshd sshd(dir / "ssh");
  REQUIRE_SSHD(sshd);
  const auto remote = dir / "remote" / "outbox";
  drop(remote, "reply-1.json", item_message(11));
  drop(remote, "reply 2.json", item_message(12));
  {
    std::ofstream partial(remote / ".reply-3.json.part");  // still being uploaded
    partial << "{";
  }
  Rig rig(sftp_config(dir / "work", sshd, remote,
                      "known_hosts = \"" + (sshd.keys() / "known_hosts").string() + "\""));
  ASSERT_TRUE(rig.daemon);

  auto round = rig.poller->poll_now("insurer");
  ASSERT_EQ(round.status, RemoteStatus::ok) << round.reason << "\n" << sshd.log();
  EXPECT_EQ(round.fetched, 2);
  EXPECT_EQ(round.stored, 2);
  EXPECT_EQ(round.acknowledged, 2);
  // Removed remotely; the writer's temp file is left alone.
  EXPECT_FALSE(fs::exists(remote / "reply-1.json"));
  EXPECT_FALSE(fs::exists(remote / "reply 2.json"));
  EXPECT_TRUE(fs::exists(remote / ".reply-3.json.part"));

  ASSERT_TRUE(rig.daemon->run_until_idle(10s));
  rig.daemon->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT group_concat(source, ',') FROM (SELECT source FROM messages WHERE "
                       "direction = 'in' AND state = 'applied' ORDER BY source)"),
              "poller:insurer/reply 2.json,poller:insurer/reply-1.json");
    EXPECT_EQ(count(db, "SELECT count(*) FROM items WHERE number IN ('ITEM-11', 'ITEM-12')"), 2);
  });
  EXPECT_EQ(visible_files(dir / "work" / "outbox").size(), 2u);

  // The same bytes uploaded again are a duplicate on the route, and removed too.
  drop(remote, "reply-1-again.json", item_message(11));
  auto again = rig.poller->poll_now("insurer");
  EXPECT_EQ(again.duplicates, 1) << again.reason;
  EXPECT_FALSE(fs::exists(remote / "reply-1-again.json"));
  EXPECT_TRUE(rig.poller->problems().empty());
}

TEST(RemotePollerSftp, MoveModeMovesIntoTheDoneFolderAndHostKeyFingerprintWorks) {
  const auto dir = scratch_dir("sftp");
  TestSshd sshd(dir / "ssh");
  REQUIRE_SSHD(sshd);
  const auto remote = dir / "remote" / "outbox";
  const auto done = dir / "remote" / "done";
  fs::create_directories(done);
  drop(remote, "a.json", item_message(21));
  drop(remote, "b.json", item_message(22));
  Rig rig(sftp_config(dir / "work", sshd, remote,
                      "after_fetch = \"move\"\nmove_to = \"" + done.string() +
                          "\"\nhost_key_sha256 = \"" + sshd.host_fingerprint() + "\""));
  ASSERT_TRUE(rig.daemon);
  auto round = rig.poller->poll_now("insurer");
  ASSERT_EQ(round.status, RemoteStatus::ok) << round.reason;
  EXPECT_EQ(round.stored, 2);
  EXPECT_EQ(round.acknowledged, 2);
  EXPECT_FALSE(fs::exists(remote / "a.json"));
  EXPECT_EQ(slurp(done / "a.json"), item_message(21));
  EXPECT_EQ(slurp(done / "b.json"), item_message(22));
}

TEST(RemotePollerSftp, WrongHostKeyIsRefusedAndNothingIsTouched) {
  const auto dir = scratch_dir("sftp");
  TestSshd sshd(dir / "ssh");
  REQUIRE_SSHD(sshd);
  const auto remote = dir / "remote" / "outbox";
  drop(remote, "a.json", item_message(31));
  Rig rig(sftp_config(dir / "work", sshd, remote,
                      "host_key_sha256 = \"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""));
  ASSERT_TRUE(rig.daemon);
  auto round = rig.poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::permanent) << round.reason;
  EXPECT_TRUE(fs::exists(remote / "a.json"));
  const auto problems = rig.poller->problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("poller insurer"), std::string::npos);
  rig.daemon->with_api_db(
      [&](store::Database& db) { EXPECT_EQ(count(db, "SELECT count(*) FROM messages"), 0); });
}

TEST(RemotePollerSftp, WrongKeyIsALoginFailureNotARetryLoop) {
  const auto dir = scratch_dir("sftp");
  TestSshd sshd(dir / "ssh");
  REQUIRE_SSHD(sshd);
  const auto remote = dir / "remote" / "outbox";
  drop(remote, "a.json", item_message(41));
  ASSERT_EQ(run("ssh-keygen -q -t ed25519 -N '' -f " + (dir / "stranger").string()), 0);
  auto text = sftp_config(dir / "work", sshd, remote,
                          "known_hosts = \"" + (sshd.keys() / "known_hosts").string() + "\"");
  const std::string key = (sshd.keys() / "client_key").string();
  text.replace(text.find(key), key.size(), (dir / "stranger").string());
  Rig rig(text);
  ASSERT_TRUE(rig.daemon);
  auto round = rig.poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::permanent) << round.reason;
  EXPECT_TRUE(fs::exists(remote / "a.json"));
  const auto st = rig.poller->status()[0];
  EXPECT_TRUE(st.permanent);
  ASSERT_TRUE(st.next_poll);
  EXPECT_GE(*st.next_poll - *st.last_attempt, 299s) << "waits for the next interval";
}

}  // namespace
}  // namespace cb::daemon
