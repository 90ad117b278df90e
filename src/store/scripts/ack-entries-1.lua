--[[
  Acknowledges stream entries whose work is done and deletes them, in one command: a relay does
  this for every entry, so a MULTI of two (four commands on the wire) is most of what a quiet
  entry costs after its work.

  KEYS[1] the stream
  ARGV[1] the consumer group; ARGV[2] … ARGV[n] the entry ids

  Returns how many entries were deleted.
]]
local ids = {}
for index = 2, #ARGV do
  ids[#ids + 1] = ARGV[index]
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
return redis.call('XDEL', KEYS[1], unpack(ids))
