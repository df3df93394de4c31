-- The function the stack-leak demo calls: one result per call, as a
-- lookup service's handler returns its answer.
function lookup(id)
  return "user-" .. id
end
