-- wrk script for bench.replay: each request takes the next path of a precomputed
-- weighted list (one path a line), so every run replays the same mix in the same order.
-- Arguments after "--": the list file, the number of wrk threads (each thread
-- starts at its own offset in the list and wraps around at the end) and the
-- requests a second each thread offers (0: as many as the server answers).
--
-- With a rate, each thread sends on a fixed schedule of slots: a connection
-- whose response came back waits for the next free slot, and one whose slot has
-- passed (the server fell behind) sends at once, so the thread catches up and
-- the offer stays the same however slowly pages are answered, as long as the
-- connections suffice.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])
local clock = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

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
  local rate = tonumber(args[3] or "0")
  if rate > 0 then
    local interval = 1000 / rate
    local next_slot = nil
    -- Only defined with a rate: wrk skips the call when there is no delay().
    delay = function()
      local now = now_ms()
      if next_slot == nil then
        next_slot = now
      end
      local wait = next_slot - now
      next_slot = next_slot + interval
      if wait < 0 then
        return 0
      end
      return wait
    end
  end
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
