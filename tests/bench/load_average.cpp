#include "load_average.h"

#include <cstdio>

namespace tether_bench {

double one_minute_load_average() {
  std::FILE* file = std::fopen("/proc/loadavg", "r");
  if (file == nullptr) return -1;
  double load = -1;
  if (std::fscanf(file, "%lf", &load) != 1) load = -1;
  std::fclose(file);
  return load;
}

}  // namespace tether_bench
