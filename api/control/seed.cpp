#include "api/control/seed.hpp"

#include <array>
#include <set>

#include "api/auth/tenant.hpp"
#include "api/common/arn.hpp"
#include "api/handler_support/idempotency.hpp"
#include "api/common/ids.hpp"
#include "api/protocol/json_body.hpp"
#include "api/protocol/validator.hpp"
#include "storage/channel_flow_repo.hpp"
#include "storage/principal_repo.hpp"

namespace chime::api {

namespace {

// The id a seed entry may fix, which the API itself always generates.
enum class FixedId { kNone, kAppInstanceId, kChannelFlowId, kMessageId };

struct Section {
  std::string_view key;
  Op op;
  FixedId fixed;
};

// Dependency order: an entry can use what every earlier section created.
constexpr std::array<Section, 11> kSections{{
    {"AppInstances", Op::kCreateAppInstance, FixedId::kAppInstanceId},
    {"AppInstanceUsers", Op::kCreateAppInstanceUser, FixedId::kNone},
    {"AppInstanceBots", Op::kCreateAppInstanceBot, FixedId::kNone},
    {"AppInstanceAdmins", Op::kCreateAppInstanceAdmin, FixedId::kNone},
    {"ChannelFlows", Op::kCreateChannelFlow, FixedId::kChannelFlowId},
    {"Channels", Op::kCreateChannel, FixedId::kNone},
    {"ChannelMemberships", Op::kCreateChannelMembership, FixedId::kNone},
    {"ChannelModerators", Op::kCreateChannelModerator, FixedId::kNone},
    // After the moderators: associating a flow takes a moderator or an admin as bearer.
    {"ChannelFlowAssociations", Op::kAssociateChannelFlow, FixedId::kNone},
    {"ChannelBans", Op::kCreateChannelBan, FixedId::kNone},
    {"ChannelMessages", Op::kSendChannelMessage, FixedId::kMessageId},
}};

std::string_view FixedIdMember(FixedId f) {
  switch (f) {
    case FixedId::kAppInstanceId: return "AppInstanceId";
    case FixedId::kChannelFlowId: return "ChannelFlowId";  // a seed's own: the API always makes one
    case FixedId::kMessageId: return "MessageId";
    case FixedId::kNone: break;
  }
  return "";
}

// Optional: the account and region the seed creates its resources in.
constexpr const char* kAccountKey = "AccountId";
constexpr const char* kRegionKey = "Region";

std::string SectionList() {
  std::string out;
  for (const auto& s : kSections) out += (out.empty() ? "" : ", ") + std::string(s.key);
  return out + " (and optionally AccountId, Region)";
}

std::string Where(std::string_view section, size_t index) {
  return "Seed " + std::string(section) + "[" + std::to_string(index) + "]";
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The shapes ids.cpp generates: an app instance id is a lowercase UUID
// (8-4-4-4-12 hex digits), a message id 64 lowercase hex digits.
bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsLowerHex(s[i])) return false;
  }
  return true;
}
bool IsMessageId(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Members a structure does not define, anywhere inside `value` (a typo in a
// seed file must not be ignored silently, as the binder ignores it on the wire).
void CollectUnknown(uint16_t shape_id, const nlohmann::json& value, const std::string& path,
                    std::vector<std::string>& out) {
  const model::ShapeDef& s = model::Shape(shape_id);
  if (s.kind == model::Kind::kStructure && value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const model::MemberDef* member = nullptr;
      for (const auto& m : model::Members(s))
        if (m.name == key) member = &m;
      const std::string child_path = path.empty() ? key : path + "." + key;
      if (!member) {
        out.push_back(child_path);
      } else {
        CollectUnknown(member->shape, child, child_path, out);
      }
    }
  } else if (s.kind == model::Kind::kList && value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i)
      CollectUnknown(s.element, value[i], path + "[" + std::to_string(i) + "]", out);
  } else if (s.kind == model::Kind::kMap && value.is_object()) {
    for (const auto& [key, child] : value.items()) CollectUnknown(s.element, child, path + "." + key, out);
  }
}

std::string MemberNames(const model::OperationDef& op, FixedId fixed) {
  std::string out;
  for (const auto& m : model::Members(model::Shape(op.input_shape))) out += (out.empty() ? "" : ", ") + std::string(m.name);
  if (fixed != FixedId::kNone) out += ", " + std::string(FixedIdMember(fixed));
  return out;
}

