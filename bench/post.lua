-- wrk script for bench/run: POSTs a JSON body read from a file, with extra headers.
-- usage: wrk ... -s bench/post.lua URL -- BODY_FILE ['Name: value']...
-- Prints one JSON line at the end: rps, errors, p50_us, p99_us, p999_us.
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  for i = 2, #args do
    local k, v = args[i]:match("^([^:]+):%s*(.*)$")
    if k then wrk.headers[k] = v end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    '{"rps":%.1f,"requests":%d,"errors":%d,"non_2xx":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests / (summary.duration / 1e6), summary.requests, errors, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
