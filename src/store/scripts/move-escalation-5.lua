--[[
  Moves an open or claimed escalation to another team in one atomic step: the team, the fields the
  move changes, the state (a claim the new team cannot keep goes back to the queue), a new SLA
  epoch (the old plan's timers find themselves stale), the timeline event, its entry on the case
  events stream and the team indexes.
  Guarded by the version the caller planned from, so two instances moving it at once move it once.

  KEYS[1] escalation hash
  KEYS[2] escalation timeline list
  KEYS[3] old team's open escalations zset
  KEYS[4] new team's open escalations zset
  KEYS[5] case events stream (see transition-5.lua)

  ARGV[1] expected version
  ARGV[2] new team id
  ARGV[3] new state, or '' to keep the state
  ARGV[4] timeline event, JSON without seq
  ARGV[5] the case events stream's approximate maximum length
  ARGV[6] the event's body digest, chained as in transition-5.lua
  ARGV[7..] field, value pairs to set; an empty value deletes the field

  Returns { code, version, seq, slaEpoch }:
     1 moved       -2 resolved meanwhile (nothing moves)
    -1 not found   -3 stale version
]]
local hash = KEYS[1]
local current = redis.call('HMGET', hash, 'state', 'version', 'slaEpoch', 'createdAtMs', 'id', 'auditHead')
local state, version, epoch = current[1], tonumber(current[2]), tonumber(current[3])
if not state then
  return { -1, 0, 0, 0 }
end
if state == 'resolved' then
  return { -2, version, 0, epoch }
end
if tonumber(ARGV[1]) ~= version then
  return { -3, version, 0, epoch }
end

redis.call('HSET', hash, 'team', ARGV[2])
for i = 7, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', hash, ARGV[i])
  else
    redis.call('HSET', hash, ARGV[i], ARGV[i + 1])
  end
end
if ARGV[3] ~= '' then
  state = ARGV[3]
  redis.call('HSET', hash, 'state', state)
end
epoch = redis.call('HINCRBY', hash, 'slaEpoch', 1)
version = redis.call('HINCRBY', hash, 'version', 1)

local event = cjson.decode(ARGV[4])
event['seq'] = redis.call('LLEN', KEYS[2]) + 1
event['hash'] = audit_chain(current[6], ARGV[6], event['seq'])
redis.call('RPUSH', KEYS[2], cjson.encode(event))
redis.call('HSET', hash, 'auditHead', event['seq'] .. ':' .. event['hash'])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 'id', current[5], 'seq', event['seq'], 'type', event['type'], 'state', state, 'assignee', redis.call('HGET', hash, 'assignee') or '')

redis.call('ZREM', KEYS[3], current[5])
redis.call('ZADD', KEYS[4], current[4], current[5])
return { 1, version, event['seq'], epoch }
