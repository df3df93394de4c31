-- The fix: the cache is built once, when the plugin loads: one per lane
-- (each lane's VM loads the plugin), shared by every request on it.
hits, misses = 0, 0
local cache = lrucache.new(64)

local function upstream_for(route)
  return "upstream-" .. (#route % 7)
end

function access(route)
  local upstream = cache:get(route)
  if upstream then
    hits = hits + 1
  else
    misses = misses + 1
    upstream = upstream_for(route)
    cache:set(route, upstream)
  end
  return upstream
end

function counts()
  return hits, misses
end
