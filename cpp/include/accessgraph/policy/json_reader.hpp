#pragma once
// Reading JSON text into a nlohmann document while noticing repeated object keys.
//
// RFC 8259 (section 4) says only that the names in an object SHOULD be unique, and JSON readers
// differ on which value of a repeated name they keep: {"Effect": "Deny", "Effect": "Allow"} is a
// Deny to one reader and an Allow to another. nlohmann's own DOM parser keeps the last value
// silently, and its parser callback (which could count keys) rescans each parent container at
// every closing brace, which is quadratic on long arrays. DomReader is a SAX handler that builds
// the same document in one pass, learns of a repeat from the insertion itself, and knows the JSON
// pointer of the repetition from the path it is building.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace accessgraph::policy {

// RFC 6901: "~" is written "~0" and "/" is written "~1".
std::string escape_pointer_token(std::string_view token);

template <class Json>
class DomReader {
 public:
  using string_t = typename Json::string_t;
  using object_t = typename Json::object_t;
  using array_t = typename Json::array_t;

  // `stop_at_repeat`: stop reading at the first repeated key (sax_parse then returns false);
  // otherwise the last value of a repeated key is kept, as nlohmann::json::parse does.
  DomReader(Json& root, bool stop_at_repeat) : root_(root), stop_at_repeat_(stop_at_repeat) {}

  // Reads `text` into the root; throws Json's parse_error / out_of_range on invalid JSON.
  // Returns false only when it stopped at a repeated key.
  bool read(std::string_view text) { return Json::sax_parse(text.begin(), text.end(), this); }

  bool repeated() const noexcept { return repeated_; }
  const std::string& repeated_key() const noexcept { return repeated_key_; }
  const std::string& repeated_pointer() const noexcept { return repeated_pointer_; }  // of the first repeat

  // SAX events (nlohmann::json_sax).
  bool null() { return put(Json(nullptr)); }
  bool boolean(bool v) { return put(Json(v)); }
  bool number_integer(typename Json::number_integer_t v) { return put(Json(v)); }
  bool number_unsigned(typename Json::number_unsigned_t v) { return put(Json(v)); }
  template <class NumberText>
  bool number_float(typename Json::number_float_t v, const NumberText&) { return put(Json(v)); }
  bool string(string_t& v) { return put(Json(v)); }
  bool binary(typename Json::binary_t& v) { return put(Json::binary(v)); }
  bool start_object(std::size_t) { return open(Json(Json::value_t::object)); }
  bool start_array(std::size_t) { return open(Json(Json::value_t::array)); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(string_t& k) {
    Frame& f = stack_.back();
    auto& object = *f.value->template get_ptr<object_t*>();
    auto [it, inserted] = object.emplace(k, Json());
    if (!inserted) {
      if (!repeated_) {
        repeated_ = true;
        repeated_key_.assign(k.begin(), k.end());
        repeated_pointer_ = path() + "/" + escape_pointer_token(repeated_key_);
      }
      if (stop_at_repeat_) return false;
      it->second = Json();  // the last value wins
    }
    f.member = &it->second;
    f.key = &it->first;
    return true;
  }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& ex) {
    throw ex;
  }

 private:
  struct Frame {
    Json* value;
    Json* member = nullptr;           // objects: the value of the current key
    const string_t* key = nullptr;    // objects: the current key
  };
  // Places a value where the open container expects it; returns where it lies.
  Json* place(Json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.value->is_array()) {
      auto& array = *f.value->template get_ptr<array_t*>();
      array.push_back(std::move(v));
      return &array.back();
    }
    *f.member = std::move(v);
    return f.member;
  }
  bool put(Json&& v) {
    place(std::move(v));
    return true;
  }
  bool open(Json&& container) {
    stack_.push_back(Frame{place(std::move(container))});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  // The pointer of the innermost open container.
  std::string path() const {
    std::string out;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      out += '/';
      if (f.value->is_array()) {
        out += std::to_string(f.value->size() - 1);  // the element being read is the last one
      } else {
        out += escape_pointer_token(std::string_view(f.key->data(), f.key->size()));
      }
    }
    return out;
  }

  Json& root_;
  bool stop_at_repeat_;
  std::vector<Frame> stack_;
  bool repeated_ = false;
  std::string repeated_key_;
  std::string repeated_pointer_;
};

}  // namespace accessgraph::policy
