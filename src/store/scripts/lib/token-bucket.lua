--[[
  take_token(key, rate, burst): takes one request from a token bucket, atomically, so every app
  instance shares one limit per intake token. Time is Redis's own (TIME), so instances with
  drifting clocks still agree. The bucket is a hash (tokens, at = ms of the last refill).

  Returns 1, 0 when the request may go ahead; 0, ms until a whole token is back when not.
  Prepended to the scripts that call it when they are defined (scriptSource in store/script-codes.ts).
]]
local function take_token(key, rate, burst)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  if now > at then
    tokens = math.min(burst, tokens + (now - at) * rate / 1000)
    at = now
  end
  local allowed = 0
  local wait = 0
  if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
  else
    wait = math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', at)
  -- A full bucket is the same as none: let an idle one expire.
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
  return allowed, wait
end
