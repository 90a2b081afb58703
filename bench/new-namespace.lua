-- wrk script: every request is the first Pod of a namespace nobody has seen (the __NS__ in $BODY
-- becomes bench-<run>-<thread>-<n>), so the webhook must CREATE its copies in the API.
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

-- the RESULT line bench/run.sh parses
dofile("bench/result.lua")
