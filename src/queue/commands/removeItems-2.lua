--[[
  Removes the given ids from delayed and ready. Items in processing are left to their
  holder: it acknowledges them, or their lease expires.
  Input:
    KEYS[1] 'delayed'
    KEYS[2] 'ready'
    ARGV[1], ARGV[2], ... ids
  Output:
    number of ids removed
]]
local rcall = redis.call
local removed = 0
for i = 1, #ARGV do
  removed = removed + rcall('ZREM', KEYS[1], ARGV[i]) + rcall('ZREM', KEYS[2], ARGV[i])
end
return removed
