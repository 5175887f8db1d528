#include "server/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace chime::server {
namespace {

// Builds argv from a list of arguments (argv[0] is the program name) and an
// environment from a map, then parses.
ParseResult Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  std::vector<const char*> argv = {"chime-local"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  EnvLookup lookup = [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return ParseConfig(static_cast<int>(argv.size()), argv.data(), lookup);
}

TEST(ServerConfigTest, DefaultsWithoutFlagsOrEnvironment) {
  ParseResult r = Parse({});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.action, ParseResult::Action::kRun);
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 4590);
  EXPECT_EQ(c.data_dir, "./chime-local-data");
  EXPECT_EQ(c.data_file, "");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.account_id, "123456789012");
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.max_body_bytes, 1024u * 1024u);
  EXPECT_EQ(c.max_header_bytes, 16u * 1024u);
  EXPECT_EQ(c.idle_timeout_seconds, 60u);
  EXPECT_EQ(c.max_connections, 128u);
  EXPECT_EQ(c.threads, 1u);
  EXPECT_EQ(c.header_timeout_seconds, 10u);
  EXPECT_EQ(c.log_format, LogFormat::kText);
  EXPECT_FALSE(c.read_only);
  EXPECT_EQ(c.public_host, "");
  EXPECT_EQ(c.allowed_hosts, "");
  EXPECT_EQ(c.control_origins, "");
  EXPECT_FALSE(c.InMemory());
  EXPECT_EQ(c.DatabasePath(), "./chime-local-data/chime-local.sqlite3");
}

TEST(ServerConfigTest, EveryFlagWithSeparateValue) {
  ParseResult r = Parse({"--host", "0.0.0.0", "--port", "0", "--data-dir", "/var/lib/x", "--region",
                         "eu-central-1", "--account-id", "111122223333", "--log-level", "debug",
                         "--max-body-bytes", "2048", "--max-header-bytes", "4096", "--idle-timeout",
                         "5", "--max-connections", "8", "--threads", "2"});
  ASSERT_TRUE(r.ok()) << r.error;
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.data_dir, "/var/lib/x");
  EXPECT_EQ(c.region, "eu-central-1");
  EXPECT_EQ(c.account_id, "111122223333");
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_EQ(c.max_header_bytes, 4096u);
  EXPECT_EQ(c.idle_timeout_seconds, 5u);
  EXPECT_EQ(c.max_connections, 8u);
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.DatabasePath(), "/var/lib/x/chime-local.sqlite3");
}

TEST(ServerConfigTest, FlagEqualsValueForm) {
  ParseResult r = Parse({"--port=5", "--host=localhost", "--data-file=/tmp/a=b.db"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.port, 5);
  EXPECT_EQ(r.config.host, "localhost");
  EXPECT_EQ(r.config.data_file, "/tmp/a=b.db");  // only the first '=' splits
  EXPECT_EQ(r.config.DatabasePath(), "/tmp/a=b.db");
}

TEST(ServerConfigTest, EnvironmentVariables) {
  ParseResult r = Parse({}, {{"CHIME_LOCAL_HOST", "::1"},
                             {"CHIME_LOCAL_PORT", "8080"},
                             {"CHIME_LOCAL_DATA_DIR", "/data"},
                             {"CHIME_LOCAL_REGION", "us-gov-west-1"},
                             {"CHIME_LOCAL_ACCOUNT_ID", "000000000000"},
                             {"CHIME_LOCAL_LOG_LEVEL", "WARN"},
                             {"CHIME_LOCAL_MAX_BODY_BYTES", "10"},
                             {"CHIME_LOCAL_MAX_HEADER_BYTES", "20"},
                             {"CHIME_LOCAL_IDLE_TIMEOUT", "30"},
                             {"CHIME_LOCAL_MAX_CONNECTIONS", "40"},
                             {"CHIME_LOCAL_THREADS", "3"}});
  ASSERT_TRUE(r.ok()) << r.error;
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.data_dir, "/data");
  EXPECT_EQ(c.region, "us-gov-west-1");
  EXPECT_EQ(c.account_id, "000000000000");
  EXPECT_EQ(c.log_level, LogLevel::kWarn);
  EXPECT_EQ(c.max_body_bytes, 10u);
  EXPECT_EQ(c.max_header_bytes, 20u);
  EXPECT_EQ(c.idle_timeout_seconds, 30u);
  EXPECT_EQ(c.max_connections, 40u);
  EXPECT_EQ(c.threads, 3u);
}

