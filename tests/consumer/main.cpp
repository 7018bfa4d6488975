// A consumer of footprint::footprint (everything): it uses footprint only through its public
// headers and CMake target (or pkg-config module). Narrow headers keep it cheap to compile;
// zlib and libbzip2 are called directly, to show that the target's usage requirements link
// them, and a gzip file is read back through line_reader (zlib's decoder, or ISA-L's when the
// consumer asked for it: FOOTPRINT_USE_ISAL).
#include <footprint/book/price_level_book.hpp>
#include <footprint/error.hpp>
#include <footprint/feeds/line_reader.hpp>
#include <footprint/version.hpp>

#include <bzlib.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

int main() {
  static_assert(footprint::version_major >= 0);
  footprint::price_level_book book;
  book.set_level(footprint::side::buy, 99.5, 10.0);
  book.set_level(footprint::side::sell, 100.5, 5.0);
  if (!(book.best_ask() > book.best_bid())) return 1;
  const std::string gz = (std::filesystem::temp_directory_path() / "footprint_consumer.csv.gz").string();
  gzFile f = gzopen(gz.c_str(), "wb");
  if (f == nullptr || gzputs(f, "price,quantity\n99.5,10\n") < 0 || gzclose(f) != Z_OK) return 1;
  footprint::line_reader lines(gz);
  std::string_view line;
  int n = 0;
  while (lines.next(line)) ++n;
  std::remove(gz.c_str());
  if (n != 2) return 1;
  try {
    throw footprint::data_error("quotes.csv", 3, 2, "price", "not a number (got 'abc')");
  } catch (const footprint::error&) {
    std::cout << "footprint " << footprint::version_string << " consumed (zlib " << zlibVersion() << ", libbzip2 "
              << BZ2_bzlibVersion() << "; gzip read by " << (footprint::isal_available ? "ISA-L" : "zlib") << ")\n";
    return 0;
  }
}
