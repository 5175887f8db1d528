// Isolation by account and region, as moto and LocalStack do it: a request
// signed with a 12-digit access key id acts in that account (any other key:
// --account-id), in the region of its SigV4 credential scope (unsigned:
// --region). New ARNs carry both, and an ARN of another account or region
// names nothing the caller can see, so parallel test suites can share one
// emulator without seeing each other's data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "api/protocol/model.hpp"
#include "api/service_config.hpp"

namespace chime::api {

struct Tenant {
  std::string account_id;
  std::string region;
  bool operator==(const Tenant&) const = default;
};

// 12 digits.
bool IsAccountId(std::string_view s);
// A region name as AWS spells them (us-east-1, eu-central-1, us-gov-west-1).
bool IsRegionName(std::string_view s);

// The account and region a request acts in; `defaults` supplies whatever the
// request's credential does not.
Tenant TenantOf(const HttpRequest& request, const ServiceConfig& defaults);

// `defaults` with the tenant's account and region, or nullopt when they are
// the defaults' own (the common case costs no copy).
std::optional<ServiceConfig> ConfigForTenant(const Tenant& tenant, const ServiceConfig& defaults);

// The region and account of a Chime ARN ("arn:aws:chime:REGION:ACCOUNT:..."),
// or nullopt for anything else (other services' ARNs, ids, malformed text).
std::optional<Tenant> TenantOfArn(std::string_view arn);

// Throws when a Chime ARN of the bound input (a member named ...Arn, ...Arns,
// ...ARN or ChimeBearer, at the top or in a list of structures such as
// Target[].MemberArn) belongs to another account or region than `tenant`: the
// bearer is UnauthorizedClientException as an unknown bearer is; any other
// resource is missing (NotFoundException where `op` models it, else
// ForbiddenException, like a resource that does not exist).
void RequireTenantArns(const model::OperationDef& op, const nlohmann::json& input, const Tenant& tenant);

}  // namespace chime::api
