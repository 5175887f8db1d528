-- wrk script: SendChannelMessage (PERSISTENT) with a unique ClientRequestToken per request.
-- Environment: BENCH_CHANNEL_ARN, BENCH_BEARER (set by run_bench.sh).
-- Prints "RESULT rps=<n> p50_ms=<x> p99_ms=<y> non2xx=<n> errors=<n>" at the end.
local channel = os.getenv("BENCH_CHANNEL_ARN")
local bearer = os.getenv("BENCH_BEARER")

local function pct(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local threads = {}
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
  prefix = string.format("bench-%d-%d-%08x", os.time(), tid or 0, math.random(0, 0x7fffffff))
  wrk.method = "POST"
  wrk.path = "/channels/" .. pct(channel) .. "/messages"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["x-amz-chime-bearer"] = bearer
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"Content":"benchmark message %d","Type":"STANDARD","Persistence":"PERSISTENT","ClientRequestToken":"%s-%d"}',
    counter, prefix, counter)
  return wrk.format(nil, nil, nil, body)
end

local non2xx = 0
function response(status, headers, body)
  if status ~= 201 then
    non2xx = non2xx + 1
    if non2xx == 1 then io.stderr:write("first non-201: " .. status .. " " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    e.status, e.connect + e.read + e.write + e.timeout))
end
