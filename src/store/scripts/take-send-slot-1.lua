--[[
  Reserves a channel's next Slack send slot, so every instance keeps to Slack's pace of about one
  message a second per channel.

  KEYS[1] the channel's pace key (string: ms when the channel is next free)

  ARGV[1] now, ms
  ARGV[2] the gap between sends, ms

  Returns 0 when the slot is taken now; otherwise the ms until the channel is free.
]]
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
if nextFree <= now then
  redis.call('SET', KEYS[1], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) * 10)
  return 0
end
return nextFree - now
