--[[
  Records a claim against the person's wellbeing limits and forgets claims older than any limit
  looks back, in one command.

  KEYS[1] the person's claims (zset: claim JSON, score ms)

  ARGV[1] the claim's time (ms)
  ARGV[2] the claim, JSON
  ARGV[3] how long claims are kept (ms)

  Returns the number of claims kept.
]]
local at = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], at, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', at - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])
