// A consumer program: it only uses footprint through its public headers and CMake target.
#include <footprint/footprint.hpp>

#include <iostream>

int main() {
  static_assert(footprint::version_major >= 0);
  try {
    throw footprint::data_error("quotes.csv", 3, 2, "price", "not a number (got 'abc')");
  } catch (const footprint::error&) {
    std::cout << "footprint " << footprint::version_string << " consumed\n";
    return 0;
  }
}
