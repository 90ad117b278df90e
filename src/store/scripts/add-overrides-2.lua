--[[
  Adds overrides to a team if its overrides have not changed since the caller read them, and
  optionally approves the swap they come from, all at once: a swap is never half applied.

  KEYS[1] team overrides hash (override id → JSON, plus the field '__version')
  KEYS[2] swap request hash, or a placeholder key when no swap is involved

  ARGV[1] expected version
  ARGV[2] '1' when KEYS[2] is a swap to approve
  ARGV[3] decidedBy
  ARGV[4] decidedAt (ISO)
  ARGV[5..] override id, override JSON pairs

  Returns 1 done, 0 stale (re-read and retry), -1 the swap is no longer pending.
]]
local version = tonumber(redis.call('HGET', KEYS[1], '__version') or '0')
if version ~= tonumber(ARGV[1]) then
  return 0
end
if ARGV[2] == '1' then
  if redis.call('HGET', KEYS[2], 'status') ~= 'pending' then
    return -1
  end
  redis.call('HSET', KEYS[2], 'status', 'approved', 'decidedBy', ARGV[3], 'decidedAt', ARGV[4])
end
for i = 5, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('HINCRBY', KEYS[1], '__version', 1)
return 1
