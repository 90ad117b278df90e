--[[
  Closes a pending swap request (declined or cancelled) once: a request already decided keeps its
  first decision, so two people pressing at once cannot both decide it.

  KEYS[1] the swap request (hash: data, status, decidedBy, decidedAt)

  ARGV[1] the new status
  ARGV[2] who decided
  ARGV[3] when, ISO 8601

  Returns 1 when this call closed it, 0 when it was no longer pending.
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedBy', ARGV[2], 'decidedAt', ARGV[3])
return 1
