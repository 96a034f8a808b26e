-- wrk script for bench/run.sh: a GET, with "Authorization: Bearer $BENCH_TOKEN" when BENCH_TOKEN is set.
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
