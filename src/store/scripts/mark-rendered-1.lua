--[[
  Records the case version last drawn in Slack, never moving backwards: a slow worker finishing an
  old render must not hide a newer one.

  KEYS[1] the escalation (hash; field renderedVersion)

  ARGV[1] the version just drawn

  Returns 1.
]]
local drawn = tonumber(redis.call('HGET', KEYS[1], 'renderedVersion') or 0)
if tonumber(ARGV[1]) > drawn then redis.call('HSET', KEYS[1], 'renderedVersion', ARGV[1]) end
return 1
