--[[
  The first of a receive's two steps on a tagged layout (store/shards.ts), on the intake's slot:
  takes the source's rate-limit token, and gives the (source, externalId) its case number unless it
  has one. The case itself is written by admit-escalation-6.lua on its own shard's slot; a number
  reserved by a receive that never got that far is taken up by the source's retry, which finds the
  reservation here and admits the case under it.

  KEYS[1] (source, external id) index key (hash: id, digest of the case-defining fields)
  KEYS[2] escalation number sequence
  KEYS[3] the source token's rate-limit bucket (lib/token-bucket.lua), used when ARGV[4] is set
  KEYS[4] when each source was last heard from (zset: source → ms of Redis's clock)

  ARGV[1] the number the first escalation's id is offset by
  ARGV[2] content digest (hex SHA-256 of the case-defining fields)
  ARGV[3] deadline in Redis's own time (ms since the epoch), or '' for none (see receive-escalation-8.lua)
  ARGV[4] the token's refill rate (requests per second), or '' when already counted
  ARGV[5] the token's burst
  ARGV[6] the source, as recorded in KEYS[4]

  Returns { 1, id } for a new number; { 0, id } when the key was known with the same digest (the
  case is admitted again, which does nothing if it is stored); { -1, id } when it was known with a
  different digest; { -2, '' } past the deadline; { -3, ms until a token is back } when limited.
]]
local refused = intake_refusal(ARGV[3], KEYS[3], ARGV[4], ARGV[5])
if refused then
  return refused
end
local known = known_receive(KEYS[1], ARGV[2], KEYS[4], ARGV[6])
if known then
  return known
end
local id = 'ESC-' .. (tonumber(ARGV[1]) + redis.call('INCR', KEYS[2]))
redis.call('HSET', KEYS[1], 'id', id, 'digest', ARGV[2])
redis.call('ZADD', KEYS[4], redis_ms(), ARGV[6])
return { 1, id }
