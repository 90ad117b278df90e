--[[
  Releases a lock only if it is still the caller's: a holder that ran past the lock's expiry must
  not free a lock someone else holds by now.

  KEYS[1] the lock (string: the holder's token)

  ARGV[1] the caller's token

  Returns 1 when released, 0 when the lock was not the caller's.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
