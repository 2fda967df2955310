--[[
  Extends, to Redis's now + ARGV[2] ms, the leases of the given ids that the token ARGV[1]
  still holds. A lease that expired but was not requeued yet is still held: nobody else can
  have the item, so extending it costs no duplicate delivery.
  Input:
    KEYS[1] 'processing'
    KEYS[2] 'leases'
    ARGV[1] token
    ARGV[2] lease duration in milliseconds
    ARGV[3], ARGV[4], ... ids
  Output:
    the ids whose lease was extended
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local deadline = now + tonumber(ARGV[2])
local extended = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  if rcall('HGET', KEYS[2], id) == ARGV[1] then
    rcall('ZADD', KEYS[1], 'XX', deadline, id)
    extended[#extended + 1] = id
  end
end
return extended
