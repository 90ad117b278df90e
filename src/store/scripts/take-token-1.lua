--[[
  Takes one request from an intake token's bucket (lib/token-bucket.lua) for the API routes other
  than intake, whose receive takes it in the same step (receive-escalation-8).

  KEYS[1] the bucket (hash: tokens, at = ms of the last refill)

  ARGV[1] refill rate, requests per second
  ARGV[2] capacity (burst)

  Returns { 1, 0 } when the request may go ahead; { 0, ms until a whole token is back } when not.
]]
local allowed, wait = take_token(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
return { allowed, wait }
