--[[
  Takes a new escalation in, in one atomic step: numbers it, stores it, indexes it, and records it
  as waiting to be armed (its SLA timers and Slack post), unless its source sent its externalId
  before. The arming relay reads that record; because it is written with the case, a case that got
  its 201 is always armed, whatever crashes afterwards. An accepted case (new, or sent again) also
  records its source as heard from, which is a heartbeat without a round trip of its own.

  KEYS[1] (source, external id) index key (hash: id, digest of the case-defining fields)
  KEYS[2] escalation number sequence
  KEYS[3] open escalations zset      (score: createdAt ms)
  KEYS[4] team's open escalations zset
  KEYS[5] all-escalations zset       (for reports)
  KEYS[6] arming stream
  KEYS[7] the source token's rate-limit bucket (lib/token-bucket.lua), used when ARGV[9] is set
  KEYS[8] when each source was last heard from (zset: source → ms of Redis's clock; see
          record-heartbeat-1.lua)

  ARGV[1] escalation hash key without the id (the id is appended)
  ARGV[2] what follows the hash key in the timeline list's key
  ARGV[3] the number the first escalation's id is offset by
  ARGV[4] createdAt (ms)
  ARGV[5] the 'created' timeline event, JSON, seq 1
  ARGV[6] the hash's field, value pairs without the id, as one flat JSON array of strings (one
          argument rather than dozens: building a command's arguments is most of a client's cost)
  ARGV[7] content digest (hex SHA-256 of the case-defining fields)
  ARGV[8] deadline in Redis's own time (ms since the epoch), or '' for none: a receive that sat in
          a socket while Redis was frozen, and runs after its client was told to retry, must not
          store a case nobody was told about
  ARGV[9] the token's refill rate (requests per second), or '' when the request was already
          counted against its limit: taking the token here saves intake a round trip
  ARGV[10] the token's burst
  ARGV[11] the source, as recorded in KEYS[8]

  Returns { 1, id } when created; { 0, existing id } when the key was known with the same digest
  (a retry); { -1, existing id } when it was known with a different digest (a different case sent
  under a used key: nothing is stored, and the caller must not answer as if it were); { -2, '' }
  when the deadline had passed (nothing is stored); { -3, ms until a whole token is back } when
  the token is over its rate limit (nothing is stored).
]]
local refused = intake_refusal(ARGV[8], KEYS[7], ARGV[9], ARGV[10])
if refused then
  return refused
end
local known = known_receive(KEYS[1], ARGV[7], KEYS[8], ARGV[11])
if known then
  return known
end
local id = 'ESC-' .. (tonumber(ARGV[3]) + redis.call('INCR', KEYS[2]))
local hash = ARGV[1] .. id
redis.call('HSET', KEYS[1], 'id', id, 'digest', ARGV[7])
redis.call('HSET', hash, 'id', id, unpack(cjson.decode(ARGV[6])))
redis.call('RPUSH', hash .. ARGV[2], ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[4], id)
redis.call('ZADD', KEYS[4], ARGV[4], id)
redis.call('ZADD', KEYS[5], ARGV[4], id)
redis.call('XADD', KEYS[6], '*', 'id', id)
redis.call('ZADD', KEYS[8], redis_ms(), ARGV[11])
return { 1, id }
