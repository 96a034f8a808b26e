-- wrk script for bench/run.sh: POSTs the file named by BENCH_BODY as application/json, with
-- "Authorization: Bearer $BENCH_TOKEN" when BENCH_TOKEN is set. Every request sends the same bytes.
local path = os.getenv("BENCH_BODY")
local f = assert(io.open(path, "rb"), "BENCH_BODY must name a readable file")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
