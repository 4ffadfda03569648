#pragma once
// The id scheme of the prescription-billing core. Every number is derived from
// what the workspace already holds, so the same inputs applied in the same
// order give the same numbers (the scenarios compare them):
//
// | what | format | rule |
// |---|---|---|
// | case | `VG000001` | highest existing `VG` number + 1 |
// | case period | 1, 2... | inside the case, in order |
// | case line, requirement | 10000, 20000... | inside the period, in creation order |
// | delivery plan | the patient id | one plan per patient |
// | delivery-plan line | 10000, 20000... | highest line in the patient's plan + 10000 |
// | schedule | 1, 2... | highest schedule number of the line + 1 (never reused) |
// | sales order | `VA00000001` | highest existing `VA` number + 1; one per patient and run, patients in id order |
// | sales-order line | 10000, 20000... | in schedule order (plan line, then date) |
// | delivery note | as posted | given by the caller |
// | serial card | `item|serial` | key of item number and serial number |
// | application-log entry | 1, 2... | highest entry + 1 |

#include <cstdint>
#include <string>
#include <string_view>

namespace cb::rx {

inline constexpr std::string_view kCasePrefix = "VG";
inline constexpr std::string_view kSalesOrderPrefix = "VA";
inline constexpr int kLineStep = 10000;
/// Digits of case numbers (a million cases) and of sales-order numbers (a
/// daily call-off for 100,000 patients runs for years before 10^8).
inline constexpr int kCaseNumberWidth = 6;
inline constexpr int kSalesOrderNumberWidth = 8;

/// "VG000001" for 1: prefix and a number zero-padded to `width` digits (wider
/// when needed; keys stay ordered while the number fits the width).
std::string format_number(std::string_view prefix, std::int64_t n, int width = 6);
/// The number of "VG000042" with prefix "VG" (42); 0 when the text does not fit.
std::int64_t parse_number(std::string_view prefix, std::string_view text);
/// The key of an item with variant: "number" or "number|variant".
std::string item_key(std::string_view number, std::string_view variant);
/// The key of a serial card: "item|serial" (variant not part of it).
std::string serial_key(std::string_view item_no, std::string_view serial_no);
/// The key of an application-log entry: the number zero-padded to 8 digits.
std::string log_key(std::int64_t no);

}  // namespace cb::rx