bool MessageIdTaken(storage::Database& db, const std::string& message_id) {
  auto st = db.Prepare("SELECT 1 FROM channel_messages WHERE message_id = ?");
  st.Bind(1, message_id);
  return st.Step();
}

// What one entry created, for the answer.
nlohmann::json Created(Op op, const nlohmann::json& input, const nlohmann::json& out) {
  auto arn_of = [&](const char* member) {
    auto it = out.find(member);
    return it != out.end() && it->is_object() ? it->value("Arn", "") : std::string();
  };
  switch (op) {
    case Op::kCreateAppInstance: return out.value("AppInstanceArn", "");
    case Op::kCreateAppInstanceUser: return out.value("AppInstanceUserArn", "");
    case Op::kCreateAppInstanceBot: return out.value("AppInstanceBotArn", "");
    case Op::kCreateChannel: return out.value("ChannelArn", "");
    case Op::kCreateChannelFlow: return out.value("ChannelFlowArn", "");
    case Op::kAssociateChannelFlow:  // answers nothing: what was associated
      return {{"ChannelArn", input.value("ChannelArn", "")}, {"ChannelFlowArn", input.value("ChannelFlowArn", "")}};
    case Op::kCreateAppInstanceAdmin:
      return {{"AppInstanceArn", out.value("AppInstanceArn", "")}, {"AppInstanceAdminArn", arn_of("AppInstanceAdmin")}};
    case Op::kCreateChannelMembership:
    case Op::kCreateChannelBan:
      return {{"ChannelArn", out.value("ChannelArn", "")}, {"MemberArn", arn_of("Member")}};
    case Op::kCreateChannelModerator:
      return {{"ChannelArn", out.value("ChannelArn", "")}, {"ChannelModeratorArn", arn_of("ChannelModerator")}};
    case Op::kSendChannelMessage:
      return {{"ChannelArn", out.value("ChannelArn", "")}, {"MessageId", out.value("MessageId", "")}};
    default: return out;
  }
}

}  // namespace

nlohmann::json ParseSeed(std::string_view text) {
  nlohmann::json seed;
  try {
    // Bounded: the checks below, the copies and the entries' validation recurse.
    seed = ParseBoundedJson(text);
  } catch (const JsonTextError& e) {
    throw BadRequest(std::string("Seed: ") + e.what());
  }
  if (!seed.is_object()) throw BadRequest("Seed: must be a JSON object whose keys are " + SectionList());
  if (auto it = seed.find(kAccountKey); it != seed.end() && !(it->is_string() && IsAccountId(it->get<std::string>()))) {
    throw BadRequest("Seed: AccountId must be a string of 12 digits, e.g. \"111122223333\"");
  }
  if (auto it = seed.find(kRegionKey); it != seed.end() && !(it->is_string() && IsRegionName(it->get<std::string>()))) {
    throw BadRequest("Seed: Region must be a region name such as \"eu-west-1\"");
  }
  for (const auto& [key, value] : seed.items()) {
    if (key == kAccountKey || key == kRegionKey) continue;
    const Section* section = nullptr;
    for (const auto& s : kSections)
      if (s.key == key) section = &s;
    if (!section) throw BadRequest("Seed: unknown key \"" + key + "\" (the keys are " + SectionList() + ")");
    if (!value.is_array()) throw BadRequest("Seed " + key + ": must be a list of " + std::string(model::Operation(section->op).name) + " inputs");
    const model::OperationDef& op = model::Operation(section->op);
    const std::string fixed_member(FixedIdMember(section->fixed));
    std::set<std::string> fixed_ids;
    for (size_t i = 0; i < value.size(); ++i) {
      const nlohmann::json& entry = value[i];
      if (!entry.is_object()) throw BadRequest(Where(key, i) + ": must be a JSON object (" + std::string(op.name) + " input)");
      nlohmann::json rest = entry;
      if (!fixed_member.empty()) rest.erase(fixed_member);
      std::vector<std::string> unknown;
      CollectUnknown(op.input_shape, rest, "", unknown);
      if (!unknown.empty()) {
        std::string list;
        for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
        throw BadRequest(Where(key, i) + ": unknown member " + list + " (" + std::string(op.name) +
                         " takes " + MemberNames(op, section->fixed) + ")");
      }
      auto it = entry.find(fixed_member);
      if (fixed_member.empty() || it == entry.end()) continue;
      const bool uuid = section->fixed != FixedId::kMessageId;
      const bool ok = it->is_string() && (uuid ? IsUuid(*it) : IsMessageId(*it));
      if (!ok) {
        throw BadRequest(Where(key, i) + ": " + fixed_member +
                         (uuid
                              ? " must be a lowercase UUID like the service's (8-4-4-4-12 hex digits, "
                                "e.g. 00000000-0000-4000-8000-000000000001)"
                              : " must be 64 lowercase hex digits like the service's message ids"));
      }
      if (!fixed_ids.insert(it->get<std::string>()).second) {
        throw BadRequest(Where(key, i) + ": " + fixed_member + " " + it->get<std::string>() +
                         " appears twice in the seed");
      }
    }
  }
  return seed;
}

