#include "pipeline/http/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <future>
#include <mutex>
#include <thread>

#include "pipeline/config/config.h"
#include "pipeline/http/api.h"

namespace cb::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

ServerOptions server_options_from_config(const cb::config::Config& cfg) {
  ServerOptions o;
  o.listen = cfg.server.listen;
  o.port = cfg.server.port;
  if (cfg.server.tls_cert) o.tls_cert = cfg.resolve(*cfg.server.tls_cert);
  if (cfg.server.tls_key) o.tls_key = cfg.resolve(*cfg.server.tls_key);
  for (const auto& t : cfg.server.tokens) {
    ApiToken a;
    a.name = t.name;
    a.role = t.role == cb::config::TokenRole::admin       ? Role::admin
             : t.role == cb::config::TokenRole::operator_ ? Role::operator_
                                                          : Role::viewer;
    a.tenant = t.tenant.value_or("");
    a.sha256 = t.sha256;
    o.tokens.push_back(std::move(a));
  }
  return o;
}

namespace {

/// What the server keeps of a connection to end it on stop().
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  /// Ends the connection if it is waiting for a request; a request being
  /// handled finishes and then the connection closes.
  virtual void shut() = 0;
};

bool is_http_parse_error(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

/// Everything the server and its connections share.
struct ServerState {
  Backend& backend;
  ServerOptions opt;
  std::atomic<bool> stopping{false};
  bool started = false;
  bool stopped = false;
  std::uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  std::map<const SessionBase*, std::weak_ptr<SessionBase>> sessions;

  std::unique_ptr<ApiHandler> handler;
  std::optional<asio::ssl::context> ssl;
  // Declared after everything the sessions use: destroyed first, with the
  // handlers (and so the sessions) it still holds.
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;

  ServerState(Backend& b, ServerOptions o)
      : backend(b), opt(std::move(o)), ioc(std::max(1, opt.threads)) {}

  void add_session(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(mu);
    sessions[s.get()] = s;
  }
  void remove_session(const SessionBase* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
    cv.notify_all();
  }

  void do_accept();
};

template <class Stream>
class Session : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Session(ServerState& srv, Args&&... args) : srv_(srv), stream_(std::forward<Args>(args)...) {}

  ~Session() override { srv_.remove_session(this); }

  void run() {
    srv_.add_session(shared_from_this());
    // Start on the connection's strand.
    asio::dispatch(stream_.get_executor(), [self = self()] {
      if constexpr (kTls) {
        beast::get_lowest_layer(self->stream_).expires_after(self->srv_.opt.read_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self](beast::error_code ec) {
                                        if (ec) {
                                          spdlog::debug("http: TLS handshake failed: {}",
                                                        ec.message());
                                          return self->close_now();
                                        }
                                        self->do_read();
                                      });
      } else {
        self->do_read();
      }
    });
  }

  void shut() override {
    asio::post(stream_.get_executor(), [self = self()] {
      if (self->reading_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }

  void do_read() {
    if (srv_.stopping) return do_close();
    parser_.emplace();
    parser_->body_limit(srv_.opt.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(srv_.opt.max_header_bytes));
    beast::get_lowest_layer(stream_).expires_after(first_ ? srv_.opt.read_timeout
                                                          : srv_.opt.idle_timeout);
    reading_ = true;
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (ec == bhttp::error::end_of_stream) return do_close();
    if (ec == bhttp::error::body_limit) {
      return send(ApiHandler::error(413, DiagCode::ApiTooLarge,
                                    "the request body is larger than " +
                                        std::to_string(srv_.opt.max_body_bytes) + " bytes"),
                  11, true);
    }
    if (ec == bhttp::error::header_limit) {
      return send(ApiHandler::error(431, DiagCode::ApiTooLarge, "the request headers are too large"),
                  11, true);
    }
    if (ec && is_http_parse_error(ec) && ec != bhttp::error::partial_message) {
      return send(ApiHandler::error(400, DiagCode::ApiBadRequest,
                                    "malformed HTTP request: " + ec.message()),
                  11, true);
    }
    if (ec) return close_now();

    auto& req = parser_->get();
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
      });
      r.headers[name] = std::string(f.value());
    }
    r.body = std::move(req.body());
    Response out = srv_.handler->handle(r);
    if (r.method == "HEAD") out.body.clear();
    send(std::move(out), req.version(), !req.keep_alive() || srv_.stopping);
  }

  void send(Response out, unsigned version, bool close) {
    res_ = {};
    res_.version(version);
    res_.result(out.status);
    res_.set(bhttp::field::server, "carebridge");
    res_.set(bhttp::field::content_type, out.content_type);
    res_.set("X-Content-Type-Options", "nosniff");
    res_.set("X-Frame-Options", "DENY");
    res_.set("Referrer-Policy", "no-referrer");
    res_.set("Content-Security-Policy",
             "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
             "frame-ancestors 'none'");
    if constexpr (kTls) res_.set("Strict-Transport-Security", "max-age=31536000");
    for (const auto& [k, v] : out.headers) res_.set(k, v);
    res_.body() = std::move(out.body);
    res_.keep_alive(!close);
    res_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(srv_.opt.read_timeout);
    bhttp::async_write(stream_, res_,
                       [self = self(), close](beast::error_code ec, std::size_t) {
                         if (ec || close) return self->do_close();
                         self->first_ = false;
                         self->do_read();
                       });
  }

  void do_close() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = self()](beast::error_code) { self->close_now(); });
    } else {
      close_now();
    }
  }

  void close_now() {
    beast::error_code ignored;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.shutdown(tcp::socket::shutdown_both, ignored);
    sock.close(ignored);
  }

  ServerState& srv_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  bool reading_ = false;
  bool first_ = true;
};

