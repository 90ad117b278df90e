--[[
  Records that a source was heard from, at Redis's own time, so every instance (and the receive
  script, which records escalations the same way) agrees on when.

  KEYS[1] when each source was last heard from (zset: source → ms since the epoch)

  ARGV[1] the source

  Returns the time recorded (ms since the epoch).
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
return now