nlohmann::json ApplySeed(storage::Database& db, const ServiceConfig& defaults, const HandlerTable& handlers,
                         const nlohmann::json& seed, int64_t now_ms) {
  const Tenant tenant{seed.value(kAccountKey, defaults.account_id), seed.value(kRegionKey, defaults.region)};
  const std::optional<ServiceConfig> tenant_config = ConfigForTenant(tenant, defaults);
  const ServiceConfig& config = tenant_config ? *tenant_config : defaults;
  nlohmann::json created = nlohmann::json::object();
  const std::string request_id = NewUuid();
  for (const auto& section : kSections) {
    auto list = seed.find(std::string(section.key));
    if (list == seed.end()) continue;
    const model::OperationDef& op = model::Operation(section.op);
    const Handler handler = handlers.Find(section.op);
    if (!handler) throw ServiceFailure("Seed " + std::string(section.key) + ": " + std::string(op.name) + " is not built");
    const std::string fixed_member(FixedIdMember(section.fixed));
    nlohmann::json& out = created[std::string(section.key)] = nlohmann::json::array();
    for (size_t i = 0; i < list->size(); ++i) {
      nlohmann::json input = (*list)[i];
      std::optional<std::string> fixed_id;
      if (!fixed_member.empty() && input.contains(fixed_member)) {
        fixed_id = input[fixed_member].get<std::string>();
        input.erase(fixed_member);
      }
      try {
        // What an SDK fills in by itself (boto3 generates idempotency tokens).
        for (const auto& m : model::Members(model::Shape(op.input_shape)))
          if (m.idempotency_token && !input.contains(std::string(m.name))) input[std::string(m.name)] = NewUuid();
        ValidateInput(op, input);
        RequireTenantArns(op, input, tenant);  // as the dispatcher does for API calls
        const std::string hash = input.contains("ClientRequestToken") ? RequestHash(input) : std::string();
        if (fixed_id) {
          if (section.fixed == FixedId::kAppInstanceId && storage::FindAppInstance(db, AppInstanceArn(config, *fixed_id))) {
            throw Conflict("AppInstance " + AppInstanceArn(config, *fixed_id) + " already exists");
          }
          if (section.fixed == FixedId::kChannelFlowId &&
              storage::FindChannelFlow(db, ChildArn(input.value("AppInstanceArn", ""), "channel-flow", *fixed_id))) {
            throw Conflict("A channel flow with ChannelFlowId " + *fixed_id + " already exists");
          }
          if (section.fixed == FixedId::kMessageId && MessageIdTaken(db, *fixed_id)) {
            throw Conflict("A message with MessageId " + *fixed_id + " already exists");
          }
          input[kSeedFixedIdMember] = *fixed_id;
        }
        // No events: nobody is connected to a seed, and the outbox is dropped.
        Outbox outbox(false);
        RequestContext ctx{op, config, db, request_id, now_ms, hash, outbox};
        out.push_back(Created(section.op, input, handler(ctx, input)));
      } catch (const ApiError& e) {
        throw BadRequest(Where(section.key, i) + ": " + std::string(Describe(e.type()).shape) + ": " + e.what());
      }
    }
  }
  return created;
}

bool StoreIsEmpty(storage::Database& db) {
  auto st = db.Prepare("SELECT 1 FROM app_instances LIMIT 1");
  return !st.Step();
}

}  // namespace chime::api
