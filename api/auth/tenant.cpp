#include "api/auth/tenant.hpp"

#include "api/auth/credential_scope.hpp"
#include "api/protocol/api_error.hpp"

namespace chime::api {

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Anything else in a scope is left to strict SigV4 to refuse, and lenient
// mode falls back to the default rather than minting odd ARNs.
bool IsRegionName(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

namespace {

bool NamesArn(std::string_view member) {
  auto ends = [&](std::string_view suffix) {
    return member.size() >= suffix.size() && member.substr(member.size() - suffix.size()) == suffix;
  };
  return member == "ChimeBearer" || ends("Arn") || ends("Arns") || ends("ARN");
}

void Check(const model::OperationDef& op, std::string_view member, const nlohmann::json& value,
           const Tenant& tenant) {
  if (!value.is_string()) return;
  auto owner = TenantOfArn(value.get_ref<const std::string&>());
  if (!owner || *owner == tenant) return;
  const std::string where = " belongs to account " + owner->account_id + " in " + owner->region +
                            ", and this request acts in account " + tenant.account_id + " in " + tenant.region +
                            " (chime-local keeps accounts and regions apart: docs/testing.md, Isolation)";
  if (member == "ChimeBearer") {
    throw UnauthorizedClient("An invalid app instance user ARN was supplied for the x-amz-chime-bearer HTTP header: " +
                             value.get<std::string>() + where);
  }
  std::string message = std::string(member) + " " + value.get<std::string>() + where;
  throw op.Models(ErrorType::kNotFound) ? NotFound(std::move(message)) : Forbidden(std::move(message));
}

}  // namespace

void RequireTenantArns(const model::OperationDef& op, const nlohmann::json& input, const Tenant& tenant) {
  if (!input.is_object()) return;
  // The bearer first: AWS authenticates the caller before it looks at resources.
  if (auto it = input.find("ChimeBearer"); it != input.end()) Check(op, "ChimeBearer", *it, tenant);
  for (const auto& [member, value] : input.items()) {
    if (member == "ChimeBearer") continue;
    if (NamesArn(member)) {
      if (value.is_array()) {
        for (const auto& v : value) Check(op, member, v, tenant);
      } else {
        Check(op, member, value, tenant);
      }
    } else if (value.is_array()) {
      // One level of structures: Target[].MemberArn, Processors[] (Lambda ARNs are not Chime's).
      for (const auto& item : value) {
        if (!item.is_object()) continue;
        for (const auto& [inner, v] : item.items())
          if (NamesArn(inner)) Check(op, inner, v, tenant);
      }
    }
  }
}

Tenant TenantOf(const HttpRequest& request, const ServiceConfig& defaults) {
  Tenant t{defaults.account_id, defaults.region};
  if (auto scope = CredentialOf(request)) {
    if (IsAccountId(scope->access_key_id)) t.account_id = scope->access_key_id;
    if (IsRegionName(scope->region)) t.region = scope->region;
  }
  return t;
}

std::optional<ServiceConfig> ConfigForTenant(const Tenant& tenant, const ServiceConfig& defaults) {
  if (tenant.account_id == defaults.account_id && tenant.region == defaults.region) return std::nullopt;
  ServiceConfig c = defaults;
  c.account_id = tenant.account_id;
  c.region = tenant.region;
  return c;
}

std::optional<Tenant> TenantOfArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:chime:";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  arn.remove_prefix(kPrefix.size());
  const size_t region_end = arn.find(':');
  if (region_end == std::string_view::npos) return std::nullopt;
  const size_t account_end = arn.find(':', region_end + 1);
  if (account_end == std::string_view::npos) return std::nullopt;
  return Tenant{std::string(arn.substr(region_end + 1, account_end - region_end - 1)),
                std::string(arn.substr(0, region_end))};
}

}  // namespace chime::api
