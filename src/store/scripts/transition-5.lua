--[[
  Applies one guarded change to an escalation atomically: every check and every write happen in
  this script, so two people acting at once (or two workers firing one timer) cannot both win.

  KEYS[1] escalation hash
  KEYS[2] escalation timeline list
  KEYS[3] open escalations zset
  KEYS[4] team's open escalations zset
  KEYS[5] case events stream: every appended event is announced there in the same step, so its
          subscribers (jobs/case-events.ts) hear of it even if the caller dies right after

  ARGV[1]  states the change is allowed from, comma-separated
  ARGV[2]  new state, or '' to keep the state
  ARGV[3]  timeline event, JSON without seq
  ARGV[4]  expected version, or '' for any
  ARGV[5]  expected SLA epoch, or '' for any
  ARGV[6]  once-field: when set, the change happens only if this hash field is absent, and the
           field then records the event's seq (so a retried timer finds what it already did)
  ARGV[7]  suppress-field: when this hash field exists, nothing happens
  ARGV[8]  '1' to bump the SLA epoch (deadlines were re-planned)
  ARGV[9]  the case events stream's approximate maximum length
  ARGV[10] the event's body digest (triage/audit-chain.ts): the script chains it to the case's
           head (hash field auditHead, `<seq>:<hash>`) as sha256(prev ‖ body ‖ seq) and stores
           the hash on the event and as the new head (lib/sha256.lua)
  ARGV[11..] field, value pairs to set; an empty value deletes the field

  Returns { code, state, assignee, version, seq, slaEpoch }:
     1 done                 -3 stale version
     0 already done (once)  -4 stale SLA epoch
    -1 not found            -5 suppressed
    -2 wrong state
]]
local hash = KEYS[1]
local current = redis.call('HMGET', hash, 'state', 'assignee', 'version', 'slaEpoch', 'createdAtMs', 'id', 'auditHead')
local state, assignee, version, epoch = current[1], current[2] or '', tonumber(current[3]), tonumber(current[4])
if not state then
  return { -1, '', '', 0, 0, 0 }
end
local function reply(code, seq)
  return { code, state, assignee, version, seq or 0, epoch }
end
if ARGV[7] ~= '' and redis.call('HEXISTS', hash, ARGV[7]) == 1 then
  return reply(-5)
end
if ARGV[6] ~= '' then
  local done = redis.call('HGET', hash, ARGV[6])
  if done then
    return reply(0, tonumber(done))
  end
end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= epoch then
  return reply(-4)
end
local allowed = false
for candidate in string.gmatch(ARGV[1], '[^,]+') do
  if candidate == state then
    allowed = true
  end
end
if not allowed then
  return reply(-2)
end
if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= version then
  return reply(-3)
end

for i = 11, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', hash, ARGV[i])
  else
    redis.call('HSET', hash, ARGV[i], ARGV[i + 1])
  end
end
local previous = state
if ARGV[2] ~= '' then
  state = ARGV[2]
  redis.call('HSET', hash, 'state', state)
end
if ARGV[8] == '1' then
  epoch = redis.call('HINCRBY', hash, 'slaEpoch', 1)
end
version = redis.call('HINCRBY', hash, 'version', 1)
assignee = redis.call('HGET', hash, 'assignee') or ''

local event = cjson.decode(ARGV[3])
event['seq'] = redis.call('LLEN', KEYS[2]) + 1
event['hash'] = audit_chain(current[7], ARGV[10], event['seq'])
redis.call('RPUSH', KEYS[2], cjson.encode(event))
redis.call('HSET', hash, 'auditHead', event['seq'] .. ':' .. event['hash'])
if ARGV[6] ~= '' then
  redis.call('HSET', hash, ARGV[6], event['seq'])
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[9], '*', 'id', current[6], 'seq', event['seq'], 'type', event['type'], 'state', state, 'assignee', assignee)

if state == 'resolved' and previous ~= 'resolved' then
  redis.call('ZREM', KEYS[3], current[6])
  redis.call('ZREM', KEYS[4], current[6])
elseif state ~= 'resolved' and previous == 'resolved' then
  redis.call('ZADD', KEYS[3], current[5], current[6])
  redis.call('ZADD', KEYS[4], current[5], current[6])
end
return reply(1, event['seq'])