void ServerState::do_accept() {
  acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket sock) {
    if (stopping) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("http: accept failed: {}", ec.message());
    } else if (ssl) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(sock), *ssl)
          ->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(*this, std::move(sock))->run();
    }
    do_accept();
  });
}

}  // namespace

struct Server::Impl : ServerState {
  using ServerState::ServerState;
};

Server::Server(Backend& backend, ServerOptions options)
    : impl_(std::make_unique<Impl>(backend, std::move(options))) {}

Server::~Server() { stop(); }

Result<std::uint16_t> Server::start() {
  Impl& s = *impl_;
  if (s.started) return fail(DiagCode::ApiOptions, "the server was started already");
  const auto& o = s.opt;
  if (o.threads < 1 || o.threads > 64) {
    return fail(DiagCode::ApiOptions, "threads must be from 1 to 64");
  }
  if (o.tls_cert.has_value() != o.tls_key.has_value()) {
    return fail(DiagCode::ApiOptions, "TLS needs both a certificate and a key");
  }
  auto auth = Authenticator::make(o.tokens);
  if (!auth) return Unexpected(auth.error());
  s.handler = std::make_unique<ApiHandler>(s.backend, std::move(*auth), o.static_dir);

  if (o.tls_cert) {
    s.ssl.emplace(asio::ssl::context::tls_server);
    s.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    beast::error_code ec;
    s.ssl->use_certificate_chain_file(o.tls_cert->string(), ec);
    if (ec) {
      return fail(DiagCode::ApiTls, "certificate " + o.tls_cert->string() + ": " + ec.message(),
                  Location{.file = o.tls_cert->string()});
    }
    s.ssl->use_private_key_file(o.tls_key->string(), asio::ssl::context::pem, ec);
    if (ec) {
      return fail(DiagCode::ApiTls, "private key " + o.tls_key->string() + ": " + ec.message(),
                  Location{.file = o.tls_key->string()});
    }
  }

  beast::error_code ec;
  tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(o.listen, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, o.port);
  } else {
    tcp::resolver resolver(s.ioc);
    auto results = resolver.resolve(o.listen, std::to_string(o.port), ec);
    if (ec || results.empty()) {
      return fail(DiagCode::ApiBind, "cannot resolve listen address " + quote_input(o.listen) +
                                         (ec ? ": " + ec.message() : std::string()));
    }
    endpoint = results.begin()->endpoint();
  }
  s.acceptor.emplace(asio::make_strand(s.ioc));
  const std::string where = o.listen + ":" + std::to_string(o.port);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    return fail(DiagCode::ApiBind, "cannot listen on " + where + ": " + ec.message());
  }
  s.bound_port = s.acceptor->local_endpoint().port();
  s.started = true;
  s.do_accept();
  for (int i = 0; i < o.threads; ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  spdlog::info("http: listening on {}:{}{}", o.listen, s.bound_port, s.ssl ? " (TLS)" : "");
  return s.bound_port;
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.stopping = true;
  // Stop accepting (on the acceptor's strand), then end idle connections.
  std::promise<void> closed;
  asio::post(s.acceptor->get_executor(), [&s, &closed] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(s.mu);
    for (auto& [p, w] : s.sessions) {
      if (auto sp = w.lock()) live.push_back(std::move(sp));
    }
  }
  for (auto& sp : live) sp->shut();
  live.clear();
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, s.opt.drain_timeout, [&s] { return s.sessions.empty(); });
  }
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  spdlog::info("http: stopped");
}

std::uint16_t Server::port() const { return impl_->bound_port; }

bool Server::tls() const { return impl_->ssl.has_value(); }

}  // namespace cb::http
