-- paced.lua — wrk script for a fixed request rate: each connection waits `interval_ms`
-- on average between requests, so C connections give about C * 1000 / interval_ms per second.
-- Set the interval with the environment variable FO_INTERVAL_MS.
local interval = tonumber(os.getenv("FO_INTERVAL_MS") or "10")
-- Exponential gaps (a Poisson process per connection): fixed gaps would keep every
-- connection in lockstep and measure a burst of all of them at once, which no class does.
function delay()
  return -math.log(1 - math.random()) * interval
end
