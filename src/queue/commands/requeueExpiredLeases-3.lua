--[[
  Items whose lease deadline is before Redis's now go back to ready, due now. Their lease is
  deleted, so the old token can no longer acknowledge them.
  Input:
    KEYS[1] 'processing'
    KEYS[2] 'leases'
    KEYS[3] 'ready'
    ARGV[1] most items to requeue
  Output:
    the ids requeued
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local expired = rcall('ZRANGE', KEYS[1], '-inf', '(' .. now, 'BYSCORE', 'LIMIT', 0, ARGV[1])
for _, id in ipairs(expired) do
  rcall('ZREM', KEYS[1], id)
  rcall('HDEL', KEYS[2], id)
  rcall('ZADD', KEYS[3], now, id)
end
return expired
