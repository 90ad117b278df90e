--[[
  Records the case version just drawn in Slack, never moving backwards (a slow worker finishing an
  old render must not hide a newer one), and gives back the render lock if it is still the
  caller's, in one command.

  KEYS[1] the escalation (hash; field renderedVersion)
  KEYS[2] the case's render lock (string: the holder's token)

  ARGV[1] the version just drawn
  ARGV[2] the caller's token

  Returns 1 when the lock was the caller's and is released, 0 when it was not.
]]
local drawn = tonumber(redis.call('HGET', KEYS[1], 'renderedVersion') or 0)
if tonumber(ARGV[1]) > drawn then redis.call('HSET', KEYS[1], 'renderedVersion', ARGV[1]) end
if redis.call('GET', KEYS[2]) == ARGV[2] then
  return redis.call('DEL', KEYS[2])
end
return 0
