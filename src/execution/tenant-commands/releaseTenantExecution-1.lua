--[[
  Frees an execution's slot in its tenant's in-flight set (its request is over).
  Input:
    KEYS[1] 'inFlight'  ZSET execution id -> slot lapse instant
    ARGV[1] execution id
  Output:
    1 if the execution held a slot, 0 if not (never admitted under a cap, or lapsed)
]]
return redis.call('ZREM', KEYS[1], ARGV[1])
