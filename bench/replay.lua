-- wrk script for bench.replay: each request takes the next path of a precomputed
-- weighted list (one path a line), so every run replays the same mix in the same order.
-- Arguments after "--": the list file, the number of wrk threads (each thread
-- starts at its own offset in the list and wraps around at the end) and a pause
-- in milliseconds before each request of a connection (0: none, as fast as the
-- server answers).

local made = 0

setup = function(thread)
  thread:set("thread_index", made)
  made = made + 1
end

local paths = {}
local count = 0
local position = 0

init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      count = count + 1
      paths[count] = line
    end
  end
  local threads = tonumber(args[2] or "1")
  position = math.floor(count / threads) * (thread_index or 0)
  pause = tonumber(args[3] or "0")
end

delay = function()
  return pause
end

request = function()
  position = position % count + 1
  return wrk.format("GET", paths[position])
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency.max))
end
