#pragma once
// A small synchronous HTTP client for the server's tests (plain or TLS), one
// keep-alive connection per client.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace cb::http::testing {

struct Reply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  bool keep_alive = false;
};

class TestClient {
 public:
  explicit TestClient(std::uint16_t port, bool tls = false) : tls_(tls) {
    namespace asio = boost::asio;
    asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    if (tls) {
      ssl_ctx_.emplace(asio::ssl::context::tls_client);
      ssl_ctx_->set_verify_mode(asio::ssl::verify_none);  // self-signed test certificate
      ssl_stream_ = std::make_unique<boost::beast::ssl_stream<boost::beast::tcp_stream>>(ioc_, *ssl_ctx_);
      boost::beast::get_lowest_layer(*ssl_stream_).connect(ep);
      ssl_stream_->handshake(asio::ssl::stream_base::client);
    } else {
      stream_ = std::make_unique<boost::beast::tcp_stream>(ioc_);
      stream_->connect(ep);
    }
  }

  Reply request(const std::string& method, const std::string& target,
                const std::string& token = {}, const std::string& body = {},
                const std::map<std::string, std::string>& headers = {}) {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    if (tls_) {
      bhttp::write(*ssl_stream_, req);
      bhttp::read(*ssl_stream_, buf, res);
    } else {
      bhttp::write(*stream_, req);
      bhttp::read(*stream_, buf, res);
    }
    Reply r;
    r.status = res.result_int();
    r.body = res.body();
    r.keep_alive = res.keep_alive();
    for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    return r;
  }

  /// Sends raw bytes and reads one response (for malformed requests).
  Reply raw(const std::string& bytes) {
    namespace bhttp = boost::beast::http;
    boost::asio::write(stream_->socket(), boost::asio::buffer(bytes));
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(*stream_, buf, res);
    Reply r;
    r.status = res.result_int();
    r.body = res.body();
    return r;
  }

 private:
  bool tls_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::ssl::context> ssl_ctx_;
  std::unique_ptr<boost::beast::tcp_stream> stream_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> ssl_stream_;
};

}  // namespace cb::http::testing