TEST(ServerConfigTest, FlagsOverrideEnvironmentAndLastFlagWins) {
  ParseResult r = Parse({"--port", "1", "--port=2", "--region", "ap-southeast-2"},
                        {{"CHIME_LOCAL_PORT", "9999"}, {"CHIME_LOCAL_REGION", "us-west-2"},
                         {"CHIME_LOCAL_ACCOUNT_ID", "999999999999"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.port, 2);
  EXPECT_EQ(r.config.region, "ap-southeast-2");
  EXPECT_EQ(r.config.account_id, "999999999999");  // env still applies where no flag was given
}

TEST(ServerConfigTest, InMemoryFromFlagAndEnvironment) {
  ParseResult flag = Parse({"--in-memory"});
  ASSERT_TRUE(flag.ok()) << flag.error;
  EXPECT_TRUE(flag.config.InMemory());
  EXPECT_EQ(flag.config.DatabasePath(), ":memory:");

  ParseResult env = Parse({}, {{"CHIME_LOCAL_IN_MEMORY", "true"}});
  ASSERT_TRUE(env.ok()) << env.error;
  EXPECT_TRUE(env.config.InMemory());

  ParseResult off = Parse({}, {{"CHIME_LOCAL_IN_MEMORY", "0"}});
  ASSERT_TRUE(off.ok()) << off.error;
  EXPECT_FALSE(off.config.InMemory());

  // A flag overrides the environment's in-memory choice.
  ParseResult file = Parse({"--data-file", "x.db"}, {{"CHIME_LOCAL_IN_MEMORY", "1"}});
  ASSERT_TRUE(file.ok()) << file.error;
  EXPECT_FALSE(file.config.InMemory());
  EXPECT_EQ(file.config.DatabasePath(), "x.db");

  EXPECT_FALSE(Parse({}, {{"CHIME_LOCAL_IN_MEMORY", "maybe"}}).ok());
  EXPECT_FALSE(Parse({"--in-memory=yes"}).ok());
}

TEST(ServerConfigTest, RejectsBadNumbers) {
  for (const char* bad : {"65536", "-1", "abc", "", "1x", "+5", "99999999999999999999999"}) {
    ParseResult r = Parse({std::string("--port=") + bad});
    EXPECT_FALSE(r.ok()) << "port " << bad;
    EXPECT_NE(r.error.find("--port"), std::string::npos) << r.error;
  }
  EXPECT_TRUE(Parse({"--port", "65535"}).ok());
  for (const char* flag : {"--max-body-bytes", "--max-header-bytes", "--idle-timeout", "--max-connections",
                           "--threads", "--max-snapshot-bytes"}) {
    EXPECT_FALSE(Parse({flag, "0"}).ok()) << flag << " must be positive";
    EXPECT_TRUE(Parse({flag, "1"}).ok()) << flag;
  }
  ParseResult env = Parse({}, {{"CHIME_LOCAL_THREADS", "zero"}});
  EXPECT_FALSE(env.ok());
  EXPECT_NE(env.error.find("CHIME_LOCAL_THREADS"), std::string::npos) << env.error;
}

TEST(ServerConfigTest, SnapshotFileFromFlagOrEnvironment) {
  EXPECT_TRUE(Parse({}).config.snapshot_file.empty());
  EXPECT_EQ(Parse({"--snapshot", "/tmp/s.sqlite3"}).config.snapshot_file, "/tmp/s.sqlite3");
  EXPECT_EQ(Parse({}, {{"CHIME_LOCAL_SNAPSHOT", "env.sqlite3"}}).config.snapshot_file, "env.sqlite3");
  EXPECT_FALSE(Parse({"--snapshot="}).ok());
  EXPECT_EQ(Parse({}).config.max_snapshot_bytes, 256ull << 20);
  EXPECT_EQ(Parse({"--max-snapshot-bytes", "4096"}).config.max_snapshot_bytes, 4096u);
}

TEST(ServerConfigTest, RejectsBadAccountRegionAndLogLevel) {
  for (const char* bad : {"12345678901", "1234567890123", "12345678901a", ""}) {
    EXPECT_FALSE(Parse({"--account-id", bad}).ok()) << bad;
  }
  for (const char* bad : {"US-EAST-1", "useast1", "us-east", "us-east-1a", "u-east-1", "us--1", "us-east-", "-east-1"}) {
    EXPECT_FALSE(Parse({"--region", bad}).ok()) << bad;
  }
  for (const char* good : {"us-east-1", "eu-west-3", "us-gov-west-1", "ap-northeast-12"}) {
    EXPECT_TRUE(Parse({"--region", good}).ok()) << good;
  }
  EXPECT_FALSE(Parse({"--log-level", "verbose"}).ok());
  EXPECT_FALSE(Parse({"--host", ""}).ok());
  EXPECT_FALSE(Parse({"--data-dir="}).ok());
}

TEST(ServerConfigTest, RejectsUnknownAndMalformedArguments) {
  ParseResult unknown = Parse({"--prot", "5"});
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error.find("--prot"), std::string::npos) << unknown.error;
  EXPECT_FALSE(Parse({"positional"}).ok());
  EXPECT_FALSE(Parse({"-p", "5"}).ok());
  EXPECT_FALSE(Parse({"--port"}).ok());                      // missing value at the end
  EXPECT_FALSE(Parse({"--host", "--port", "5"}).ok());       // a flag is not a value
}

TEST(ServerConfigTest, HelpAndVersionWinOverErrors) {
  ParseResult help = Parse({"--port", "bad", "--help"}, {{"CHIME_LOCAL_THREADS", "x"}});
  EXPECT_TRUE(help.ok());
  EXPECT_EQ(help.action, ParseResult::Action::kHelp);
  EXPECT_EQ(Parse({"-h"}).action, ParseResult::Action::kHelp);
  ParseResult version = Parse({"--nope", "--version"});
  EXPECT_TRUE(version.ok());
  EXPECT_EQ(version.action, ParseResult::Action::kVersion);
  EXPECT_EQ(VersionText().rfind("chime-local ", 0), 0u);
}

TEST(ServerConfigTest, HelpListsEveryFlagEnvironmentVariableAndDefault) {
  std::string help = HelpText();
  for (const char* s :
       {"--host", "CHIME_LOCAL_HOST", "--port", "CHIME_LOCAL_PORT", "4590", "--data-dir", "CHIME_LOCAL_DATA_DIR",
        "./chime-local-data", "--data-file", "CHIME_LOCAL_DATA_FILE", "--in-memory", "CHIME_LOCAL_IN_MEMORY",
        "--region", "CHIME_LOCAL_REGION", "us-east-1", "--account-id", "CHIME_LOCAL_ACCOUNT_ID", "123456789012",
        "--log-level", "CHIME_LOCAL_LOG_LEVEL", "--max-body-bytes", "CHIME_LOCAL_MAX_BODY_BYTES", "1048576",
        "--max-header-bytes", "CHIME_LOCAL_MAX_HEADER_BYTES", "16384", "--idle-timeout",
        "CHIME_LOCAL_IDLE_TIMEOUT", "--max-connections", "CHIME_LOCAL_MAX_CONNECTIONS", "128", "--threads",
        "CHIME_LOCAL_THREADS", "--header-timeout", "CHIME_LOCAL_HEADER_TIMEOUT", "--log-format",
        "CHIME_LOCAL_LOG_FORMAT", "--read-only", "CHIME_LOCAL_READ_ONLY", "--throttle", "CHIME_LOCAL_THROTTLE", "--public-host", "CHIME_LOCAL_PUBLIC_HOST",
        "--allowed-hosts", "CHIME_LOCAL_ALLOWED_HOSTS", "--control-origins", "CHIME_LOCAL_CONTROL_ORIGINS",
        "stderr", "--tls-cert", "CHIME_LOCAL_TLS_CERT", "--tls-key", "CHIME_LOCAL_TLS_KEY", "--cors-origins",
        "CHIME_LOCAL_CORS_ORIGINS", "--max-sessions", "CHIME_LOCAL_MAX_SESSIONS", "10000",
        "--max-sessions-per-user", "CHIME_LOCAL_MAX_SESSIONS_PER_USER", "--faults-file", "CHIME_LOCAL_FAULTS_FILE",
        "--journal-size", "CHIME_LOCAL_JOURNAL_SIZE", "--sigv4", "CHIME_LOCAL_SIGV4", "lenient", "--credentials",
        "CHIME_LOCAL_CREDENTIALS", "--seed-file", "CHIME_LOCAL_SEED_FILE", "--snapshot", "CHIME_LOCAL_SNAPSHOT",
        "--max-snapshot-bytes", "CHIME_LOCAL_MAX_SNAPSHOT_BYTES", "268435456", "--help", "--version"}) {
    EXPECT_NE(help.find(s), std::string::npos) << "help text lacks " << s;
  }
}

TEST(ServerConfigTest, CrossSiteLoggingAndTimeoutFlags) {
  ParseResult r = Parse({"--header-timeout", "3", "--log-format", "JSON", "--read-only", "--public-host",
                         "chime.test:4590", "--allowed-hosts", "a.example, .b.example", "--control-origins",
                         "http://localhost:3000,https://x.example"});
  ASSERT_TRUE(r.ok()) << r.error;
  const ServerConfig& c = r.config;
  EXPECT_EQ(c.header_timeout_seconds, 3u);
  EXPECT_EQ(c.log_format, LogFormat::kJson);
  EXPECT_TRUE(c.read_only);
  EXPECT_EQ(c.public_host, "chime.test:4590");
  EXPECT_EQ(c.allowed_hosts, "a.example, .b.example");
  EXPECT_EQ(c.control_origins, "http://localhost:3000,https://x.example");

  ParseResult env = Parse({}, {{"CHIME_LOCAL_LOG_FORMAT", "json"},
                               {"CHIME_LOCAL_READ_ONLY", "1"},
                               {"CHIME_LOCAL_HEADER_TIMEOUT", "7"},
                               {"CHIME_LOCAL_CONTROL_ORIGINS", "*"}});
  ASSERT_TRUE(env.ok()) << env.error;
  EXPECT_EQ(env.config.log_format, LogFormat::kJson);
  EXPECT_TRUE(env.config.read_only);
  EXPECT_EQ(env.config.header_timeout_seconds, 7u);
  EXPECT_EQ(env.config.control_origins, "*");
}

TEST(ServerConfigTest, RejectsBadCrossSiteLoggingAndTimeoutValues) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--log-format", "xml"},
           {"--header-timeout", "0"},
           {"--header-timeout", "3601"},
           {"--public-host", "http://chime.test"},
           {"--public-host", "chime.test/x"},
           {"--allowed-hosts", "a.example,,b.example"},
           {"--control-origins", "localhost:3000"},
           {"--control-origins", "http://localhost:3000/app"},
           {"--read-only=yes"}}) {
    ParseResult r = Parse(args);
    EXPECT_FALSE(r.ok()) << "accepted " << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
}

