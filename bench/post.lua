-- wrk script for bench/run.sh and bench/gateway/run.sh: POSTs the file named by BENCH_BODY as application/json, with
-- "Authorization: Bearer $BENCH_TOKEN" when BENCH_TOKEN is set and the extra headers in BENCH_HEADERS ("Name: value"
-- pairs separated by "|", e.g. "Authorization: Bearer x|x-portkey-provider: openai"). Every request sends the same bytes.
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
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  assert(name, "BENCH_HEADERS: '" .. pair .. "' is not 'Name: value'")
  wrk.headers[name] = value
end
