--[[
  Promotes due delayed items to ready, then leases up to ARGV[1] ready items, earliest due
  first, to the token ARGV[3] until Redis's now + ARGV[2] ms.
  Promotion is bounded by ARGV[4] per call so one call never holds Redis for long; if more
  were due, the reply's next-due is 0 and the next call promotes the rest.
  Input:
    KEYS[1] 'delayed'
    KEYS[2] 'ready'
    KEYS[3] 'processing'
    KEYS[4] 'leases'
    ARGV[1] most items to lease
    ARGV[2] lease duration in milliseconds
    ARGV[3] token of the claimer
    ARGV[4] most delayed items to promote
  Output:
    { ids leased, ms until the earliest delayed item is due (0 if due already) or nil if none }
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local due = rcall('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, ARGV[4], 'WITHSCORES')
for i = 1, #due, 2 do
  rcall('ZADD', KEYS[2], due[i + 1], due[i])
  rcall('ZREM', KEYS[1], due[i])
end

local ids = {}
local deadline = now + tonumber(ARGV[2])
local popped = rcall('ZPOPMIN', KEYS[2], ARGV[1])
for i = 1, #popped, 2 do
  local id = popped[i]
  rcall('ZADD', KEYS[3], deadline, id)
  rcall('HSET', KEYS[4], id, ARGV[3])
  ids[#ids + 1] = id
end

-- false becomes a nil reply; unlike Lua nil it does not end the table.
local nextDue = false
local earliest = rcall('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if earliest[1] then
  nextDue = math.max(0, tonumber(earliest[2]) - now)
end
return { ids, nextDue }
