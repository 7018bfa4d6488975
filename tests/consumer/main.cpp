// A consumer of footprint::footprint (everything): it uses footprint only through its public
// headers and CMake target (or pkg-config module). Narrow headers keep it cheap to compile;
// zlib and libbzip2 are called directly, to show that the target's usage requirements link
// them.
#include <footprint/book/price_level_book.hpp>
#include <footprint/error.hpp>
#include <footprint/version.hpp>

#include <bzlib.h>
#include <zlib.h>

#include <iostream>

int main() {
  static_assert(footprint::version_major >= 0);
  footprint::price_level_book book;
  book.set_level(footprint::side::buy, 99.5, 10.0);
  book.set_level(footprint::side::sell, 100.5, 5.0);
  if (!(book.best_ask() > book.best_bid())) return 1;
  try {
    throw footprint::data_error("quotes.csv", 3, 2, "price", "not a number (got 'abc')");
  } catch (const footprint::error&) {
    std::cout << "footprint " << footprint::version_string << " consumed (zlib " << zlibVersion() << ", libbzip2 "
              << BZ2_bzlibVersion() << ")\n";
    return 0;
  }
}
