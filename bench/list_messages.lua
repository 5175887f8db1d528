-- wrk script: ListChannelMessages, one page of 50 (newest first).
-- Environment: BENCH_CHANNEL_ARN, BENCH_BEARER.
local channel = os.getenv("BENCH_CHANNEL_ARN")
local bearer = os.getenv("BENCH_BEARER")

local function pct(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  wrk.method = "GET"
  wrk.path = "/channels/" .. pct(channel) .. "/messages?max-results=50"
  wrk.headers["x-amz-chime-bearer"] = bearer
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    e.status, e.connect + e.read + e.write + e.timeout))
end
