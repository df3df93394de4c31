// One line of a recording as JSON: an object whose values the reader
// converts. Strings are decoded and numbers kept as their text, so that a
// 64-bit integer never passes through a double. Values of any other kind
// (true, false, null, arrays, nested objects) are checked for syntax and
// kept as kOther: a field the reader does not know is ignored whatever its
// kind, as the format asks.
#ifndef TETHER_TOOLS_REPLAY_JSON_LINE_H_
#define TETHER_TOOLS_REPLAY_JSON_LINE_H_

#include <string>
#include <string_view>
#include <vector>

namespace tether::replay {

enum class JsonKind { kString, kNumber, kOther };

struct JsonField {
  std::string name;
  JsonKind kind = JsonKind::kOther;
  // The decoded string (kString), the number as written (kNumber), or the
  // value's text (kOther).
  std::string value;
};

struct JsonObject {
  std::vector<JsonField> fields;

  // The field called `name`, or nullptr.
  const JsonField* find(std::string_view name) const;
};

// Parses `line` (without its '\n') as exactly one JSON object, with only
// whitespace around it. A name that appears twice is an error. On failure
// returns false and sets *error to what is wrong, with the column (from 1)
// where it was found.
bool parse_json_object(std::string_view line, JsonObject* object,
                       std::string* error);

}  // namespace tether::replay

#endif  // TETHER_TOOLS_REPLAY_JSON_LINE_H_
