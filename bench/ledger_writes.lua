-- ledger_writes.lua — wrk script: 50 students each POST a reflection revision, paced.
-- FO_COOKIES holds the students' session cookies separated by spaces; each wrk connection
-- cycles through them, and waits FO_INTERVAL_MS between its writes.
local cookies = {}
for c in string.gmatch(os.getenv("FO_COOKIES") or "", "%S+") do cookies[#cookies + 1] = c end
local interval = tonumber(os.getenv("FO_INTERVAL_MS") or "100")
local n = 0
function request()
  n = n + 1
  local cookie = cookies[(n % #cookies) + 1]
  return wrk.format("POST", "/api/ledger/reflections",
    { ["Content-Type"] = "application/json", ["Cookie"] = cookie },
    '{"part":"roi","text":"Revision ' .. n .. ': pairs of heterogeneous models grow as N squared."}')
end
-- Exponential gaps (a Poisson process per connection): fixed gaps would keep every
-- connection in lockstep and measure a burst of all of them at once, which no class does.
function delay()
  return -math.log(1 - math.random()) * interval
end
