/// @file io/detail/json_reader.hpp
/// @brief Private: io's one validating JSON reader (and its parse and file helpers), shared
/// by every format of io/ (mlp_json.hpp, tree_model_json.hpp, xgboost_model.hpp).
///
/// Every accessor takes a JSON value and its field path (`layers[1].bias[2]`, built with
/// json_path and json_index) and throws `data_error(source, 0, 0, path, detail)` when the
/// value is missing, of another type, out of range or not finite, so that no format reads a
/// field unchecked and every message names the field.
///
/// **NaN policy** (one for every format): a number field is a finite JSON number. A field
/// that may be undefined (an out-of-bag prediction of a row that was never out of bag, the
/// residual sd of a Gaussian-head network) is written as `null` and read back as NaN, and
/// only the fields whose format says so accept `null` (`number_or_null`); anywhere else
/// `null`, a string or a number too large for a double is an error. Writers use
/// `json_number_or_null` for those fields and nothing else.
///
/// Compile time: the reader is a class template and the helpers are templates with a
/// defaulted parameter, so that nlohmann's parser and serialiser are compiled only in
/// translation units that read or write a model, not in every one that includes a header.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint::detail {

/// The path of member `key` of the value at `path` ("key" at the root).
[[nodiscard]] inline std::string json_path(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

/// The path of entry i of the array at `path`, e.g. "layers[1]".
[[nodiscard]] inline std::string json_index(std::string_view path, std::size_t i) { return concat(path, '[', i, ']'); }

/// A validating reader of one JSON document (see the file comment); `source` names it in
/// every error (a file name, or "<json>").
template <class Json = nlohmann::json>
class basic_json_reader {
 public:
  using json = Json;

  explicit basic_json_reader(std::string source) : source_(std::move(source)) {}

  /// The document's name, as given.
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  /// Throws data_error(source, 0, 0, field, detail).
  [[noreturn]] void fail(const std::string& field, const std::string& detail) const {
    throw data_error(source_, 0, 0, field, detail);
  }

  // ---- structure

  /// `v`, which must be an object.
  const json& object(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, concat("must be a JSON object (got ", v.type_name(), ")"));
    return v;
  }

  /// Member `key` of the object `obj` at `path`, which must be present.
  const json& at(const json& obj, const std::string& path, std::string_view key) const {
    object(obj, path);
    const auto it = obj.find(key);
    if (it == obj.end()) fail(json_path(path, key), "is missing");
    return *it;
  }

  /// Member `key` of the object `obj` at `path`, or null when absent.
  const json* find(const json& obj, const std::string& path, std::string_view key) const {
    object(obj, path);
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  /// `v`, which must be an array.
  const json& array(const json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, concat("must be an array (got ", v.type_name(), ")"));
    return v;
  }

  /// `v`, which must be an array of exactly `size` entries.
  const json& array(const json& v, const std::string& path, std::size_t size) const {
    array(v, path);
    if (v.size() != size) fail(path, concat("must have ", size, " entries (got ", v.size(), ")"));
    return v;
  }

  // ---- scalars: `v` is the value, `path` its field

  /// A finite number.
  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, concat("must be a finite number (got ", v.type_name(), ")"));
    const double x = v.template get<double>();
    if (!std::isfinite(x)) fail(path, concat("must be a finite number (got ", x, ")"));
    return x;
  }

  /// A finite number, or null (read as NaN): only for the fields whose format says so.
  double number_or_null(const json& v, const std::string& path) const {
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(path, concat("must be a finite number or null (got ", v.type_name(), ")"));
    return number(v, path);
  }

  /// An integer in [lo, hi].
  template <class Int>
  Int integer(const json& v, const std::string& path, Int lo = std::numeric_limits<Int>::min(),
              Int hi = std::numeric_limits<Int>::max()) const {
    static_assert(std::is_integral_v<Int> && !std::is_same_v<Int, bool>);
    if (!v.is_number_integer()) fail(path, concat("must be an integer (got ", v.type_name(), ")"));
    const auto range = [&](auto got) { return concat("must be an integer in [", lo, ", ", hi, "] (got ", got, ")"); };
    if (v.is_number_unsigned()) {
      const auto u = v.template get<std::uint64_t>();
      bool ok = false;
      if constexpr (std::is_signed_v<Int>) {
        ok = hi >= 0 && u <= static_cast<std::uint64_t>(hi) && static_cast<std::int64_t>(u) >= lo;
      } else {
        ok = u >= static_cast<std::uint64_t>(lo) && u <= static_cast<std::uint64_t>(hi);
      }
      if (!ok) fail(path, range(u));
      return static_cast<Int>(u);
    }
    const auto x = v.template get<std::int64_t>();
    bool ok = false;
    if constexpr (std::is_signed_v<Int>) {
      ok = x >= lo && x <= hi;
    } else {
      ok = x >= 0 && static_cast<std::uint64_t>(x) >= static_cast<std::uint64_t>(lo) &&
           static_cast<std::uint64_t>(x) <= static_cast<std::uint64_t>(hi);
    }
    if (!ok) fail(path, range(x));
    return static_cast<Int>(x);
  }

  /// true or false.
  bool boolean(const json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, concat("must be true or false (got ", v.type_name(), ")"));
    return v.template get<bool>();
  }

  /// A string.
  std::string string(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, concat("must be a string (got ", v.type_name(), ")"));
    return v.template get<std::string>();
  }

  // ---- arrays of scalars

  // (Each entry is checked in place; its path, e.g. "trees[3].value[17]", is built only when
  // it fails: building it for every entry cost more than parsing a large model.)

  /// An array of finite numbers.
  std::vector<double> numbers(const json& v, const std::string& path) const {
    array(v, path);
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& e = v[i];
      const double x = e.is_number() ? e.template get<double>() : std::numeric_limits<double>::quiet_NaN();
      out.push_back(std::isfinite(x) ? x : number(e, json_index(path, i)));
    }
    return out;
  }

  /// An array of finite numbers or nulls (read as NaN): only where the format says so.
  std::vector<double> numbers_or_null(const json& v, const std::string& path) const {
    array(v, path);
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& e = v[i];
      const double x = e.is_number() ? e.template get<double>() : std::numeric_limits<double>::quiet_NaN();
      out.push_back(std::isfinite(x) ? x : number_or_null(e, json_index(path, i)));
    }
    return out;
  }

  /// An array of integers in [lo, hi].
  template <class Int>
  std::vector<Int> integers(const json& v, const std::string& path, Int lo = std::numeric_limits<Int>::min(),
                            Int hi = std::numeric_limits<Int>::max()) const {
    array(v, path);
    std::vector<Int> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& e = v[i];
      if constexpr (std::is_signed_v<Int>) {  // the usual cases: an integer in range (nlohmann reads
        // a non-negative one as unsigned)
        if (e.is_number_unsigned()) {
          const auto u = e.template get<std::uint64_t>();
          if (hi >= 0 && u <= static_cast<std::uint64_t>(hi) && (lo <= 0 || u >= static_cast<std::uint64_t>(lo))) {
            out.push_back(static_cast<Int>(u));
            continue;
          }
        } else if (e.is_number_integer()) {
          const auto x = e.template get<std::int64_t>();
          if (x >= static_cast<std::int64_t>(lo) && x <= static_cast<std::int64_t>(hi)) {
            out.push_back(static_cast<Int>(x));
            continue;
          }
        }
      }
      out.push_back(integer<Int>(e, json_index(path, i), lo, hi));
    }
    return out;
  }

  // ---- members: the same reads of member `key` of the object `obj` at `path`

  double number(const json& obj, const std::string& path, std::string_view key) const {
    return number(at(obj, path, key), json_path(path, key));
  }
  double number_or_null(const json& obj, const std::string& path, std::string_view key) const {
    return number_or_null(at(obj, path, key), json_path(path, key));
  }
  template <class Int>
  Int integer(const json& obj, const std::string& path, std::string_view key, Int lo = std::numeric_limits<Int>::min(),
              Int hi = std::numeric_limits<Int>::max()) const {
    return integer<Int>(at(obj, path, key), json_path(path, key), lo, hi);
  }
  bool boolean(const json& obj, const std::string& path, std::string_view key) const {
    return boolean(at(obj, path, key), json_path(path, key));
  }
  std::string string(const json& obj, const std::string& path, std::string_view key) const {
    return string(at(obj, path, key), json_path(path, key));
  }
  std::vector<double> numbers(const json& obj, const std::string& path, std::string_view key) const {
    return numbers(at(obj, path, key), json_path(path, key));
  }
  std::vector<double> numbers_or_null(const json& obj, const std::string& path, std::string_view key) const {
    return numbers_or_null(at(obj, path, key), json_path(path, key));
  }
  template <class Int>
  std::vector<Int> integers(const json& obj, const std::string& path, std::string_view key,
                            Int lo = std::numeric_limits<Int>::min(), Int hi = std::numeric_limits<Int>::max()) const {
    return integers<Int>(at(obj, path, key), json_path(path, key), lo, hi);
  }

  /// The header of every footprint format: `"format": format` and an integer `"version"`
  /// in [1, max_version].
  void header(const json& obj, const std::string& path, std::string_view format, int max_version) const {
    const std::string got = string(obj, path, "format");
    if (got != format) fail(json_path(path, "format"), concat("must be '", format, "' (got '", got, "')"));
    const auto version = integer<std::int64_t>(obj, path, "version");
    if (version < 1 || version > max_version) {
      fail(json_path(path, "version"),
           max_version == 1
               ? concat("unsupported version ", version, " (this footprint reads version 1)")
               : concat("unsupported version ", version, " (this footprint reads versions 1 to ", max_version, ")"));
    }
  }

  /// Rethrows `e`, an invalid_argument thrown by `where` (a model's from_state, whose
  /// messages read "<where>: <field> <detail>"), as data_error(source, 0, 0, prefix + field,
  /// e.what()): prefix is where the state sits in the document, e.g. "ensemble." or "".
  [[noreturn]] void rethrow_state_error(const std::exception& e, std::string_view where,
                                        std::string_view prefix) const {
    const std::string_view what = e.what();
    std::string field(prefix);
    if (what.size() > where.size() + 2 && what.substr(0, where.size()) == where &&
        what.substr(where.size(), 2) == ": ") {
      const std::string_view rest = what.substr(where.size() + 2);
      field += rest.substr(0, rest.find(' '));
    } else if (!field.empty() && field.back() == '.') {
      field.pop_back();
    }
    fail(field, std::string(what));
  }

 private:
  std::string source_;
};

