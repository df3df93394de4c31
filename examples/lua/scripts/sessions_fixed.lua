-- The fix: the session ends with its request.
local sessions = tether.watch({}, "sessions")

function handle_request(id)
  local session = {player = "player-" .. id, opened = id, moves = 0}
  sessions[id] = session
  session.moves = session.moves + 1
  local moves = session.moves
  sessions[id] = nil
  return moves
end
