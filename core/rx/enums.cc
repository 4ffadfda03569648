#include "core/rx/enums.h"

#include <array>
#include <cstddef>

namespace cb::rx {

namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kPlanTypeNames = {"standard", "repair", "maintenance", "reuse"};
constexpr std::array<std::string_view, 2> kReleaseStatusNames = {"open", "released"};
constexpr std::array<std::string_view, 4> kContractKindNames = {"general", "billing_debtor", "price_debtor", "association"};
constexpr std::array<std::string_view, 5> kBillingMethodNames = {"none", "p300", "p302", "direct", "paper"};
constexpr std::array<std::string_view, 3> kBillingFormNames = {"none", "purchase", "flat_rate"};
constexpr std::array<std::string_view, 3> kDispensingTypeNames = {"none", "permanent", "single"};
constexpr std::array<std::string_view, 2> kStartDateRuleNames = {"working_date", "month_start"};
constexpr std::array<std::string_view, 6> kDeliveryProofRuleNames = {"none", "case_whole", "case_period", "billing_period", "case_formula", "case_period_formula"};
constexpr std::array<std::string_view, 2> kInvoiceInstructionNames = {"partial", "complete"};
constexpr std::array<std::string_view, 4> kExtensionModeNames = {"none", "manual", "automatic", "at_creation"};
constexpr std::array<std::string_view, 4> kServiceDateRuleNames = {"none", "case_period_start", "billing_start", "previous_period"};
constexpr std::array<std::string_view, 6> kLineKindNames = {"item", "contract_finding_item", "resource", "maintenance", "repair", "device_reference"};
constexpr std::array<std::string_view, 4> kBillingKindNames = {"flat_rate", "direct", "both", "none"};
constexpr std::array<std::string_view, 8> kDeliveryTypeNames = {"none", "periodic", "call_off", "transfer", "transfer_call_off", "transfer_periodic", "transfer_in_advance", "daily_periodic"};
constexpr std::array<std::string_view, 2> kDeliveryTypeOnExtensionNames = {"keep", "from_contract"};
constexpr std::array<std::string_view, 3> kPriceOriginNames = {"price_finding", "manual", "contract"};
constexpr std::array<std::string_view, 5> kCalculationKindNames = {"none", "delivered_quantity", "delivered_amount", "cap", "daily"};
constexpr std::array<std::string_view, 3> kCalculationLimitNames = {"none", "maximum", "minimum"};
constexpr std::array<std::string_view, 3> kCalculationOutputNames = {"none", "comment", "extra_line"};
constexpr std::array<std::string_view, 3> kPostingCodeKindNames = {"fixed_assets", "current_assets", "foreign_property"};
constexpr std::array<std::string_view, 6> kStatusClassNames = {"necessary", "awaiting_answer", "info_ok", "info_not_ok", "no_answer", "not_necessary"};
constexpr std::array<std::string_view, 2> kRequirementPurposeNames = {"delivery", "billing"};
constexpr std::array<std::string_view, 3> kRequirementQualityNames = {"none", "copy", "original"};
constexpr std::array<std::string_view, 3> kPeriodStatusNames = {"open", "released", "ended"};
constexpr std::array<std::string_view, 3> kPoolOutcomeNames = {"none", "positive", "negative"};
constexpr std::array<std::string_view, 3> kPlanLineStatusNames = {"open", "released", "ended"};
constexpr std::array<std::string_view, 4> kScheduleStatusNames = {"preview", "planned", "fixed", "delivery"};
constexpr std::array<std::string_view, 2> kTrafficLightNames = {"green", "red"};
constexpr std::array<std::string_view, 3> kLogLevelNames = {"info", "warning", "error"};

}  // namespace

