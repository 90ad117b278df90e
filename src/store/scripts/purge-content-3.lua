--[[
  Purges one resolved case's content in one atomic step, so a crash leaves it either purged or
  untouched: the timeline's texts are replaced by their digests (the events' hashes stay valid,
  triage/retention.ts purgeTimeline checked that), the content fields leave the hash, `purgedAt` is
  set and a chained `content_purged` event is appended and announced on the case events stream in
  the same step, as transition-5.lua announces every event it appends. The redraw follows from
  jobs/retention.ts.

  KEYS[1] escalation hash
  KEYS[2] escalation timeline list
  KEYS[3] the case's shard's case events stream (see transition-5.lua)

  ARGV[1] the version the purge was planned from: any change since (a hold, a reopen, a note)
          makes the plan stale and nothing is written
  ARGV[2] the timeline length the plan was made from
  ARGV[3] purgedAt, ISO 8601
  ARGV[4] the content_purged event, JSON without seq
  ARGV[5] its body digest (triage/audit-chain.ts), chained here to the head as transition-5 does
  ARGV[6] the case events stream's approximate length cap
  ARGV[7] how many hash fields to delete, n
  ARGV[8..7+n] the hash fields to delete
  ARGV[8+n..] position (0-based), rewritten event JSON pairs

  Returns { code, seq, version }:
     1 purged            -2 not resolved
     0 already purged    -3 stale version (or timeline)
    -1 not found         -4 on legal hold
]]
local hash = KEYS[1]
local current = redis.call('HMGET', hash, 'state', 'version', 'purgedAt', 'legalHoldAt', 'auditHead')
if not current[1] then
  return { -1, 0, 0 }
end
if current[3] then
  return { 0, 0, tonumber(current[2]) }
end
if current[1] ~= 'resolved' then
  return { -2, 0, tonumber(current[2]) }
end
if current[4] then
  return { -4, 0, tonumber(current[2]) }
end
if tonumber(ARGV[1]) ~= tonumber(current[2]) or tonumber(ARGV[2]) ~= redis.call('LLEN', KEYS[2]) then
  return { -3, 0, tonumber(current[2]) }
end

local fields = tonumber(ARGV[7])
for i = 8, 7 + fields do
  redis.call('HDEL', hash, ARGV[i])
end
for i = 8 + fields, #ARGV, 2 do
  redis.call('LSET', KEYS[2], tonumber(ARGV[i]), ARGV[i + 1])
end
redis.call('HSET', hash, 'purgedAt', ARGV[3])
local version = redis.call('HINCRBY', hash, 'version', 1)

local event = cjson.decode(ARGV[4])
event['seq'] = redis.call('LLEN', KEYS[2]) + 1
event['hash'] = audit_chain(current[5], ARGV[5], event['seq'])
redis.call('RPUSH', KEYS[2], cjson.encode(event))
redis.call('HSET', hash, 'auditHead', event['seq'] .. ':' .. event['hash'])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'id', redis.call('HGET', hash, 'id'), 'seq', event['seq'], 'type', event['type'], 'state', current[1], 'assignee', redis.call('HGET', hash, 'assignee') or '')
return { 1, event['seq'], version }
