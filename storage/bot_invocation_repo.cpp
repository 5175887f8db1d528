#include "storage/bot_invocation_repo.hpp"

#include "storage/statement.hpp"

namespace chime::storage {

namespace {
#define CHIME_BOT_INVOCATION_COLUMNS                                                            \
  "id, invocation_id, bot_arn, channel_arn, message_id, sender_arn, targeted, request, state, " \
  "created_ms"

BotInvocationRecord ReadInvocation(const Statement& st) {
  BotInvocationRecord r;
  r.id = st.Int(0);
  r.invocation_id = st.Text(1);
  r.bot_arn = st.Text(2);
  r.channel_arn = st.Text(3);
  r.message_id = st.Text(4);
  r.sender_arn = st.Text(5);
  r.targeted = st.Int(6) != 0;
  r.request = st.Text(7);
  r.state = st.Text(8);
  r.created_ms = st.Int(9);
  return r;
}
}  // namespace

void InsertBotInvocation(Database& db, const BotInvocationRecord& r) {
  auto st = db.Prepare(
      "INSERT INTO bot_invocations (invocation_id, bot_arn, channel_arn, message_id, sender_arn, "
      "targeted, "
      "request, state, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.BindAll(r.invocation_id, r.bot_arn, r.channel_arn, r.message_id, r.sender_arn,
             static_cast<int64_t>(r.targeted ? 1 : 0), r.request, r.state, r.created_ms);
  st.Run();
}

std::optional<BotInvocationRecord> FindBotInvocation(Database& db, std::string_view invocation_id) {
  auto st = db.Prepare("SELECT " CHIME_BOT_INVOCATION_COLUMNS
                       " FROM bot_invocations WHERE invocation_id = ?");
  st.BindAll(invocation_id);
  if (!st.Step()) return std::nullopt;
  return ReadInvocation(st);
}

void SetBotInvocationState(Database& db, std::string_view invocation_id, std::string_view state) {
  auto st = db.Prepare("UPDATE bot_invocations SET state = ? WHERE invocation_id = ?");
  st.BindAll(state, invocation_id);
  st.Run();
}

std::vector<BotInvocationRecord> ListPendingBotInvocations(Database& db, int limit) {
  auto st = db.Prepare("SELECT " CHIME_BOT_INVOCATION_COLUMNS
                       " FROM bot_invocations WHERE state = 'PENDING' ORDER BY id LIMIT ?");
  st.BindAll(static_cast<int64_t>(limit));
  std::vector<BotInvocationRecord> out;
  while (st.Step()) out.push_back(ReadInvocation(st));
  return out;
}

std::vector<BotMember> ListBotMembers(Database& db, std::string_view channel_arn,
                                      std::string_view bot_prefix) {
  // A range on the (channel_arn, member_arn) index: '0' follows '/' in ASCII.
  std::string end(bot_prefix);
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  auto st = db.Prepare(
      "SELECT m.member_arn, m.type, p.name, p.configuration FROM channel_memberships m "
      "JOIN principals p ON p.arn = m.member_arn "
      "WHERE m.channel_arn = ? AND m.member_arn >= ? AND m.member_arn < ? AND p.kind = 'bot' "
      "ORDER BY m.member_arn");
  st.BindAll(channel_arn, bot_prefix, end);
  std::vector<BotMember> out;
  while (st.Step()) out.push_back(BotMember{st.Text(0), st.Text(1), st.OptText(2), st.OptText(3)});
  return out;
}

int CountVisibleMembersExcept(Database& db, std::string_view channel_arn,
                              std::string_view except_arn, int cap) {
  auto st = db.Prepare(
      "SELECT count(*) FROM (SELECT 1 FROM channel_memberships WHERE channel_arn = ? AND type = "
      "'DEFAULT' "
      "AND member_arn != ? LIMIT ?)");
  st.BindAll(channel_arn, except_arn, static_cast<int64_t>(cap));
  st.Step();
  return static_cast<int>(st.Int(0));
}

}  // namespace chime::storage
