-- The second incident, in miniature: each request opens a session in a
-- table that nothing ever clears. The game server that did this lost
-- 200-300 MB a day; it was found by logging the table's size at
-- power-of-two boundaries, which tether.watch does here.
local sessions = tether.watch({}, "sessions")

function handle_request(id)
  local session = sessions[id]
  if session == nil then
    session = {player = "player-" .. id, opened = id, moves = 0}
    sessions[id] = session
  end
  session.moves = session.moves + 1
  return session.moves
  -- the session is never removed
end
