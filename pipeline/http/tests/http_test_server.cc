// The HTTP server over the scripted FakeBackend, for the browser test: prints
// "port N" on standard output once listening and stops when standard input
// closes. Tokens: "admin-secret-1" (admin), "op-north-secret" (operator of
// tenant north), "view-north-secret" (viewer of north), "op-south-secret".

#include <iostream>
#include <string>

#include "pipeline/http/server.h"
#include "pipeline/http/tests/fake_backend.h"
#include "pipeline/http/tests/server_fixture.h"

int main(int argc, char** argv) {
  cb::http::testing::FakeBackend backend;
  cb::http::ServerOptions o;
  o.listen = "127.0.0.1";
  o.port = 0;
  o.tokens = cb::http::testing::test_tokens();
  if (argc > 1) o.static_dir = argv[1];  // serve the dashboard from the source tree
  cb::http::Server server(backend, o);
  auto port = server.start();
  if (!port) {
    std::cerr << port.error().to_string() << "\n";
    return 1;
  }
  std::cout << "port " << *port << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  server.stop();
  return 0;
}
