--[[
  Creates an escalation unless its source sent its externalId before.

  KEYS[1] (source, external id) index key (hash: id, digest of the case-defining fields)
  KEYS[2] escalation hash
  KEYS[3] escalation timeline list
  KEYS[4] open escalations zset      (score: createdAt ms)
  KEYS[5] team's open escalations zset

  ARGV[1] escalation id
  ARGV[2] createdAt (ms)
  ARGV[3] the 'created' timeline event, JSON without seq
  ARGV[4] all-escalations zset key (for reports)
  ARGV[5] content digest (hex SHA-256 of the case-defining fields)
  ARGV[6..] field, value pairs of the hash

  Returns { 1, id } when created, { 0, existing id } when the key was already known.
]]
local existing = redis.call('HGET', KEYS[1], 'id')
if existing then
  return { 0, existing }
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'digest', ARGV[5])
local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
local event = cjson.decode(ARGV[3])
event['seq'] = 1
redis.call('RPUSH', KEYS[3], cjson.encode(event))
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
redis.call('ZADD', ARGV[4], ARGV[2], ARGV[1])
return { 1, ARGV[1] }