std::string_view to_text(PlanType v) { return kPlanTypeNames.at(static_cast<std::size_t>(v)); }
std::optional<PlanType> PlanType_from_text(std::string_view s) { return lookup<PlanType>(kPlanTypeNames, s); }
std::string_view to_text(ReleaseStatus v) { return kReleaseStatusNames.at(static_cast<std::size_t>(v)); }
std::optional<ReleaseStatus> ReleaseStatus_from_text(std::string_view s) { return lookup<ReleaseStatus>(kReleaseStatusNames, s); }
std::string_view to_text(ContractKind v) { return kContractKindNames.at(static_cast<std::size_t>(v)); }
std::optional<ContractKind> ContractKind_from_text(std::string_view s) { return lookup<ContractKind>(kContractKindNames, s); }
std::string_view to_text(BillingMethod v) { return kBillingMethodNames.at(static_cast<std::size_t>(v)); }
std::optional<BillingMethod> BillingMethod_from_text(std::string_view s) { return lookup<BillingMethod>(kBillingMethodNames, s); }
std::string_view to_text(BillingForm v) { return kBillingFormNames.at(static_cast<std::size_t>(v)); }
std::optional<BillingForm> BillingForm_from_text(std::string_view s) { return lookup<BillingForm>(kBillingFormNames, s); }
std::string_view to_text(DispensingType v) { return kDispensingTypeNames.at(static_cast<std::size_t>(v)); }
std::optional<DispensingType> DispensingType_from_text(std::string_view s) { return lookup<DispensingType>(kDispensingTypeNames, s); }
std::string_view to_text(StartDateRule v) { return kStartDateRuleNames.at(static_cast<std::size_t>(v)); }
std::optional<StartDateRule> StartDateRule_from_text(std::string_view s) { return lookup<StartDateRule>(kStartDateRuleNames, s); }
std::string_view to_text(DeliveryProofRule v) { return kDeliveryProofRuleNames.at(static_cast<std::size_t>(v)); }
std::optional<DeliveryProofRule> DeliveryProofRule_from_text(std::string_view s) { return lookup<DeliveryProofRule>(kDeliveryProofRuleNames, s); }
std::string_view to_text(InvoiceInstruction v) { return kInvoiceInstructionNames.at(static_cast<std::size_t>(v)); }
std::optional<InvoiceInstruction> InvoiceInstruction_from_text(std::string_view s) { return lookup<InvoiceInstruction>(kInvoiceInstructionNames, s); }
std::string_view to_text(ExtensionMode v) { return kExtensionModeNames.at(static_cast<std::size_t>(v)); }
std::optional<ExtensionMode> ExtensionMode_from_text(std::string_view s) { return lookup<ExtensionMode>(kExtensionModeNames, s); }
std::string_view to_text(ServiceDateRule v) { return kServiceDateRuleNames.at(static_cast<std::size_t>(v)); }
std::optional<ServiceDateRule> ServiceDateRule_from_text(std::string_view s) { return lookup<ServiceDateRule>(kServiceDateRuleNames, s); }
std::string_view to_text(LineKind v) { return kLineKindNames.at(static_cast<std::size_t>(v)); }
std::optional<LineKind> LineKind_from_text(std::string_view s) { return lookup<LineKind>(kLineKindNames, s); }
std::string_view to_text(BillingKind v) { return kBillingKindNames.at(static_cast<std::size_t>(v)); }
std::optional<BillingKind> BillingKind_from_text(std::string_view s) { return lookup<BillingKind>(kBillingKindNames, s); }
std::string_view to_text(DeliveryType v) { return kDeliveryTypeNames.at(static_cast<std::size_t>(v)); }
std::optional<DeliveryType> DeliveryType_from_text(std::string_view s) { return lookup<DeliveryType>(kDeliveryTypeNames, s); }
std::string_view to_text(DeliveryTypeOnExtension v) { return kDeliveryTypeOnExtensionNames.at(static_cast<std::size_t>(v)); }
std::optional<DeliveryTypeOnExtension> DeliveryTypeOnExtension_from_text(std::string_view s) { return lookup<DeliveryTypeOnExtension>(kDeliveryTypeOnExtensionNames, s); }
std::string_view to_text(PriceOrigin v) { return kPriceOriginNames.at(static_cast<std::size_t>(v)); }
std::optional<PriceOrigin> PriceOrigin_from_text(std::string_view s) { return lookup<PriceOrigin>(kPriceOriginNames, s); }
std::string_view to_text(CalculationKind v) { return kCalculationKindNames.at(static_cast<std::size_t>(v)); }
std::optional<CalculationKind> CalculationKind_from_text(std::string_view s) { return lookup<CalculationKind>(kCalculationKindNames, s); }
std::string_view to_text(CalculationLimit v) { return kCalculationLimitNames.at(static_cast<std::size_t>(v)); }
std::optional<CalculationLimit> CalculationLimit_from_text(std::string_view s) { return lookup<CalculationLimit>(kCalculationLimitNames, s); }
std::string_view to_text(CalculationOutput v) { return kCalculationOutputNames.at(static_cast<std::size_t>(v)); }
std::optional<CalculationOutput> CalculationOutput_from_text(std::string_view s) { return lookup<CalculationOutput>(kCalculationOutputNames, s); }
std::string_view to_text(PostingCodeKind v) { return kPostingCodeKindNames.at(static_cast<std::size_t>(v)); }
std::optional<PostingCodeKind> PostingCodeKind_from_text(std::string_view s) { return lookup<PostingCodeKind>(kPostingCodeKindNames, s); }
std::string_view to_text(StatusClass v) { return kStatusClassNames.at(static_cast<std::size_t>(v)); }
std::optional<StatusClass> StatusClass_from_text(std::string_view s) { return lookup<StatusClass>(kStatusClassNames, s); }
std::string_view to_text(RequirementPurpose v) { return kRequirementPurposeNames.at(static_cast<std::size_t>(v)); }
std::optional<RequirementPurpose> RequirementPurpose_from_text(std::string_view s) { return lookup<RequirementPurpose>(kRequirementPurposeNames, s); }
std::string_view to_text(RequirementQuality v) { return kRequirementQualityNames.at(static_cast<std::size_t>(v)); }
std::optional<RequirementQuality> RequirementQuality_from_text(std::string_view s) { return lookup<RequirementQuality>(kRequirementQualityNames, s); }
std::string_view to_text(PeriodStatus v) { return kPeriodStatusNames.at(static_cast<std::size_t>(v)); }
std::optional<PeriodStatus> PeriodStatus_from_text(std::string_view s) { return lookup<PeriodStatus>(kPeriodStatusNames, s); }
std::string_view to_text(PoolOutcome v) { return kPoolOutcomeNames.at(static_cast<std::size_t>(v)); }
std::optional<PoolOutcome> PoolOutcome_from_text(std::string_view s) { return lookup<PoolOutcome>(kPoolOutcomeNames, s); }
std::string_view to_text(PlanLineStatus v) { return kPlanLineStatusNames.at(static_cast<std::size_t>(v)); }
std::optional<PlanLineStatus> PlanLineStatus_from_text(std::string_view s) { return lookup<PlanLineStatus>(kPlanLineStatusNames, s); }
std::string_view to_text(ScheduleStatus v) { return kScheduleStatusNames.at(static_cast<std::size_t>(v)); }
std::optional<ScheduleStatus> ScheduleStatus_from_text(std::string_view s) { return lookup<ScheduleStatus>(kScheduleStatusNames, s); }
std::string_view to_text(TrafficLight v) { return kTrafficLightNames.at(static_cast<std::size_t>(v)); }
std::optional<TrafficLight> TrafficLight_from_text(std::string_view s) { return lookup<TrafficLight>(kTrafficLightNames, s); }
std::string_view to_text(LogLevel v) { return kLogLevelNames.at(static_cast<std::size_t>(v)); }
std::optional<LogLevel> LogLevel_from_text(std::string_view s) { return lookup<LogLevel>(kLogLevelNames, s); }

bool creates_schedules_at_release(DeliveryType t) {
  switch (t) {
    case DeliveryType::none:
    case DeliveryType::periodic:
    case DeliveryType::transfer:
    case DeliveryType::transfer_periodic:
    case DeliveryType::transfer_in_advance:
      return true;
    case DeliveryType::call_off:
    case DeliveryType::transfer_call_off:
    case DeliveryType::daily_periodic:
      return false;
  }
  return false;
}

bool is_periodic(DeliveryType t) {
  return t == DeliveryType::periodic || t == DeliveryType::transfer_periodic;
}

bool is_call_off(DeliveryType t) {
  return t == DeliveryType::call_off || t == DeliveryType::transfer_call_off;
}

}  // namespace cb::rx
