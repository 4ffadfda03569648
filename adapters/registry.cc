#include "adapters/registry.h"

#include <stdexcept>

namespace cb::adapters {

Result<void> Registry::add(std::unique_ptr<Adapter> adapter) {
  const std::string& name = adapter->info().name;
  if (find(name) != nullptr) {
    return fail(DiagCode::AdapterDuplicate, "adapter name '" + name + "' is registered twice");
  }
  adapters_.push_back(std::move(adapter));
  return {};
}

const Adapter* Registry::find(std::string_view name) const {
  for (const auto& a : adapters_) {
    if (a->info().name == name) return a.get();
  }
  return nullptr;
}

Result<const Adapter*> Registry::require(std::string_view name) const {
  if (const Adapter* a = find(name)) return a;
  std::string known;
  for (const auto& a : adapters_) known += (known.empty() ? "" : ", ") + a->info().name;
  return fail(DiagCode::AdapterUnknown,
              "no adapter named '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<const Adapter*> Registry::list() const {
  std::vector<const Adapter*> out;
  out.reserve(adapters_.size());
  for (const auto& a : adapters_) out.push_back(a.get());
  return out;
}

const Adapter* Registry::detect(std::string_view bytes) const {
  const Adapter* best = nullptr;
  int best_score = 0;
  for (const auto& a : adapters_) {
    if (!a->info().can(Capability::detect)) continue;
    const int score = a->detect(bytes);
    if (score > best_score) {
      best_score = score;
      best = a.get();
    }
  }
  return best;
}

const Registry& default_registry() {
  static const Registry registry = [] {
    Registry r;
    if (auto ok = register_adapters(r); !ok) throw std::runtime_error(ok.error().to_string());
    return r;
  }();
  return registry;
}

}  // namespace cb::adapters
