#pragma once
// Files compiled into the binary (cmake/embed_files.cmake generates the
// definitions): the dashboard under "dashboard/" and the OpenAPI document
// "openapi.json". The daemon serves them without reading the disk.

#include <span>
#include <string_view>

namespace cb::http {

struct EmbeddedFile {
  std::string_view path;   // relative to pipeline/http, e.g. "dashboard/index.html"
  std::string_view bytes;
};

/// Every embedded file.
std::span<const EmbeddedFile> embedded_files();

/// The file with this path, or nullptr.
const EmbeddedFile* find_embedded(std::string_view path);

}  // namespace cb::http
