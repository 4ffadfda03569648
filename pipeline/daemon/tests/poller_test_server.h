#pragma once
// A small HTTP/1.1 server for the poller tests (Boost.Beast, one thread,
// one request per connection, port 0): each request is answered by the
// test's handler and recorded.

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cb::daemon::testing {

struct SeenRequest {
  std::string method, target, authorization, if_none_match;
};

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class PollerTestServer {
 public:
  using Handler = std::function<Reply(const SeenRequest&)>;

  explicit PollerTestServer(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~PollerTestServer() {
    stopping_ = true;
    boost::system::error_code ec;
    // Unblocks accept() with one last connection.
    boost::asio::ip::tcp::socket s(io_);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  PollerTestServer(const PollerTestServer&) = delete;
  PollerTestServer& operator=(const PollerTestServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<SeenRequest> requests() const {
    std::lock_guard guard(lock_);
    return requests_;
  }
  std::size_t count(const std::string& method) const {
    std::lock_guard guard(lock_);
    std::size_t n = 0;
    for (const auto& r : requests_) n += r.method == method ? 1 : 0;
    return n;
  }

 private:
  void serve() {
    namespace http = boost::beast::http;
    while (!stopping_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) continue;
      SeenRequest seen;
      seen.method = std::string(req.method_string());
      seen.target = std::string(req.target());
      seen.authorization = std::string(req[http::field::authorization]);
      seen.if_none_match = std::string(req[http::field::if_none_match]);
      {
        std::lock_guard guard(lock_);
        requests_.push_back(seen);
      }
      Reply reply = handler_(seen);
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      for (const auto& [k, v] : reply.headers) res.set(k, v);
      res.body() = reply.body;
      res.keep_alive(false);
      res.prepare_payload();
      http::write(socket, res, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  Handler handler_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex lock_;
  std::vector<SeenRequest> requests_;
};

}  // namespace cb::daemon::testing
