--[[
  Moves a source's reported silence on, only from the state the checker read: of two checkers
  that both saw a source go silent (or come back), one changes it and tells the leads.

  KEYS[1] reported silences (hash: source → ms the silence began)

  ARGV[1] the source
  ARGV[2] the silence start the checker read, or '' for none
  ARGV[3] the silence start to record, or '' to clear it (the source is back)

  Returns 1 when it was as read and is now changed; 0 when it was not as read (nothing is written).
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then
  return 0
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