TEST(ServerConfigTest, MessagingSessionFlags) {
  auto r = Parse({"--public-host", "localhost:8443", "--cors-origins", "http://a.test", "--max-sessions", "5",
                  "--max-sessions-per-user", "2", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.public_host, "localhost:8443");
  EXPECT_EQ(r.config.cors_origins, "http://a.test");
  EXPECT_EQ(r.config.max_sessions, 5u);
  EXPECT_EQ(r.config.max_sessions_per_user, 2u);
  EXPECT_EQ(r.config.tls_cert, "c.pem");
  EXPECT_EQ(r.config.tls_key, "k.pem");
  // No list by default: only the loopback origins (server/cross_site_policy.hpp).
  EXPECT_EQ(ParseResult().config.cors_origins, "");
  EXPECT_NE(HelpText().find("loopback origins"), std::string::npos);
  auto bad = Parse({"--public-host", "http://x/"});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find("--public-host"), std::string::npos);
}

TEST(ServerConfigTest, ChannelFlowAndOutgoingEndpointFlags) {
  ParseResult defaults = Parse({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.config.channel_flow_timeout_ms, 30000u);
  EXPECT_TRUE(defaults.config.lambda_endpoint.empty());
  EXPECT_TRUE(defaults.config.kinesis_endpoint.empty());
  EXPECT_TRUE(defaults.config.eventbridge_endpoint.empty());

  ParseResult r = Parse({"--channel-flow-timeout", "0.5", "--lambda-endpoint", "http://127.0.0.1:4566/",
                         "--kinesis-endpoint", "http://localhost:5000", "--eventbridge-endpoint",
                         "http://127.0.0.1:5001/"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.channel_flow_timeout_ms, 500u);
  EXPECT_EQ(r.config.lambda_endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(r.config.kinesis_endpoint, "http://localhost:5000");
  EXPECT_EQ(r.config.eventbridge_endpoint, "http://127.0.0.1:5001");

  ParseResult env = Parse({}, {{"CHIME_LOCAL_CHANNEL_FLOW_TIMEOUT", "172800"},
                               {"CHIME_LOCAL_LAMBDA_ENDPOINT", "http://lambda:9000"},
                               {"CHIME_LOCAL_KINESIS_ENDPOINT", "http://kinesis:9001"},
                               {"CHIME_LOCAL_EVENTBRIDGE_ENDPOINT", "http://events:9002"}});
  ASSERT_TRUE(env.ok()) << env.error;
  EXPECT_EQ(env.config.channel_flow_timeout_ms, 172800000u);
  EXPECT_EQ(env.config.lambda_endpoint, "http://lambda:9000");
  EXPECT_EQ(env.config.kinesis_endpoint, "http://kinesis:9001");
  EXPECT_EQ(env.config.eventbridge_endpoint, "http://events:9002");

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--channel-flow-timeout", "0"},
           {"--channel-flow-timeout", "172801"},
           {"--channel-flow-timeout", "1s"},
           {"--lambda-endpoint", "https://lambda.us-east-1.amazonaws.com"},
           {"--lambda-endpoint", "127.0.0.1:4566"},
           {"--kinesis-endpoint", "http://"},
           {"--eventbridge-endpoint", "https://events.us-east-1.amazonaws.com"}}) {
    ParseResult bad = Parse(args);
    EXPECT_FALSE(bad.ok()) << "accepted " << args[0] << " " << args[1];
  }
  std::string help = HelpText();
  for (const char* s : {"--channel-flow-timeout", "CHIME_LOCAL_CHANNEL_FLOW_TIMEOUT", "--lambda-endpoint",
                        "CHIME_LOCAL_LAMBDA_ENDPOINT", "--kinesis-endpoint", "CHIME_LOCAL_KINESIS_ENDPOINT",
                        "--eventbridge-endpoint", "CHIME_LOCAL_EVENTBRIDGE_ENDPOINT"}) {
    EXPECT_NE(help.find(s), std::string::npos) << "help text lacks " << s;
  }
}

// Strict SigV4 (issue 12): --sigv4 and repeatable --credentials, env too.
TEST(ServerConfigTest, SigV4StrictAndCredentialFlags) {
  ParseResult defaults = Parse({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults.config.sigv4_strict);
  EXPECT_TRUE(defaults.config.credentials.empty());

  ParseResult r = Parse({"--sigv4", "strict", "--credentials", "AKID1:secret/one+x", "--credentials=AKID2:s2"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.config.sigv4_strict);
  ASSERT_EQ(r.config.credentials.size(), 2u);
  EXPECT_EQ(r.config.credentials[0].id, "AKID1");
  EXPECT_EQ(r.config.credentials[0].secret, "secret/one+x");
  EXPECT_EQ(r.config.credentials[1].id, "AKID2");

  // Environment: a comma-separated list; keys from flags are added to it.
  ParseResult env = Parse({"--credentials", "AKID3:s3"},
                          {{"CHIME_LOCAL_SIGV4", "STRICT"}, {"CHIME_LOCAL_CREDENTIALS", "AKID1:s1, AKID2:s:2"}});
  ASSERT_TRUE(env.ok()) << env.error;
  EXPECT_TRUE(env.config.sigv4_strict);
  ASSERT_EQ(env.config.credentials.size(), 3u);
  EXPECT_EQ(env.config.credentials[1].id, "AKID2");
  EXPECT_EQ(env.config.credentials[1].secret, "s:2");
  EXPECT_EQ(env.config.credentials[2].id, "AKID3");

  ParseResult lenient = Parse({"--sigv4", "lenient"}, {{"CHIME_LOCAL_SIGV4", "strict"}});
  ASSERT_TRUE(lenient.ok()) << lenient.error;
  EXPECT_FALSE(lenient.config.sigv4_strict);

  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--sigv4", "on"},
           {"--credentials", "AKIDONLY"},
           {"--credentials", ":secret"},
           {"--credentials", "AKID:"},
           {"--credentials", "AKID1:s1,,AKID2:s2"}}) {
    ParseResult bad = Parse(args);
    EXPECT_FALSE(bad.ok()) << "accepted " << args[0] << " " << args[1];
  }
  ParseResult keyless = Parse({"--sigv4", "strict"});
  EXPECT_FALSE(keyless.ok());
  EXPECT_NE(keyless.error.find("--credentials"), std::string::npos) << keyless.error;
}

TEST(ServerConfigTest, MisspelledFlagSuggestsTheClosestOne) {
  EXPECT_NE(Parse({"--prot", "5"}).error.find("did you mean --port?"), std::string::npos);
  EXPECT_NE(Parse({"--in-memroy"}).error.find("did you mean --in-memory?"), std::string::npos);
  EXPECT_NE(Parse({"--kinesis"}).error.find("did you mean --kinesis-endpoint?"), std::string::npos);
  const ParseResult far = Parse({"--completely-unrelated"});
  EXPECT_EQ(far.error.find("did you mean"), std::string::npos) << far.error;
  EXPECT_NE(far.error.find("see --help"), std::string::npos) << far.error;
}

}  // namespace
}  // namespace chime::server
