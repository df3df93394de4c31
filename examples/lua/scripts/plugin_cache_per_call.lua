-- The third incident: a gateway plugin that builds its cache inside the
-- request handler. Every request gets a fresh, empty cache, so no lookup
-- ever hits, and every cache stays alive in lrucache.all.
hits, misses = 0, 0

local function upstream_for(route)
  return "upstream-" .. (#route % 7)
end

function access(route)
  local cache = lrucache.new(64)  -- the bug: one cache per request
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
