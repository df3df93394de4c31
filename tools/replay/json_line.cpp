#include "json_line.h"

#include <cstdint>

namespace tether::replay {
namespace {

// Arrays and objects inside an unknown field are skipped recursively; this
// bounds the recursion a hostile line can cause.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  bool parse_object(JsonObject* object) {
    skip_space();
    if (!expect('{', "expected '{' at the start of the line")) return false;
    skip_space();
    if (peek('}')) {
      ++at_;
      return finish();
    }
    for (;;) {
      skip_space();
      JsonField field;
      if (!peek('"')) return fail("expected a field name in double quotes");
      const std::size_t name_at = at_;
      if (!parse_string(&field.name)) return false;
      if (object->find(field.name) != nullptr) {
        at_ = name_at;
        return fail("duplicate field \"" + field.name + "\"");
      }
      skip_space();
      if (!expect(':', "expected ':' after a field name")) return false;
      skip_space();
      if (!parse_value(&field, 0)) return false;
      object->fields.push_back(std::move(field));
      skip_space();
      if (peek(',')) {
        ++at_;
        continue;
      }
      if (!expect('}', "expected ',' or '}' after a value")) return false;
      return finish();
    }
  }

  const std::string& error() const { return error_; }

 private:
  bool finish() {
    skip_space();
    if (at_ != text_.size()) return fail("unexpected text after the object");
    return true;
  }

  bool parse_value(JsonField* field, int depth) {
    if (at_ >= text_.size()) return fail("expected a value");
    const std::size_t start = at_;
    const char c = text_[at_];
    if (c == '"') {
      field->kind = JsonKind::kString;
      return parse_string(&field->value);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      if (!skip_number()) return false;
      field->kind = JsonKind::kNumber;
      field->value = std::string(text_.substr(start, at_ - start));
      return true;
    }
    if (!skip_other(depth)) return false;
    field->kind = JsonKind::kOther;
    field->value = std::string(text_.substr(start, at_ - start));
    return true;
  }

  // true, false, null, an array or an object, checked and thrown away.
  bool skip_other(int depth) {
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return true;
      }
    }
    const char open = at_ < text_.size() ? text_[at_] : '\0';
    if (open != '[' && open != '{') return fail("expected a value");
    if (depth >= kMaxDepth) return fail("values nested too deeply");
    const char close = open == '[' ? ']' : '}';
    ++at_;
    skip_space();
    if (peek(close)) {
      ++at_;
      return true;
    }
    for (;;) {
      skip_space();
      if (open == '{') {
        std::string ignored;
        if (!peek('"')) return fail("expected a field name in double quotes");
        if (!parse_string(&ignored)) return false;
        skip_space();
        if (!expect(':', "expected ':' after a field name")) return false;
        skip_space();
      }
      JsonField inner;
      if (!parse_value(&inner, depth + 1)) return false;
      skip_space();
      if (peek(',')) {
        ++at_;
        continue;
      }
      return expect(close, open == '[' ? "expected ',' or ']' in an array"
                                       : "expected ',' or '}' in an object");
    }
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  bool skip_number() {
    if (peek('-')) ++at_;
    if (peek('0')) {
      ++at_;
    } else if (!skip_digits()) {
      return fail("malformed number");
    }
    if (peek('.')) {
      ++at_;
      if (!skip_digits()) return fail("malformed number");
    }
    if (peek('e') || peek('E')) {
      ++at_;
      if (peek('+') || peek('-')) ++at_;
      if (!skip_digits()) return fail("malformed number");
    }
    return true;
  }

  bool skip_digits() {
    const std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    return at_ > start;
  }

  bool parse_string(std::string* out) {
    ++at_;  // the opening quote
    for (;;) {
      if (at_ >= text_.size()) return fail("unterminated string");
      const char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        --at_;
        return fail("control character in a string");
      }
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (at_ >= text_.size()) return fail("unterminated string");
      const char escaped = text_[at_++];
      switch (escaped) {
        case '"':
        case '\\':
        case '/':
          out->push_back(escaped);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u':
          if (!parse_unicode_escape(out)) return false;
          break;
        default:
          --at_;
          return fail("unknown escape in a string");
      }
    }
  }

  // After "\u": four hex digits, a surrogate pair as two escapes; written
  // out as UTF-8.
  bool parse_unicode_escape(std::string* out) {
    uint32_t unit = 0;
    if (!parse_hex4(&unit)) return false;
    uint32_t code_point = unit;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = 0;
      if (text_.substr(at_, 2) != "\\u") return fail("unpaired surrogate");
      at_ += 2;
      if (!parse_hex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate");
      code_point = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return fail("unpaired surrogate");
    }
    if (code_point < 0x80) {
      out->push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
      out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
    return true;
  }

  bool parse_hex4(uint32_t* value) {
    *value = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_ >= text_.size()) return fail("unterminated string");
      const char c = text_[at_];
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return fail("expected four hex digits after \\u");
      }
      *value = *value * 16 + digit;
      ++at_;
    }
    return true;
  }

  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                  text_[at_] == '\r' || text_[at_] == '\n')) {
      ++at_;
    }
  }

  bool peek(char c) const { return at_ < text_.size() && text_[at_] == c; }

  bool expect(char c, const char* message) {
    if (!peek(c)) return fail(message);
    ++at_;
    return true;
  }

  bool fail(const std::string& message) {
    error_ = message + " (column " + std::to_string(at_ + 1) + ")";
    return false;
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::string error_;
};

}  // namespace

const JsonField* JsonObject::find(std::string_view name) const {
  for (const JsonField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

bool parse_json_object(std::string_view line, JsonObject* object,
                       std::string* error) {
  object->fields.clear();
  Parser parser(line);
  if (parser.parse_object(object)) return true;
  *error = parser.error();
  return false;
}

}  // namespace tether::replay
