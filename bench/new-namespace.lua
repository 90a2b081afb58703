-- wrk script: every request is the first Pod of a namespace nobody has seen (the __NS__ in $BODY
-- becomes bench-<run>-<thread>-<n>), so the webhook must GET and CREATE the copy in the API.
local f = assert(io.open(os.getenv("BODY"), "rb"))
local template = f:read("*a")
f:close()
local run = os.getenv("RUN_ID") or tostring(os.time())
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local ns = string.format("bench-%s-%d-%d", run, thread_id, counter)
  local body = template:gsub("__NS__", ns)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
