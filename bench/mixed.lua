-- wrk script for bench/harness.py's mixed loads: GETs of MIXED_PATH (comma-separated URL paths, taken in turn
-- from a place of each connection's own), and, when MIXED_POSITIONS is set, one PATCH of a position in every 20
-- requests (its topic alternates, so each write changes the record), with a write token. Each connection's
-- writes go to positions of their own (MIXED_POSITIONS, comma-separated URL paths), so that two writes to one
-- record at once, which the optimistic lock answers 412, stay rare; done() prints the statuses.
-- Environment: MIXED_PATH, MIXED_POSITIONS (empty: reads only), MIXED_TOKEN.

local token = os.getenv("MIXED_TOKEN") or ""
local paths, positions = {}, {}
for each in string.gmatch(os.getenv("MIXED_PATH"), "[^,]+") do table.insert(paths, each) end
for each in string.gmatch(os.getenv("MIXED_POSITIONS") or "", "[^,]+") do table.insert(positions, each) end
local counter, writes = 0, 0
local topics = {"sanctions", "ceasefire"}
local threads = {}
statuses = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done()
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %d: %d\n", status, n)) end
end

function request()
  counter = counter + 1
  if #positions > 0 and counter % 20 == 0 then
    writes = writes + 1
    local position = positions[(id * 7919 + writes) % #positions + 1]
    local body = string.format('{"topic": "%s"}', topics[writes % 2 + 1])
    return wrk.format("PATCH", position, {["Authorization"] = "Bearer " .. token, ["If-Match"] = "*",
      ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", paths[(id * 37 + counter) % #paths + 1])
end
