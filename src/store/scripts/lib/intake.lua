--[[
  The steps every receive takes before it numbers a case, shared by receive-escalation-8.lua (one
  node) and reserve-escalation-4.lua (a cluster's intake slot) so both answer alike. Calls
  take_token (lib/token-bucket.lua), prepended before it.

  redis_ms(): Redis's own time in ms.
  intake_refusal(deadline, bucket, rate, burst): { -2, '' } when Redis runs the receive past its
    deadline, { -3, ms until a token is back } when the token is over its limit, nil to go on.
  known_receive(index, digest, seen, source): { 0, id } when the (source, externalId) was sent
    before with the same digest (its source is recorded as heard from), { -1, id } when with
    another, nil when it is new.
]]
local function redis_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function intake_refusal(deadline, bucket, rate, burst)
  if deadline ~= '' and redis_ms() > tonumber(deadline) then
    return { -2, '' }
  end
  if rate ~= '' then
    local allowed, wait = take_token(bucket, tonumber(rate), tonumber(burst))
    if allowed == 0 then
      return { -3, wait }
    end
  end
  return nil
end

local function known_receive(index, digest, seen, source)
  local existing = redis.call('HMGET', index, 'id', 'digest')
  if not existing[1] then
    return nil
  end
  if existing[2] == digest then
    redis.call('ZADD', seen, redis_ms(), source)
    return { 0, existing[1] }
  end
  return { -1, existing[1] }
end
