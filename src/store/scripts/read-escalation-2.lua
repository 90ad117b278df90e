--[[
  Reads a case whole, in one atomic step: its hash and its timeline as of the same moment (a
  transition between two reads could show an event its hash does not have yet), in one command
  rather than a MULTI of four.

  KEYS[1] escalation hash
  KEYS[2] escalation timeline list

  Returns { hash as flat field, value list, timeline entries }; both empty when there is no case.
]]
return { redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1) }
