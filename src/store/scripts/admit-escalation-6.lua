--[[
  Stores a numbered case with its indexes, in one atomic step on its shard's slot, unless it is
  stored already: the second step of a receive on a tagged layout (after reserve-escalation-4.lua),
  and how tests and the bench seed cases. With ARGV[6] set it also records the case as waiting to be
  armed, written with the case so a case that got its 201 is always armed (see jobs/arming.ts).

  KEYS[1] escalation hash
  KEYS[2] escalation timeline list
  KEYS[3] the shard's open escalations zset       (score: createdAt ms)
  KEYS[4] the shard's index of the team's open escalations
  KEYS[5] the shard's all-escalations zset        (for reports)
  KEYS[6] the shard's arming stream

  ARGV[1] escalation id
  ARGV[2] createdAt (ms)
  ARGV[3] the 'created' timeline event, JSON, seq 1
  ARGV[4] the hash's field, value pairs without the id, as one flat JSON array of strings
  ARGV[5] deadline in Redis's own time (ms since the epoch), or '' for none
  ARGV[6] '1' to record the case for arming

  Returns 1 when stored now, 0 when it was stored already, -2 past the deadline (nothing stored).
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if ARGV[5] ~= '' then
  local time = redis.call('TIME')
  if tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) > tonumber(ARGV[5]) then
    return -2
  end
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], unpack(cjson.decode(ARGV[4])))
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
if ARGV[6] == '1' then
  redis.call('XADD', KEYS[6], '*', 'id', ARGV[1])
end
return 1
