-- wrk script for bench/load.py: 95% reads over the seed's endpoints, 5% writes (a new actor each, with
-- a verbatim quote), and a count of every status, summed over threads in done().
-- Environment: LOAD_TOKEN (a write token), LOAD_BRIEFING (the seed's slug), LOAD_QUOTE (a verbatim quote).

local token, briefing, quote = os.getenv("LOAD_TOKEN"), os.getenv("LOAD_BRIEFING"), os.getenv("LOAD_QUOTE")
local reads = {
  "/api/v1/actors", "/api/v1/aid-items", "/api/v1/positions?limit=20", "/api/v1/proposals",
  "/api/v1/events", "/api/v1/briefings/" .. briefing, "/api/v1/changes", "/healthz",
}
local threads, counter = {}, 0
statuses = {}  -- a global: done() reads each thread's with thread:get()

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  if counter % 20 == 0 then
    local slug = string.format("load-%d-%d-%d", id, counter, os.time())
    local body = string.format('{"briefing": "%s", "slug": "%s", "name": "Load %s", "kind": "person", '
      .. '"citations": [{"quote": "%s"}]}', briefing, slug, slug, quote)
    return wrk.format("POST", "/api/v1/actors", {["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", reads[counter % #reads + 1])
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
