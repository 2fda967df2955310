--[[
  Finishes an item the token ARGV[2] holds: removes it and counts the outcome.
  Input:
    KEYS[1] 'processing'
    KEYS[2] 'leases'
    KEYS[3] 'stats'
    ARGV[1] id
    ARGV[2] token
    ARGV[3] counter to increment: 'completed' or 'failed'
  Output:
    1 done
    -1 the item is not leased (unknown, finished, or its lease expired and it was requeued)
    -2 another token holds the item
]]
local rcall = redis.call
local holder = rcall('HGET', KEYS[2], ARGV[1])
if not holder then return -1 end
if holder ~= ARGV[2] then return -2 end

rcall('ZREM', KEYS[1], ARGV[1])
rcall('HDEL', KEYS[2], ARGV[1])
rcall('HINCRBY', KEYS[3], ARGV[3], 1)
return 1
