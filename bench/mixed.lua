-- wrk script for bench/harness.py's "reads under 5% writes": 19 GETs of MIXED_PATH, then one PATCH of a
-- position (its topic alternates, so each write changes the record), with a write token. Each connection's
-- writes go to positions of their own (MIXED_POSITIONS, comma-separated URL paths), so that two writes to one
-- record at once, which the optimistic lock answers 412, stay rare; done() prints the statuses.
-- Environment: MIXED_PATH, MIXED_POSITIONS, MIXED_TOKEN.

local path, token = os.getenv("MIXED_PATH"), os.getenv("MIXED_TOKEN")
local positions = {}
for each in string.gmatch(os.getenv("MIXED_POSITIONS"), "[^,]+") do table.insert(positions, each) end
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
  if counter % 20 == 0 then
    writes = writes + 1
    local position = positions[(id * 7919 + writes) % #positions + 1]
    local body = string.format('{"topic": "%s"}', topics[writes % 2 + 1])
    return wrk.format("PATCH", position, {["Authorization"] = "Bearer " .. token, ["If-Match"] = "*",
      ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", path)
end
