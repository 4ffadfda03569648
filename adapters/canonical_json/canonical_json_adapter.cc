#include "adapters/canonical_json/canonical_json_adapter.h"

#include "adapters/canonical_json/canonical_json.h"

namespace cb::adapters {
namespace {

class CanonicalJsonAdapter final : public Adapter {
 public:
  const AdapterInfo& info() const override {
    static const AdapterInfo kInfo{
        .name = "canonical-json",
        .title = "carebridge canonical JSON of the core's documents",
        .spec_version = "carebridge-canonical 1",
        .capabilities = Capability::read | Capability::write | Capability::validate |
                        Capability::detect,
        .options = {},
        .file_extensions = {".json"},
    };
    return kInfo;
  }

  ReadResult read(std::string_view bytes, const Context& ctx) const override {
    return canonical_json::read(bytes, ctx.source_name);
  }

  WriteResult write(const DocumentSet& docs, const Context&) const override {
    WriteResult r;
    r.bytes = canonical_json::write(docs);
    return r;
  }

  int detect(std::string_view bytes) const override {
    std::size_t i = 0;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' ||
                                bytes[i] == '\t')) {
      ++i;
    }
    if (i >= bytes.size() || bytes[i] != '{') return 0;
    const auto head = bytes.substr(0, 4096);
    return head.find(canonical_json::kFormatName) != std::string_view::npos ? 95 : 0;
  }
};

}  // namespace

Result<void> register_canonical_json(Registry& registry) {
  return registry.add(std::make_unique<CanonicalJsonAdapter>());
}

}  // namespace cb::adapters
