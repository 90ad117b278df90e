--[[
  Takes a case's render lock and reads the case, in one command: a redraw reads the case under its
  lock, so what it draws is the case as it is then, and a redraw racing it waits.

  KEYS[1] escalation hash
  KEYS[2] escalation timeline list
  KEYS[3] the case's render lock (string: the holder's token)

  ARGV[1] the caller's token
  ARGV[2] the lock's time to live (ms)

  Returns { 0 } when someone else holds the lock; else { 1, hash as flat field, value list,
  timeline entries }, both empty when there is no case.
]]
if not redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return { 0 }
end
return { 1, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1) }
