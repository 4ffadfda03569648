#pragma once
// cb::Expected<T, E>: a value or an error, the subset of C++23 std::expected the
// project uses. The project owns it because clang 14 (the clang of Debian
// bookworm, which builds the libFuzzer targets) cannot compile libstdc++ 12's
// <expected>; with one type for both compilers every reader can be fuzzed.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace cb {

/// The error side of an Expected, as in std::unexpected.
template <class E>
class Unexpected {
 public:
  explicit Unexpected(const E& e) : error_(e) {}
  explicit Unexpected(E&& e) : error_(std::move(e)) {}
  const E& error() const& { return error_; }
  E& error() & { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

/// Thrown by value() on an Expected that holds an error: a defect in the caller.
struct BadExpectedAccess : std::exception {
  const char* what() const noexcept override { return "Expected holds an error"; }
};

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  using value_type = T;
  using error_type = E;

  Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  Expected(const T& v) : v_(std::in_place_index<0>, v) {}  // NOLINT(google-explicit-constructor)
  Expected(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT
  template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, Expected> &&
             !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t>)
  Expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}  // NOLINT
  template <class G>
  Expected(const Unexpected<G>& u) : v_(std::in_place_index<1>, u.error()) {}  // NOLINT
  template <class G>
  Expected(Unexpected<G>&& u) : v_(std::in_place_index<1>, std::move(u).error()) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    if (!has_value()) throw BadExpectedAccess();
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!has_value()) throw BadExpectedAccess();
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!has_value()) throw BadExpectedAccess();
    return std::move(std::get<0>(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

  E& error() & {
    assert(!has_value());
    return std::get<1>(v_);
  }
  const E& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }
  E&& error() && {
    assert(!has_value());
    return std::move(std::get<1>(v_));
  }

 private:
  std::variant<T, E> v_;
};

/// Success without a value.
template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  Expected() = default;
  template <class G>
  Expected(const Unexpected<G>& u) : error_(u.error()), ok_(false) {}  // NOLINT
  template <class G>
  Expected(Unexpected<G>&& u) : error_(std::move(u).error()), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {
    if (!ok_) throw BadExpectedAccess();
  }
  const E& error() const& {
    assert(!ok_);
    return error_;
  }
  E& error() & {
    assert(!ok_);
    return error_;
  }
  E&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace cb
