--[[
  Which of the given keys exist, in one command: the SLA scheduler asks it of the timer jobs a
  cancel could remove, so it sends BullMQ's removal (a script of some twenty steps) only for jobs
  that are there. All keys share one slot (one queue's hash tag on a cluster).

  KEYS[1] … KEYS[n] the keys to look for

  Returns the 1-based positions of the keys that exist.
]]
local found = {}
for index, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    found[#found + 1] = index
  end
end
return found
