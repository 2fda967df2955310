--[[
  Graceful shutdown: the given items that the token ARGV[1] holds go back to ready, due at
  Redis's now, so another worker can claim them at once instead of waiting out the lease.
  Input:
    KEYS[1] 'processing'
    KEYS[2] 'leases'
    KEYS[3] 'ready'
    ARGV[1] token
    ARGV[2], ARGV[3], ... ids
  Output:
    number of items released
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local released = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if rcall('HGET', KEYS[2], id) == ARGV[1] then
    rcall('ZREM', KEYS[1], id)
    rcall('HDEL', KEYS[2], id)
    rcall('ZADD', KEYS[3], now, id)
    released = released + 1
  end
end
return released
