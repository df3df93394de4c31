/* Built against an installed tether: the header and the library agree. */
#include <stdio.h>

#include "tether/tether.h"

int main(void) {
  if (tether_version_number() != TETHER_VERSION_NUMBER) {
    fprintf(stderr, "header %d, library %u\n", TETHER_VERSION_NUMBER,
            tether_version_number());
    return 1;
  }
  printf("tether %s\n", tether_version_string());
  return 0;
}
