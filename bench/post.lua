-- wrk script: POST the AdmissionReview in $BODY to the URL's path, and print one machine-readable
-- line at the end (bench/run.sh parses it). $CLOSE=1 asks for a new connection per request.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
if os.getenv("CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

-- the RESULT line bench/run.sh parses
dofile("bench/result.lua")
