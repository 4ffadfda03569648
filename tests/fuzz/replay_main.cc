// Replay driver for fuzz targets outside the fuzz build: runs the target over
// every file of the seed corpus directories given on the command line, then
// over a fixed number of pseudo-random inputs (fixed seed: repeatable), and
// derived mutations of the seeds. A crash or sanitizer report fails the test.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& bytes) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path dir(argv[i]);
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  for (const auto& s : seeds) run(s);

  std::mt19937_64 rng(0x5eedcafe);
  const std::string alphabet = "0123456789+-.,:;'?TDWMQJYLCtdwmqjylc \n\t{}[]\"\\aAbBeEfnrsu";
  std::size_t runs = 0;
  for (int i = 0; i < 20000; ++i, ++runs) {
    std::string input;
    if (!seeds.empty() && (i % 2 == 0)) {
      input = seeds[rng() % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const auto op = rng() % 3;
        const std::size_t pos = input.empty() ? 0 : rng() % (input.size() + 1);
        if (op == 0 || input.empty()) {
          input.insert(pos, 1, alphabet[rng() % alphabet.size()]);
        } else if (op == 1 && pos < input.size()) {
          input.erase(pos, 1);
        } else if (pos < input.size()) {
          input[pos] = static_cast<char>(rng() % 256);
        }
      }
    } else {
      const std::size_t len = rng() % 24;
      for (std::size_t k = 0; k < len; ++k) input += alphabet[rng() % alphabet.size()];
    }
    run(input);
  }
  std::cout << "replayed " << seeds.size() << " seed(s) and " << runs << " generated input(s)\n";
  return 0;
}