/// io's reader of nlohmann::json documents.
using json_reader = basic_json_reader<nlohmann::json>;

/// A `Model` read from a parsed document by `read(reader, j, model)` (a format's from_json):
/// the body every model_from_json_value shares. An nlohmann exception (defensive: every access
/// is checked first) becomes the reader's data_error.
template <class Model, class Read>
[[nodiscard]] Model read_json_value(const nlohmann::json& j, const std::string& source, Read read) {
  const json_reader r(source);
  Model m;
  try {
    read(r, j, m);
  } catch (const nlohmann::json::exception& e) {
    r.fail("", e.what());
  }
  return m;
}

/// `x` as JSON, or null when it is NaN: only for the fields whose format may be undefined
/// (see the NaN policy). Any other non-finite value is a caller's bug.
template <class Json = nlohmann::json>
[[nodiscard]] Json json_number_or_null(double x) {
  return std::isnan(x) ? Json(nullptr) : Json(x);
}

/// Parses JSON text; invalid JSON (or a number too large for a double) is
/// data_error(source, 0, 0, "", "not valid JSON at byte N: ...").
template <class Json = nlohmann::json>
[[nodiscard]] Json parse_json(std::string_view text, const std::string& source) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const typename Json::parse_error& e) {
    throw data_error(source, 0, 0, "", concat("not valid JSON at byte ", e.byte, ": ", e.what()));
  } catch (const typename Json::exception& e) {  // e.g. out_of_range: a number overflows a double
    throw data_error(source, 0, 0, "", concat("not valid JSON: ", e.what()));
  }
}

