--[[
  Moves an item the token ARGV[2] holds to the dead-letter set, scored by Redis's now.
  Input:
    KEYS[1] 'processing'
    KEYS[2] 'leases'
    KEYS[3] 'dead'
    ARGV[1] id
    ARGV[2] token
  Output:
    1 done
    -1 the item is not leased (unknown, finished, or its lease expired and it was requeued)
    -2 another token holds the item
]]
local rcall = redis.call
local holder = rcall('HGET', KEYS[2], ARGV[1])
if not holder then return -1 end
if holder ~= ARGV[2] then return -2 end

local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
rcall('ZREM', KEYS[1], ARGV[1])
rcall('HDEL', KEYS[2], ARGV[1])
rcall('ZADD', KEYS[3], now, ARGV[1])
return 1
