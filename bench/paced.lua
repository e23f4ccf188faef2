-- paced.lua — wrk script for a fixed request rate: each connection waits `interval_ms`
-- between requests, so C connections give about C * 1000 / interval_ms requests per second.
-- Set the interval with the environment variable FO_INTERVAL_MS.
local interval = tonumber(os.getenv("FO_INTERVAL_MS") or "10")
function delay()
  return interval
end