/// Largest model text read from a file or a stream: 1 GiB (the largest model footprint
/// writes is far smaller; a bigger "model" is hostile or not a model).
inline constexpr std::size_t max_text_file_bytes = std::size_t{1} << 30;

/// The whole stream (a JSON document) as text, in bounded memory: a stream whose first
/// non-blank byte (after an optional UTF-8 byte-order mark) cannot start JSON ('{' or '[') is
/// refused at once (e.g. /dev/zero, a binary or compressed file), one longer than `max_bytes`
/// when that is reached.
/// @param source the stream's name in errors (a file name, or "<stream>")
/// @throws data_error(source, ...) when it cannot be read, does not start like JSON, is
///         longer than max_bytes, or memory runs out
template <class = void>
[[nodiscard]] std::string read_json_text(std::istream& in, const std::string& source,
                                         std::size_t max_bytes = max_text_file_bytes) {
  std::string text;
  std::vector<char> block(std::size_t{1} << 20);
  bool checked = false;
  try {
    while (in) {
      in.read(block.data(), static_cast<std::streamsize>(block.size()));
      const auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0) break;
      if (text.size() + got > max_bytes)
        throw data_error(source, 0, 0, "", concat("longer than ", max_bytes, " bytes: not a model file"));
      text.append(block.data(), got);
      if (!checked) {
        const std::size_t bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
        const std::size_t first = text.find_first_not_of(" \t\r\n", bom);
        if (first != std::string::npos) {
          checked = true;
          const char c = text[first];
          if (c != '{' && c != '[')
            throw data_error(source, 0, 0, "",
                             concat("not JSON: it starts with byte ", static_cast<int>(static_cast<unsigned char>(c)),
                                    " at offset ", first, " (expected '{')"));
        } else if (text.size() > 4096) {
          throw data_error(source, 0, 0, "", "not JSON: more than 4096 blank bytes at its start");
        }
      }
    }
  } catch (const std::bad_alloc&) {
    throw data_error(source, 0, 0, "", concat("out of memory after ", text.size(), " bytes"));
  }
  if (in.bad()) throw data_error(source, 0, 0, "", "read failed");
  return text;
}

/// Parses the JSON text of a stream, read as read_json_text does (at most 1 GiB, refused at
/// once when it does not start like JSON). @throws data_error as read_json_text and
/// parse_json(text, source)
template <class Json = nlohmann::json>
[[nodiscard]] Json parse_json(std::istream& is, const std::string& source) {
  return parse_json<Json>(read_json_text(is, source), source);
}

/// The whole file (a JSON document) as text, in bounded memory, as read_json_text reads a
/// stream; a regular file larger than `max_bytes` (e.g. a sparse file of terabytes) is
/// refused from its size, before anything is read.
/// @throws data_error(path, ...) when it cannot be opened or read, does not start like JSON,
///         is longer than max_bytes, or memory runs out
template <class = void>
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path,
                                         std::size_t max_bytes = max_text_file_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error(path.string(), 0, 0, "", "cannot open the file for reading");
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes)
      throw data_error(path.string(), 0, 0, "",
                       concat("is ", size, " bytes, longer than ", max_bytes, " bytes: not a model file"));
  }
  return read_json_text(in, path.string(), max_bytes);
}

/// Writes `text` to the file (replacing it). @throws data_error(path, ...) on failure
template <class = void>
void write_text_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw data_error(path.string(), 0, 0, "", "cannot open the file for writing");
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw data_error(path.string(), 0, 0, "", "write failed");
}

}  // namespace footprint::detail
